"""Each policy's enforcement level and settings for a stack: the one resolver.

The Pulumi CLI reconciles a policy pack config (`--policy-pack-config`, or a policy group's
config from Pulumi Cloud) before it configures the pack. This module does the same for every
caller of ours: the plain-Python front end (evaluate.py, the live audit), the offline gate
(preview/analyzer.py), the generated reference and the contract (tools/).

Read from pulumi/pulumi (2026-12-07): pkg/resource/analyzer/config.go
(`parsePolicyPackConfig`, `extractEnforcementLevel`, `ReconcilePolicyPackConfig`,
`applyConfig`) and sdk/go/common/apitype/policy.go (`EnforcementLevel.IsValid`):
- an entry is a level string or an object; an object's `enforcementLevel` (a string) is its
  level and every other key a setting; anything else is refused;
- each policy starts at its own level (the pack's when it sets none) with its schema's
  defaults; `all` with a level (string, or object with `enforcementLevel`) sets every policy's
  level; then each policy's own entry sets its level and overrides settings key by key; `all`'s
  other keys configure no policy;
- the valid levels are advisory, mandatory, remediate and disabled (pulumi-policy 1.21.0's
  `EnforcementLevel` has the same four).
The CLI ignores an entry naming no policy of the pack; this resolver refuses it, with the
closest name, because a typo would silently leave a rule at its default.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable, Mapping, Optional

ADVISORY, MANDATORY, REMEDIATE, DISABLED = "advisory", "mandatory", "remediate", "disabled"
LEVELS = (ADVISORY, MANDATORY, REMEDIATE, DISABLED)
# The pack's own level (policies/__main__.py): every policy without a level of its own.
PACK_LEVEL = MANDATORY
ALL = "all"
LEVEL_KEY = "enforcementLevel"
# How much each level blocks: remediate fixes the resource and reports what it cannot fix as
# mandatory (pulumi-policy's policy.py), so it blocks as mandatory does.
STRENGTH = {DISABLED: 0, ADVISORY: 1, MANDATORY: 2, REMEDIATE: 2}

# (name, its default level, its default settings): what a policy brings before any config.
PolicyDefault = tuple[str, str, Mapping[str, Any]]


class LevelError(ValueError):
    """The policy config has a bad level or value, or names no policy of the pack."""


def _level(name: str, value: Any) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise LevelError(f"{name}: enforcement level {value!r} is not one of {', '.join(LEVELS)}")
    return value


def parse_entry(name: str, value: Any) -> tuple[Optional[str], dict[str, Any]]:
    """One entry of the config as (its level or None, its settings)."""
    if isinstance(value, str):
        return _level(name, value), {}
    if isinstance(value, Mapping):
        settings = dict(value)
        level = _level(name, settings.pop(LEVEL_KEY)) if LEVEL_KEY in settings else None
        return level, settings
    raise LevelError(f"{name}: {value!r} is not a valid entry; expected a level ({', '.join(LEVELS)}) "
                     f"or an object with {LEVEL_KEY} and settings")


def resolve(policies: Iterable[PolicyDefault], config: Optional[Mapping[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per policy (level, settings) under `config` (None or {}: every default), as the CLI reconciles it."""
    policies = list(policies)
    config = dict(config or {})
    names = [name for name, _, _ in policies]
    unknown = sorted(set(config) - set(names) - {ALL})
    if unknown:
        named = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(names), n=1)
            named.append(f"{name} (did you mean {close[0]}?)" if close else name)
        raise LevelError(f"policy config names unknown policies: {', '.join(named)}")
    all_level = parse_entry(ALL, config[ALL])[0] if ALL in config else None
    result = {}
    for name, default, defaults in policies:
        level, settings = all_level or _level(name, default), dict(defaults)
        if name in config:
            own, given = parse_entry(name, config[name])
            level = own or level
            settings.update(given)
        result[name] = (level, settings)
    return result


def rule_defaults(rules: Iterable[Any]) -> list[PolicyDefault]:
    """(name, level, settings) of the pack's rules (rule.py's Rule and StackRule)."""
    return [(rule.name, rule.enforcement_level or PACK_LEVEL, rule.defaults()) for rule in rules]


def resolve_rules(rules: Iterable[Any], config: Optional[Mapping[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per rule of the pack (level, settings) under `config`."""
    return resolve(rule_defaults(rules), config)
