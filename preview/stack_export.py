"""A `pulumi stack export` file as a baseline: what is really deployed, not the plan of a ref.

    pulumi stack export --stack prod --file prod-state.json
    python -m preview --stack prod --baseline state:prod-state.json

The file is a version 3 deployment: `deployment.resources`, each with urn, type, custom, id,
inputs, outputs, parent, provider and its options (protect, retainOnDelete...). Its secrets are
`{<sig>: <secret sig>, "ciphertext": ...}` (or `"plaintext"` with `--show-secrets`). A ciphertext
cannot be read here: such a secret is "not compared". A plaintext one is replaced at once by its
fingerprint under the run's key, so no secret value outlives the reading, and compared as a git
baseline's are.

The state's inputs are what the last `up` or `refresh` recorded; after a refresh they carry any
drift. The provider fills defaults into them that the program never sets: an input the program
does not set is left to the provider (preview/diff.py `unset_is_kept`), not shown as removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from plan.registration import SECRET_SIG, SIG_KEY, Registration

# The only deployment version `pulumi stack export` writes today (pulumi 3.x).
DEPLOYMENT_VERSION = 3
STACK_TYPE = "pulumi:pulumi:Stack"


class StackExportError(Exception):
    """The file is not a stack export of this stack."""


def _secrets(value: Any, key: Optional[bytes], fingerprint: Any) -> Any:
    """`value` with each state secret as the plan's secret marker: a fingerprint, or no value."""
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        if "plaintext" in value and key is not None:
            try:
                plain = json.loads(value["plaintext"])
            except (TypeError, json.JSONDecodeError):
                plain = value["plaintext"]
            return {SIG_KEY: SECRET_SIG, "fingerprint": fingerprint(key, plain)}
        return {SIG_KEY: SECRET_SIG, "value": None}  # ciphertext: not compared
    if isinstance(value, dict):
        return {k: _secrets(v, key, fingerprint) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_secrets(v, key, fingerprint) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def registrations(source: str, stack: str, key: Optional[bytes], fingerprint: Any) -> list[Registration]:
    """The resources of the export at `source` (a path) for `stack`, secrets fingerprinted or blank."""
    try:
        document = json.loads(Path(source).read_text())
    except OSError as exc:
        raise StackExportError(f"cannot read state {source}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StackExportError(f"cannot read state {source}: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("version") != DEPLOYMENT_VERSION \
            or not isinstance(document.get("deployment"), dict):
        found = document.get("version") if isinstance(document, dict) else type(document).__name__
        raise StackExportError(f"state {source}: not a `pulumi stack export` file (version {found!r}; "
                               f"allowed: version {DEPLOYMENT_VERSION} with a deployment)")
    resources = document["deployment"].get("resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, dict) and "urn" in r and "type" in r
                                                  for r in resources):
        raise StackExportError(f"state {source}: deployment.resources must be a list of resources with urn and type")
    stacks = {r["urn"].split("::")[0].removeprefix("urn:pulumi:") for r in resources}
    if resources and stack not in stacks:
        raise StackExportError(f"state {source} is of stack {', '.join(sorted(stacks))}, not {stack}")
    found = []
    for r in resources:
        if r["type"] == STACK_TYPE:
            continue
        options = {
            "protect": bool(r.get("protect", False)),
            "retainOnDelete": bool(r.get("retainOnDelete", False)),
            "deleteBeforeReplace": bool(r.get("deleteBeforeReplace", False)),
            "ignoreChanges": sorted(r.get("ignoreChanges") or []),
            "dependencies": sorted(r.get("dependencies") or []),
            **({"aliases": [{"urn": a} for a in r["aliases"]]} if r.get("aliases") else {}),
        }
        found.append(Registration(
            urn=r["urn"], type=r["type"], name=_name(r["urn"]), custom=bool(r.get("custom", False)),
            parent=r.get("parent", ""), provider=r.get("provider", ""),
            inputs=_secrets(r.get("inputs") or {}, key, fingerprint), options=options,
            outputs=_secrets(r.get("outputs") or {}, key, fingerprint), id=r.get("id", "")))
    return found
