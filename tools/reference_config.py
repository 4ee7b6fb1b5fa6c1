"""The configuration page (docs/reference/configuration.md) of tools/gen_reference.py: every config key,
from Pulumi.yaml and the settings models."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

import yaml
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from reference_tables import HEADER, _table

ROOT = Path(__file__).resolve().parent.parent


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _type_name(tp: Any) -> str:
    tp = _strip_optional(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return "string" if all(isinstance(a, str) for a in args) else "value"
    if origin is tuple:
        inner = args[0]
        return f"list of {'objects' if _is_model(inner) else _type_name(inner) + 's'}"
    if origin is dict:
        return f"map of {_type_name(args[1])}s"
    if _is_model(tp):
        return "object"
    return {str: "string", int: "integer", bool: "boolean", float: "number"}.get(tp, getattr(tp, "__name__", str(tp)))


def _nested_model(tp: Any) -> Any:
    """The settings model a structured key holds (itself, or the items of a list), or None."""
    tp = _strip_optional(tp)
    if _is_model(tp):
        return tp
    if typing.get_origin(tp) is tuple and _is_model(typing.get_args(tp)[0]):
        return typing.get_args(tp)[0]
    return None


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    value = field.default
    if value is None:
        return "unset"
    if isinstance(value, BaseModel):
        return "`{}` (every field at its default)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (tuple, list)):
        return f"`{json.dumps(list(value))}`"
    return f"`{json.dumps(value) if isinstance(value, dict) else value}`"


def _allowed(field: Any) -> str:
    """What the model itself accepts: literal values, bounds, a pattern (cross-key rules are in the text)."""
    parts = []
    tp = _strip_optional(field.annotation)
    if typing.get_origin(tp) is Literal:
        parts.append(", ".join(f"`{a}`" for a in typing.get_args(tp)))
    for meta in field.metadata:
        if isinstance(meta, Ge):
            parts.append(f"≥ {meta.ge}")
        elif isinstance(meta, Gt):
            parts.append(f"> {meta.gt}")
        elif isinstance(meta, Le):
            parts.append(f"≤ {meta.le}")
        elif isinstance(meta, Lt):
            parts.append(f"< {meta.lt}")
        elif getattr(meta, "pattern", None):
            # A pipe cannot be escaped inside a code span of a table cell: such a pattern goes as text.
            parts.append(f"matches {meta.pattern}" if "|" in meta.pattern else f"matches `{meta.pattern}`")
    return "; ".join(parts)


def _doc(model: Any) -> str:
    return (model.__doc__ or "").strip().splitlines()[0]


def _anchor(path: str) -> str:
    return path.lower().replace(".", "")


def config_page() -> str:
    """Every config key: Pulumi.yaml's declared keys and the settings models, nested ones included."""
    from components.settings import SECRET_KEYS, Settings

    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["name"]
    lines = [HEADER + "# Configuration keys", "",
             f"Every key of a stack file (`{project}:<key>`), from `Pulumi.yaml` and the settings models in",
             "`components/settings/`. Set a scalar with `pulumi config set <key> <value>`; lists and objects go",
             "in the stack file. Unknown keys and unknown fields are refused. \"Allowed\" is what the model",
             "itself checks; the rules between keys are in [Configuration](../configuration.md).", "",
             "## Stack keys", ""]
    rows = [["`aws:region`", "string", "required", "", "", "the primary region (the AWS provider's key)"]]
    nested: list[tuple[str, Any]] = []
    for name, field in Settings.model_fields.items():
        if name in ("environment", "region"):  # the stack's name and aws:region, not keys of this project
            continue
        key = field.alias or name
        model = _nested_model(field.annotation)
        if model is not None:
            nested.append((key, model))
            text = f"{_doc(model)} See [{key}](#{_anchor(key)})."
        else:
            text = (declared.get(key) or {}).get("description") or field.description or ""
        rows.append([f"`{key}`", _type_name(field.annotation), _default(field), _allowed(field),
                     "yes" if key in SECRET_KEYS else "", text])
    lines += _table(["key", "type", "default", "allowed", "secret", "meaning"], rows)
    while nested:
        path, model = nested.pop(0)
        lines += ["", f"## {path}", "", _doc(model), ""]
        rows = []
        for name, field in model.model_fields.items():
            key = field.alias or name
            inner = _nested_model(field.annotation)
            if inner is not None:
                nested.append((f"{path}.{key}", inner))
            text = field.description or ""
            if inner is not None:
                text = f"{text} See [{path}.{key}](#{_anchor(f'{path}.{key}')})."
            rows.append([f"`{key}`", _type_name(field.annotation), _default(field), _allowed(field), text])
        lines += _table(["field", "type", "default", "allowed", "meaning"], rows)
    return "\n".join(lines) + "\n"
