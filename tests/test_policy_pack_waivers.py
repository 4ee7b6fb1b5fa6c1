"""Exceptions through the pack as the Pulumi CLI runs it (the gRPC analyzer protocol): the schema
each policy declares, a waived violation reported at advisory level naming its exception, an
expired one at its own level naming it, and the reporter wrapper that lowers the level.
"""

from datetime import timedelta

import jsonschema
import pytest
from google.protobuf import json_format

from preview.analyzer import PolicyConfigError, reconcile_config, with_waivers
from rds_guardrails import waived_level, waivers
from tests.policy_cases import resource as _resource
from tests.policy_cases import stack_baseline as _stack_baseline

TODAY = waivers.today()
SOON = (TODAY + timedelta(days=30)).isoformat()
PAST = (TODAY - timedelta(days=1)).isoformat()
INSTANCE = "aws:rds/instance:Instance"
# _resource names the instance `instance` in stack `test`.
RECORD = {"id": "test-single-az", "resources": ["instance"], "reason": "rebuilt nightly",
          "owner": "data-platform@example.com", "expires": SOON}


def _config(**change):
    return {"all": "mandatory", "rds-multi-az": {"exceptions": [{**RECORD, **change}]}}


def test_every_policy_declares_exceptions_in_its_config_schema(pack):
    for policy in pack.info.policies:
        schema = json_format.MessageToDict(policy.configSchema.properties)
        assert schema["exceptions"]["items"]["required"] == ["id", "resources", "reason", "owner", "expires"], policy.name
        assert schema["exceptionHorizonDays"]["maximum"] == waivers.MAX_HORIZON_DAYS, policy.name


SCHEMA_CASES = [
    # The shape the CLI itself checks with each policy's schema (gojsonschema), before the pack runs.
    ("baseline", {}, None),
    ("no owner", {"owner": None}, "'owner' is a required property"),
    ("expires not a date", {"expires": "soon"}, "does not match"),
    ("a pattern not a string", {"resources": [7]}, "7 is not of type 'string'"),
    ("an unknown key", {"expiry": SOON}, "Additional properties are not allowed"),
]


@pytest.mark.parametrize("change, error", [c[1:] for c in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES])
def test_the_policy_schema_checks_the_shape_as_the_cli_does(pack, change, error):
    [policy] = [p for p in pack.info.policies if p.name == "rds-multi-az"]
    schema = {"type": "object", "properties": json_format.MessageToDict(policy.configSchema.properties)}
    record = {k: v for k, v in {**RECORD, **change}.items() if v is not None}
    if error is None:
        jsonschema.validate({"exceptions": [record]}, schema)
    else:
        with pytest.raises(jsonschema.ValidationError, match=error):
            jsonschema.validate({"exceptions": [record]}, schema)


PROTOCOL_CASES = [
    # (config change, level, note the message starts with, waived)
    ("no exception", None, "mandatory", "Instance 'instance'", False),
    ("covered", {}, "advisory", "[waived by exception test-single-az: owner data-platform@example.com, "
                                f"until {SOON}, reason: rebuilt nightly] Instance 'instance'", True),
    ("covered by URN glob", {"resources": ["urn:pulumi:test::*::aws:rds/instance:Instance::inst*"]}, "advisory",
     "[waived by exception test-single-az", True),
    ("another resource", {"resources": ["orders"]}, "mandatory", "Instance 'instance'", False),
    ("another stack", {"stacks": ["prod"]}, "mandatory", "Instance 'instance'", False),
    ("a later expiry within the horizon its entry sets", "horizon", "advisory", "[waived by exception test-single-az", True),
    ("expired", {"expires": PAST}, "mandatory", f"[exception test-single-az expired on {PAST} "
                                                "(owner data-platform@example.com): not waived] Instance 'instance'", False),
]


@pytest.mark.parametrize("change, level, start, waived", [c[1:] for c in PROTOCOL_CASES], ids=[c[0] for c in PROTOCOL_CASES])
def test_a_covered_violation_comes_back_advisory_naming_its_exception(pack, change, level, start, waived):
    if change == "horizon":  # over Configure, the horizon arrives as a protobuf number (a double)
        config = _config(expires=(TODAY + timedelta(days=150)).isoformat())
        config["rds-multi-az"]["exceptionHorizonDays"] = 200
    else:
        config = {"all": "mandatory"} if change is None else _config(**change)
    pack.configure(config)
    found = [v for v in pack.analyze(_resource(INSTANCE, {"multiAz": False})) if v.policy == "rds-multi-az"]
    assert [v.level for v in found] == [level]
    assert found[0].message.splitlines()[-1].startswith(start)
    [gate_view] = with_waivers(found, config)
    assert (gate_view.waiver is not None) is waived
    if waived:
        assert gate_view.waiver.id == "test-single-az" and gate_view.waiver.owner == "data-platform@example.com"


def test_a_stack_policy_violation_is_waived_by_the_resources_name(pack):
    stack = _stack_baseline()
    del stack["backups"]  # rds-cross-region-backups on the instance
    resources = list(stack.values())
    for r in resources:
        r.outputs = r.inputs
    config = {"all": "mandatory", "rds-cross-region-backups": {"exceptions": [{**RECORD, "id": "no-dr"}]}}
    pack.configure({"all": "mandatory"})
    assert [v.level for v in pack.analyze_stack(resources) if v.policy == "rds-cross-region-backups"] == ["mandatory"]
    pack.configure(config)
    found = [v for v in pack.analyze_stack(resources) if v.policy == "rds-cross-region-backups"]
    assert [v.level for v in found] == ["advisory"] and "[waived by exception no-dr" in found[0].message
    assert [v.waiver.id for v in with_waivers(found, config) if v.waiver] == ["no-dr"]


def test_an_advisory_policy_keeps_advisory_and_the_gate_still_lists_the_waiver(pack):
    config = {"all": "mandatory", "rds-multi-az": {"enforcementLevel": "advisory", "exceptions": [RECORD]}}
    pack.configure(config)
    found = [v for v in pack.analyze(_resource(INSTANCE, {"multiAz": False})) if v.policy == "rds-multi-az"]
    assert [(v.level, v.waiver.id) for v in with_waivers(found, config) if v.waiver] == [("advisory", "test-single-az")]


BAD_CONFIGS = [
    ("no owner", _config(owner=None), "exception 'test-single-az' of policy rds-multi-az: owner: is missing"),
    ("beyond the horizon", _config(expires=(TODAY + timedelta(days=400)).isoformat()), "is beyond the horizon"),
    ("unknown policy", {"rds-multi-azz": {"exceptions": [RECORD]}},
     "exception 'test-single-az' of policy rds-multi-azz: exceptions: rds-multi-azz is not a policy of the pack"),
    ("malformed pattern", _config(resources=["urn:pulumi:test"]), "resources: 'urn:pulumi:test' is not a URN pattern"),
]


@pytest.mark.parametrize("config, message", [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS])
def test_the_gate_refuses_a_bad_exception_before_configuring_the_pack(pack, config, message):
    config = {k: ({**v, "exceptions": [{a: b for a, b in e.items() if b is not None} for e in v["exceptions"]]}
                  if isinstance(v, dict) and "exceptions" in v else v) for k, v in config.items()}
    with pytest.raises(PolicyConfigError) as raised:
        reconcile_config(pack.info, config)
    assert message in str(raised.value)


# --- the reporter wrapper ------------------------------------------------------------------------------

class _Response:
    def __init__(self):
        self.diagnostics = []


class _Diagnostic:
    def __init__(self, message, level):
        self.message, self.enforcementLevel = message, level


def _factory(_servicer, response, level):
    def report(message, urn=None):
        response.diagnostics.append(_Diagnostic(message, level))
    return report


def test_the_wrapper_lowers_only_what_report_waived_reports():
    from pulumi.runtime.proto import analyzer_pb2

    response = _Response()
    report = waived_level._advisory(_factory)(None, response, analyzer_pb2.MANDATORY)
    report("plain", None)
    waived_level.report_waived(report, "waived", None)
    report("plain again", None)
    assert [(d.message, d.enforcementLevel) for d in response.diagnostics] == [
        ("plain", analyzer_pb2.MANDATORY), ("waived", analyzer_pb2.ADVISORY), ("plain again", analyzer_pb2.MANDATORY)]


def test_without_the_wrapper_a_waived_violation_keeps_its_level():
    response = _Response()
    report = _factory(None, response, "MANDATORY")
    waived_level.report_waived(report, "waived", None)
    assert [d.enforcementLevel for d in response.diagnostics] == ["MANDATORY"]


def test_the_wrapper_is_refused_on_an_sdk_it_was_not_checked_against(monkeypatch):
    from rds_guardrails import sdk_speedup

    monkeypatch.setattr(sdk_speedup, "KNOWN_SDK_VERSIONS", frozenset({"0.0.1"}))
    assert "is not a release this speed-up was checked against" in waived_level.install()


_REPORT_WRAPPED = """
import json, runpy, sys
sys.path.insert(0, "policies")
import pulumi_policy, pulumi_policy.policy as sdk
pulumi_policy.PolicyPack = lambda **kwargs: None  # record nothing, serve nothing
wrapped = lambda: bool(getattr(sdk._PolicyAnalyzerServicer, "_reports_waived_as_advisory", False))
import rds_guardrails.evaluate, rds_guardrails.pack, rds_guardrails.waivers
after_import = wrapped()
if sys.argv[1] == "run":
    runpy.run_path("policies/__main__.py", run_name="__main__")
print(json.dumps([after_import, wrapped()]))
"""


@pytest.mark.parametrize("run_entry_point", [False, True], ids=["import", "pack-runs"])
def test_the_wrapper_is_installed_by_the_pack_not_by_an_import(run_entry_point):
    import json
    import subprocess
    import sys

    from preview.harness import PROJECT_DIR

    out = subprocess.run([sys.executable, "-c", _REPORT_WRAPPED, "run" if run_entry_point else "import"],
                         cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [False, run_entry_point]
