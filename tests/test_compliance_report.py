"""The compliance report (rds_guardrails/compliance.py): per Security Hub RDS control and per stack, from
the offline gate (`python -m preview --compliance`) and from the live audit (`operations audit --compliance`),
validated against its JSON schema."""

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Optional

import jsonschema
import pytest

from preview import compliance as preview_compliance
from preview.analyzer import load_policy_config, with_waivers
from preview.harness import PROJECT_DIR
from preview.report import StackResult
from rds_guardrails import compliance, fsbp
from rds_guardrails.evaluate import Resource

SCHEMA = json.loads(compliance.SCHEMA.read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
CONTROL_IDS = [c["id"] for c in fsbp.controls()]


def _valid(report):
    errors = sorted(VALIDATOR.iter_errors(report), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return report


def _by_id(stack):
    return {c["id"]: c for c in stack["controls"]}


@pytest.fixture(scope="module")
def shipped(stack_plans, running_pack):
    """The report of both shipped stacks, as `python -m preview --all --compliance` builds it."""
    results = []
    for stack in ("dev", "prod"):
        running_pack.configure(load_policy_config(stack))
        plan = stack_plans[stack]
        results.append(StackResult(stack=stack, plan=plan, violations=running_pack.check_plan(plan)))
    running_pack.configure(None)
    return _valid(preview_compliance.build(results, None, PROJECT_DIR))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_control_has_a_result_on_each_shipped_stack(shipped, stack):
    entry = next(s for s in shipped["stacks"] if s["stack"] == stack)
    assert [c["id"] for c in entry["controls"]] == CONTROL_IDS
    assert sum(entry["summary"].values()) == len(CONTROL_IDS)
    assert entry["policyConfig"] == {"path": f"policies/config/{stack}.json",
                                     "hash": compliance.config_hash(load_policy_config(stack))}


# (stack, control, result, resources named) on the shipped stacks: what each plan holds.
SHIPPED = [
    ("prod", "RDS.2", "pass", {"appdb-prod-db-instance", "appdb-prod-replica-reporting-instance",
                               "appdb-prod-replica-dr-instance"}),
    ("prod", "RDS.5", "pass", {"appdb-prod-db-instance"}),  # replicas are not asked
    ("dev", "RDS.5", "fail", {"appdb-dev-db-instance"}),     # single-AZ, advisory in dev.json
    ("prod", "RDS.7", "notApplicable", set()),               # no cluster in the plan
    ("prod", "RDS.23", "fail", {"appdb-prod-db-instance", "appdb-prod-replica-reporting-instance",
                                "appdb-prod-replica-dr-instance"}),  # port 5432, advisory
    ("prod", "RDS.26", "fail", {"appdb-prod-db-instance"}),  # no AWS Backup plan; replicas are not asked
    ("prod", "RDS.31", "notApplicable", set()),
    ("prod", "RDS.33", "pass", {"appdb-prod-network-subnets", "appdb-prod-dr-network-subnets"}),
    ("prod", "RDS.38", "pass", {"appdb-prod-db-instance", "appdb-prod-replica-reporting-instance",
                                "appdb-prod-replica-dr-instance"}),
    ("prod", "RDS.40", "notApplicable", set()),              # no SQL Server
    ("prod", "RDS.43", "pass", {"appdb-prod-proxy-proxy"}),
    ("dev", "RDS.43", "notApplicable", set()),               # no proxy in dev
]


@pytest.mark.parametrize("stack, control, result, names", SHIPPED, ids=[f"{s}-{c}" for s, c, _, _ in SHIPPED])
def test_a_controls_result_and_its_resources(shipped, stack, control, result, names):
    entry = _by_id(next(s for s in shipped["stacks"] if s["stack"] == stack))[control]
    assert entry["result"] == result
    assert {r["name"] for r in entry["resources"]} == names
    if result == "notApplicable":
        assert entry["reason"]
    if result == "fail":
        failing = [r for r in entry["resources"] if r["result"] == "fail"]
        assert failing and all(r["message"] and r["level"] in ("advisory", "mandatory") for r in failing)


def test_the_report_names_the_pack_version_and_commit(shipped):
    assert shipped["pack"] == {"name": "rds-guardrails", "version": compliance.pack_version()}
    head = subprocess.run(["git", "-C", str(PROJECT_DIR), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout: the report's commit is null")
    assert shipped["commit"].split("+")[0] == head.stdout.strip()


# --- waivers: a stand-in for h28waive's Waiver (id, owner, reason, expires, ticket, to_json) -----------------

@dataclass(frozen=True)
class StandInWaiver:
    """Stand-in for rds_guardrails.waivers.Waiver: only what the report reads."""

    id: str
    owner: str
    reason: str
    expires: str
    ticket: Optional[str] = None

    def to_json(self):
        return {"id": self.id, "owner": self.owner, "reason": self.reason, "expires": self.expires,
                "ticket": self.ticket}


WAIVER = StandInWaiver("dev-single-az", "data-platform@example.com", "reporting copy rebuilt nightly", "2027-03-31",
                       "OPS-1234")
DB = Resource("aws:rds/instance:Instance", "db1", {"engine": "postgres", "identifier": "db1"}, "urn:db1")
DB2 = Resource("aws:rds/instance:Instance", "db2", {"engine": "postgres", "identifier": "db2"}, "urn:db2")
RDS5 = next(c for c in fsbp.controls() if c["id"] == "RDS.5")
LEVELS = {"rds-multi-az": "mandatory"}


def _finding(resource, waiver=None):
    return compliance.Judged("rds-multi-az", resource.urn, f"Instance '{resource.name}': Multi-AZ is off", "mandatory",
                             waiver)


# (findings, levels, result, per-resource results)
WAIVER_CASES = [
    ([], LEVELS, "pass", {"db1": "pass", "db2": "pass"}),
    ([_finding(DB)], LEVELS, "fail", {"db1": "fail", "db2": "pass"}),
    ([_finding(DB, WAIVER)], LEVELS, "waived", {"db1": "waived", "db2": "pass"}),
    ([_finding(DB, WAIVER), _finding(DB2)], LEVELS, "fail", {"db1": "waived", "db2": "fail"}),
    ([], {"rds-multi-az": "disabled"}, "notApplicable", {}),
]


@pytest.mark.parametrize("findings, levels, result, per_resource", WAIVER_CASES,
                         ids=["pass", "fail", "waived", "waived-and-failed", "disabled"])
def test_a_waived_violation_is_waived_with_its_owner_reason_and_expiry(findings, levels, result, per_resource):
    entry = compliance.control_result(RDS5, [DB, DB2], findings, levels)
    assert entry["result"] == result
    assert {r["name"]: r["result"] for r in entry["resources"]} == per_resource
    waived = [r for r in entry["resources"] if r["result"] == "waived"]
    assert all(r["waiver"] == WAIVER.to_json() for r in waived)
    stack = compliance.stack_report("dev", [DB, DB2], findings, levels, {}, None)
    _valid(compliance.report([stack], "preview", None))
    markdown = compliance.to_markdown(compliance.report([stack], "preview", None))
    assert ("owner data-platform@example.com, expires 2027-03-31" in markdown) == bool(waived)


def test_the_config_hash_follows_the_content_not_the_key_order():
    a = compliance.config_hash({"all": "mandatory", "rds-multi-az": "advisory"})
    assert a == compliance.config_hash({"rds-multi-az": "advisory", "all": "mandatory"})
    assert a != compliance.config_hash({"all": "mandatory", "rds-multi-az": "mandatory"})


def test_a_stack_that_was_not_judged_carries_its_error_only():
    entry = preview_compliance.stack_entry(StackResult(stack="broken", error="config: bad key"), None, PROJECT_DIR)
    assert entry == {"stack": "broken", "error": "config: bad key"}
    _valid(compliance.report([entry], "preview", None))


# --- the two commands -------------------------------------------------------------------------------------------

def test_preview_writes_the_report_its_markdown_and_links_the_schema(tmp_path):
    out, md, summary = tmp_path / "c.json", tmp_path / "c.md", tmp_path / "summary.md"
    run = subprocess.run([sys.executable, "-m", "preview", "--stack", "dev", "--quiet", "--compliance", str(out),
                          "--compliance-markdown", str(md), "--markdown", str(summary)],
                         cwd=PROJECT_DIR, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    report = _valid(json.loads(out.read_text()))
    assert report["source"] == "preview" and [s["stack"] for s in report["stacks"]] == ["dev"]
    assert "## dev" in md.read_text() and "| RDS.5 |" in md.read_text()
    assert f"]({preview_compliance.SCHEMA_PATH})" in summary.read_text()
    assert (PROJECT_DIR / preview_compliance.SCHEMA_PATH).exists()


def test_a_report_without_the_pack_is_refused_before_planning(tmp_path):
    run = subprocess.run([sys.executable, "-m", "preview", "--stack", "dev", "--no-policy", "--compliance",
                          str(tmp_path / "c.json")], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert run.returncode == 2 and "--compliance and --compliance-markdown need the policy pack" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "c.json").exists()


def test_the_live_audit_writes_the_same_report(tmp_path):
    from tests.ops_estate import served_estate

    out, md = tmp_path / "live.json", tmp_path / "live.md"
    with served_estate() as estate:
        run = estate.run("audit", "--compliance", str(out), "--compliance-markdown", str(md))
    assert run.code == 1  # the estate has mandatory findings
    report = _valid(json.loads(out.read_text()))
    assert report["source"] == "operations audit" and len(report["stacks"]) == 1
    controls = _by_id(report["stacks"][0])
    assert [c for c in controls] == CONTROL_IDS
    public = {r["name"] for r in controls["RDS.2"]["resources"] if r["result"] == "fail"}
    assert controls["RDS.2"]["result"] == "fail" and "legacy-mysql" in public
    assert controls["RDS.1"]["result"] == "fail"  # a manual snapshot anyone may restore
    assert "# Compliance evidence" in md.read_text()


# --- end to end: an exception of the policy config (rds_guardrails/waivers.py) makes a control "waived" ------------

def test_an_exception_in_the_policy_config_makes_the_control_waived_with_its_owner(stack_plans, running_pack):
    from datetime import date, timedelta

    expires = (date.today() + timedelta(days=30)).isoformat()
    config = load_policy_config("prod")
    config["rds-backup-plan"] = {"enforcementLevel": "advisory", "exceptions": [{
        "id": "prod-backups-by-org-policy", "resources": ["appdb-prod-db-instance"], "stacks": ["prod"],
        "reason": "AWS Backup is assigned by the organization's backup policy", "owner": "dba@example.com",
        "expires": expires, "ticket": "OPS-42"}]}
    running_pack.configure(config)
    try:
        plan = stack_plans["prod"]
        # As the gate does (preview/__main__.py): the pack's advisory report, matched to its exception.
        result = StackResult(stack="prod", plan=plan, violations=with_waivers(running_pack.check_plan(plan), config))
    finally:
        running_pack.configure(None)
    assert any(v.waiver is not None for v in result.violations)
    entry = preview_compliance.stack_entry(result, None, PROJECT_DIR)
    entry["policyConfig"]["hash"] = compliance.config_hash(config)  # the config in force, not the file
    report = _valid(compliance.report([entry], "preview", None))
    rds26 = _by_id(report["stacks"][0])["RDS.26"]
    assert rds26["result"] == "waived"
    [waived] = rds26["resources"]
    shown = {k: waived["waiver"][k] for k in ("id", "owner", "reason", "expires", "ticket")}
    assert shown == {"id": "prod-backups-by-org-policy", "owner": "dba@example.com", "expires": expires,
                     "reason": "AWS Backup is assigned by the organization's backup policy", "ticket": "OPS-42"}
    assert waived["name"] == "appdb-prod-db-instance" and waived["level"] == "advisory"
    # The other advisory gap stays a failure: only the exception's policy is waived.
    assert _by_id(report["stacks"][0])["RDS.23"]["result"] == "fail"
