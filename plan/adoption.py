"""The live values of adopted resources: `adoption/<stack>.json`, written by `operations adopt`.

A resource created with an import ID (`rdsplatform:importIds`) is read by Pulumi on the first `up`
and then updated to the program's inputs (Pulumi docs, *Resource option: import*: "the import will
succeed, and the resource will then be modified to reflect the inputs in your Pulumi program";
docs/aws-rules.md row 92). The offline gate cannot read AWS, so adopt records what it read, as the
provider's *input* names, and the gate compares the program's inputs with it: each difference is
a change the first `up` makes, judged as any other (preview/diff.py).

    {"version": 1, "stack": "prod", "region": "eu-west-1", "readAt": "2026-12-07T15:00:00Z",
     "command": "python -m operations adopt --db-instance orders-prod --stack prod",
     "resources": [{"type": "aws:rds/instance:Instance", "importId": "orders-prod",
                    "inputs": {"publiclyAccessible": true, ...}}]}

Only what AWS reports is recorded: provider-only arguments (`applyImmediately`,
`skipFinalSnapshot`, ...) and write-only ones (a password) are not AWS state, so an input the file
does not hold is not compared. No secret is ever written here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = 1
DIRECTORY = "adoption"
SCHEMA_PATH = Path(__file__).with_name("adoption.schema.json")


class AdoptionError(Exception):
    """The file is not an adoption record of this stack."""


def path_for(project_dir: Path, stack: str) -> Path:
    """Where adopt writes, and the gate reads, the live values of `stack`'s adopted resources."""
    return project_dir / DIRECTORY / f"{stack}.json"


def document(stack: str, region: str, read_at: str, command: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The record adopt writes: `resources` as [{type, importId, inputs}]."""
    return {"version": VERSION, "stack": stack, "region": region, "readAt": read_at, "command": command,
            "resources": resources}


@dataclass(frozen=True)
class LiveValues:
    """What adopt read: inputs by (type, import ID), and the record they came from (as shown)."""

    source: str
    inputs: dict[tuple[str, str], dict[str, Any]]

    def of(self, type_: str, import_id: str) -> dict[str, Any] | None:
        return self.inputs.get((type_, import_id))


def read(path: Path, stack: str, shown: str = "") -> LiveValues:
    """The record at `path` for `stack` (named `shown` in reports; default the path), checked
    against its schema; AdoptionError says what is wrong."""
    import jsonschema

    try:
        found = json.loads(path.read_text())
    except OSError as exc:
        raise AdoptionError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AdoptionError(f"{path}: not JSON ({exc})") from None
    try:
        jsonschema.validate(found, json.loads(SCHEMA_PATH.read_text()))
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise AdoptionError(f"{path}: {where}: {exc.message} (written by python -m operations adopt; "
                            f"schema plan/{SCHEMA_PATH.name})") from None
    if found["stack"] != stack:
        raise AdoptionError(f"{path} records stack {found['stack']!r}, not {stack!r}")
    return LiveValues(shown or str(path), {(r["type"], r["importId"]): r["inputs"] for r in found["resources"]})


# The provider's docstring of `rds.Instance` engineVersion: "If autoMinorVersionUpgrade is enabled,
# you can provide a prefix of the version such as 8.0 (for 8.0.36)" (docs/aws-rules.md row 93).
VERSION_PREFIX_TYPES = ("aws:rds/instance:Instance",)


def same_as_live(type_: str, prop: str, planned: Any, live: Any, inputs: dict[str, Any]) -> bool:
    """True when the provider sees no difference between the program's `planned` and the `live`
    value, beyond equality: an engine version given as a prefix of the live one, with automatic
    minor upgrades on."""
    if planned == live:
        return True
    if prop == "policy" and isinstance(planned, str) and isinstance(live, str):
        # The same JSON document written another way (spacing, key order) is the same policy.
        try:
            return bool(json.loads(planned) == json.loads(live))
        except json.JSONDecodeError:
            return False
    if type_ not in VERSION_PREFIX_TYPES or prop != "engineVersion" or not inputs.get("autoMinorVersionUpgrade", True):
        return False
    return isinstance(planned, str) and isinstance(live, str) and live.startswith(planned + ".")
