"""Tags: what AWS accepts as keys and values, and how many one resource may carry.

Source: AWS tagging restrictions, as every service's tagging page states them (e.g. the ECS
API reference, Tag; AWS Batch User Guide, "Tag restrictions"): "Maximum number of tags per
resource – 50"; "Maximum key length – 128 Unicode characters in UTF-8"; "Maximum value length –
256 Unicode characters in UTF-8"; "Generally allowed characters are letters, numbers, spaces
representable in UTF-8, and the following characters: + - = . _ : / @"; "Don't use aws:, AWS:,
or any upper or lowercase combination of such as a prefix for either keys or values".
RDS, whose resources get these tags too (RDS API Reference, Tag): keys "from 1 to 128 Unicode
characters in length and can't be prefixed with aws: or rds:", values likewise up to 256;
"only the set of Unicode letters, digits, white-space, '_', '.', ':', '/', '=', '+', '-', '@'
(Java regex: "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")".
"""

from __future__ import annotations

import unicodedata

from components.settings.base import DEFAULT_TAG_KEYS, config_key
from components.settings.model import Settings

MAX_TAGS = 50
MAX_KEY = 128
MAX_VALUE = 256
_SYMBOLS = set("+-=._:/@")
_RESERVED_PREFIXES = ("aws:", "rds:")
# Tags the platform itself adds to a replica besides the defaults (components/wiring.py).
REPLICA_TAG_KEYS = ("ReplicaOf",)


def _allowed(text: str) -> bool:
    return all(c in _SYMBOLS or unicodedata.category(c)[0] in "LNZ" for c in text)


def tag_problems_of(key: str, tags: dict[str, str], platform_keys: tuple[str, ...],
                    inherited: tuple[str, ...] = ()) -> list[str]:
    """What AWS would refuse in one resource's tags (`platform_keys` and `inherited` come on top)."""
    problems: list[str] = []
    total = len(set(tags) | set(platform_keys) | set(inherited))
    if total > MAX_TAGS:
        problems.append(f"{key}: {len(tags)} tags plus the platform's {len(platform_keys)} "
                        f"({', '.join(platform_keys)}) and {len(inherited)} inherited make {total}; "
                        f"AWS allows at most {MAX_TAGS} per resource")
    for k, v in tags.items():
        if not 1 <= len(k) <= MAX_KEY:
            problems.append(f"{key}: tag key {k[:40]!r}... has {len(k)} characters; AWS allows 1..{MAX_KEY}")
        elif not _allowed(k):
            problems.append(f"{key}: tag key {k!r} has characters AWS refuses; allowed: letters, digits, "
                            "spaces and + - = . _ : / @")
        if len(v) > MAX_VALUE:
            problems.append(f"{key}.{k}: tag value has {len(v)} characters; AWS allows at most {MAX_VALUE}")
        elif not _allowed(v):
            problems.append(f"{key}.{k} = {v!r}: tag value has characters AWS refuses; allowed: letters, "
                            "digits, spaces and + - = . _ : / @")
        elif v.lower().startswith(_RESERVED_PREFIXES):
            problems.append(f"{key}.{k} = {v!r}: tag values may not start with aws: or rds: (reserved by AWS)")
        if k.lower().startswith("rds:"):
            problems.append(f"{key}: tag key {k!r} starts with rds:, which RDS reserves")
    return problems


def tag_problems(s: Settings) -> list[str]:
    """The stack's tags and each replica's, with what the platform adds to them."""
    problems = tag_problems_of(config_key("tags"), s.tags, DEFAULT_TAG_KEYS)
    for i, replica in enumerate(s.replicas):
        key = f"{config_key('replicas')}.{i}.tags"
        reserved = sorted(k for k in replica.tags
                          if k.lower().startswith("aws:") or k in DEFAULT_TAG_KEYS + REPLICA_TAG_KEYS)
        if reserved:
            problems.append(f"{key}: {reserved} are set by the platform or reserved by AWS")
        problems += tag_problems_of(key, replica.tags, DEFAULT_TAG_KEYS + REPLICA_TAG_KEYS, tuple(s.tags))
    return list(dict.fromkeys(problems))
