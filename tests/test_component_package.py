"""The component package (provider/): generated args and schema, schema compatibility, and the
plugin over gRPC — the same registrations as the program, errors per input, secrets, names."""

from __future__ import annotations

import copy
import json
import re
import tomllib
import sys
import typing
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
import jsonschema
import pytest
import regress
from pulumi.runtime import rpc
from pulumi.runtime.proto import errors_pb2, status_pb2

from components import settings as stack_settings
from components.settings import Settings
from components.settings.component_args import _camel
from plan.registration import masked, secret_paths
from plan.stack_config import read_stack_config
from provider import package
from provider.schema_compat import breaking_changes, major
from tests.construct_engine import PluginEngine, canonical, secret

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "provider" / "schema.json").read_text())
METASCHEMA = json.loads((ROOT / "provider" / "vendor" / "pulumi-package-metaschema.json").read_text())
COMPONENT = "rdsplatform:index:DatabasePlatform"


def _generator():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_component_args
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return gen_component_args


def stack_inputs(stack: str) -> dict[str, Any]:
    """A stack's settings as the package's inputs (schema names), as a consumer would pass them."""
    values = read_stack_config(stack, None).values
    settings = stack_settings.parse_config_text(dict(values), environment=stack)
    args = stack_settings.to_args(settings)
    return {"environment": settings.environment, "region": settings.region,
            **_camel(Settings, {k: v for k, v in args.items() if k not in ("environment", "region")})}


def input_errors(error: grpc.RpcError) -> dict[str, str]:
    """property path -> reason, from the InputPropertiesError details of a gRPC error."""
    details = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert details, f"no property errors in {error.code()}: {error.details()}"
    status = status_pb2.Status.FromString(details)
    found = errors_pb2.InputPropertiesError()
    assert status.details and status.details[0].Unpack(found)
    return {e.property_path: e.reason for e in found.errors}


# --- generated files ---------------------------------------------------------------------------


def test_committed_args_are_what_the_generator_writes():
    assert (ROOT / "components" / "platform_args.py").read_text() == _generator().Generator().render(), \
        "components/platform_args.py is stale: run tools/gen_component_args.py"


def test_committed_schema_is_the_live_schema():
    assert (ROOT / "provider" / "schema.json").read_text() == package.schema_text(), \
        "provider/schema.json is stale: run tools/gen_component_args.py"


def test_the_check_mode_says_the_files_are_up_to_date(capsys):
    # A check that prints nothing on success reads, to a newcomer, as a check that did not run.
    assert _generator().main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "components/platform_args.py and provider/schema.json are up to date" in out


def test_every_setting_is_an_input_with_its_type():
    inputs = SCHEMA["resources"][COMPONENT]["inputProperties"]
    keys = [f.alias or re.sub(r"_([a-z])", lambda m: m.group(1).upper(), n) for n, f in Settings.model_fields.items()
            if f.exclude is not True]
    assert keys and set(keys) | {"environment", "region"} == set(inputs)
    assert inputs["allocatedStorage"]["type"] == "integer"
    assert inputs["replicas"]["items"]["$ref"] == "#/types/rdsplatform:index:ReplicaArgs"
    assert SCHEMA["types"]["rdsplatform:index:ReplicaArgs"]["required"] == ["name"]
    assert {e["value"] for e in SCHEMA["types"]["rdsplatform:index:Engine"]["enum"]} == {
        "postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"}
    assert "Default: 7." in inputs["backupRetentionDays"]["description"]


def test_outputs_are_the_programs_exports():
    exports = re.findall(r'pulumi\.export\("(\w+)"', (ROOT / "__main__.py").read_text())
    assert exports and set(SCHEMA["resources"][COMPONENT]["properties"]) == set(exports)


def test_the_package_version_is_the_projects():
    # One version (components/version.py reads pyproject.toml): the schema and the plugin carry it.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert SCHEMA["version"] == package.version() == project

def test_the_plugin_pins_what_the_program_pins():
    def pins(path: Path) -> dict[str, str]:
        return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(), flags=re.M))
    plugin, program = pins(ROOT / "provider" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert {"pulumi", "pulumi-aws", "pulumi-random", "pydantic", "botocore"} <= set(plugin)
    assert {k: program.get(k) for k in plugin} == plugin


# --- the schema: Pulumi's metaschema, compatibility -------------------------------------------


def _ecma_pattern(validator, pattern, instance, schema):
    """The metaschema's patterns are ECMA-262 (named groups `(?<x>`), which Python's re rejects."""
    if validator.is_type(instance, "string") and regress.Regex(pattern).find(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


MetaValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def test_the_schema_is_a_valid_pulumi_package_schema():
    errors = [f"{list(e.path)}: {e.message}" for e in MetaValidator(METASCHEMA).iter_errors(SCHEMA)]
    assert errors == []


@pytest.mark.parametrize("change, where", [
    (lambda s: s.update(version="one"), "version"),
    (lambda s: s["resources"][COMPONENT]["inputProperties"]["allocatedStorage"].update(type="text"), "allocatedStorage"),
    (lambda s: s["resources"][COMPONENT].update(isComponent="yes"), "isComponent"),
])
def test_the_metaschema_check_refuses_a_broken_schema(change, where):
    broken = copy.deepcopy(SCHEMA)
    change(broken)
    errors = [e for e in MetaValidator(METASCHEMA).iter_errors(broken)]
    assert errors and any(where in json.dumps(list(e.path)) + e.message for e in errors)


def test_the_schema_changed_compatibly_or_the_major_version_moved():
    # Against the schema of the last release (contracts/released-schema.json, replaced only when
    # releasing): the committed schema follows the code, so comparing with it could never fail.
    live = json.loads(package.schema_text())
    released = json.loads((ROOT / "contracts" / "released-schema.json").read_text())
    breaks = breaking_changes(released, live)
    assert not breaks or major(live["version"]) > major(released["version"]), breaks


def test_the_release_guard_sees_a_breaking_change_at_the_same_major():
    released = json.loads((ROOT / "contracts" / "released-schema.json").read_text())
    live = copy.deepcopy(released)
    _inputs(live).pop("iops")
    assert breaking_changes(released, live) and major(live["version"]) == major(released["version"])


def _inputs(s):
    return s["resources"][COMPONENT]["inputProperties"]


@pytest.mark.parametrize("change, expected", [
    (lambda s: _inputs(s).pop("iops"), "input.iops: removed"),
    (lambda s: _inputs(s)["allocatedStorage"].update(type="number"), "input.allocatedStorage: type changed"),
    (lambda s: s["resources"][COMPONENT].setdefault("requiredInputs", []).append("engine"), "input.engine: became required"),
    (lambda s: s["resources"][COMPONENT]["properties"].pop("endpoint"), "output.endpoint: removed"),
    (lambda s: s["types"]["rdsplatform:index:Engine"]["enum"].pop(), "enum value 'aurora-mysql' removed"),
    (lambda s: s["types"]["rdsplatform:index:ReplicaArgs"]["required"].append("region"), "ReplicaArgs.region: became required"),
    (lambda s: s["types"].pop("rdsplatform:index:ProxyArgs"), "ProxyArgs: removed"),
])
def test_breaking_changes_are_found(change, expected):
    assert breaking_changes(SCHEMA, SCHEMA) == []
    changed = copy.deepcopy(SCHEMA)
    change(changed)
    breaks = breaking_changes(SCHEMA, changed)
    assert any(expected in b for b in breaks), breaks


def test_additions_are_compatible():
    changed = copy.deepcopy(SCHEMA)
    assert "maintenanceNotes" not in _inputs(changed)  # a new optional input
    _inputs(changed)["maintenanceNotes"] = {"type": "string", "plain": True, "description": "new"}
    changed["resources"][COMPONENT]["properties"]["identifier"] = {"type": "string"}
    changed["types"]["rdsplatform:index:Engine"]["enum"].append({"name": "ORACLE", "value": "oracle"})
    _inputs(changed)["engine"]["description"] = "edited"
    assert breaking_changes(SCHEMA, changed) == []


# --- the settings as args ------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_settings_survive_the_trip_through_args(stack):
    values = read_stack_config(stack, None).values
    settings = stack_settings.parse_config_text(dict(values), environment=stack)
    args = stack_settings.to_args(settings)
    assert stack_settings.parse_args(args, environment=stack, region=settings.region) == settings


def test_args_problems_name_the_input():
    with pytest.raises(stack_settings.SettingsError) as caught:
        stack_settings.parse_args({"backup_retention_days": 0, "replicas": [{"name": "Bad"}], "tags": {"Owner": "x"}},
                                  environment="dev", region="eu-west-1")
    text = "\n".join(caught.value.problems)
    assert "rdsplatform:backupRetentionDays = 0" in text and "rdsplatform:replicas.0.name" in text


# --- the plugin over gRPC ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():
    """One plugin process for the module (it starts in about a second)."""
    running = PluginEngine()
    yield running
    running.close()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_construct_registers_what_the_program_registers(stack, engine, request):
    program = request.getfixturevalue(f"{stack}_plan")
    inputs = stack_inputs(stack)
    response, registered = engine.construct(stack, f"{inputs['name']}-{stack}", inputs,
                                            config={"aws:region": inputs["region"]})
    assert program.resources and len(registered) == len(program.resources)
    assert [canonical(r) for r in registered] == [canonical(r) for r in program.resources]
    assert response.urn == program.one(COMPONENT).urn
    state = json_format.MessageToDict(response.state)
    for key in ("endpoint", "address", "port", "masterSecretArn", "kmsKeyArn", "securityGroupId", "subnetGroupName",
                "replicaEndpoints", "alarmTopicArns"):
        assert state[key] == program.outputs[key]["value"], key


def test_the_plugin_serves_the_committed_schema(engine):
    assert json.loads(engine.schema()) == SCHEMA


def test_bad_inputs_come_back_as_errors_on_each_input(engine):
    before = len(engine.registrations)
    inputs = {**stack_inputs("dev"), "backupRetentionDays": 0, "replicas": [{"name": "Bad_name"}],
              "tags": {"Owner": "x", "aws:created": "y"}}
    with pytest.raises(grpc.RpcError) as caught:
        engine.construct("dev", "broken", inputs)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    errors = input_errors(caught.value)
    assert set(errors) >= {"backupRetentionDays", "replicas[0].name", "tags"}, errors
    assert "greater than or equal to 1" in errors["backupRetentionDays"]
    assert "Traceback" not in caught.value.details()
    assert len(engine.registrations) == before, "nothing registered for refused inputs"


def test_an_enum_outside_its_values_is_an_input_error(engine):
    with pytest.raises(grpc.RpcError) as caught:
        engine.construct("dev", "oracle", {**stack_inputs("dev"), "engine": "oracle"})
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "engine" in input_errors(caught.value)


@pytest.mark.parametrize("change, path", [
    ({"vpcCidr": rpc.UNKNOWN}, "vpcCidr"),
    ({"replicas": [{"name": "reporting", "instanceClass": rpc.UNKNOWN}]}, "replicas[0].instanceClass"),
    ({"tags": {"Owner": "x", "cost_center": rpc.UNKNOWN}}, "tags.cost_center"),
])
def test_an_unknown_input_is_refused_naming_it(engine, change, path):
    before = len(engine.registrations)
    with pytest.raises(grpc.RpcError) as caught:
        engine.construct("dev", "unknown", {**stack_inputs("dev"), "name": "unknown", **change})
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "not known during this preview" in input_errors(caught.value)[path]
    assert len(engine.registrations) == before


@pytest.mark.parametrize("change, path, reason", [
    ({"deletionProtecton": True}, "deletionProtecton", "did you mean deletionProtection?"),
    ({"DeletionProtection": True}, "DeletionProtection", "did you mean deletionProtection?"),
    ({"alarms": {"enabled": True, "enabeld": True}}, "alarms.enabeld", "did you mean enabled?"),
    ({"replicas": [{"name": "reporting"}, {"nmae": "second"}]}, "replicas[1].nmae", "did you mean name?"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "zone": "a"}},
     "disasterRecovery.zone", "its inputs here: allowedCidrs, azCount, backupRetentionDays, region, "),
])
def test_an_undeclared_input_is_refused_with_the_closest_name_and_nothing_registered(engine, change, path, reason):
    # The SDK's input mapping drops an undeclared input: a misspelt deletionProtection was ignored
    # and the platform registered without protection.
    before = len(engine.registrations)
    with pytest.raises(grpc.RpcError) as caught:
        engine.construct("dev", "typo", {**stack_inputs("dev"), "name": "typo", **change})
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    errors = input_errors(caught.value)
    assert list(errors) == [path]
    assert errors[path].startswith(f"{path} is not an input of DatabasePlatform; ") and reason in errors[path]
    assert len(engine.registrations) == before


def test_free_form_maps_take_any_key(engine):
    _, registered = engine.construct("dev", "freeform", {**stack_inputs("dev"), "name": "freeform",
                                                          "tags": {"Owner": "x", "AnyKeyAtAll": "y"}})
    assert registered


@pytest.mark.parametrize("change, path, starts, names", [
    ({"backupRetentionDays": 0}, "backupRetentionDays", "backupRetentionDays = 0", []),
    ({"replicas": [{"name": "Bad"}]}, "replicas[0].name", 'replicas[0].name = "Bad": ', []),
    ({"engine": "mysql", "engineVersion": "8.4", "performanceInsights": True}, "performanceInsights",
     "performanceInsights = true with instanceClass = 'db.t4g.micro'", []),
    ({"instanceClass": secret("db.t4g.small")}, "instanceClass", "instanceClass: is set as a secret",
     ["Pass it as a plain value, not a secret"]),
])
def test_errors_name_the_schemas_inputs_not_the_stack_files_keys(engine, change, path, starts, names):
    with pytest.raises(grpc.RpcError) as caught:
        engine.construct("dev", "named", {**stack_inputs("dev"), "name": "named", **change})
    reason = input_errors(caught.value)[path]
    assert reason.startswith(starts), reason
    assert all(n in reason for n in names), reason
    for stack_file_words in ("rdsplatform:", "aws:region", "pulumi config", "Pulumi.", ".0."):
        assert stack_file_words not in reason + caught.value.details()


def test_every_object_input_is_described_by_its_model():
    inputs = SCHEMA["resources"][COMPONENT]["inputProperties"]
    objects = {k: v for k, v in inputs.items() if "$ref" in v and "/types/" in v["$ref"]
               and "properties" in SCHEMA["types"][v["$ref"].removeprefix("#/types/")]}
    assert set(objects) == {"disasterRecovery", "proxy", "alarms", "restore", "cluster", "importIds"}
    models = {f.alias or re.sub(r"_([a-z])", lambda m: m.group(1).upper(), n): f.annotation
              for n, f in Settings.model_fields.items()}
    for key, spec in objects.items():
        model = next(a for a in (models[key], *typing.get_args(models[key])) if isinstance(a, type))
        assert spec.get("description") == model.__doc__.strip().splitlines()[0], key
    assert inputs["replicas"]["description"].startswith("A list; each item: one read replica.")


def test_secret_inputs_stay_secret_and_only_where_allowed(engine):
    inputs = {**stack_inputs("dev"), "name": "secretive", "parameters": secret({"pgaudit.role": "audit-role-marker"})}
    _, registered = engine.construct("dev", "secretive", inputs)
    groups = [r for r in registered if r.type == "aws:rds/parameterGroup:ParameterGroup"]
    assert groups and all(list(secret_paths(g.inputs["parameters"])) for g in groups)
    assert "audit-role-marker" in json.dumps([g.inputs for g in groups])
    assert "audit-role-marker" not in json.dumps([masked(g.inputs) for g in groups])
    with pytest.raises(grpc.RpcError) as caught:
        engine.construct("dev", "leaky", {**stack_inputs("dev"), "name": "leaky", "instanceClass": secret("db.t4g.small")})
    assert "is set as a secret" in input_errors(caught.value)["instanceClass"]
    assert "db.t4g.small" not in caught.value.details()


def test_name_defaults_to_the_resource_name_and_environment_to_the_stack(engine):
    inputs = {k: v for k, v in stack_inputs("dev").items() if k not in ("name", "environment")}
    _, registered = engine.construct("qa", "orders", inputs, config={"aws:region": "eu-west-1"})
    instance = next(r for r in registered if r.type == "aws:rds/instance:Instance")
    assert instance.inputs["identifier"] == "orders-qa"
    assert json.loads(next(r for r in registered if r.type == "pulumi:providers:aws").inputs["defaultTags"])[
        "tags"]["Environment"] == "qa"


def test_the_resources_inputs_came_from_are_dependencies_of_the_component(engine):
    vpc = "urn:pulumi:dev::consumer::aws:ec2/vpc:Vpc::shared"
    inputs = {k: v for k, v in stack_inputs("dev").items() if k != "name"}
    _, registered = engine.construct("dev", "dependent", {**inputs, "vpcCidr": "10.42.0.0/16"},
                                     dependencies={"vpcCidr": [vpc]})
    component = next(r for r in registered if r.type == COMPONENT)
    assert component.options["dependencies"] == [vpc]
    _, independent = engine.construct("dev", "independent", inputs)
    assert next(r for r in independent if r.type == COMPONENT).options["dependencies"] == []
