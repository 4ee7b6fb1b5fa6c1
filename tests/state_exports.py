"""A `pulumi stack export` file built from a plan: what a deployed stack's state looks like.

The plan's registrations become a version 3 deployment: one resource per registration with its
urn, type, id, inputs, outputs and options, behind the stack resource, as `pulumi stack export`
writes it. Secrets are written as the CLI writes them: `ciphertext` (the default) or, as with
`--show-secrets`, `plaintext` (the value as JSON text).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from plan.registration import SECRET_SIG, SIG_KEY, Plan, is_secret


def _state_value(value: Any, secrets: str) -> Any:
    if is_secret(value):
        if secrets == "plaintext":
            return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(value.get("value"))}
        return {SIG_KEY: SECRET_SIG, "ciphertext": "v1:AAAAexportciphertext"}
    if isinstance(value, dict):
        return {k: _state_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_state_value(v, secrets) for v in value]
    return value


def stack_export(plan: Plan, secrets: str = "ciphertext") -> dict[str, Any]:
    """The plan as the state `pulumi stack export` would print after its `up`."""
    project = plan.resources[0].urn.split("::")[1]
    stack_urn = f"urn:pulumi:{plan.stack}::{project}::pulumi:pulumi:Stack::{project}-{plan.stack}"
    resources: list[dict[str, Any]] = [{"urn": stack_urn, "custom": False, "type": "pulumi:pulumi:Stack",
                                        "outputs": {}}]
    for r in plan.resources:
        resources.append({
            "urn": r.urn, "custom": r.custom, "id": r.id, "type": r.type,
            "inputs": _state_value(copy.deepcopy(r.inputs), secrets),
            "outputs": _state_value(copy.deepcopy(r.outputs), secrets),
            "parent": r.parent or stack_urn, "provider": r.provider,
            "protect": r.options.get("protect", False), "retainOnDelete": r.options.get("retainOnDelete", False),
            "dependencies": r.options.get("dependencies", []),
            "created": "2026-12-01T10:00:00Z", "modified": "2026-12-01T10:00:00Z",
        })
    return {"version": 3, "deployment": {
        "manifest": {"time": "2026-12-01T10:00:00Z", "magic": "0" * 64, "version": "v3.272.0"},
        "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:AAAA"}},
        "resources": resources}}


def resource(export: dict[str, Any], name: str) -> dict[str, Any]:
    """The exported resource registered under `name`."""
    [found] = [r for r in export["deployment"]["resources"] if r["urn"].endswith(f"::{name}")]
    return found
