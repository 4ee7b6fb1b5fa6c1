"""Each AWS rule of docs/aws-rules.md from the gate's side: `python -m preview --stack S --baseline B` with one
change against a compliant baseline, and what a reviewer reads about it (docs/aws-rules.md)."""

import dataclasses
import json

import pytest

from preview.__main__ import EXIT_CLEAN, EXIT_ERROR, main
from tests.test_plan_diff_values import _baseline, _diff

PRIMARY = "appdb-prod-db-instance"


@pytest.fixture(scope="module")
def prod_base(tmp_path_factory):
    return _baseline(tmp_path_factory.mktemp("prod"), "prod")


@pytest.fixture(scope="module")
def dev_base(tmp_path_factory):
    return _baseline(tmp_path_factory.mktemp("dev"), "dev")


def _said(text: str, name: str, prop: str) -> str:
    """The reviewer's line for one input of one resource."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if name in line and line.lstrip().startswith(("update", "replace")))
    return next(line.strip() for line in lines[start + 1:] if line.strip().startswith(f"{prop} "))


# Enhanced Monitoring, Performance Insights, the autoscaling limit and copying tags: applied at once,
# whatever applyImmediately says (prod leaves applyImmediately off), no outage (RDS UG, Settings for
# DB instances).
@pytest.mark.parametrize("config, prop", [
    ("monitoringInterval=30", "monitoringInterval"),
    ("maintenanceWindow=sat:04:00-sat:05:00", "maintenanceWindow"),
    ("performanceInsightsRetentionDays=62", "performanceInsightsRetentionPeriod"),
    ("maxAllocatedStorage=2000", "maxAllocatedStorage"),
])
def test_settings_applied_at_once_whatever_apply_immediately_says(tmp_path, capsys, prod_base, config, prop):
    code, diff, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, config)
    assert code == EXIT_CLEAN
    line = _said(text, PRIMARY, prop)
    assert "in place, applied immediately:" in line and "no outage" in line, line
    assert "applied in the next maintenance window" not in line


# Storage modifications: storage-optimization, then at most four in 24 hours (RDS UG, Modifying settings
# for Provisioned IOPS SSD / gp3 storage, Note); the older six-hour wording is named, not relied on.
@pytest.mark.parametrize("config, prop", [("iops=13200", "iops"), ("storageThroughput=600", "storageThroughput")])
def test_a_storage_change_says_the_four_in_24_hours_limit(tmp_path, capsys, prod_base, config, prop):
    code, _, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, config)
    assert code == EXIT_CLEAN
    line = _said(text, PRIMARY, prop)
    assert "applied in the next maintenance window" in line, line
    assert "at most 4 storage modifications in any 24 hours" in line and "may be refused" in line, line


def test_a_storage_autoscaling_limit_under_ten_percent_above_is_refused(tmp_path, capsys, prod_base):
    # RDS UG, storage autoscaling: the maximum storage threshold at least 10 % above the allocated
    # storage. The program refuses it (exit 2, tests/test_aws_rules.py); the pack, for any program,
    # flags the planned instance (rds-max-allocated-storage-headroom, tests/test_policy_deployability.py).
    capsys.readouterr()
    code = main(["--stack", "prod", "--quiet", "--baseline", str(prod_base), "--config", "maxAllocatedStorage=439"])
    out = capsys.readouterr()
    assert code == EXIT_ERROR
    assert "rdsplatform:maxAllocatedStorage = 439: must be at least 10 % above allocatedStorage (400), so 440" \
        in out.out + out.err


# storageType between SSD types is online (RDS UG, I/O-intensive storage modifications; gp3 page); only
# to or from magnetic storage reboots (ModifyDBInstance StorageType / Iops), which the program never plans
# (tests/test_change_effects.py covers that row).
def test_a_storage_type_change_between_ssd_types_has_no_outage(tmp_path, capsys, dev_base):
    code, _, _, _, text = _diff(tmp_path, capsys, "dev", dev_base, "storageType=gp2")
    assert code == EXIT_CLEAN
    line = _said(text, "appdb-dev-db-instance", "storageType")
    assert line.startswith("storageType gp3 → gp2: in place, applied immediately: between SSD types (gp2, gp3, io1, "
                           "io2): no outage"), line


# Where the provider replaces what AWS changes in place, the gate says both and never that AWS replaces:
# a Multi-AZ DB cluster's storageType (ModifyDBCluster StorageType: io1 | io2 | gp3) and an Aurora DB
# cluster's subnet group (ModifyDBCluster DBSubnetGroupName, Aurora only, an outage). The stack examples of
# docs/configuration.md, planned by the gate's harness and compared by the gate's diff.
def _example_diff(tmp_path, option, change, type_="aws:rds/cluster:Cluster"):
    from preview.diff import diff_plans
    from preview.harness import run_program
    from tests.test_stack_examples import EXAMPLES

    [example] = [e for e in EXAMPLES if f"deploymentOption: {option}" in e][:1]
    stack_file = tmp_path / "Pulumi.example.yaml"
    stack_file.write_text(example)
    before = run_program("example", stack_file=stack_file)
    after = run_program("example", change.get("config"), stack_file=stack_file)
    assert before.error is None and after.error is None, after.error
    resources = [dataclasses.replace(r, inputs={**r.inputs, **change.get("inputs", {})})
                 if r.type == "aws:rds/cluster:Cluster" else r for r in after.resources]
    clusters = [c for c in diff_plans(before.resources, resources, "before").changes if c.type == type_]
    assert clusters
    return clusters


@pytest.mark.parametrize("option, change, prop, aws_says", [
    ("multi-az-cluster", {"config": {"storageType": "io2"}}, "storageType",
     "AWS changes a Multi-AZ DB cluster's storage type in place (ModifyDBCluster; its time and outage are not documented), "
     "but the provider replaces the cluster"),
    ("aurora", {"inputs": {"dbSubnetGroupName": "other-subnets"}}, "dbSubnetGroupName",
     "AWS moves an Aurora DB cluster to another DB subnet group in place, with an outage"),
])
def test_a_provider_replacement_of_what_aws_changes_in_place_says_both(tmp_path, option, change, prop, aws_says):
    for cluster in _example_diff(tmp_path, option, change):  # Aurora: the primary and its secondary
        assert (cluster.action, cluster.at_risk) == ("replace", True)
        [value] = [v for v in cluster.values if v.property == prop]
        assert value.effect.outcome == "replacement"
        assert value.effect.text.startswith(f"replacement: {aws_says}"), value.effect.text
        assert "the provider replaces" in value.effect.text and "AWS replaces" not in value.effect.text
        assert "ModifyDBCluster" in value.effect.source


# Aurora global databases (Aurora UG, Upgrading an Amazon Aurora global database): a minor upgrade of an
# Aurora PostgreSQL global database is one managed operation through ModifyGlobalCluster, applied at once;
# a major one resets the parameter groups. A global cluster's engineLifecycleSupport cannot be changed
# (ModifyGlobalCluster has no such parameter): the change never reaches AWS and comes back on every up.
@pytest.mark.parametrize("change, prop, words", [
    ({"config": {"engineVersion": "16.4"}}, "engineVersion",
     "minor upgrade, downtime, applied immediately: a managed minor upgrade of every cluster of the global database"),
    ({"config": {"engineVersion": "17", "autoMinorVersionUpgrade": True}}, "engineVersion",
     "major upgrade, downtime, applied immediately: the whole global database is upgraded"),
    ({"config": {"engineLifecycleSupport": "open-source-rds-extended-support"}}, "engineLifecycleSupport",
     "no effect: AWS cannot change a global cluster's engineLifecycleSupport after create, so the change never "
     "reaches AWS and shows again on every up"),
])
def test_what_aws_does_with_a_global_database_change(tmp_path, change, prop, words):
    [global_cluster] = _example_diff(tmp_path, "aurora", change, "aws:rds/globalCluster:GlobalCluster")
    [value] = [v for v in global_cluster.values if v.property == prop]
    assert value.effect.text.startswith(words), value.effect.text


def test_mariadb_10_6_gets_the_standard_support_warning(tmp_path, capsys):
    # RDS UG, MariaDB on Amazon RDS versions: 10.6 leaves standard support on 2026-12-31, and RDS for
    # MariaDB has no Extended Support (calendar.json). The policy's `today` is pinned to the day read.
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"all": "advisory", "rds-standard-support-ending": {"today": "2026-12-07"}}))
    capsys.readouterr()
    code = main(["--stack", "dev", "--policy-config", str(config), "--config", "engine=mariadb",
                 "--config", "instanceClass=db.t4g.medium",
                 "--config", "engineVersion=10.6"])
    out = capsys.readouterr().out
    assert code == EXIT_CLEAN  # advisory
    assert ("[advisory] rds-standard-support-ending: Instance 'appdb-dev-db-instance': standard support of mariadb "
            "10.6 ends on 2026-12-31, within the 180-day warning: after that mariadb 10.6 has no RDS Extended "
            "Support") in out, out


def test_a_new_database_past_standard_support_is_refused(capsys):
    # CreateDBInstance EngineLifecycleSupport: with Extended Support disabled (the program's default), creating
    # a database on a major past its end of standard support fails; PostgreSQL 13's ended on 2026-02-28.
    capsys.readouterr()
    code = main(["--stack", "dev", "--quiet", "--config", "engineVersion=13"])
    out = capsys.readouterr()
    assert code == EXIT_ERROR
    assert ("rdsplatform:engineVersion = '13': standard support of postgres 13 ended on 2026-02-28 and "
            "rdsplatform:engineLifecycleSupport is 'open-source-rds-extended-support-disabled', so AWS refuses to "
            "create the database") in out.out + out.err


def test_a_minor_upgrade_before_the_replicas_is_refused(tmp_path, capsys):
    # RDS UG, Upgrades of the RDS for PostgreSQL DB engine, Minor version upgrades: "you must first upgrade all
    # of the read replicas before you upgrade the source instance" (MySQL and MariaDB: the same). The baseline
    # stands for what is deployed: the replica runs its source's 16.8.
    pinned = ["autoMinorVersionUpgrade=false", "replicas[0].name=ro"]
    base = _baseline(tmp_path, "dev", "engineVersion=16.8", *pinned)
    capsys.readouterr()
    code = main(["--stack", "dev", "--quiet", "--no-policy", "--baseline", str(base),
                 *[a for kv in ["engineVersion=16.9", *pinned] for a in ("--config", kv)]])
    out = capsys.readouterr()
    assert code == EXIT_ERROR
    assert ("rdsplatform:engineVersion = '16.9' is a minor upgrade of appdb-dev (16.8) while its read replicas "
            "['appdb-dev-ro (16.8)'] run an older version: RDS needs every postgres read replica upgraded first"
            ) in out.out + out.err


def test_a_non_default_port_beside_a_proxy_is_refused_as_the_projects_choice(capsys):
    # RDS UG, Quotas and limitations for RDS Proxy: the proxy listens on 5432 and connects on the database's
    # port; AWS does not refuse the pair, the program does, and says that it is its own choice.
    capsys.readouterr()
    code = main(["--stack", "prod", "--quiet", "--config", "port=5433"])
    out = capsys.readouterr()
    assert code == EXIT_ERROR
    said = out.out + out.err
    assert "rdsplatform:port = 5433 with rdsplatform:proxy: RDS Proxy listens on the engine's port (5432)" in said
    assert "this program refuses the pair (its own choice: AWS accepts it" in said


# Every row of the change table is confirmed with its section and date read (item 3): a change AWS applies
# per applyImmediately says so, with its outage or none.
@pytest.mark.parametrize("config, prop, words", [
    ("iamAuth=false", "iamDatabaseAuthenticationEnabled",
     "in place, applied in the next maintenance window: no outage; maps IAM accounts to database accounts"),
    ("instanceClass=db.r7g.xlarge", "instanceClass", "downtime, applied in the next maintenance window: an outage"),
])
def test_a_change_applied_per_apply_immediately_says_when_and_its_outage(tmp_path, capsys, prod_base, config, prop,
                                                                         words):
    code, diff, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, config)
    assert code == EXIT_CLEAN
    line = _said(text, PRIMARY, prop)
    assert words in line, line
    source = next(v for c in diff["changes"] if c["name"] == PRIMARY for v in c["values"] if v["property"] == prop)
    assert " → " in source["effect"]["source"]  # the page and its section
