"""Reading a stack's config: the one `pulumi.Config` reader, config text to typed `Settings`.

Everything is checked before the first resource is declared, and every problem is reported at
once in one `SettingsError`: the shapes and values of the keys (the models), then the rules
across keys, the derived names, regions, tags and parameters. Secret values never appear in a
message (`secrets.redact`).
"""

from __future__ import annotations

import difflib
import json
import re
import typing
from typing import Any, Iterable, Mapping, Optional

import pydantic
from pydantic.alias_generators import to_camel

from components.settings import engine_parameters, naming, regions, secrets, tagging
from components.settings.base import PROJECT, REGION_PATTERN, SettingsError, SettingsModel, config_key
from components.settings.model import Settings
# UNSET: Pulumi.yaml's stand-ins for keys the model leaves unset ("" or 0), dropped on reading;
# STRUCTURED: keys whose values are objects or lists, JSON as pulumi.Config hands them over.
from components.settings.project_config import STRUCTURED, UNSET
from components.settings.rules import cross_field_problems

# What the models' patterns mean, for people (pydantic would print the regular expression);
# one entry per pattern of a settings model (tests/test_settings_reading.py keeps them equal).
PATTERN_TEXT = {
    r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$": "must be 2-40 lowercase letters, digits and hyphens, starting with a "
                                       "letter and not ending with a hyphen",
    r"^[a-z][a-z0-9-]{0,14}[a-z0-9]$": "must be 2-16 lowercase letters, digits and hyphens, starting with a "
                                       "letter and not ending with a hyphen",
    r"^[A-Za-z][A-Za-z0-9_]{0,62}$": "must be 1-63 letters, digits and underscores, starting with a letter",
    r"^[A-Za-z][A-Za-z0-9_]{0,15}$": "must be 1-16 letters, digits and underscores, starting with a letter",
    r"^vpc-[0-9a-f]{8,17}$": "must be a VPC id (vpc-0123abcd...)",
    r"^[a-z][a-z0-9-]{0,62}$": "must be an RDS identifier: 1-63 lowercase letters, digits and hyphens, "
                               "starting with a letter",
    r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$":
        "must be a KMS key ID (1234abcd-12ab-34cd-56ef-1234567890ab, or mrk-... for a multi-Region key), not an ARN or alias",
    r"^[A-Za-z0-9._ -]{1,255}$": "must be a DB subnet group name: 1-255 letters, digits, periods, underscores, "
                                 "spaces and hyphens",
    REGION_PATTERN: "must be an AWS region code such as eu-west-1",
}
# Shape errors in the words of a stack file (pydantic speaks of tuples and model instances).
TYPE_TEXT = {
    "tuple_type": "must be a list (YAML `- item` lines, or JSON [...])",
    "list_type": "must be a list (YAML `- item` lines, or JSON [...])",
    "dict_type": "must be an object (YAML `key: value` lines, or JSON {...})",
    "model_type": "must be an object (YAML `key: value` lines, or JSON {...})",
    "model_attributes_type": "must be an object (YAML `key: value` lines, or JSON {...})",
    "string_type": "must be text (quote numbers and booleans: \"1\", \"true\")",
}
# Namespaces a stack file may rightly hold besides ours; any other close to ours or to aws is a typo.
KNOWN_NAMESPACES = frozenset({PROJECT, "aws", "pulumi", "random", "awsx", "aws-native"})


def known_fields(loc: tuple[Any, ...]) -> list[str]:
    """The camelCase keys allowed where `loc` points (for a did-you-mean)."""
    model: Any = Settings
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or to_camel(n)) == part), None)
        if field is None:
            return []
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        candidates += [a for c in candidates for a in typing.get_args(c)]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, SettingsModel)), None)
        if model is None:
            return []
    return [f.alias or to_camel(n) for n, f in model.model_fields.items() if n not in ("environment", "region")]


def describe_pydantic_error(error: Mapping[str, Any]) -> str:
    """One problem line from one pydantic error: the config key, the value, what is allowed."""
    loc = error["loc"]
    key = config_key(".".join(str(p) for p in loc)) if loc else PROJECT
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        known = {k.lower(): k for k in known_fields(loc[:-1])}
        close = difflib.get_close_matches(str(loc[-1]).lower(), list(known), n=1, cutoff=0.6)
        hint = f"did you mean {known[close[0]]}?" if close else "check the spelling against docs/reference/config.md"
        return f"{key}: unknown setting; {hint}"
    message = TYPE_TEXT.get(error["type"], message)
    if error["type"] == "string_pattern_mismatch":
        message = PATTERN_TEXT.get(error.get("ctx", {}).get("pattern", ""), message)
    if error["type"] == "missing":
        return f"{key}: required"
    if secrets.is_secret_location(tuple(loc)):
        return f"{key} = {secrets.REDACTED}: {message}"
    given = json.dumps(error["input"], default=str)
    return f"{key} = {given if len(given) <= 200 else given[:200] + '...'}: {message}"


def parse(raw: dict[str, Any], *, environment: str, region: Optional[str],
          secret_keys: Iterable[str] = ()) -> Settings:
    """Build Settings from raw camelCase config values, or raise SettingsError with every problem."""
    texts = secrets.secret_texts(raw)
    problems = secrets.secret_key_problems(secret_keys)
    if not region:
        problems.append("aws:region: required; set it with `pulumi config set aws:region <region>`")
    elif problem := regions.region_problem("aws:region", region):
        problems.append(problem)
    raw = {k: v for k, v in raw.items() if UNSET.get(k, object()) != v}
    settings = None
    try:
        settings = Settings.model_validate({**raw, "environment": environment, "region": region or ""})
    except pydantic.ValidationError as exc:
        problems += [describe_pydantic_error(e) for e in exc.errors()]
    if settings is None or problems:
        raise SettingsError(secrets.redact(problems, texts))
    problems = [*cross_field_problems(settings), *naming.naming_problems(settings),
                *regions.region_problems(settings), *tagging.tag_problems(settings),
                *engine_parameters.parameter_problems(settings), *alarm_endpoint_problems(settings)]
    if problems:
        raise SettingsError(secrets.redact(problems, texts))
    return settings


def alarm_endpoint_problems(s: Settings) -> list[str]:
    """Webhooks of alarms that are switched off are a mistake, as emails are (rules.alarm_problems)."""
    if s.alarms.enabled or not s.alarm_https_endpoints:
        return []
    return [f"{config_key('alarmHttpsEndpoints')}: set while {config_key('alarms')}.enabled is false; "
            "turn alarms on or remove the endpoints"]


def namespace_problems(keys: Iterable[str]) -> list[str]:
    """Keys in a namespace that is a typo of ours or of aws, and typos of aws:region."""
    problems = []
    for full_key in sorted(keys):
        namespace, sep, key = full_key.partition(":")
        if not sep:
            continue
        if namespace not in KNOWN_NAMESPACES:
            close = difflib.get_close_matches(namespace, [PROJECT, "aws"], n=1, cutoff=0.6)
            if close:
                problems.append(f"{full_key}: unknown namespace {namespace!r}, so this key would be ignored; "
                                f"did you mean {close[0]}:{key}?")
        elif namespace == "aws" and key != "region" and difflib.get_close_matches(key, ["region"], cutoff=0.7):
            problems.append(f"{full_key}: not an aws provider key, so it would be ignored; did you mean aws:region?")
    return problems


def parse_config_text(values: dict[str, str], *, environment: str, secret_keys: Iterable[str] = ()) -> Settings:
    """Validate config as the CLI hands it to a program: "<namespace>:<key>" -> text.

    Used by `load()` inside the program and by the Automation API entry point, so a
    deployment service's overrides are judged by exactly the same rules. `secret_keys` are the
    keys the CLI marks secret (encrypted in the stack file or set with --secret).
    """
    raw: dict[str, Any] = {}
    problems = namespace_problems(values)
    prefix = f"{PROJECT}:"
    for full_key, text in sorted(values.items()):
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        try:
            structured = key in STRUCTURED or (looks_scalar_json(text) and not is_text(key))
            raw[key] = json.loads(text) if structured else text
        except json.JSONDecodeError as exc:
            # The text is not echoed: a broken object may hold a credential in any field, and
            # only the secret keys' values are known to be secret.
            problems.append(f"{config_key(key)}: not valid JSON for a structured setting "
                            f"({exc.msg} at character {exc.pos} of {len(text)}); give a list [...] or an object {{...}}")
    try:
        settings = parse(raw, environment=environment, region=values.get("aws:region"), secret_keys=secret_keys)
    except SettingsError as exc:
        raise SettingsError(problems + exc.problems) from None
    if problems:
        raise SettingsError(problems)
    return settings


def all_config_keys() -> list[str]:
    """Every config key the program was given, of every namespace (stack file and PULUMI_CONFIG)."""
    from pulumi.runtime import config as runtime_config

    return sorted(set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env() or {}))


def load() -> Settings:
    """Read this stack's config (the only `pulumi.Config` reader) and validate it.

    Secret settings are read as text for validation only; `components/wiring.py` hands every
    value derived from them to the components as `pulumi.Output.secret`.
    Raises `pulumi.RunError`, which the Pulumi CLI prints as a plain message, no traceback.
    """
    import pulumi
    from pulumi.runtime.config import is_config_secret

    keys = all_config_keys()
    values: dict[str, str] = {}
    for full_key in keys:
        namespace, _, key = full_key.partition(":")
        value = pulumi.Config(namespace).get(key) if namespace else None
        if value is not None:
            values[full_key] = value
    try:
        return parse_config_text(values, environment=pulumi.get_stack(),
                                 secret_keys=[k for k in keys if is_config_secret(k)])
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
