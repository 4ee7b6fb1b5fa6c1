"""The project's contract, read from the code, as one flat JSON object: `make contracts` writes it.

Each item is `<kind>:<name>` -> what a consumer relies on:
  config:<key>[.<field>...]     a config key or a field of a structured one, with its type/default
  output:<name>                 a stack output of __main__.py
  policy:<name>                 the policy's level with no config, and per shipped stack
  policy:*.<key>                a key every policy's config entry takes (exceptions), with its schema
  exit:<cli>:<code>             what each exit code of each CLI means
  json:<shape>                  the top-level keys of a JSON report or line

contracts/contract.json is the current contract (tests keep it equal to the code);
contracts/released/<version>.json is the contract of each release. Every item that differs
between the two must be named, as `kind:name` in backticks, under the CHANGELOG's Unreleased.

    python tools/contracts.py            write contracts/contract.json
    python tools/contracts.py --check    exit 1 when it differs from the code
"""

from __future__ import annotations

import ast
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "policies"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import yaml  # noqa: E402
from pydantic import BaseModel  # noqa: E402

CONTRACT_FILE = ROOT / "contracts" / "contract.json"
RELEASED_DIR = ROOT / "contracts" / "released"
REGENERATE = "make contracts"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return " | ".join(_type_name(a) for a in typing.get_args(annotation))
    return str(annotation).replace("typing.", "")


def _fields(model: type[BaseModel], prefix: str, seen: tuple[type, ...]) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        items[f"config:{key}"] = {"type": _type_name(field.annotation)}
        for nested in _models_in(field.annotation):
            if nested not in seen:
                items.update(_fields(nested, f"{key}.", seen + (nested,)))
    return items


def config_keys() -> dict[str, Any]:
    """Every key of the settings model (nested fields too), with Pulumi.yaml's type and default."""
    from components.settings import Settings

    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    items = _fields(Settings, "", (Settings,))
    # environment and region are the stack's name and aws:region, not keys of this project.
    for internal in ("config:environment", "config:region"):
        items.pop(internal, None)
    for key, spec in declared.items():
        item = items.setdefault(f"config:{key}", {})
        item["declared"] = {k: spec[k] for k in ("type", "default", "secret") if k in spec}
    return items


def outputs() -> dict[str, Any]:
    """The names passed to pulumi.export in the program."""
    tree = ast.parse((ROOT / "__main__.py").read_text())
    names = [node.args[0].value for node in ast.walk(tree)
             if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "export"
             and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]
    return {f"output:{name}": "exported" for name in names}


def policies() -> dict[str, Any]:
    """Each policy's level with no config (the pack's), and with each shipped stack's config."""
    from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
    from rds_guardrails.levels import resolve_rules
    from rds_guardrails.rule import Rule, StackRule

    rules: list[Rule | StackRule] = [*RESOURCE_RULES, *STACK_RULES]
    configs = {p.stem: json.loads(p.read_text()) for p in sorted((ROOT / "policies" / "config").glob("*.json"))}
    resolved = {"default": resolve_rules(rules, None), **{s: resolve_rules(rules, c) for s, c in configs.items()}}
    return {f"policy:{rule.name}": {column: levels[rule.name][0] for column, levels in resolved.items()}
            for rule in rules}


def policy_config() -> dict[str, Any]:
    """The keys every policy's config schema declares beside its thresholds (rds_guardrails/waivers.py)."""
    from rds_guardrails.waivers import SCHEMA_PROPERTIES

    return {f"policy:*.{key}": {k: v for k, v in schema.items() if k != "description"}
            for key, schema in SCHEMA_PROPERTIES.items()}


def exit_codes() -> dict[str, Any]:
    """Exit codes of python -m preview, python -m automation and python -m operations."""
    import automation.errors as errors
    import preview.verdict as gate
    from operations.cli import parser

    items: dict[str, Any] = {}
    # Every code of the gate's one table (preview/verdict.py), by the name of its constant.
    names = {value: name for name, value in vars(gate).items() if name.startswith("EXIT_") and isinstance(value, int)}
    for code in gate.EXIT_CODES:
        items[f"exit:preview:{code}"] = names[code]
    kinds: dict[int, list[str]] = {0: ["result"], 2: ["BadArguments"], errors.INTERNAL_ERROR: ["InternalError"]}
    for name, cls in vars(errors).items():
        if (isinstance(cls, type) and issubclass(cls, errors.AutomationError)
                and cls not in (errors.AutomationError, errors.GuardRailRefusedError, errors.BadInputError)):
            kinds.setdefault(cls.exit_code, []).append(name)
    for code, classes in kinds.items():
        items[f"exit:automation:{code}"] = sorted(classes)
    epilog = parser().epilog
    if epilog is None:
        raise SystemExit("operations.cli's parser has no epilog: its exit codes are read from it")
    for part in epilog.removeprefix("Exit codes: ").rstrip(".").split(", "):
        number, _, meaning = part.partition(" ")
        if number.isdigit():
            items[f"exit:operations:{number}"] = meaning
    return items


def json_shapes() -> dict[str, Any]:
    """Top-level keys of the preview's JSON report and of the automation entry's JSON lines."""
    import dataclasses

    from automation.results import OperationResult
    from preview.report import StackResult, to_json

    automation_main = ast.parse((ROOT / "automation" / "__main__.py").read_text())
    lines: dict[str, list[str]] = {}
    for node in ast.walk(automation_main):
        if isinstance(node, ast.Dict) and node.keys and isinstance(node.keys[0], ast.Constant) \
                and node.keys[0].value == "type" and isinstance(node.values[0], ast.Constant) \
                and isinstance(node.values[0].value, str):
            lines[node.values[0].value] = sorted(k.value for k in node.keys
                                                 if isinstance(k, ast.Constant) and isinstance(k.value, str))
    lines["result"] = sorted(set(lines.get("result", [])) | {f.name for f in dataclasses.fields(OperationResult)})
    return {"json:preview-report": sorted(to_json(StackResult(stack="s"))),
            **{f"json:automation-{kind}-line": keys for kind, keys in sorted(lines.items())}}


def contract() -> dict[str, Any]:
    """The whole contract, sorted by item."""
    items = {**config_keys(), **outputs(), **policies(), **policy_config(), **exit_codes(), **json_shapes()}
    return dict(sorted(items.items()))


def render(items: dict[str, Any]) -> str:
    return json.dumps(items, indent=1, sort_keys=True) + "\n"


def changed_items(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Items added, removed or changed between two contracts."""
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def last_released() -> tuple[str, dict[str, Any]]:
    """(version, contract) of the newest file in contracts/released/."""
    files = sorted(RELEASED_DIR.glob("*.json"), key=lambda p: tuple(int(x) for x in p.stem.split(".")))
    if not files:
        raise SystemExit(f"no released contract in {RELEASED_DIR}")
    return files[-1].stem, json.loads(files[-1].read_text())


def main(argv: list[str]) -> int:
    text = render(contract())
    if argv == ["--check"]:
        if not CONTRACT_FILE.exists() or CONTRACT_FILE.read_text() != text:
            print(f"{CONTRACT_FILE.relative_to(ROOT)} differs from the code: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    CONTRACT_FILE.parent.mkdir(exist_ok=True)
    CONTRACT_FILE.write_text(text)
    print(f"wrote {CONTRACT_FILE.relative_to(ROOT)} ({text.count(chr(10)) - 1} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
