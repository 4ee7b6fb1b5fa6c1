"""Engine upgrades as RDS applies them: the offline gate answers lookups from the baseline, and
the program refuses what RDS would refuse halfway through an update (docs/upgrades.md)."""

import json
import subprocess
import sys

import pytest

from plan.stack_config import PROJECT_DIR
from preview.deployed import deployed_from
from preview.diff import load_baseline
from preview.harness import run_program
from preview.report import StackResult, to_json

PRIMARY = "appdb-dev-db-instance"
INSTANCE = "aws:rds/instance:Instance"
MYSQL = {"engine": "mysql", "engineVersion": "8.0", "instanceClass": "db.t4g.medium"}


def _run(*args):
    return subprocess.run([sys.executable, "-m", "preview", "--no-policy", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def dev_baseline(tmp_path_factory) -> str:
    """dev as deployed: the saved report of its plan (PostgreSQL 16)."""
    path = tmp_path_factory.mktemp("baseline") / "dev.json"
    result = _run("--stack", "dev", "--quiet", "--json", str(path))
    assert result.returncode == 0, result.stderr
    return str(path)


# --- the offline gate answers from what is deployed ------------------------------------------------

@pytest.mark.parametrize("version, allowed", [("17", True), ("16", False)])
def test_a_major_upgrade_against_the_baseline_plans_allow_major_version_upgrade(dev_baseline, tmp_path,
                                                                                 version, allowed):
    report = tmp_path / "plan.json"
    result = _run("--stack", "dev", "--config", f"engineVersion={version}", "--baseline", dev_baseline,
                  "--json", str(report))
    assert result.returncode == 0, result.stderr
    plan = json.loads(report.read_text())
    primary = next(r for r in plan["resources"] if r["type"] == INSTANCE)
    assert primary["inputs"]["allowMajorVersionUpgrade"] is allowed
    assert plan["deployedState"] == {"from": dev_baseline, "lookups": [
        {"kind": "instance", "identifier": "appdb-dev", "region": "eu-west-1", "engineVersion": "16"}]}
    assert f"answered from the baseline {dev_baseline}: instance appdb-dev (eu-west-1) 16" in result.stdout


def test_a_minor_change_against_the_baseline_is_no_major_upgrade(tmp_path):
    pinned = ["--config", "autoMinorVersionUpgrade=false"]
    before = tmp_path / "before.json"
    assert _run("--stack", "dev", *pinned, "--config", "engineVersion=16.4", "--json", str(before)).returncode == 0
    report = tmp_path / "after.json"
    result = _run("--stack", "dev", *pinned, "--config", "engineVersion=16.6", "--baseline", str(before),
                  "--json", str(report))
    assert result.returncode == 0, result.stderr
    primary = next(r for r in json.loads(report.read_text())["resources"] if r["type"] == INSTANCE)
    assert primary["inputs"]["engineVersion"] == "16.6"
    assert primary["inputs"]["allowMajorVersionUpgrade"] is False


def test_without_a_baseline_every_report_says_the_lookups_found_nothing(tmp_path):
    report, summary = tmp_path / "plan.json", tmp_path / "summary.md"
    result = _run("--stack", "dev", "--config", "engineVersion=17", "--json", str(report),
                  "--markdown", str(summary))
    assert result.returncode == 0, result.stderr
    assert json.loads(report.read_text())["deployedState"] == {"from": None, "lookups": [
        {"kind": "instance", "identifier": "appdb-dev", "region": "eu-west-1", "engineVersion": None}]}
    said = "no baseline: the lookups of deployed databases were assumed to find nothing"
    assert said in result.stderr and "instance appdb-dev (eu-west-1)" in result.stderr
    assert said in summary.read_text()


def test_a_git_baseline_answers_the_lookups_too():
    result = _run("--stack", "dev", "--quiet", "--config", "engineVersion=17", "--baseline", "git:HEAD",
                  "--json", "-")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["deployedState"]["lookups"][0]["engineVersion"] == "16"
    assert next(r for r in plan["resources"] if r["type"] == INSTANCE)["inputs"]["allowMajorVersionUpgrade"] is True


def test_replicas_in_the_baseline_run_their_sources_version(tmp_path):
    plan = run_program("prod")
    assert plan.error is None, plan.error
    saved = tmp_path / "prod.json"
    saved.write_text(json.dumps(to_json(StackResult(stack="prod", plan=plan))))
    deployed = deployed_from(load_baseline(str(saved), "prod"))
    # The replicas state no engineVersion: they run their source's.
    assert deployed == {"appdb-prod": "16", "appdb-prod-dr": "16", "appdb-prod-reporting": "16"}


# --- the engine version is a floor ----------------------------------------------------------------

@pytest.mark.parametrize("version, running", [("16.4", "16.8"), ("15", "16.8")])
def test_a_version_below_the_deployed_one_is_refused(version, running):
    plan = run_program("dev", {"engineVersion": version, "autoMinorVersionUpgrade": False},
                       deployed={"appdb-dev": running})
    assert plan.error is not None
    assert (f"rdsplatform:engineVersion = '{version}' is below the version appdb-dev runs ({running}): RDS does "
            "not downgrade an engine") in plan.error
    assert "Set engineVersion to '16' (RDS keeps the minor it runs) or to '16.8' or later" in plan.error
    assert not any(r.type == INSTANCE for r in plan.resources)  # the database is never asked


def test_a_floor_below_a_major_only_deployment_says_the_major_once():
    # A saved baseline holds the requested version: "16", not the minor RDS runs.
    plan = run_program("dev", {"engineVersion": "15"}, deployed={"appdb-dev": "16"})
    assert plan.error is not None
    assert plan.error.endswith("Set engineVersion to '16' or later")


@pytest.mark.parametrize("version, running, allowed", [("16", "16.8", False), ("16.8", "16.8", False),
                                                        ("16.9", "16.8", False), ("17", "16.8", True)])
def test_the_deployed_version_or_later_is_planned(version, running, allowed):
    plan = run_program("dev", {"engineVersion": version, "autoMinorVersionUpgrade": "." not in version},
                       deployed={"appdb-dev": running})
    assert plan.error is None, plan.error
    assert plan.named(PRIMARY).inputs["engineVersion"] == version
    assert plan.named(PRIMARY).inputs["allowMajorVersionUpgrade"] is allowed


# --- read replicas in a major upgrade ----------------------------------------------------------------

@pytest.mark.parametrize("engine", [{**MYSQL, "engineVersion": "8.4"},
                                    {**MYSQL, "engine": "mariadb", "engineVersion": "11.4"}])
def test_mysql_and_mariadb_refuse_a_major_upgrade_before_the_replicas(engine):
    old = "8.0.39" if engine["engine"] == "mysql" else "10.11.9"
    plan = run_program("dev", {**engine, "replicas": [{"name": "ro"}]},
                       deployed={"appdb-dev": old, "appdb-dev-ro": old})
    assert plan.error is not None
    assert (f"rdsplatform:engineVersion = '{engine['engineVersion']}' is a major upgrade of appdb-dev ({old}) while "
            f"its read replicas ['appdb-dev-ro'] are not on {engine['engine']} {engine['engineVersion']}: RDS "
            f"needs every {engine['engine']} read replica upgraded before its source") in plan.error
    assert "Remove them from rdsplatform:replicas and run, then upgrade, then add them back" in plan.error
    assert not any(r.type == INSTANCE for r in plan.resources)


@pytest.mark.parametrize("replica", [{"appdb-dev-ro": "8.4.3"}, {}])
def test_mysql_upgrades_once_the_replicas_are_on_the_new_major_or_not_deployed(replica):
    plan = run_program("dev", {**MYSQL, "engineVersion": "8.4", "replicas": [{"name": "ro"}]},
                       deployed={"appdb-dev": "8.0.39", **replica})
    assert plan.error is None, plan.error
    assert plan.named(PRIMARY).inputs["allowMajorVersionUpgrade"] is True


def test_postgres_in_region_replicas_go_with_the_primary():
    plan = run_program("dev", {"engineVersion": "17", "replicas": [{"name": "ro"}]},
                       deployed={"appdb-dev": "16.8", "appdb-dev-ro": "16.8"})
    assert plan.error is None, plan.error
    assert plan.named(PRIMARY).inputs["allowMajorVersionUpgrade"] is True
    replica = plan.named("appdb-dev-replica-ro-instance").inputs
    assert "engineVersion" not in replica  # RDS upgrades it with its source


@pytest.mark.parametrize("deployed, refused", [({"appdb-prod": "16.8", "appdb-prod-dr": "16.8"}, True),
                                               ({"appdb-prod": "16.8"}, False),
                                               ({"appdb-prod": "16.8", "appdb-prod-dr": "17.2"}, False)])
def test_postgres_refuses_a_major_upgrade_with_a_deployed_cross_region_replica(deployed, refused):
    plan = run_program("prod", {"engineVersion": "17"}, deployed=deployed)
    if refused:
        assert plan.error is not None
        assert ("RDS upgrades in-Region read replicas with their source, but not the cross-Region replicas "
                "['appdb-prod-dr'], which would stay on the old major and stop replicating; this program refuses it "
                "rather than leave them broken") in plan.error
    else:
        assert plan.error is None, plan.error
        assert plan.named("appdb-prod-db-instance").inputs["allowMajorVersionUpgrade"] is True


# --- read replicas in a minor upgrade: replicas first, all three engines ------------------------------------

@pytest.mark.parametrize("engine, running, target", [("postgres", "16.8", "16.9"), ("mysql", "8.4.6", "8.4.7"),
                                                     ("mariadb", "11.4.8", "11.4.9")])
def test_a_minor_upgrade_waits_for_the_read_replicas(engine, running, target):
    config = {"engine": engine, "engineVersion": target, "autoMinorVersionUpgrade": False,
              "instanceClass": "db.t4g.medium", "replicas": [{"name": "ro"}]}
    plan = run_program("dev", config, deployed={"appdb-dev": running, "appdb-dev-ro": running})
    assert plan.error is not None
    assert (f"rdsplatform:engineVersion = '{target}' is a minor upgrade of appdb-dev ({running}) while its read "
            f"replicas ['appdb-dev-ro ({running})'] run an older version: RDS needs every {engine} read replica "
            "upgraded first, minor versions too") in plan.error
    assert not any(r.type == INSTANCE for r in plan.resources)
    upgraded = run_program("dev", config, deployed={"appdb-dev": running, "appdb-dev-ro": target})
    assert upgraded.error is None, upgraded.error
    assert upgraded.named(PRIMARY).inputs["engineVersion"] == target
    assert upgraded.named(PRIMARY).inputs["allowMajorVersionUpgrade"] is False


# --- blue/green beside RDS Proxy -----------------------------------------------------------------

def test_blue_green_updates_are_accepted_beside_a_proxy_whose_target_comes_with_the_instance():
    # RDS UG, "Using RDS Proxy with Blue/Green Deployments": supported for PostgreSQL, MySQL and
    # MariaDB once the instance is a proxy target before the blue/green deployment is created.
    plan = run_program("dev", {"credentialsMode": "generated", "blueGreenUpdate": True, "proxy": {},
                               "engineVersion": "17"}, deployed={"appdb-dev": "16.8"})
    assert plan.error is None, plan.error
    primary = plan.named(PRIMARY)
    assert primary.inputs["blueGreenUpdate"] == {"enabled": True}
    assert primary.inputs["allowMajorVersionUpgrade"] is True
    target = plan.one("aws:rds/proxyTarget:ProxyTarget")
    assert primary.urn in target.options["dependencies"]  # registered with the instance, never before it


# --- Aurora global databases ------------------------------------------------------------------------

AURORA_GLOBAL = {"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
                 "disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16",
                                      "replicateBackups": False}}


@pytest.mark.parametrize("version, running, refused", [("16", "16.6", False), ("17", "16.6", False),
                                                        ("15", "16.6", True)])
def test_a_global_database_upgrades_through_its_global_cluster_never_below_the_primary(version, running, refused):
    plan = run_program("dev", {**AURORA_GLOBAL, "engineVersion": version}, deployed={"appdb-dev": running})
    if refused:
        assert plan.error is not None
        assert f"rdsplatform:engineVersion = '{version}' is below the version appdb-dev runs ({running})" in plan.error
        assert not plan.of_type("aws:rds/globalCluster:GlobalCluster")
        return
    assert plan.error is None, plan.error
    assert plan.one("aws:rds/globalCluster:GlobalCluster").inputs["engineVersion"] == version
    for member in plan.of_type("aws:rds/cluster:Cluster"):
        assert "allowMajorVersionUpgrade" not in member.inputs and "engineVersion" in member.options["ignoreChanges"]


def test_every_stack_planned_in_parallel_answers_from_its_own_baseline(tmp_path):
    saved = tmp_path / "all.json"
    assert _run("--all", "--quiet", "--json", str(saved)).returncode == 0
    result = _run("--all", "--quiet", "--config", "engineVersion=17", "--baseline", str(saved), "--json", "-")
    # prod's deployed cross-Region replica refuses the upgrade; dev upgrades.
    assert result.returncode == 2, result.stderr
    reports = {r["stack"]: r for r in json.loads(result.stdout)["stacks"]}
    assert "cross-Region replicas ['appdb-prod-dr']" in reports["prod"]["error"]
    dev = reports["dev"]
    assert dev["error"] is None and dev["deployedState"]["from"] == str(saved)
    assert dev["deployedState"]["lookups"][0]["identifier"] == "appdb-dev"
    assert next(r for r in dev["resources"] if r["type"] == INSTANCE)["inputs"]["allowMajorVersionUpgrade"] is True
