"""The alarms that watch replication and pausing databases (docs/aws-rules.md rows 47-49), read from
the plans: a stopped MySQL/MariaDB replica, an Aurora global secondary falling behind, and
Aurora Serverless v2 that pauses at 0 ACUs."""

import pytest

from components import alarm_catalog
from components.alarm_catalog import InstanceFacts
from components.catalog import ENGINES
from tests.conftest import plan_with
from tests.stack_cases import AURORA_PROD, SERVERLESS_DEV

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REPLICAS = [{"name": "reporting"}, {"name": "dr", "region": "eu-central-1"}]
DR = {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16"}


def _alarms(plan, metric):
    return {a.inputs["name"]: a for a in plan.of_type(ALARM) if a.inputs["metricName"] == metric}


@pytest.mark.parametrize("engine, version", [("mysql", "8.4"), ("mariadb", "10.11")])
def test_a_stopped_mysql_or_mariadb_replica_raises_its_own_alarm(engine, version):
    plan = plan_with("prod", engine=engine, engineVersion=version, parameters={})
    lag = _alarms(plan, "ReplicaLag")
    stopped = {name: a for name, a in lag.items() if name.endswith("-replication-stopped")}
    assert set(stopped) == {"appdb-prod-reporting-replication-stopped", "appdb-prod-dr-replication-stopped"}
    for a in stopped.values():
        # -1 is below every lag threshold: only "less than 0" sees it; Maximum < 0 means no sample
        # of the period showed replication running.
        assert (a.inputs["statistic"], a.inputs["comparisonOperator"], a.inputs["threshold"]) == (
            "Maximum", "LessThanThreshold", 0)
        assert (a.inputs["period"], a.inputs["evaluationPeriods"], a.inputs["datapointsToAlarm"]) == (300, 3, 3)
        # Silence is the lag alarm's to report (breaching there); this one would only say it twice.
        assert a.inputs["treatMissingData"] == "notBreaching"
        assert a.inputs["alarmActions"] == a.inputs["okActions"] and len(a.inputs["alarmActions"]) == 1
    assert stopped["appdb-prod-dr-replication-stopped"].region == "eu-central-1"
    assert stopped["appdb-prod-dr-replication-stopped"].inputs["dimensions"] == {
        "DBInstanceIdentifier": "appdb-prod-dr"}
    # The lag alarm of each replica is still there, unchanged.
    assert lag["appdb-prod-reporting-replica-lag"].inputs["comparisonOperator"] == "GreaterThanThreshold"


def test_postgres_replicas_have_no_stopped_alarm_their_lag_grows_instead(prod_plan):
    names = set(_alarms(prod_plan, "ReplicaLag"))
    assert names == {"appdb-prod-reporting-replica-lag", "appdb-prod-dr-replica-lag"}


def test_the_primary_and_multi_az_cluster_members_get_no_stopped_alarm():
    from tests.stack_cases import MULTI_AZ_DEV
    mysql_primary = plan_with("dev", engine="mysql", engineVersion="8.4", instanceClass="db.r7g.large",
                              parameters={}, alarms={"enabled": True})
    multi_az = plan_with("dev", **MULTI_AZ_DEV)
    for plan in (mysql_primary, multi_az):
        assert plan.of_type(ALARM), "the stack has alarms"
        assert not [n for n in _alarms(plan, "ReplicaLag") if n.endswith("-replication-stopped")]


def test_the_stopped_alarm_has_no_threshold_to_configure():
    assert "replicationStopped" in alarm_catalog.BY_KEY
    assert "replicationStopped" not in alarm_catalog.CONFIGURABLE
    assert "auroraGlobalReplicationLagMs" in alarm_catalog.CONFIGURABLE


def test_the_global_secondary_alarms_on_its_replication_lag_in_its_region():
    plan = plan_with("prod", **AURORA_PROD)
    (lag,) = _alarms(plan, "AuroraGlobalDBReplicationLag").values()
    assert lag.region == "eu-central-1"
    assert lag.inputs["dimensions"] == {"DBClusterIdentifier": "appdb-prod-dr"}
    assert lag.inputs["name"] == "appdb-prod-dr-aurora-global-replication-lag"
    assert (lag.inputs["statistic"], lag.inputs["comparisonOperator"], lag.inputs["threshold"]) == (
        "Average", "GreaterThanThreshold", 1000)
    assert lag.inputs["treatMissingData"] == "breaching"
    topic = next(t for t in plan.of_type("aws:sns/topic:Topic") if t.region == "eu-central-1")
    assert lag.inputs["alarmActions"] == [f"arn:aws:sns:eu-central-1:123456789012:{topic.inputs['name']}"]
    # The secondary cluster keeps the cluster alarms it had.
    cpu = {a.inputs["dimensions"].get("DBClusterIdentifier") for a in _alarms(plan, "CPUUtilization").values()}
    assert {"appdb-prod", "appdb-prod-dr"} <= cpu


def test_the_global_lag_threshold_is_configurable():
    plan = plan_with("prod", **{**AURORA_PROD, "alarms": {"thresholds": {"auroraGlobalReplicationLagMs": 5000}}})
    (lag,) = _alarms(plan, "AuroraGlobalDBReplicationLag").values()
    assert lag.inputs["threshold"] == 5000


def test_no_global_lag_alarm_without_a_global_database():
    aurora = plan_with("dev", deploymentOption="aurora", engine="aurora-postgresql", instanceClass="db.r7g.large",
                       alarms={"enabled": True})
    assert aurora.of_type(ALARM), "the stack has alarms"
    assert _alarms(aurora, "AuroraGlobalDBReplicationLag") == {}


def _missing_data(plan):
    return {a.inputs["name"]: a.inputs["treatMissingData"] for a in plan.of_type(ALARM)}


def test_auto_pausing_serverless_alarms_do_not_fire_on_silence():
    paused = _missing_data(plan_with("dev", **{**SERVERLESS_DEV, "cluster": {
        **SERVERLESS_DEV["cluster"], "serverlessMinAcu": 0}}))
    running = _missing_data(plan_with("dev", **SERVERLESS_DEV))
    # Same alarms either way; only the missing-data handling of the breaching ones differs.
    assert set(paused) == set(running)
    changed = {name for name in running if running[name] != paused[name]}
    assert changed == {name for name, v in running.items() if v == "breaching"}
    assert {"appdb-dev-writer-cpu-utilization", "appdb-dev-reader-1-aurora-replica-lag"} <= changed
    assert set(paused.values()) == {"notBreaching"}


def test_only_aurora_targets_of_an_auto_pausing_cluster_change():
    facts = dict(engine=ENGINES["postgres"], memory_gib=16, allocated_storage_gib=100, storage_type="gp3")
    cpu = alarm_catalog.BY_KEY["cpuUtilizationPercent"]
    assert cpu.missing_data(alarm_catalog.PRIMARY, InstanceFacts(**facts, auto_pause=True)) == "breaching"
    assert cpu.missing_data(alarm_catalog.AURORA_WRITER, InstanceFacts(**facts, auto_pause=True)) == "notBreaching"
    assert cpu.missing_data(alarm_catalog.AURORA_WRITER, InstanceFacts(**facts, serverless=True)) == "breaching"
