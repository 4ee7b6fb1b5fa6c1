"""The blue-green runbook: the gated path against moto in server mode, and its refusals.

moto 5.2.5 creates a green environment that is AVAILABLE at once and switches over at once
(renaming blue `<id>-old1`), publishes no ReplicaLag and lacks DescribeDBEngineVersions and
DescribePendingMaintenanceActions: operations/demo_server.py answers those two from recorded
data, and the tests publish green's ReplicaLag themselves, as RDS would.
"""

import pytest

from operations import blue_green
from operations.cli import Context, parser
from operations.clients import Clients
from operations.output import Output
from tests import blue_green_estate
from tests.blue_green_estate import MYSQL_UPGRADE, _lag, _mysql, _deployments, _delete_deployment

estate = blue_green_estate.estate  # the module-scoped fixture: the demo estate served by moto


# --- the gated path ----------------------------------------------------------------------------

def test_the_gated_path_create_stop_resume_switch_over_delete_old(estate):
    _mysql(estate, "shop-db", "shop")
    before = estate.instances()["shop-db"]
    created = estate.run("blue-green", "--db-instance", "shop-db", "--engine-version", "8.4.3", "--confirm", "shop-db")
    # No ReplicaLag yet: the run stops after creating green, says which check failed, exit 1.
    assert created.code == 1 and created.result["ready"] is False and created.result["switched"] is False
    deployment, green = created.result["deployment"], created.result["created"]["green"][0]
    failed = {c["name"] for c in created.result["checks"] if not c["ok"]}
    assert failed == {"replication caught up"}
    assert estate.instances()["shop-db"]["EngineVersion"] == before["EngineVersion"] == "8.0.35"
    assert estate.instances()[green]["EngineVersion"] == "8.4.3"

    _lag(estate, green, 0.0)
    checked = estate.run("blue-green", "--deployment", deployment)  # a separate call: nothing switched
    assert checked.code == 0 and checked.result["ready"] is True and checked.result["switched"] is False
    assert estate.instances()["shop-db"]["EngineVersion"] == "8.0.35"

    unconfirmed = estate.run("blue-green", "--deployment", deployment, "--switchover")
    assert unconfirmed.code == 2 and "--confirm" in unconfirmed.result["message"]
    wrong = estate.run("blue-green", "--deployment", deployment, "--switchover", "--confirm", "appdb-prod")
    assert wrong.code == 2 and "shop-db" in wrong.result["message"]
    assert estate.instances()["shop-db"]["EngineVersion"] == "8.0.35"

    switched = estate.run("blue-green", "--deployment", deployment, "--switchover", "--confirm", "shop-db",
                          "--switchover-timeout", "120")
    assert switched.code == 0, switched.lines
    result = switched.result
    assert result["switched"] is True and result["engine_version"] == "8.4.3"
    assert result["old_environment"] == ["shop-db-old1"]
    # AutoMinorVersionUpgrade is on: the stack keeps the major version (the settings refuse a pin).
    assert result["config_changes"] == {"rdsplatform:engineVersion": "8.4"}
    assert result["stack_steps"][0] == 'Pulumi.shop.yaml: rdsplatform:engineVersion: "8.4"'
    # An instance's state ID (its DbiResourceId) stayed with shop-db-old1: the steps move it first.
    new_id = estate.instances()["shop-db"]["DbiResourceId"]
    assert [s.split()[:3] for s in result["stack_steps"][1:]] == [
        ["pulumi", "stack", "export"], ["jq", "-e", "--argjson"], ["jq", "--argjson", "ids"],
        ["pulumi", "stack", "import"], ["pulumi", "refresh", "--stack"], ["pulumi", "preview", "--stack"]]
    assert f"'shop-db' as {new_id}" in result["stack_steps"][4] and new_id != before["DbiResourceId"]
    after = estate.instances()
    assert after["shop-db"]["EngineVersion"] == "8.4.3" and after["shop-db-old1"]["EngineVersion"] == "8.0.35"
    notes = " ".join(line["message"] for line in switched.of_kind("note"))
    assert f"--deployment {deployment} --delete-old --confirm shop-db-old1" in notes

    # The old environment goes only with its own confirmation, and never the new primary.
    refused = estate.run("blue-green", "--deployment", deployment, "--delete-old", "--confirm", "shop-db")
    assert refused.code == 2 and "shop-db-old1" in refused.result["message"]
    assert "shop-db-old1" in estate.instances()
    deleted = estate.run("blue-green", "--deployment", deployment, "--delete-old", "--confirm", "shop-db-old1")
    assert deleted.code == 0 and deleted.result["deleted"] == ["shop-db-old1"]
    assert "shop-db-old1" not in estate.instances() and "shop-db" in estate.instances()
    assert deleted.result["final_snapshot"] in estate.snapshots()
    assert deployment not in {d["BlueGreenDeploymentIdentifier"] for d in _deployments(estate)}


def test_a_switchover_is_refused_while_a_check_fails_and_nothing_is_switched(estate):
    rds = estate.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="lagging", DBInstanceClass="db.t4g.medium", Engine="postgres",
                           EngineVersion="16.4", MasterUsername="dbadmin", MasterUserPassword="x" * 20,
                           AllocatedStorage=20, BackupRetentionPeriod=7)
    created = estate.run("blue-green", "--db-instance", "lagging", "--engine-version", "16.6", "--confirm", "lagging")
    deployment, green = created.result["deployment"], created.result["created"]["green"][0]
    try:
        _lag(estate, green, 120.0)  # above the default 30 s
        refused = estate.run("blue-green", "--deployment", deployment, "--switchover", "--confirm", "lagging")
        assert refused.code == 2 and "refusing to switch" in refused.result["message"]
        assert "ReplicaLag of green" in refused.result["message"] and "120 s" in refused.result["message"]
        # A larger allowance, but a pending maintenance action on blue: still refused.
        blue_arn = estate.instances()["lagging"]["DBInstanceArn"]
        estate.recorded.pending[blue_arn] = [{"Action": "system-update", "Description": "OS patch"}]
        pending = estate.run("blue-green", "--deployment", deployment, "--switchover", "--confirm", "lagging",
                             "--max-replica-lag", "300")
        assert pending.code == 2 and "lagging: system-update" in pending.result["message"]
        assert estate.instances()["lagging"]["EngineVersion"] == "16.4"
        assert [d["Status"] for d in _deployments(estate) if d["BlueGreenDeploymentIdentifier"] == deployment] == ["AVAILABLE"]
    finally:
        estate.recorded.pending.clear()
        _delete_deployment(estate, deployment)


def test_an_aurora_cluster_upgrade_and_its_cluster_parameter_group(estate):
    rds = estate.client("rds")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="cart-apg17", Description="17 settings",
                                          DBParameterGroupFamily="aurora-postgresql17")
    rds.create_db_cluster(DBClusterIdentifier="cart", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUsername="dbadmin", MasterUserPassword="x" * 20,
                          Tags=[{"Key": "Environment", "Value": "cart"}])
    rds.create_db_instance(DBInstanceIdentifier="cart-1", DBClusterIdentifier="cart", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    wrong_family = estate.run("blue-green", "--db-cluster", "cart", "--engine-version", "16.6",
                              "--cluster-parameter-group", "cart-apg17", "--confirm", "cart")
    assert wrong_family.code == 2 and "is of family aurora-postgresql17; green's engine version needs family " \
        "aurora-postgresql16" in wrong_family.result["message"]
    created = estate.run("blue-green", "--db-cluster", "cart", "--engine-version", "17.4",
                         "--cluster-parameter-group", "cart-apg17", "--confirm", "cart")
    failed = [c["name"] for c in created.result["checks"] if not c["ok"]]
    assert created.code == 1 and failed == ["replication caught up"]
    green = estate.client("rds").describe_db_clusters(
        DBClusterIdentifier=created.result["created"]["green"][0])["DBClusters"][0]
    writer = next(m["DBInstanceIdentifier"] for m in green["DBClusterMembers"] if m["IsClusterWriter"])
    _lag(estate, writer, 1.0)  # the green writer's ReplicaLag
    switched = estate.run("blue-green", "--deployment", created.result["deployment"], "--switchover", "--confirm", "cart")
    assert switched.code == 0, switched.lines
    assert switched.result["old_environment"] == ["cart-old1"]
    assert switched.result["config_changes"] == {"rdsplatform:engineVersion": "17"}  # minor upgrades automatic
    # A cluster's state ID is its identifier, which green now has: a refresh is enough.
    assert [s.split()[:2] for s in switched.result["stack_steps"][-2:]] == [["pulumi", "refresh"], ["pulumi", "preview"]]
    assert not [s for s in switched.result["stack_steps"] if "stack import" in s or "state delete" in s]
    now = estate.client("rds").describe_db_clusters(DBClusterIdentifier="cart")["DBClusters"][0]
    assert now["EngineVersion"] == "17.4" and now["DBClusterParameterGroup"] == "cart-apg17"


def test_a_failure_after_the_create_names_what_was_created(estate):
    _mysql(estate, "flaky-db", "shop")
    estate.recorded.failing.add("DescribePendingMaintenanceActions")
    try:
        run = estate.run("blue-green", "--db-instance", "flaky-db", "--engine-version", "8.4.3", "--confirm", "flaky-db")
    finally:
        estate.recorded.failing.clear()
    deployment = next(d["BlueGreenDeploymentIdentifier"] for d in _deployments(estate)
                      if d["Source"].endswith(":db:flaky-db"))
    try:
        assert run.code == 2 and "DescribePendingMaintenanceActions" in run.result["message"]
        assert f"created and kept: blue/green deployment {deployment}" in run.result["message"]
        assert f"resume with --deployment {deployment}" in run.result["message"]
        assert estate.instances()["flaky-db"]["EngineVersion"] == "8.0.35"  # nothing switched
    finally:  # green copies flaky-db's deletion protection: keep it, drop the deployment
        estate.client("rds").delete_blue_green_deployment(BlueGreenDeploymentIdentifier=deployment)


# --- refusals: exit 2, nothing created ---------------------------------------------------------

def _context(estate, *argv: str) -> Context:
    args = parser().parse_args([*argv, "--region", "eu-west-1", "--endpoint-url", estate.endpoint])
    return Context(args, Clients(args.region, args.endpoint_url), Output(as_json=True))


def test_the_baseline_of_the_refusal_table_passes_validation(estate, monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    ctx = _context(estate, *MYSQL_UPGRADE)
    blue = blue_green.Blue("instance", "legacy-mysql", estate.instances()["legacy-mysql"])
    assert blue_green.unsupported(ctx, blue) == []
    assert blue_green.change_problems(ctx, blue, blue_green.requested(ctx.args)) == []


@pytest.fixture(scope="module")
def refused_databases(estate):
    """What the refusal table needs beyond the demo estate: a MySQL 8.0 parameter group, a
    Multi-AZ DB cluster, a primary with cascading replicas, a SQL Server instance."""
    rds = estate.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName="legacy-80", DBParameterGroupFamily="mysql8.0",
                                  Description="8.0 settings")
    rds.create_db_cluster(DBClusterIdentifier="ledger", Engine="postgres", EngineVersion="16.4", MasterUsername="dbadmin",
                          MasterUserPassword="x" * 20, DBClusterInstanceClass="db.m6gd.large", StorageType="io1",
                          AllocatedStorage=100, Iops=1000)
    rds.create_db_instance(DBInstanceIdentifier="chain", DBInstanceClass="db.t4g.medium", Engine="postgres",
                           EngineVersion="16.4", MasterUsername="dbadmin", MasterUserPassword="x" * 20,
                           AllocatedStorage=20, BackupRetentionPeriod=7)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="chain-ro", SourceDBInstanceIdentifier="chain",
                                        DBInstanceClass="db.t4g.medium")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="chain-ro-ro", SourceDBInstanceIdentifier="chain-ro",
                                        DBInstanceClass="db.t4g.medium")
    rds.create_db_instance(DBInstanceIdentifier="mssql", DBInstanceClass="db.m5.large", Engine="sqlserver-se",
                           MasterUsername="admin", MasterUserPassword="x" * 20, AllocatedStorage=20,
                           LicenseModel="license-included")


@pytest.mark.parametrize("change, expected", [
    ({"--engine-version": None}, "nothing to change"),
    ({"--confirm": None}, "without --confirm legacy-mysql"),
    ({"--confirm": "legacy"}, "without --confirm legacy-mysql"),
    ({"--db-instance": "billing-prod", "--confirm": "billing-prod"}, "managed in AWS Secrets Manager"),
    ({"--db-instance": "appdb-prod", "--confirm": "appdb-prod", "--engine-version": "17.2"},
     "cross-Region read replica arn:aws:rds:eu-central-1"),
    ({"--engine-version": "5.7.44"}, "below blue's 8.0.35"),
    ({"--engine-version": "8.0.36"}, "not an upgrade target of mysql 8.0.35 (DescribeDBEngineVersions ValidUpgradeTarget: 8.0.40, 8.4.3)"),
    ({"--iops": "3000"}, "--iops with storage type gp2"),
    ({"--storage-throughput": "250"}, "throughput applies to gp3 only"),
    ({"--allocated-storage": "10"}, "at least 20 GiB"),
    ({"--cluster-parameter-group": "x"}, "an instance has no DB cluster parameter group"),
    ({"--parameter-group": "legacy-80"}, "legacy-80 is of family mysql8.0; green's engine version needs family mysql8.4"),
    ({"--parameter-group": "nope"}, "--parameter-group nope: no such group"),
    ({"--db-instance": None, "--db-cluster": "orders", "--confirm": "orders", "--engine-version": None,
      "--instance-class": "db.r6g.xlarge"}, "--instance-class: does not apply to an Aurora blue/green deployment"),
    ({"--db-instance": "orders-1", "--confirm": "orders-1"}, "member of cluster orders: use --db-cluster orders"),
    ({"--db-instance": None, "--db-cluster": "ledger", "--confirm": "ledger", "--engine-version": None,
      "--cluster-parameter-group": "default.postgres16"}, "engine postgres: a Multi-AZ DB cluster"),
    ({"--db-instance": "chain", "--confirm": "chain", "--engine-version": "16.6"},
     "read replica chain-ro has replicas of its own (cascading read replicas)"),
    ({"--db-instance": "mssql", "--confirm": "mssql", "--engine-version": None, "--instance-class": "db.m5.xlarge"},
     "engine sqlserver-se: RDS blue/green deployments support MySQL, MariaDB and PostgreSQL only"),
])
def test_a_refusal_exits_2_and_creates_nothing(estate, refused_databases, change, expected):
    options = dict(zip(MYSQL_UPGRADE[1::2], MYSQL_UPGRADE[2::2]))
    options.update(change)
    argv = ["blue-green", *[part for k, v in options.items() if v is not None for part in (k, v)]]
    deployments, instances = _deployments(estate), estate.instances()
    run = estate.run(*argv)
    assert run.code == 2 and run.result["kind"] == "error", run.lines
    assert expected in run.result["message"]
    assert _deployments(estate) == deployments and estate.instances() == instances


def test_a_second_deployment_of_the_same_database_is_refused(estate):
    first = estate.run(*MYSQL_UPGRADE)
    deployment = first.result["deployment"]
    try:
        again = estate.run(*MYSQL_UPGRADE)
        assert again.code == 2 and f"already has the blue/green deployment {deployment}" in again.result["message"]
        assert f"--deployment {deployment}" in again.result["message"]
    finally:
        _delete_deployment(estate, deployment)


@pytest.mark.parametrize("argv, expected", [
    (["--deployment", "1-not-an-id"], "not a blue/green deployment identifier"),
    (["--deployment", "bgd-x", "--switchover-timeout", "10"], "not a switchover timeout (whole seconds, 30-3600)"),
    (["--deployment", "bgd-x", "--switchover-timeout", "3601"], "not a switchover timeout"),
    (["--deployment", "bgd-x", "--iops", "-5"], "not a whole number above zero"),
    (["--deployment", "bgd-x", "--storage-type", "standard"], "invalid choice"),
])
def test_bad_options_are_refused_by_the_parser(estate, argv, expected):
    run = estate.run("blue-green", *argv)
    assert run.code == 2 and expected in run.result["message"]


def test_resume_takes_no_changes_and_an_unknown_deployment_is_one_message(estate):
    changes = estate.run("blue-green", "--deployment", "bgd-x", "--engine-version", "8.4.3")
    assert changes.code == 2 and "changes belong to a new deployment" in changes.result["message"]
    unknown = estate.run("blue-green", "--deployment", "bgd-doesnotexist")
    assert unknown.code == 2 and unknown.result["message"] == "no blue/green deployment 'bgd-doesnotexist' in eu-west-1"


def test_delete_old_is_refused_before_a_switchover_and_for_a_deployment_made_elsewhere(estate):
    rds = estate.client("rds")
    _mysql(estate, "by-hand-db", "shop")
    source = estate.instances()["by-hand-db"]["DBInstanceArn"]
    outside = rds.create_blue_green_deployment(BlueGreenDeploymentName="by-hand", Source=source,
                                               TargetEngineVersion="8.4.3")["BlueGreenDeployment"]
    deployment = outside["BlueGreenDeploymentIdentifier"]
    try:
        early = estate.run("blue-green", "--deployment", deployment, "--delete-old", "--confirm", "by-hand-db")
        assert early.code == 2 and "not SWITCHOVER_COMPLETED" in early.result["message"]
        # Resuming one made elsewhere works: its checks run against blue's own settings.
        resumed = estate.run("blue-green", "--deployment", deployment)
        assert resumed.result["kind"] == "result" and resumed.result["deployment"] == deployment
        green = next(name for name in estate.instances() if name.startswith("by-hand-db-green-"))
        _lag(estate, green, 0.0)
        rds.switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=deployment)
        no_tag = estate.run("blue-green", "--deployment", deployment, "--delete-old", "--confirm", "by-hand-db-old1")
        assert no_tag.code == 2 and "was not created by this runbook" in no_tag.result["message"]
        assert "by-hand-db-old1" in estate.instances()
    finally:
        rds.delete_blue_green_deployment(BlueGreenDeploymentIdentifier=deployment)
