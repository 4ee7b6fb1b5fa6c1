"""The config the Pulumi CLI hands the program: Pulumi.yaml defaults, the stack file, overrides.

The mock engine skips this step, and the Automation API entry validates overrides against the
same merged config, so both read stack files here.

Secrets: a key declared `secret: true` in Pulumi.yaml, or whose stack-file value is
`secure: <ciphertext>`, is secret. Ciphertext can only be decrypted by the Pulumi CLI with the
stack's secrets provider, so offline it is planned with a placeholder
(`placeholders`, which callers take from `components.settings.SECRET_PLACEHOLDERS`; else a
generic text) and listed in `encrypted`. plan/ does not import components/: callers pass them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
# libyaml's loader when PyYAML was built with it: the same documents, several times faster
# (Pulumi.yaml alone took ~50 ms of each check with the pure-Python one).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# For a secret key without a placeholder of its own: plain text any string setting accepts.
GENERIC_PLACEHOLDER = "offline-placeholder-for-an-encrypted-value"


class StackConfigError(Exception):
    """The stack file or an override cannot be turned into config."""


@dataclass(frozen=True)
class StackConfig:
    """Merged config text per full key, which keys are secret, which hold a placeholder."""

    values: dict[str, str]
    secret_keys: frozenset[str]
    # Keys whose stack-file value was `secure:` (wholly or inside an object): planned with a placeholder.
    encrypted: frozenset[str]


def _is_encrypted(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _has_encrypted(value: Any) -> bool:
    if _is_encrypted(value):
        return True
    if isinstance(value, dict):
        return any(_has_encrypted(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_encrypted(v) for v in value)
    return False


def _without_ciphertext(value: Any) -> Any:
    """An object config value with each nested `secure:` replaced by the generic placeholder."""
    if _is_encrypted(value):
        return GENERIC_PLACEHOLDER
    if isinstance(value, dict):
        return {k: _without_ciphertext(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_ciphertext(v) for v in value]
    return value


def config_text(value: Any) -> str:
    """Config values reach a program as strings; booleans lower-case, objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        if _has_encrypted(value):
            raise StackConfigError("encrypted (secure) config values cannot be read offline")
        return json.dumps(value)
    return str(value)


def _read_yaml(path: Path) -> dict:
    """A project or stack file as a mapping with a `config:` mapping, or one StackConfigError."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise StackConfigError(f"cannot read {path.name}: not valid YAML{where}: {exc.problem or exc.context}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise StackConfigError(f"cannot read {path.name}: {exc}") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path.name}: the top level must be a mapping (config: ...), not a {_kind(data)}")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise StackConfigError(f"{path.name}: `config:` must be a mapping of key: value, not a {_kind(config)}")
    bad_keys = [repr(k) for k in config if not isinstance(k, str) or not k]
    if bad_keys:
        raise StackConfigError(f"{path.name}: config keys must be text such as rdsplatform:engine, "
                               f"not {', '.join(bad_keys)}")
    empty = [k for k, v in config.items() if v is None]
    if empty:
        raise StackConfigError(f"{path.name}: {', '.join(empty)} has no value; give one or remove the key")
    return data


def _kind(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(type(value), type(value).__name__)


def project_name(project_dir: Path = PROJECT_DIR) -> str:
    """The `name` of Pulumi.yaml."""
    return _read_yaml(project_dir / "Pulumi.yaml")["name"]


def stack_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    """Every stack with a Pulumi.<stack>.yaml, sorted."""
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def read_stack_config(
    stack: str, overrides: Optional[dict[str, Any]] = None, project_dir: Path = PROJECT_DIR,
    stack_file: Optional[Path] = None, placeholders: Optional[Mapping[str, str]] = None,
) -> StackConfig:
    """The config the CLI would hand the program (defaults, stack file, overrides) and its secrets.

    Override keys without a namespace belong to the project (as with `pulumi config set`).
    `stack_file` reads another file in place of Pulumi.<stack>.yaml (e.g. a README example).
    `placeholders`: full key -> config text standing in for that key's encrypted value.
    """
    project = _read_yaml(project_dir / "Pulumi.yaml")
    name = project.get("name")
    if not isinstance(name, str) or not name:
        raise StackConfigError("Pulumi.yaml: no project `name`")
    full = lambda key: key if ":" in key else f"{name}:{key}"  # noqa: E731
    config: dict[str, str] = {}
    secret: set[str] = set()
    for key, spec in (project.get("config") or {}).items():
        if isinstance(spec, dict) and spec.get("secret") is True:
            secret.add(full(key))
        if isinstance(spec, dict) and "default" in spec:
            config[full(key)] = config_text(spec["default"])
    stack_file = stack_file or project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackConfigError(f"no stack file {stack_file.name} (stacks: {known})")
    encrypted: set[str] = set()
    placeholders = placeholders or {}
    for key, value in (_read_yaml(stack_file).get("config") or {}).items():
        if _has_encrypted(value):
            encrypted.add(key)
            secret.add(key)
            value = placeholders.get(key, GENERIC_PLACEHOLDER) if _is_encrypted(value) else _without_ciphertext(value)
        config[key] = config_text(value)
    for key, value in (overrides or {}).items():
        config[full(key)] = config_text(value)
        encrypted.discard(full(key))  # the override's own value replaces the placeholder
    return StackConfig(config, frozenset(secret), frozenset(encrypted))


def stack_config(
    stack: str, overrides: Optional[dict[str, Any]] = None, project_dir: Path = PROJECT_DIR,
    stack_file: Optional[Path] = None, placeholders: Optional[Mapping[str, str]] = None,
) -> dict[str, str]:
    """The merged config text only (see read_stack_config); encrypted values are placeholders."""
    return read_stack_config(stack, overrides, project_dir, stack_file, placeholders).values
