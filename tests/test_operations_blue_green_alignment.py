"""The stack's alignment after a blue-green switchover: the printed config change and state edit,
and the URNs the engine gives the program's instances.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from operations import blue_green
from plan.aliases import engine_urns
from preview.diff import diff_plans
from preview.harness import run_program
from tests import blue_green_estate
from tests.blue_green_estate import ROOT, _lag

estate = blue_green_estate.estate  # the module-scoped fixture: the demo estate served by moto


# --- the stack's alignment after a switchover ---------------------------------------------------

def _stack_copy(tmp_path: Path, stack: str, config_changes: dict) -> Path:
    """The project's stack file with the printed config changes applied, in a copy."""
    document = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    document["config"].update(config_changes)
    copy = tmp_path / f"Pulumi.{stack}.yaml"
    copy.write_text(yaml.safe_dump(document, sort_keys=False))
    return copy


def _shell(step: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(step, shell=True, cwd=cwd, capture_output=True, text=True, timeout=30)


@pytest.mark.skipif(shutil.which("jq") is None, reason="the printed state edit runs jq, not installed here")
def test_the_printed_config_change_gives_the_new_version_and_no_replacement(estate, tmp_path):
    # The dev stack's database (postgres "16", minor versions automatic), as deployed.
    before_plan = run_program("dev")
    instance = next(r for r in before_plan.resources if r.type == "aws:rds/instance:Instance")
    identifier = instance.inputs["identifier"]
    rds = estate.client("rds")
    rds.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.t4g.micro", Engine="postgres",
                           EngineVersion="16.4", MasterUsername="dbadmin", MasterUserPassword="x" * 20,
                           AllocatedStorage=20, BackupRetentionPeriod=7, AutoMinorVersionUpgrade=True,
                           Tags=[{"Key": "Environment", "Value": "dev"}, {"Key": "Project", "Value": "rdsplatform"}])
    # pulumi-aws keeps an rds.Instance's DbiResourceId as its ID: this is what the state holds.
    blue_id = estate.instances()[identifier]["DbiResourceId"]
    created = estate.run("blue-green", "--db-instance", identifier, "--engine-version", "17.2", "--confirm", identifier)
    _lag(estate, created.result["created"]["green"][0], 0.0)
    switched = estate.run("blue-green", "--deployment", created.result["deployment"], "--switchover",
                          "--confirm", identifier)
    assert switched.code == 0, switched.lines
    assert switched.result["config_changes"] == {"rdsplatform:engineVersion": "17"}
    steps = switched.result["stack_steps"]
    assert steps[0] == 'Pulumi.dev.yaml: rdsplatform:engineVersion: "17"'
    # The state's ID now names the renamed old database: a bare refresh would adopt it.
    now = estate.instances()
    assert now[f"{identifier}-old1"]["DbiResourceId"] == blue_id != now[identifier]["DbiResourceId"]
    green_id = now[identifier]["DbiResourceId"]
    assert [s.split()[:3] for s in steps[1:]] == [
        ["pulumi", "stack", "export"], ["jq", "-e", "--argjson"], ["jq", "--argjson", steps[3].split()[2]],
        ["pulumi", "stack", "import"], ["pulumi", "refresh", "--stack"], ["pulumi", "preview", "--stack"]]
    urns = engine_urns(before_plan.resources)
    ids = json.dumps({urns[instance.urn]: green_id}, separators=(",", ":"))
    assert f"--argjson ids '{ids}' " in steps[2] and f"--argjson ids '{ids}' " in steps[3]

    # The printed edit, on an export of the state as the engine names it: only the instance's ID changes.
    state = [{"urn": urns[r.urn], "type": r.type, "custom": r.custom,
              "id": blue_id if r is instance else f"id-of-{r.name}"} for r in before_plan.resources]
    export = {"version": 3, "deployment": {"manifest": {}, "resources": state}}
    (tmp_path / "dev-state.json").write_text(json.dumps(export))
    check = _shell(steps[2], tmp_path)
    assert (check.returncode, check.stdout.strip()) == (0, "true"), check.stderr
    edit = _shell(steps[3], tmp_path)
    assert edit.returncode == 0, edit.stderr
    aligned = json.loads((tmp_path / "dev-aligned.json").read_text())["deployment"]["resources"]
    assert [r["id"] for r in aligned] == [green_id if e["id"] == blue_id else e["id"] for e in state]
    assert [r["id"] for r in aligned].count(green_id) == 1
    # An export without the program's URN (here: the mock engine's) fails the check instead.
    (tmp_path / "dev-state.json").write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": r.urn, "id": blue_id} for r in before_plan.resources]}}))
    assert _shell(steps[2], tmp_path).returncode == 1

    after_plan = run_program("dev", stack_file=_stack_copy(tmp_path, "dev", switched.result["config_changes"]))
    assert after_plan.error is None
    changes = diff_plans(before_plan.resources, after_plan.resources, "before").changes
    database = [c for c in changes if c.urn == instance.urn]
    assert [c.action for c in database] == ["update"] and "engineVersion" in database[0].properties
    assert after_plan.named(instance.name).inputs["engineVersion"] == "17"
    assert not [c for c in changes if c.at_risk], [(c.name, c.action) for c in changes]


def test_the_printed_urns_are_the_ones_the_engine_gives_the_programs_instances():
    plan = run_program("prod")
    instances = {r.inputs["identifier"]: r for r in plan.resources if r.type == "aws:rds/instance:Instance"}
    assert set(instances) == {"appdb-prod", "appdb-prod-reporting", "appdb-prod-dr"}
    for identifier, resource in instances.items():
        assert blue_green.instance_urn("prod", "appdb-prod", identifier) == engine_urns(plan.resources)[resource.urn]


def test_an_instance_not_read_back_gets_no_guessed_id():
    blue = {"Engine": "postgres", "AutoMinorVersionUpgrade": True, "TagList": [{"Key": "Environment", "Value": "prod"}]}
    _, steps = blue_green.stack_steps(blue, "appdb-prod", "instance", {"engine_version": "17.2"}, "17.2",
                                      {"appdb-prod": "db-NEWPRIMARY", "appdb-prod-reporting": ""})
    reporting = blue_green.instance_urn("prod", "appdb-prod", "appdb-prod-reporting")
    assert steps[1].startswith(f"add {reporting}: <its DbiResourceId> to ids")
    edit = next(s for s in steps if s.startswith("jq --argjson"))
    assert "db-NEWPRIMARY" in edit and reporting not in edit and '""' not in edit
