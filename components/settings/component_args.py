"""The component's typed args (components/platform_args.py) to and from `Settings`.

One code path for every caller: the program turns its validated stack settings into args
(`to_args`), the component package receives args from a consumer, and `DatabasePlatform`
builds `Settings` from args either way (`parse_args`), with the same models and rules as a
stack file, every problem at once.
"""

from __future__ import annotations

import typing
from enum import Enum
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, cast

from pydantic.alias_generators import to_camel

from components.settings.base import SettingsModel
from components.settings.model import Settings
from components.settings.reading import parse

if TYPE_CHECKING:  # generated from these models; only its type is named here
    from components.platform_args import DatabasePlatformArgs

# Inputs of the package that are not settings of the stack file (the stack name and aws:region).
CONTEXT_KEYS = ("environment", "region")


def to_args(settings: Settings) -> DatabasePlatformArgs:
    """Validated stack settings as component args (snake_case names, plain values)."""
    # model_dump is typed dict[str, Any]; its keys are the fields DatabasePlatformArgs is generated
    # from (tools/gen_component_args.py), enum members as their text, as parse_args reads them.
    return cast("DatabasePlatformArgs", {"environment": settings.environment, "region": settings.region,
                                         **settings.model_dump(mode="python", exclude_none=True)})


def parse_args(args: Mapping[str, Any], *, environment: str, region: Optional[str],
               secret_keys: Iterable[str] = ()) -> Settings:
    """Settings from component args, or SettingsError naming each input (as rdsplatform:<input>)."""
    raw = _camel(Settings, {k: v for k, v in args.items() if k not in CONTEXT_KEYS})
    return parse(raw, environment=environment, region=region, secret_keys=secret_keys)


def from_component(args: Mapping[str, Any], resource_name: str, secret_keys: Iterable[str] = ()) -> Settings:
    """Settings of one DatabasePlatform: args, with the defaults a component takes from its context.

    `environment` defaults to the stack name, `region` to the stack's aws:region (this and
    `reading.load` are the only readers of `pulumi.Config`), `name` to the resource name.
    """
    import pulumi

    args = {"name": resource_name, **args}
    return parse_args(args, environment=args.get("environment") or pulumi.get_stack(),
                      region=args.get("region") or pulumi.Config("aws").get("region"), secret_keys=secret_keys)


def _camel(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """snake_case keys of a model (and of its nested models) to the camelCase of the stack file;
    enum members to their values. Keys of free-form maps (tags, parameters) stay as given."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        field = model.model_fields.get(key)
        out[(field.alias or to_camel(key)) if field else key] = _value(field.annotation if field else None, value)
    return out


def _value(annotation: Any, value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    nested = _nested_model(annotation)
    if nested is not None and isinstance(value, Mapping):
        return _camel(nested, value)
    if nested is not None and isinstance(value, (list, tuple)):
        return [_camel(nested, v) if isinstance(v, Mapping) else v for v in value]
    if isinstance(value, (list, tuple)):
        return [_value(None, v) for v in value]
    return value


def _nested_model(annotation: Any) -> Optional[type]:
    """The settings model inside an annotation (X, Optional[X], tuple[X, ...]), if any."""
    candidates = [annotation, *typing.get_args(annotation)]
    candidates += [a for c in candidates for a in typing.get_args(c)]
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, SettingsModel)), None)
