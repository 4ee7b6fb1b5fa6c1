"""Generate components/platform_args.py, the typed args of the DatabasePlatform package, from the
settings models (fields, defaults, nested models), Pulumi.yaml's descriptions and the comments
above each field; then provider/schema.json, the package schema Pulumi infers from them.

    .venv/bin/python tools/gen_component_args.py           # rewrite both files
    .venv/bin/python tools/gen_component_args.py --check   # exit 1 when either is stale

Pulumi's component analyzer infers the package schema from these TypedDicts: it accepts
TypedDict, Enum, list, dict and NotRequired, but neither Literal nor tuple, so a Literal becomes
an Enum and a tuple a list. Hand-writing the file would drift from the settings; regenerate it
after adding a setting (tests/test_component_package.py fails while it is stale).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import subprocess
import sys
import textwrap
import typing
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from pydantic.alias_generators import to_camel  # noqa: E402

from components.settings import Settings  # noqa: E402
from components.settings.base import SettingsModel  # noqa: E402
from provider.schema_compat import breaking_changes, major  # noqa: E402

TARGET = ROOT / "components" / "platform_args.py"
SCHEMA = ROOT / "provider" / "schema.json"
TOP = "DatabasePlatformArgs"
# Inputs of the package that are not keys of the stack file: the stack name and aws:region
# there, the consumer's choice here. And `name`, whose default differs for a package.
PACKAGE_ONLY = {
    "environment": "Environment in every name (<name>-<environment>) and the Environment tag. "
                   "Default: the consumer's stack name.",
    "region": "AWS region of the primary. Default: the consumer's aws:region.",
}
PACKAGE_DESCRIPTIONS = {
    "name": "Prefix of every name; the RDS identifier is <name>-<environment>. Default: the component's "
            "resource name, so two platforms in one program never share a name.",
}


def type_name(model: type) -> str:
    """ReplicaSettings -> ReplicaArgs; Settings -> DatabasePlatformArgs."""
    return TOP if model is Settings else model.__name__.removesuffix("Settings") + "Args"


def member_name(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", value).upper()


def field_comments(model: type) -> dict[str, str]:
    """The comment lines right above each field of a model's class body, joined."""
    source = textwrap.dedent(inspect.getsource(model))
    lines = source.splitlines()
    found: dict[str, str] = {}
    cls = ast.parse(source).body[0]
    assert isinstance(cls, ast.ClassDef), f"{model.__name__}: the source of a class"
    for node in cls.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            comment: list[str] = []
            i = node.lineno - 2
            while i >= 0 and lines[i].strip().startswith("#"):
                comment.insert(0, lines[i].strip().lstrip("#").strip())
                i -= 1
            if comment:
                found[node.target.id] = " ".join(comment)
    return found


def project_descriptions() -> dict[str, str]:
    config = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    return {k: v["description"] for k, v in config.items() if isinstance(v, dict) and "description" in v}


def nested_description(annotation: Any) -> Optional[str]:
    """An object input's description: its model's docstring (first line); for a list of objects,
    the same for each item. Without it, SDKs show the input undocumented."""
    inner = [a for a in (annotation, *typing.get_args(annotation)) if a is not type(None)]
    for candidate in inner:
        if isinstance(candidate, type) and issubclass(candidate, SettingsModel) and candidate.__doc__:
            return candidate.__doc__.strip().splitlines()[0]
        if typing.get_origin(candidate) is tuple:
            item = nested_description(typing.get_args(candidate)[0])
            return f"A list; each item: {item[0].lower()}{item[1:]}" if item else None
    return None


def default_text(info: Any) -> Optional[str]:
    """The model's default as a person writes it, or None when there is none worth stating."""
    default = info.default
    if info.is_required() or default is None or isinstance(default, SettingsModel):
        return None
    if default in ((), {}, ""):
        return None
    return json.dumps(default)


class Generator:
    """Walks the settings models and writes one TypedDict per model, one Enum per Literal."""

    def __init__(self) -> None:
        self.enums: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.classes: dict[str, str] = {}
        self.order: list[str] = []
        self.yaml_descriptions = project_descriptions()

    def annotation(self, model: type, field: str, annotation: Any) -> str:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Union:
            inner = [a for a in args if a is not type(None)]
            assert len(inner) == 1, f"{model.__name__}.{field}: unions other than Optional are not supported"
            return self.annotation(model, field, inner[0])
        if origin is typing.Literal:
            name = to_camel(field)[0].upper() + to_camel(field)[1:]
            if model is not Settings:
                name = type_name(model).removesuffix("Args") + name
            assert all(isinstance(a, str) for a in args), f"{model.__name__}.{field}: only text literals"
            if name in self.enums and self.enums[name][1] != args:
                raise SystemExit(f"two enums named {name} with different values")
            self.enums[name] = (f"{model.__name__}.{field}", args)
            return name
        if origin is tuple:
            assert len(args) == 2 and args[1] is Ellipsis, f"{model.__name__}.{field}: only tuple[X, ...]"
            return f"list[{self.annotation(model, field, args[0])}]"
        if origin is dict:
            assert args[0] is str, f"{model.__name__}.{field}: only text keys"
            return f"dict[str, {self.annotation(model, field, args[1])}]"
        if isinstance(annotation, type) and issubclass(annotation, SettingsModel):
            self.model(annotation)
            return type_name(annotation)
        if isinstance(annotation, type) and annotation in (str, int, float, bool):
            return annotation.__name__
        raise SystemExit(f"{model.__name__}.{field}: no schema type for {annotation!r}")

    def model(self, model: type[SettingsModel]) -> None:
        name = type_name(model)
        if name in self.classes or name in self.order:
            return
        self.order.append(name)
        comments = field_comments(model)
        doc = (model.__doc__ or "").strip().splitlines()[0]
        body = [f"class {name}(TypedDict):", f'    """{doc}"""', ""]
        fields = [(n, i) for n, i in model.model_fields.items() if not (i.exclude is True)]
        if model is Settings:
            body += [f"    {n}: NotRequired[str]\n    {quote(d)}\n" for n, d in PACKAGE_ONLY.items()]
        for field, info in fields:
            kind = self.annotation(model, field, info.annotation)
            key = info.alias or to_camel(field)
            description = (PACKAGE_DESCRIPTIONS.get(field) if model is Settings else None) or (
                self.yaml_descriptions.get(key) if model is Settings else None) or info.description or \
                nested_description(info.annotation) or comments.get(field)
            default = default_text(info)
            if default is not None and "Default:" not in (description or ""):
                description = f"{description.rstrip('.')}. Default: {default}." if description else f"Default: {default}."
            kind = kind if info.is_required() else f"NotRequired[{kind}]"
            body.append(f"    {field}: {kind}")
            if description:
                body.append(f"    {quote(description)}")
            body.append("")
        self.classes[name] = "\n".join(body).rstrip() + "\n"

    def render(self) -> str:
        self.model(Settings)
        enums = []
        for name, (where, values) in sorted(self.enums.items()):
            members = "\n".join(f"    {member_name(v)} = {json.dumps(v)}" for v in values)
            enums.append(f"class {name}(str, Enum):\n    \"\"\"Values of {where}.\"\"\"\n\n{members}\n")
        # Nested types first: the analyzer resolves names as they are defined.
        classes = [self.classes[n] for n in reversed(self.order)]
        return HEADER + "\n\n".join(enums + classes)


def quote(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


HEADER = '''"""The typed args of the DatabasePlatform component package, generated from the settings models.

Generated by tools/gen_component_args.py: do not edit; rerun it after changing a setting.
Pulumi's component analyzer reads these TypedDicts (and each field's docstring) to write the
package schema; `components.settings.parse_args` turns a value of them into `Settings`.
"""

from enum import Enum
from typing import NotRequired, TypedDict


'''


def live_schema() -> str:
    """The schema of the args now on disk (a fresh process: this one imported the old module)."""
    done = subprocess.run([sys.executable, "-c", "from provider.package import schema_text; "
                           "print(schema_text(), end='')"], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a committed file is stale")
    options = parser.parse_args(argv)
    text = Generator().render()
    if options.check:
        stale = [p for p, new in ((TARGET, text), (SCHEMA, live_schema())) if (p.read_text() if p.exists() else "") != new]
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run tools/gen_component_args.py", file=sys.stderr)
        if not stale:
            print(f"{TARGET.relative_to(ROOT)} and {SCHEMA.relative_to(ROOT)} are up to date")
        return 1 if stale else 0
    TARGET.write_text(text)
    schema = live_schema()
    if SCHEMA.exists():
        old, new = json.loads(SCHEMA.read_text()), json.loads(schema)
        breaks = breaking_changes(old, new)
        if breaks and major(new["version"]) == major(old["version"]):
            print("the package schema would change incompatibly; raise the major version (pyproject.toml) "
                  "or keep the old inputs:\n" + "\n".join(f"  - {b}" for b in breaks), file=sys.stderr)
            return 1
    SCHEMA.write_text(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
