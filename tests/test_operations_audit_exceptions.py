"""`operations audit` with exceptions in its --policy-config, against moto in server mode: the same
file the pack accepts over the analyzer protocol waives the same finding, an expired exception
fails naming it, a stale one is reported, a bad one is refused (exit 2).

Table style: every control mandatory and one change to the exceptions per case.
"""

import json
from datetime import timedelta

import pytest

from preview.analyzer import reconcile_config, with_waivers
from rds_guardrails import waivers
from tests.ops_estate import served_estate
from tests.policy_cases import resource as _resource

TODAY = waivers.today()
SOON = (TODAY + timedelta(days=30)).isoformat()
PAST = (TODAY - timedelta(days=1)).isoformat()
# legacy-mysql in the demo estate is single-AZ (tests/test_operations.py).
RECORD = {"id": "legacy-single-az", "resources": ["legacy-*"], "reason": "retired next quarter",
          "owner": "dba@example.com", "expires": SOON, "ticket": "OPS-42"}


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


def _audit(estate, tmp_path, *records):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"all": "mandatory", "rds-multi-az": {"exceptions": list(records)}}))
    return estate.run("audit", "--policy-config", str(path))


def _multi_az(run):
    return [f for f in run.of_kind("finding") if (f["resource"], f["policy"]) == ("legacy-mysql", "rds-multi-az")]


CASES = [
    # (records, level, waiver id, stale ids)
    ("baseline: no exception", [], "mandatory", None, []),
    ("waived", [RECORD], "advisory", "legacy-single-az", []),
    ("for a stack the database is not tagged with", [{**RECORD, "stacks": ["dev"]}], "mandatory", None,
     ["legacy-single-az"]),
    ("expired", [{**RECORD, "expires": PAST}], "mandatory", None, []),
    ("covers nothing: stale", [RECORD, {**RECORD, "id": "gone", "resources": ["retired-db"]}], "advisory",
     "legacy-single-az", ["gone"]),
]


@pytest.mark.parametrize("records, level, waiver, stale", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_audit_applies_the_exceptions_of_its_policy_config(estate, tmp_path, records, level, waiver, stale):
    run = _audit(estate, tmp_path, *records)
    [finding] = _multi_az(run)
    assert finding["level"] == level
    assert finding.get("waiver", {}).get("id") == waiver
    assert run.result["stale_exceptions"] == stale
    assert run.result["waived"] == (1 if waiver else 0)
    waived = [f for f in run.of_kind("finding") if "waiver" in f]
    assert run.result["mandatory"] + run.result["advisory"] + len(waived) == run.result["findings"]


def test_a_waived_finding_carries_owner_reason_and_expiry_and_an_expired_one_names_it(estate, tmp_path):
    [waived] = _multi_az(_audit(estate, tmp_path, RECORD))
    assert waived["waiver"] == {**RECORD, "policy": "rds-multi-az", "stacks": []}
    assert waived["message"].startswith(f"[waived by exception legacy-single-az: owner dba@example.com, until {SOON}, "
                                        "ticket OPS-42, reason: retired next quarter] Instance 'legacy-mysql'")
    run = _audit(estate, tmp_path, {**RECORD, "expires": PAST})
    [expired] = _multi_az(run)
    assert expired["message"].startswith(f"[exception legacy-single-az expired on {PAST}")
    assert run.code == 1


def test_a_bad_exception_is_refused_with_exit_2_naming_it(estate, tmp_path):
    run = _audit(estate, tmp_path, {k: v for k, v in RECORD.items() if k != "owner"})
    assert run.code == 2 and run.of_kind("finding") == []
    assert ("exception 'legacy-single-az' of policy rds-multi-az: owner: is missing"
            in run.result["message"]), run.result
    run = _audit(estate, tmp_path, {**RECORD, "expires": (TODAY + timedelta(days=200)).isoformat()})
    assert run.code == 2 and "is beyond the horizon of 90 days" in run.result["message"]


def test_the_same_file_waives_the_same_violation_in_the_pack_and_in_the_audit(estate, tmp_path, pack):
    config = {"all": "mandatory", "rds-multi-az": {"exceptions": [RECORD]}}
    reconcile_config(pack.info, config)  # accepted as the gate and the CLI reconcile it
    pack.configure(config)
    planned = _resource("aws:rds/instance:Instance", {"multiAz": False})
    planned.name = "legacy-mysql"
    planned.urn = "urn:pulumi:prod::proj::aws:rds/instance:Instance::legacy-mysql"
    from_pack = [v for v in with_waivers(pack.analyze(planned), config) if v.policy == "rds-multi-az"]
    [from_audit] = _multi_az(_audit(estate, tmp_path, RECORD))
    assert [(v.level, v.waiver.id if v.waiver else None) for v in from_pack] == [("advisory", "legacy-single-az")]
    assert (from_audit["level"], from_audit["waiver"]["id"]) == ("advisory", "legacy-single-az")


def test_a_person_sees_the_waived_finding_marked_waived(estate, tmp_path):
    import subprocess
    import sys

    from operations import demo
    from tests.ops_estate import ENV, ROOT

    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"all": "mandatory", "rds-multi-az": {"exceptions": [RECORD]}}))
    done = subprocess.run([sys.executable, "-m", "operations", "audit", "--policy-config", str(path),
                           "--region", demo.REGION, "--endpoint-url", estate.endpoint],
                          cwd=ROOT, env={**ENV, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    [row] = [i for i, line in enumerate(lines) if line.split()[:3] == ["waived", "rds-multi-az", "legacy-mysql"]]
    assert lines[row + 1].strip().startswith("[waived by exception legacy-single-az: owner dba@example.com")
    assert "waived: 1" in done.stdout
