"""The `config:` block of Pulumi.yaml, derived from the settings model (`model.Settings`).

A setting is declared once, on its field in `model.py` (type, default, `description=`). From it:
- `declared_keys()`: the keys Pulumi.yaml declares, written there by tools/gen_settings.py
  (`--check` fails while the committed file is stale);
- `UNSET`: the stand-ins Pulumi.yaml gives keys the model leaves unset (None), which `reading`
  drops again;
- `STRUCTURED`: the keys whose values are objects or lists, which `reading` parses as JSON.

Pulumi.yaml declares every scalar setting with its default (what the CLI applies) and the secret
keys (`secrets.SECRET_SETTINGS`) untyped with `secret: true`; the structured ones are set in the
stack files (docs/reference/config.md lists them all).
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo

from components.settings.model import Settings
from components.settings.secrets import SECRET_SETTINGS

# Pulumi project config types of the scalar annotations, and what stands for "unset" in each:
# project config needs a default of the key's type, and cannot declare None.
PROJECT_TYPES: dict[type, str] = {str: "string", int: "integer", bool: "boolean"}
STAND_INS: dict[str, Any] = {"string": "", "integer": 0}


def config_key_of(name: str, info: FieldInfo) -> str:
    """The camelCase key of a field, as a stack file spells it."""
    return info.alias or to_camel(name)


def project_type(annotation: Any) -> str | None:
    """The Pulumi config type of a scalar annotation (Optional and text Literals included), else None."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union:
        inner = [a for a in args if a is not type(None)]
        return project_type(inner[0]) if len(inner) == 1 else None
    if origin is typing.Literal:
        return "string" if all(isinstance(a, str) for a in args) else None
    return PROJECT_TYPES.get(annotation) if isinstance(annotation, type) else None


def _fields() -> list[tuple[str, FieldInfo]]:
    """Every stack-file key of the model with its field (environment and region are not keys)."""
    return [(config_key_of(n, f), f) for n, f in Settings.model_fields.items() if f.exclude is not True]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def declared_keys() -> dict[str, dict[str, Any]]:
    """Pulumi.yaml's `config:` entries: the scalar settings in model order, then the secret keys."""
    declared: dict[str, dict[str, Any]] = {}
    fields = _fields()
    for key, info in fields:
        kind = project_type(info.annotation)
        if kind is None or key in SECRET_SETTINGS:
            continue
        default = STAND_INS[kind] if info.default is None else info.default
        declared[key] = {"type": kind, "default": default, "description": _described(key, info)}
    # Untyped on purpose (components/settings/secrets.py says why).
    by_key = dict(fields)
    for key in SECRET_SETTINGS:
        info = by_key[key]
        declared[key] = {"secret": True, "default": _plain(info.default), "description": _described(key, info)}
    return declared


def _described(key: str, info: FieldInfo) -> str:
    if not info.description:
        raise ValueError(f"Settings field of {key} has no description=; Pulumi.yaml and the docs need one")
    return info.description


def _unset() -> dict[str, Any]:
    """Each scalar key the model leaves unset (default None), with its Pulumi.yaml stand-in."""
    return {key: STAND_INS[kind] for key, info in _fields()
            if info.default is None and (kind := project_type(info.annotation)) is not None}


UNSET = _unset()
STRUCTURED = frozenset(key for key, info in _fields() if project_type(info.annotation) is None)
