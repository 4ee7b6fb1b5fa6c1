"""The component package's provider: DatabasePlatform over Pulumi's component provider host.

The SDK's `ComponentProvider` infers the schema from `DatabasePlatform` and its generated args
(components/platform_args.py). This subclass adds what a consumer in another language needs:
the args are validated with the stack file's rules before the component registers anything,
and every problem comes back as an input error naming the input (gRPC INVALID_ARGUMENT with
one property error each), not as an exception with a traceback (gRPC UNKNOWN).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Optional

import pulumi
from pydantic.alias_generators import to_camel
from pulumi.output import Unknown
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError

from components.platform import DatabasePlatform
from components.settings import SettingsError, from_component
from components.settings.base import PROJECT, config_key
from components.version import version

ROOT = Path(__file__).resolve().parent.parent
NAME = PROJECT
SCHEMA = Path(__file__).resolve().parent / "schema.json"
# Inputs whose keys are the consumer's own (tag keys, parameter names, alarm keys), not fields.
FREE_FORM = frozenset({"tags", "parameters", "thresholds"})


class UnresolvedInput(Exception):
    """An input whose value is not known yet (an output of a resource still to be created)."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def resolve(value: Any, path: str, found: dict[str, set[Any]]) -> Any:
    """A plain value for an input the engine sent; records secret paths and dependencies.

    `Provider.construct` is synchronous, but the server hands over inputs as outputs built
    from values it has already received, so their data is complete; anything else is unknown.
    """
    if isinstance(value, Unknown):
        raise UnresolvedInput(path)
    if isinstance(value, pulumi.Output):
        data = value._data  # noqa: SLF001 - the only synchronous view of a resolved output
        if not data.done() or data.cancelled() or data.exception() is not None or not data.result().is_known:
            raise UnresolvedInput(path)
        result = data.result()
        if result.is_secret:
            found["secret"].add(path.split(".")[0].split("[")[0])
        found["resources"] |= set(result.resources)
        return resolve(result.value, path, found)
    if isinstance(value, dict):
        # Sorted: the wire does not keep a map's order, and tags end up in JSON text (the AWS
        # provider's defaultTags), whose order must not change from one run to the next.
        return {k: resolve(value[k], f"{path}.{k}" if path else k, found) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [resolve(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


def input_errors(problems: list[str]) -> list[InputPropertyErrorDetails]:
    """One property error per settings problem: its input's schema path and the problem."""
    errors: list[InputPropertyErrorDetails] = []
    for problem in problems:
        match = re.match(rf"{PROJECT}:([A-Za-z0-9_.]+)", problem)
        if match:
            path = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", match.group(1))
        else:
            path = "region" if problem.startswith("aws:region") else ""
        reason = problem.replace(config_key(""), "")
        errors.append({"property_path": path, "reason": reason})
    return errors


class PlatformProvider(ComponentProvider):
    """Hosts DatabasePlatform; refuses bad args as input errors before anything registers."""

    def __init__(self) -> None:
        super().__init__([DatabasePlatform], NAME, version=version())
        # The SDK writes `"description": null` for enum values without a docstring, which
        # Pulumi's metaschema refuses (a description is a string); leave them out instead.
        self.schema = json.dumps(_without_nulls(json.loads(self.schema or "{}")))

    def construct(self, name: str, resource_type: str, inputs: Any,
                  options: Optional[pulumi.ResourceOptions] = None) -> ConstructResult:
        self.validate_resource_type(self._name, resource_type)
        component = resource_type.rsplit(":", maxsplit=1)[-1]
        definition = self._component_defs[component]
        mapped = self.map_inputs(inputs, definition)
        found: dict[str, set[Any]] = {"secret": set(), "resources": set()}
        try:
            args = {k: resolve(v, k, found) for k, v in mapped.items()}
        except UnresolvedInput as exc:
            path = schema_path(exc.path)
            raise InputPropertiesError(
                f"{name}: {path} is not known yet", [{
                    "property_path": path,
                    "reason": "not known during this preview (an output of a resource not created yet); the platform "
                              "validates its inputs and derives names from them, so pass values known at preview"}],
            ) from None
        secret_keys = [config_key(_schema_name(definition, k)) for k in found["secret"]]
        try:
            from_component(args, name, secret_keys=secret_keys)
        except SettingsError as exc:
            raise InputPropertiesError(f"{name}: invalid DatabasePlatform inputs ({len(exc.problems)} problem(s))",
                                       input_errors(exc.problems)) from None
        # The resources the inputs came from: the component waits for them, as the engine
        # would have made it wait for the outputs it was given.
        by_urn = {u: r for r in found["resources"] if (u := _known_urn(r))}
        if by_urn:
            options = (options or pulumi.ResourceOptions()).merge(
                pulumi.ResourceOptions(depends_on=[by_urn[u] for u in sorted(by_urn)]))
        try:
            instance = self._components[component](name, args, options)  # type: ignore[arg-type]  # the SDK types it as ComponentResource's own __init__
        except Exception as exc:  # noqa: BLE001 - the SDK's way to tell user code errors from its own
            raise ComponentInitError(exc) from exc
        return ConstructResult(instance.urn, self.get_state(instance, definition))


def _known_urn(resource: Any) -> Optional[str]:
    data = resource.urn._data  # noqa: SLF001 - set when the server built the dependency
    return data.result().value if data.done() and not data.cancelled() and data.exception() is None else None


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def schema_path(python_path: str) -> str:
    """replicas[0].instance_class -> replicas[0].instanceClass; keys of free-form maps stay."""
    parts = re.split(r"(\.|\[\d+\])", python_path)
    out, previous = [], ""
    for part in parts:
        out.append(part if previous in FREE_FORM or not re.fullmatch(r"[a-z][a-z0-9_]*", part) else to_camel(part))
        if part not in (".", "") and not part.startswith("["):
            previous = part
    return "".join(out)


def _schema_name(definition: Any, python_name: str) -> str:
    return next((s for s, p in definition.inputs_mapping.items() if p == python_name), python_name)


def schema_text() -> str:
    """The package schema as committed in provider/schema.json."""
    return json.dumps(json.loads(PlatformProvider().schema or "{}"), indent=2) + "\n"


def serve() -> None:
    """Run the provider's gRPC server (the Pulumi CLI starts this as the plugin)."""
    from pulumi.provider import main

    main(PlatformProvider(), sys.argv[1:])
