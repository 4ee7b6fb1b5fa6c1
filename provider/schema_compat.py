"""Which changes between two package schemas can break a consumer's program or generated SDK.

A consumer's program passes inputs and reads outputs; what it wrote against the old schema must
still type-check and mean the same against the new one. Breaking: a resource, input, output,
type, type property or enum value removed; a property's type changed; an input made required or
plain (an SDK then refuses the outputs it accepted); a required property added to an input type.
Adding optional inputs, outputs, enum values and types, or editing descriptions, is compatible.
"""

from __future__ import annotations

from typing import Any


def major(version: str) -> int:
    """The major part of a semver version ("v1.2.3" -> 1)."""
    return int(version.lstrip("v").split(".")[0])


def _shape(prop: dict[str, Any]) -> Any:
    """A property's type without its description: what an SDK's signature depends on."""
    return (prop.get("type"), prop.get("$ref"),
            _shape(prop["items"]) if "items" in prop else None,
            _shape(prop["additionalProperties"]) if "additionalProperties" in prop else None)


def _properties(where: str, old: dict[str, Any], new: dict[str, Any], old_required: list[str],
                new_required: list[str], *, inputs: bool) -> list[str]:
    breaks = []
    for name, prop in sorted(old.items()):
        if name not in new:
            breaks.append(f"{where}.{name}: removed")
            continue
        if _shape(prop) != _shape(new[name]):
            breaks.append(f"{where}.{name}: type changed from {_shape(prop)} to {_shape(new[name])}")
        if inputs and new[name].get("plain") and not prop.get("plain"):
            breaks.append(f"{where}.{name}: became plain (outputs are no longer accepted)")
    if inputs:
        breaks += [f"{where}.{name}: became required" for name in sorted(set(new_required) - set(old_required))]
    else:
        breaks += [f"{where}.{name}: no longer always set" for name in sorted(set(old_required) - set(new_required))]
    return breaks


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Every change from `old` to `new` that can break a consumer, one line each."""
    breaks: list[str] = []
    if old.get("name") != new.get("name"):
        breaks.append(f"package renamed from {old.get('name')} to {new.get('name')}")
    for token, resource in sorted(old.get("resources", {}).items()):
        now = new.get("resources", {}).get(token)
        if now is None:
            breaks.append(f"{token}: removed")
            continue
        breaks += _properties(f"{token} input", resource.get("inputProperties", {}), now.get("inputProperties", {}),
                              resource.get("requiredInputs", []), now.get("requiredInputs", []), inputs=True)
        breaks += _properties(f"{token} output", resource.get("properties", {}), now.get("properties", {}),
                              resource.get("required", []), now.get("required", []), inputs=False)
    for token, typ in sorted(old.get("types", {}).items()):
        now = new.get("types", {}).get(token)
        if now is None:
            breaks.append(f"{token}: removed")
            continue
        if "enum" in typ:
            values = {e.get("value") for e in now.get("enum", [])}
            breaks += [f"{token}: enum value {e.get('value')!r} removed" for e in typ["enum"] if e.get("value") not in values]
            continue
        # Object types of this package are used as inputs (the component's args).
        breaks += _properties(token, typ.get("properties", {}), now.get("properties", {}),
                              typ.get("required", []), now.get("required", []), inputs=True)
    return breaks
