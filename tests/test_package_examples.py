"""The consumer examples (examples/): their args checked against the package schema and accepted by
the plugin; the Python example run under the mock engine; two platforms in one program and one
platform name in two stacks sharing no URN and no AWS name."""

from __future__ import annotations

import collections
import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from components import settings as stack_settings
from plan.registration import Registration
from plan.stack_config import read_stack_config
from preview.harness import run_program
from tests.construct_engine import PluginEngine, canonical

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads((ROOT / "provider" / "schema.json").read_text())
COMPONENT = "rdsplatform:index:DatabasePlatform"
RESOURCE = SCHEMA["resources"][COMPONENT]
TSCHECK = ROOT / "tools" / "tscheck"
# Inputs that name an AWS resource: two platforms must never share one.
PHYSICAL_NAMES = {"name", "namePrefix", "identifier", "clusterIdentifier", "globalClusterIdentifier", "dashboardName",
                  "finalSnapshotIdentifier", "dbProxyName", "roleName", "functionName", "alarmName"}


def schema_problems(value: Any, prop: dict[str, Any], path: str) -> list[str]:
    """Where `value` does not fit the schema property `prop` (its type, enum or object type)."""
    if isinstance(value, str) and re.fullmatch(r"\$\{[^}]+\}", value):
        return []  # a YAML interpolation: an output, typed by the engine
    if "$ref" in prop:
        typ = SCHEMA["types"].get(prop["$ref"].removeprefix("#/types/"))
        if typ is None:
            return [f"{path}: unknown type {prop['$ref']}"]
        if "enum" in typ:
            allowed = [e["value"] for e in typ["enum"]]
            return [] if value in allowed else [f"{path}: {value!r} is not one of {allowed}"]
        if not isinstance(value, dict):
            return [f"{path}: must be an object"]
        return object_problems(value, typ.get("properties", {}), typ.get("required", []), path)
    kind = prop.get("type")
    checks = {"string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "array": lambda v: isinstance(v, list), "object": lambda v: isinstance(v, dict)}
    if kind not in checks:
        return [f"{path}: no check for schema type {kind!r}"]
    if not checks[kind](value):
        return [f"{path}: {value!r} is not of type {kind}"]
    if kind == "array":
        return [p for i, v in enumerate(value) for p in schema_problems(v, prop["items"], f"{path}[{i}]")]
    if kind == "object" and "additionalProperties" in prop:
        return [p for k, v in value.items() for p in schema_problems(v, prop["additionalProperties"], f"{path}.{k}")]
    return []


def object_problems(value: dict[str, Any], properties: dict[str, Any], required: list[str], path: str = "") -> list[str]:
    problems = [f"{path}.{k}".lstrip(".") + ": required" for k in required if k not in value]
    for key, item in value.items():
        where = f"{path}.{key}".lstrip(".")
        problems += schema_problems(item, properties[key], where) if key in properties else [f"{where}: not an input"]
    return problems


def args_problems(args: dict[str, Any]) -> list[str]:
    return object_problems(args, RESOURCE["inputProperties"], RESOURCE.get("requiredInputs", []))


def yaml_program() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "yaml" / "Pulumi.yaml").read_text())


def yaml_platforms() -> dict[str, dict[str, Any]]:
    resources = yaml_program()["resources"]
    return {n: r.get("properties", {}) for n, r in resources.items()
            if r["type"] in ("rdsplatform:DatabasePlatform", COMPONENT)}


def typescript_program() -> dict[str, Any]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the TypeScript example is read with the TypeScript compiler")
    if not (TSCHECK / "node_modules" / "typescript").exists():
        pytest.skip("typescript is not installed: `make test` installs it with npm ci (tools/tscheck)")
    done = subprocess.run(["node", str(TSCHECK / "args.cjs"), str(EXAMPLES / "typescript" / "index.ts")],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def enum_values(value: Any) -> Any:
    """SDK enum members (Engine.POSTGRES) as the values they stand for, by the schema."""
    if isinstance(value, dict) and "$enum" in value:
        typ = SCHEMA["types"][f"rdsplatform:index:{value['$enum']}"]
        return next(e["value"] for e in typ["enum"] if e["name"] == value["member"])
    if isinstance(value, dict):
        return {k: enum_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [enum_values(v) for v in value]
    return value


# --- the schema check itself -------------------------------------------------------------------


def _orders() -> dict[str, Any]:
    return copy.deepcopy(yaml_platforms()["orders"])


@pytest.mark.parametrize("change, expected", [
    (lambda a: a.update(multiAZ=True), "multiAZ: not an input"),
    (lambda a: a.update(allocatedStorage="100"), "allocatedStorage: '100' is not of type integer"),
    (lambda a: a.update(engine="oracle"), "engine: 'oracle' is not one of"),
    (lambda a: a["replicas"][0].update(nme="x"), "replicas[0].nme: not an input"),
    (lambda a: a["replicas"][0].pop("name"), "replicas[0].name: required"),
    (lambda a: a["alarms"]["thresholds"].update(cpuUtilizationPercent="high"), "is not of type number"),
    (lambda a: a.update(allowedCidrs="10.60.0.0/16"), "allowedCidrs: '10.60.0.0/16' is not of type array"),
])
def test_the_schema_check_finds_each_mistake(change, expected):
    assert args_problems(_orders()) == []
    args = _orders()
    change(args)
    problems = args_problems(args)
    assert any(expected in p for p in problems), problems


# --- YAML --------------------------------------------------------------------------------------


def test_the_yaml_example_uses_the_plugin_folder():
    program = yaml_program()
    assert (EXAMPLES / "yaml" / program["packages"]["rdsplatform"] / "PulumiPlugin.yaml").resolve().exists()


def test_the_yaml_examples_args_fit_the_schema():
    platforms = yaml_platforms()
    assert set(platforms) == {"orders", "billing"}
    assert {n: args_problems(a) for n, a in platforms.items()} == {"orders": [], "billing": []}


def test_the_yaml_examples_outputs_are_outputs_of_the_component():
    outputs = yaml_program()["outputs"]
    used = [re.fullmatch(r"\$\{(\w+)\.(\w+)\}", v).groups() for v in outputs.values()]  # type: ignore[union-attr]
    assert used and all(r in yaml_platforms() and o in RESOURCE["properties"] for r, o in used), used


# --- TypeScript ----------------------------------------------------------------------------------


def test_the_typescript_examples_args_fit_the_schema():
    program = typescript_program()
    assert program["problems"] == []
    platforms = {p["name"]: enum_values(p["args"]) for p in program["platforms"]}
    assert set(platforms) == {"orders", "billing"}
    assert {n: args_problems(a) for n, a in platforms.items()} == {"orders": [], "billing": []}
    assert platforms["billing"]["engine"] == "aurora-mysql"
    read = program["outputs"]
    assert read and all(o["output"] in RESOURCE["properties"] for o in read), read


def test_the_typescript_check_reads_what_it_cannot_check():
    program = typescript_program()
    assert program["platforms"], "the reader found the platforms"
    source = (EXAMPLES / "typescript" / "index.ts").read_text()
    assert "...common" in source and all("credentialsMode" in p["args"] for p in program["platforms"])


# --- the examples' args through the plugin -----------------------------------------------------


def test_the_typescript_and_yaml_examples_build_the_same_platforms():
    typescript = {p["name"]: enum_values(p["args"]) for p in typescript_program()["platforms"]}
    assert typescript == yaml_platforms()


@pytest.fixture(scope="module")
def python_example():
    plan = run_program("dev", project_dir=EXAMPLES / "python")
    assert plan.error is None, plan.error
    return plan


def test_the_plugin_builds_the_yaml_example_as_the_python_example_builds_it(python_example):
    """Valid by the stack file's rules (AWS limits, combinations), not only well-typed; and one
    program in three languages: the YAML args through the plugin register what the Python
    example registers under the mock engine."""
    python = python_example
    engine = PluginEngine(project=yaml.safe_load((EXAMPLES / "python" / "Pulumi.yaml").read_text())["name"])
    try:
        registered = []
        for name, args in yaml_platforms().items():
            response, mine = engine.construct("dev", name, args, config={"aws:region": "eu-west-1"})
            assert response.urn.endswith(f"::{name}") and mine, name
            registered += mine
    finally:
        engine.close()
    assert len(registered) == len(python.resources) > 100
    assert sorted(map(canonical, registered)) == sorted(map(canonical, python.resources))


# --- Python, under the mock engine ----------------------------------------------------------------


def physical_names(registrations: list[Registration], owner) -> dict[tuple[str, str, str], set[str]]:
    """(type, input, value) -> the platforms using that AWS name."""
    owners: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    for r in registrations:
        for key in (PHYSICAL_NAMES & set(r.inputs)) if r.custom else ():
            owners[(r.type, key, json.dumps(r.inputs[key]))].add(owner(r))
    return owners


def platform_of(registration: Registration) -> str:
    return registration.name.split("-")[0]


def test_the_python_example_runs_two_platforms(python_example):
    plan = python_example
    platforms = plan.of_type(COMPONENT)
    assert sorted(p.name for p in platforms) == ["billing", "orders"]
    assert plan.outputs["ordersEndpoint"]["value"].startswith("orders-dev.")
    assert plan.outputs["billingEndpoint"]["value"].startswith("billing-dev.cluster-")
    urns = [r.urn for r in plan.resources]
    assert len(urns) == len(set(urns))
    assert {k for k, o in physical_names(plan.resources, platform_of).items() if len(o) > 1} == set()


def test_a_python_program_with_bad_args_names_the_platform_and_registers_nothing(tmp_path):
    shutil.copy(EXAMPLES / "python" / "Pulumi.yaml", tmp_path)
    shutil.copy(EXAMPLES / "python" / "Pulumi.dev.yaml", tmp_path)
    (tmp_path / "__main__.py").write_text(
        "from components.platform import DatabasePlatform\n"
        "DatabasePlatform('orders', {'backup_retention_days': 0, 'tags': {'Owner': 'x'}})\n")
    plan = run_program("dev", project_dir=tmp_path)
    assert plan.error and "DatabasePlatform 'orders'" in plan.error and "backupRetentionDays = 0" in plan.error
    assert plan.resources == []


def _twin_program(tmp_path: Path, stacks: list[str]) -> Path:
    """Two platforms with the prod stack's settings, identical but for their resource names."""
    settings = stack_settings.parse_config_text(dict(read_stack_config("prod", None).values), environment="prod")
    args = {k: v for k, v in stack_settings.to_args(settings).items() if k not in ("name", "environment", "region")}
    shutil.copy(EXAMPLES / "python" / "Pulumi.yaml", tmp_path)
    for stack in stacks:
        (tmp_path / f"Pulumi.{stack}.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (tmp_path / "__main__.py").write_text(
        "import json\nfrom components.platform import DatabasePlatform\n"
        f"ARGS = json.loads({json.dumps(json.dumps(args))})\n"
        "DatabasePlatform('orders', ARGS)\nDatabasePlatform('billing', ARGS)\n")
    return tmp_path


def test_two_identical_platforms_in_one_program_share_no_urn_and_no_aws_name(tmp_path):
    plan = run_program("prod", project_dir=_twin_program(tmp_path, ["prod"]))
    assert plan.error is None, plan.error
    urns = [r.urn for r in plan.resources]
    assert len(urns) > 200 and len(urns) == len(set(urns))
    names = physical_names(plan.resources, platform_of)
    assert len(names) > 50 and ("aws:rds/instance:Instance", "identifier", '"orders-prod"') in names
    assert {k for k, o in names.items() if len(o) > 1} == set()


def test_one_platform_name_in_two_stacks_shares_no_aws_name(tmp_path):
    """The same program in dev and prod in one account: IAM roles, aliases, groups are per account."""
    project = _twin_program(tmp_path, ["dev", "prod"])
    names: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    for stack in ("dev", "prod"):
        plan = run_program(stack, project_dir=project)
        assert plan.error is None, plan.error
        for key, owners in physical_names(plan.resources, lambda r, s=stack: f"{s}/{platform_of(r)}").items():
            names[key] |= owners
    assert len(names) > 100
    assert {k for k, o in names.items() if len(o) > 1} == set()
