"""Reading a stack's config: the one `pulumi.Config` reader, config text to typed `Settings`."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pydantic
from pydantic.alias_generators import to_camel

from components.settings.base import PROJECT, SettingsError, config_key
from components.settings.model import Settings
from components.settings.rules import cross_field_problems

# Pulumi.yaml declares "unset" as "" or 0 (project config needs a default of the key's type).
UNSET = {"engineVersion": "", "vpcId": "", "iops": 0, "storageThroughput": 0, "port": 0,
         "azCount": 0, "databaseInsights": ""}

# Keys whose values are structured (objects or lists); pulumi.Config hands them over as JSON.
STRUCTURED = frozenset({
    "subnetIds", "allowedCidrs", "allowedSecurityGroupIds", "tags", "parameters",
    "replicas", "disasterRecovery", "proxy", "alarms", "restore", "cluster",
})


def describe_pydantic_error(error: dict[str, Any]) -> str:
    """One problem line from one pydantic error: the config key, the value, what is allowed."""
    loc = error["loc"]
    key = config_key(".".join(str(p) for p in loc)) if loc else PROJECT
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown setting (check the spelling against Pulumi.yaml)"
    if error["type"] == "missing":
        return f"{key}: required"
    return f"{key} = {json.dumps(error['input'], default=str)}: {message}"


def parse(raw: dict[str, Any], *, environment: str, region: Optional[str]) -> Settings:
    """Build Settings from raw camelCase config values, or raise SettingsError with every problem."""
    if not region:
        raise SettingsError(["aws:region: required; set it with `pulumi config set aws:region <region>`"])
    raw = {k: v for k, v in raw.items() if UNSET.get(k, object()) != v}
    try:
        settings = Settings.model_validate({**raw, "environment": environment, "region": region})
    except pydantic.ValidationError as exc:
        raise SettingsError([describe_pydantic_error(e) for e in exc.errors()]) from None
    problems = cross_field_problems(settings)
    if problems:
        raise SettingsError(problems)
    return settings


def project_config_keys() -> list[str]:
    """Every key set in this project's namespace: the stack file's and PULUMI_CONFIG's."""
    from pulumi.runtime import config as runtime_config

    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env() or {})
    prefix = f"{PROJECT}:"
    return sorted(k[len(prefix):] for k in keys if k.startswith(prefix))


def parse_config_text(values: dict[str, str], *, environment: str) -> Settings:
    """Validate config as the CLI hands it to a program: "<namespace>:<key>" -> text.

    Used by `load()` inside the program and by the Automation API entry point, so a
    deployment service's overrides are judged by exactly the same rules.
    """
    raw: dict[str, Any] = {}
    problems: list[str] = []
    prefix = f"{PROJECT}:"
    for full_key, text in sorted(values.items()):
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        try:
            structured = key in STRUCTURED or (looks_scalar_json(text) and not is_text(key))
            raw[key] = json.loads(text) if structured else text
        except json.JSONDecodeError:
            problems.append(f"{config_key(key)} = {text!r}: not valid JSON for a structured setting")
    if problems:
        raise SettingsError(problems)
    return parse(raw, environment=environment, region=values.get("aws:region"))


def load() -> Settings:
    """Read this stack's config (the only `pulumi.Config` reader) and validate it.

    Raises `pulumi.RunError`, which the Pulumi CLI prints as a plain message, no traceback.
    """
    import pulumi

    config = pulumi.Config(PROJECT)
    values = {f"{PROJECT}:{key}": config.get(key) for key in project_config_keys()}
    values = {k: v for k, v in values.items() if v is not None}
    region = pulumi.Config("aws").get("region")
    if region is not None:
        values["aws:region"] = region
    try:
        return parse_config_text(values, environment=pulumi.get_stack())
    except SettingsError as exc:
        raise pulumi.RunError(str(exc)) from None


def is_text(key: str) -> bool:
    """Settings typed as text ("16" is a version, not a number)."""
    for name, info in Settings.model_fields.items():
        if info.alias == key or to_camel(name) == key:
            return info.annotation in (str, Optional[str])
    return False


def looks_scalar_json(text: str) -> bool:
    """Stack files hold numbers and booleans; Pulumi hands them over as strings."""
    return text in ("true", "false") or re.fullmatch(r"-?\d+", text) is not None
