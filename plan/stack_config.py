"""The config the Pulumi CLI hands the program: Pulumi.yaml defaults, the stack file, overrides.

The mock engine skips this step, and the Automation API entry validates overrides against the
same merged config, so both read stack files here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent


class StackConfigError(Exception):
    """The stack file or an override cannot be turned into config."""


def config_text(value: Any) -> str:
    """Config values reach a program as strings; booleans lower-case, objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        if isinstance(value, dict) and "secure" in value:
            raise StackConfigError("encrypted (secure) config values cannot be read offline")
        return json.dumps(value)
    return str(value)


def _read_yaml(path: Path) -> dict:
    """A project or stack file as a mapping with a `config:` mapping, or one StackConfigError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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


def stack_config(
    stack: str, overrides: Optional[dict[str, Any]] = None, project_dir: Path = PROJECT_DIR,
    stack_file: Optional[Path] = None,
) -> dict[str, str]:
    """The config the CLI would hand the program: project defaults, stack file, then overrides.

    Override keys without a namespace belong to the project (as with `pulumi config set`).
    `stack_file` reads another file in place of Pulumi.<stack>.yaml (e.g. a README example).
    """
    project = _read_yaml(project_dir / "Pulumi.yaml")
    name = project["name"]
    config: dict[str, str] = {}
    for key, spec in (project.get("config") or {}).items():
        if isinstance(spec, dict) and "default" in spec:
            config[key if ":" in key else f"{name}:{key}"] = config_text(spec["default"])
    stack_file = stack_file or project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackConfigError(f"no stack file {stack_file.name} (stacks: {known})")
    for key, value in (_read_yaml(stack_file).get("config") or {}).items():
        config[key] = config_text(value)
    for key, value in (overrides or {}).items():
        config[key if ":" in key else f"{name}:{key}"] = config_text(value)
    return config
