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
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
# libyaml's loader when PyYAML was built with it: the same documents, several times faster
# (Pulumi.yaml alone took ~50 ms of each check with the pure-Python one).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What a stack file may hold besides `config:` (Pulumi's stack settings file).
STACK_FILE_KEYS = frozenset({"config", "secretsprovider", "encryptionsalt", "encryptedkey", "environment"})


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader, refusing a key given twice in one mapping.

    YAML 1.2 (3.2.1.1, "Nodes": "the keys are unique") makes such a document invalid, and the Pulumi
    CLI refuses it; PyYAML keeps the last value without a word.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: the base constructor says so
                continue
            if first != key_node.start_mark.line + 1:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"the key {key!r} is given twice (first on line {first})", key_node.start_mark)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        return mapping
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


def _read_yaml(path: Path, project: Optional[str] = None) -> dict[Any, Any]:
    """A project file, or the stack file of `project`, as a mapping with a `config:` mapping, or one StackConfigError."""
    stack_file = project is not None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise StackConfigError(f"cannot read {path.name}: not valid YAML{where}: {exc.problem or exc.context}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise StackConfigError(f"cannot read {path.name}: {exc}") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path.name}: the top level must be a mapping (config: ...), not a {_kind(data)}")
    if stack_file:
        outside = [repr(k) for k in data if k not in STACK_FILE_KEYS]
        if outside:
            raise StackConfigError(f"{path.name}: {', '.join(outside)} at the top level; config keys go under "
                                   f"`config:` (a stack file holds {', '.join(sorted(STACK_FILE_KEYS))})")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise StackConfigError(f"{path.name}: `config:` must be a mapping of key: value, not a {_kind(config)}")
    bad_keys = [repr(k) for k in config if not isinstance(k, str) or not k]
    if bad_keys:
        raise StackConfigError(f"{path.name}: config keys must be text such as rdsplatform:engine, "
                               f"not {', '.join(bad_keys)}")
    bare = [k for k in config if stack_file and ":" not in k]
    if bare:
        raise StackConfigError(f"{path.name}: config key(s) {', '.join(map(repr, bare))} without a namespace; "
                               "a stack file names each key as namespace:name (e.g. "
                               f"{', '.join(f'{project}:{k}' for k in bare[:2])})")
    empty = [k for k, v in config.items() if v is None]
    if empty:
        raise StackConfigError(f"{path.name}: {', '.join(empty)} has no value; give one or remove the key")
    return data


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(type(value), type(value).__name__)


def project_name(project_dir: Path = PROJECT_DIR) -> str:
    """The `name` of Pulumi.yaml."""
    name: str = _read_yaml(project_dir / "Pulumi.yaml")["name"]
    return name


def stack_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    """Every stack with a Pulumi.<stack>.yaml, sorted."""
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


# A `--path` key's steps (`pulumi config set --path`): `.name`, `[index]` or `["quoted.name"]`.
_NAMESPACED = re.compile(r"[A-Za-z0-9_-]+:")
_PATH_STEP = re.compile(r'\.?([^.\[\]"]+)|\[(\d+)\]|\["([^"]+)"\]')


def config_path(key: str) -> list[str | int]:
    """The steps of a `--path` key (alarms.enabled, replicas[0].name); the first is the full config key."""
    namespace = _NAMESPACED.match(key)
    head = namespace.group(0) if namespace else ""
    rest = key[len(head):]
    steps: list[str | int] = []
    at = 0
    while at < len(rest):
        step = _PATH_STEP.match(rest, at)
        if step is None or (at == 0 and rest.startswith(".")) or (at and rest[at] not in ".["):
            raise StackConfigError(f"--config {key}: not a config path at {rest[at:]!r} (expected name.field, "
                                   "name[0] or [\"quoted.name\"], as `pulumi config set --path` reads them)")
        name, index, quoted = step.groups()
        steps.append(int(index) if index is not None else name if name is not None else quoted)
        at = step.end()
    if not steps or not isinstance(steps[0], str):
        raise StackConfigError(f"--config {key}: a path starts with a config key name, e.g. alarms.enabled")
    steps[0] = f"{head}{steps[0]}"
    return steps


def _path_value(text: Any) -> Any:
    """A value set at a path: `true`/`false` are booleans and integers numbers, as the CLI treats them."""
    if not isinstance(text, str):
        return text
    if text in ("true", "false"):
        return text == "true"
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else text


def _put(node: Any, steps: list[str | int], value: Any, shown: str) -> Any:
    """`node` with `value` set at `steps`, creating the objects and lists on the way."""
    if not steps:
        return value
    step, rest = steps[0], steps[1:]
    if node is None:
        node = [] if isinstance(step, int) else {}
    if isinstance(step, int):
        if not isinstance(node, list):
            raise StackConfigError(f"--config {shown}: [{step}] indexes a list, but the value there is not a list (it is {_kind(node)})")
        if step > len(node):
            raise StackConfigError(f"--config {shown}: index {step} is past the end of a list of {len(node)} "
                                   f"(the next item is [{len(node)}])")
        if step == len(node):
            node.append(_put(None, rest, value, shown))
        else:
            node[step] = _put(node[step], rest, value, shown)
        return node
    if not isinstance(node, dict):
        raise StackConfigError(f"--config {shown}: .{step} names a field of an object, but the value there is "
                               f"not an object (it is {_kind(node)})")
    node[step] = _put(node.get(step), rest, value, shown)
    return node


def _set_path(config: dict[str, str], key: str, steps: list[str | int], value: Any) -> None:
    """config[steps[0]] with `value` set at the rest of the path (`key` as the user wrote it)."""
    top_key = str(steps[0])  # config_path starts every path with the full key
    top = config.get(top_key)
    try:
        root = json.loads(top) if top is not None else None
    except json.JSONDecodeError:
        root = top
    config[top_key] = config_text(_put(root, steps[1:], _path_value(value), key))


def read_stack_config(
    stack: str, overrides: Optional[dict[str, Any]] = None, project_dir: Path = PROJECT_DIR,
    stack_file: Optional[Path] = None, placeholders: Optional[Mapping[str, str]] = None,
    paths: bool = False,
) -> StackConfig:
    """The config the CLI would hand the program (defaults, stack file, overrides) and its secrets.

    Override keys without a namespace belong to the project (as with `pulumi config set`).
    With `paths`, an override key with `.` or `[` is a path into an object or list config value
    (`alarms.enabled`, `replicas[0].name`), as `pulumi config set --path` reads it.
    `stack_file` reads another file in place of Pulumi.<stack>.yaml (e.g. a stack example of docs/configuration.md).
    `placeholders`: full key -> config text standing in for that key's encrypted value.
    """
    project = _read_yaml(project_dir / "Pulumi.yaml")
    name = project.get("name")
    if not isinstance(name, str) or not name:
        raise StackConfigError("Pulumi.yaml: no project `name`")

    def full(key: str) -> str:
        return key if ":" in key else f"{name}:{key}"

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
    for key, value in (_read_yaml(stack_file, project=name).get("config") or {}).items():
        if _has_encrypted(value):
            encrypted.add(key)
            secret.add(key)
            value = placeholders.get(key, GENERIC_PLACEHOLDER) if _is_encrypted(value) else _without_ciphertext(value)
        config[key] = config_text(value)
    for key, value in (overrides or {}).items():
        if paths and re.search(r"[.\[]", key.split(":", 1)[-1] if _NAMESPACED.match(key) else key):
            steps = config_path(key if _NAMESPACED.match(key) else f"{name}:{key}")
            _set_path(config, key, steps, value)
            encrypted.discard(str(steps[0]))
            continue
        config[full(key)] = config_text(value)
        encrypted.discard(full(key))  # the override's own value replaces the placeholder
    return StackConfig(config, frozenset(secret), frozenset(encrypted))


def stack_config(
    stack: str, overrides: Optional[dict[str, Any]] = None, project_dir: Path = PROJECT_DIR,
    stack_file: Optional[Path] = None, placeholders: Optional[Mapping[str, str]] = None,
) -> dict[str, str]:
    """The merged config text only (see read_stack_config); encrypted values are placeholders."""
    return read_stack_config(stack, overrides, project_dir, stack_file, placeholders).values
