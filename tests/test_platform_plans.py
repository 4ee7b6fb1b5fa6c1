"""Replicas, proxy, alarms, events, dashboard, cross-region backups, upgrades and restores,
read from plans of the real program under the mock engine."""

import json

import pytest

from preview.harness import run_program
from tests.conftest import plan_with

INSTANCE = "aws:rds/instance:Instance"
PRIMARY_REGION, DR_REGION = "eu-west-1", "eu-central-1"
PRIMARY = "appdb-prod-db-instance"
REPORTING = "appdb-prod-replica-reporting-instance"
DR_REPLICA = "appdb-prod-replica-dr-instance"
CREDENTIAL_INPUTS = {"username", "password", "manageMasterUserPassword", "masterUserSecretKmsKeyId", "dbName"}


def _key_arn(plan, region):
    return plan.one("aws:kms/key:Key", region=region).outputs["arn"]


# --- read replicas ------------------------------------------------------------------------------

def test_replicas_carry_no_credentials_and_stay_private(prod_plan):
    for name in (REPORTING, DR_REPLICA):
        replica = prod_plan.named(name).inputs
        assert not CREDENTIAL_INPUTS & set(replica), f"{name} carries credentials"
        assert replica["publiclyAccessible"] is False and replica["storageEncrypted"] is True
        assert replica["skipFinalSnapshot"] is True  # RDS refuses a final snapshot of a replica
        assert replica["engine"] == "postgres" and "engineVersion" not in replica


def test_same_region_replica_follows_the_primary_by_arn(prod_plan):
    primary, replica = prod_plan.named(PRIMARY), prod_plan.named(REPORTING).inputs
    # pulumi-aws replicate_source_db: with a db_subnet_group_name in the same region, the source's ARN.
    assert replica["replicateSourceDb"] == primary.outputs["arn"]
    assert replica["region"] == PRIMARY_REGION and replica["identifier"] == "appdb-prod-reporting"
    # CreateDBInstanceReadReplica: no KmsKeyId in the same region (the source's key is used).
    assert "kmsKeyId" not in replica and replica["storageEncrypted"] is True
    primary = primary.inputs
    assert replica["dbSubnetGroupName"] == primary["dbSubnetGroupName"]
    assert replica["vpcSecurityGroupIds"] == primary["vpcSecurityGroupIds"]
    assert replica["parameterGroupName"] == primary["parameterGroupName"]
    assert replica["multiAz"] is False and replica["instanceClass"] == "db.r7g.large"


def test_cross_region_replica_lands_in_the_dr_region_with_the_dr_key_and_network(prod_plan):
    primary = prod_plan.named(PRIMARY)
    replica = prod_plan.named(DR_REPLICA).inputs
    dr_key = _key_arn(prod_plan, DR_REGION)
    assert replica["region"] == DR_REGION
    assert replica["replicateSourceDb"] == primary.outputs["arn"]  # an ARN across regions
    assert replica["kmsKeyId"] == dr_key and replica["performanceInsightsKmsKeyId"] == dr_key
    assert replica["dbSubnetGroupName"] == prod_plan.named("appdb-prod-dr-network-subnets").outputs["name"]
    assert replica["vpcSecurityGroupIds"] == [prod_plan.named("appdb-prod-dr-network-sg").id]
    assert replica["multiAz"] is True
    group = prod_plan.named("appdb-prod-replica-dr-params")
    assert group.region == DR_REGION and replica["parameterGroupName"] == group.outputs["name"]
    assert {p["name"]: p["value"] for p in group.inputs["parameters"]}["rds.force_ssl"] == "1"
    logs = [g for g in prod_plan.of_type("aws:cloudwatch/logGroup:LogGroup")
            if g.inputs["name"].startswith("/aws/rds/instance/appdb-prod-dr/")]
    assert len(logs) == 2 and {g.region for g in logs} == {DR_REGION}
    assert {g.inputs["kmsKeyId"] for g in logs} == {dr_key}


def test_dr_network_is_its_own_isolated_vpc(prod_plan):
    vpc = prod_plan.one("aws:ec2/vpc:Vpc", region=DR_REGION)
    assert vpc.inputs["cidrBlock"] == "10.61.0.0/16"
    subnets = [s for s in prod_plan.of_type("aws:ec2/subnet:Subnet") if s.region == DR_REGION]
    assert len(subnets) == 3 and {s.inputs["availabilityZone"][:-1] for s in subnets} == {DR_REGION}


def test_replica_settings_are_their_own():
    plan = plan_with(replicas=[{"name": "ro", "instanceClass": "db.t4g.small", "maxAllocatedStorage": 0,
                                "performanceInsights": False, "monitoringInterval": 0,
                                "tags": {"Team": "bi"}}])
    replica = plan.named("appdb-dev-replica-ro-instance")
    assert replica.inputs["instanceClass"] == "db.t4g.small"
    assert "maxAllocatedStorage" not in replica.inputs
    assert replica.inputs["performanceInsightsEnabled"] is False and replica.inputs["monitoringInterval"] == 0
    assert "monitoringRoleArn" not in replica.inputs
    assert replica.inputs["tags"] == {"ReplicaOf": "appdb-dev", "Team": "bi"}


# --- proxy --------------------------------------------------------------------------------------

def test_proxy_role_reads_exactly_one_secret_via_secrets_manager(prod_plan):
    role = prod_plan.named("appdb-prod-proxy-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "rds.amazonaws.com"}]
    policy = json.loads(prod_plan.named("appdb-prod-proxy-secret-access").inputs["policy"])
    secret_arn = prod_plan.outputs["masterSecretArn"]["value"]
    assert [(s["Effect"], s["Action"], s["Resource"]) for s in policy["Statement"]] == [
        ("Allow", "secretsmanager:GetSecretValue", secret_arn),
        ("Allow", "kms:Decrypt", _key_arn(prod_plan, PRIMARY_REGION)),
    ]
    assert policy["Statement"][1]["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}
    # Nothing else is attached to the proxy's role.
    attached = [r for r in prod_plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                if r.inputs["role"] == role.outputs.get("name")]
    assert attached == []


def test_proxy_requires_tls_and_uses_the_database_secret(prod_plan):
    proxy = prod_plan.named("appdb-prod-proxy-proxy").inputs
    assert proxy["requireTls"] is True and proxy["debugLogging"] is False
    assert proxy["engineFamily"] == "POSTGRESQL" and proxy["idleClientTimeout"] == 1800
    assert proxy["auths"] == [{"authScheme": "SECRETS", "iamAuth": "REQUIRED",
                               "secretArn": prod_plan.outputs["masterSecretArn"]["value"],
                               "description": "master credentials from the database's secret"}]
    subnets = [s.id for s in prod_plan.of_type("aws:ec2/subnet:Subnet") if s.region == PRIMARY_REGION]
    assert sorted(proxy["vpcSubnetIds"]) == sorted(subnets)
    pool = prod_plan.named("appdb-prod-proxy-pool").inputs["connectionPoolConfig"]
    assert pool == {"connectionBorrowTimeout": 120, "maxConnectionsPercent": 90, "maxIdleConnectionsPercent": 50}
    target = prod_plan.named("appdb-prod-proxy-target").inputs
    assert target["dbInstanceIdentifier"] == "appdb-prod" and target["targetGroupName"] == "default"


def test_proxy_network_path_is_opened_both_ways_on_the_db_port_only(prod_plan):
    proxy_sg = prod_plan.named("appdb-prod-proxy-sg").id
    db_sg = prod_plan.named("appdb-prod-network-sg").id
    into_db = prod_plan.named("appdb-prod-proxy-into-database").inputs
    assert (into_db["securityGroupId"], into_db["referencedSecurityGroupId"]) == (db_sg, proxy_sg)
    out = prod_plan.named("appdb-prod-proxy-to-database").inputs
    assert (out["securityGroupId"], out["referencedSecurityGroupId"]) == (proxy_sg, db_sg)
    clients = [r.inputs for r in prod_plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.inputs["securityGroupId"] == proxy_sg]
    assert [c.get("cidrIpv4") for c in clients] == ["10.60.0.0/16"]
    for rule in clients + [into_db, out]:
        assert (rule["ipProtocol"], rule["fromPort"], rule["toPort"]) == ("tcp", 5432, 5432)


def test_proxy_with_generated_credentials_uses_the_generated_secret():
    plan = plan_with(proxy={"iamAuth": False})
    proxy = plan.one("aws:rds/proxy:Proxy").inputs
    secret = plan.one("aws:secretsmanager/secret:Secret").outputs["arn"]
    assert proxy["auths"][0]["secretArn"] == secret and proxy["auths"][0]["iamAuth"] == "DISABLED"
    assert json.loads(plan.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])["Statement"][0]["Resource"] == secret


# --- alarms, events, dashboard ------------------------------------------------------------------

def _alarms_of(plan, target):
    return {a.inputs["metricName"]: a for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
            if target in a.inputs["dimensions"].values()}


def test_every_instance_has_its_alarms_in_its_region_notifying_that_regions_topic(prod_plan):
    topics = {t.region: t.outputs["arn"] for t in prod_plan.of_type("aws:sns/topic:Topic")}
    instance_metrics = {"CPUUtilization", "FreeStorageSpace", "FreeableMemory", "DatabaseConnections",
                        "ReadLatency", "WriteLatency", "DiskQueueDepth", "SwapUsage"}
    for identifier, region, extra in (("appdb-prod", PRIMARY_REGION, set()),
                                      ("appdb-prod-reporting", PRIMARY_REGION, {"ReplicaLag"}),
                                      ("appdb-prod-dr", DR_REGION, {"ReplicaLag"})):
        alarms = _alarms_of(prod_plan, identifier)
        assert set(alarms) == instance_metrics | extra, identifier  # gp3: no BurstBalance
        for alarm in alarms.values():
            assert alarm.region == region
            assert alarm.inputs["alarmActions"] == [topics[region]] == alarm.inputs["okActions"]
            assert alarm.inputs["dimensions"] == {"DBInstanceIdentifier": identifier}
            assert alarm.inputs["treatMissingData"] in ("breaching", "notBreaching")


def test_alarm_thresholds_follow_the_instance_and_the_overrides(prod_plan):
    alarms = {m: a.inputs for m, a in _alarms_of(prod_plan, "appdb-prod").items()}
    assert alarms["CPUUtilization"]["threshold"] == 75  # prod overrides the default 80
    assert alarms["FreeableMemory"]["threshold"] == round(16 * 1024 * 0.1) * 2**20  # 10% of 16 GiB
    assert alarms["FreeStorageSpace"]["threshold"] == 40 * 2**30  # 10% of 400 GiB
    assert alarms["DatabaseConnections"]["threshold"] == int(1802 * 0.8)
    assert alarms["ReadLatency"]["threshold"] == 0.02
    assert alarms["CPUUtilization"]["comparisonOperator"] == "GreaterThanThreshold"
    assert alarms["FreeStorageSpace"]["comparisonOperator"] == "LessThanThreshold"
    assert alarms["FreeStorageSpace"]["treatMissingData"] == "breaching"
    assert alarms["ReadLatency"]["treatMissingData"] == "notBreaching"
    assert _alarms_of(prod_plan, "appdb-prod-dr")["ReplicaLag"].inputs["treatMissingData"] == "breaching"


def test_gp2_instances_watch_their_burst_balance():
    plan = plan_with(storageType="gp2", alarms={"enabled": True})
    assert "BurstBalance" in _alarms_of(plan, "appdb-dev")


def test_proxy_alarms_exist_with_the_proxy(prod_plan):
    alarms = _alarms_of(prod_plan, "appdb-prod-proxy")
    assert set(alarms) == {"ClientConnections", "DatabaseConnectionsBorrowLatency"}
    assert alarms["DatabaseConnectionsBorrowLatency"].inputs["threshold"] == 100_000  # 100 ms in µs
    assert alarms["ClientConnections"].inputs["dimensions"] == {"ProxyName": "appdb-prod-proxy"}


def test_topics_are_encrypted_and_let_cloudwatch_and_rds_publish(prod_plan):
    for topic in prod_plan.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"] == _key_arn(prod_plan, topic.region)
    for policy in prod_plan.of_type("aws:sns/topicPolicy:TopicPolicy"):
        statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
        publish = statements["AlarmsAndEventsPublish"]
        assert set(publish["Principal"]["Service"]) == {"cloudwatch.amazonaws.com", "events.rds.amazonaws.com"}
        assert publish["Action"] == "sns:Publish" and publish["Resource"] == policy.inputs["arn"]
        assert statements["DenyInsecureTransport"]["Effect"] == "Deny"
    emails = prod_plan.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert {(e.region, e.inputs["protocol"], e.inputs["endpoint"]) for e in emails} == {
        (PRIMARY_REGION, "email", "dba-oncall@example.com"), (DR_REGION, "email", "dba-oncall@example.com")}


def test_event_subscriptions_name_each_regions_instances(prod_plan):
    subs = {s.region: s.inputs for s in prod_plan.of_type("aws:rds/eventSubscription:EventSubscription")}
    assert subs[PRIMARY_REGION]["sourceIds"] == ["appdb-prod", "appdb-prod-reporting"]
    assert subs[DR_REGION]["sourceIds"] == ["appdb-prod-dr"]
    for sub in subs.values():
        assert sub["sourceType"] == "db-instance"
        assert {"failover", "failure", "low storage", "maintenance", "configuration change",
                "read replica"} == set(sub["eventCategories"])


def test_dashboard_shows_every_instance_in_its_region_and_the_proxy(prod_plan):
    body = json.loads(prod_plan.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    lines = {(m[3], m[4]["region"]) for w in body["widgets"] for m in w["properties"]["metrics"]
             if m[2] == "DBInstanceIdentifier"}
    assert lines == {("appdb-prod", PRIMARY_REGION), ("appdb-prod-reporting", PRIMARY_REGION),
                     ("appdb-prod-dr", DR_REGION)}
    titles = [w["properties"]["title"] for w in body["widgets"]]
    assert "CPU (%)" in titles and "Proxy client connections" in titles


def test_dev_stays_minimal(dev_plan):
    for type_ in ("aws:sns/topic:Topic", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:rds/proxy:Proxy",
                  "aws:cloudwatch/dashboard:Dashboard", "aws:rds/eventSubscription:EventSubscription",
                  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"):
        assert dev_plan.of_type(type_) == [], type_
    assert len(dev_plan.of_type(INSTANCE)) == 1


# --- cross-region backups -----------------------------------------------------------------------

def test_backups_replicate_to_the_dr_region_with_its_key(prod_plan):
    replication = prod_plan.one(
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
    assert replication.region == DR_REGION
    assert replication.inputs["sourceDbInstanceArn"] == prod_plan.named(PRIMARY).outputs["arn"]
    assert replication.inputs["kmsKeyId"] == _key_arn(prod_plan, DR_REGION)
    assert replication.inputs["retentionPeriod"] == 14
    assert replication.options["protect"] is True


# --- engine upgrades ----------------------------------------------------------------------------

@pytest.mark.parametrize("deployed, allowed", [
    (None, False),                        # first deploy: nothing to upgrade
    ({"appdb-prod": "16.8"}, False),      # RDS moved the minor: no major upgrade, no drift
    ({"appdb-prod": "15.7"}, True),       # the stack file moved to 16: allow exactly this
])
def test_major_upgrade_is_allowed_only_when_the_major_changes(deployed, allowed):
    plan = run_program("prod", deployed=deployed)
    assert plan.error is None, plan.error
    assert plan.named(PRIMARY).inputs["allowMajorVersionUpgrade"] is allowed
    assert "aws:rds/getInstances:getInstances" in plan.invokes


def test_a_new_major_version_gets_a_parameter_group_of_its_family_created_first():
    plan = run_program("prod", {"engineVersion": "17"}, deployed={"appdb-prod": "16.8"})
    group = plan.named("appdb-prod-db-params")
    assert group.inputs["family"] == "postgres17"
    assert "name" not in group.inputs  # auto-named, so the new group can exist beside the old
    assert group.options["deleteBeforeReplace"] is False
    primary = plan.named(PRIMARY).inputs
    assert primary["engineVersion"] == "17" and primary["allowMajorVersionUpgrade"] is True


# --- restore on creation ------------------------------------------------------------------------

def test_restore_from_a_snapshot():
    plan = plan_with(restore={"snapshotIdentifier": "appdb-dev-2026-11-01"})
    db = plan.one(INSTANCE)
    assert db.inputs["snapshotIdentifier"] == "appdb-dev-2026-11-01"
    # The snapshot brings its own master user and database name.
    assert "username" not in db.inputs and "dbName" not in db.inputs
    assert {"snapshotIdentifier", "restoreToPointInTime"} <= set(db.options["ignoreChanges"])


@pytest.mark.parametrize("restore, expected", [
    ({"sourceDbInstanceIdentifier": "legacy-db", "restoreTime": "2026-11-20T03:30:00Z"},
     {"sourceDbInstanceIdentifier": "legacy-db", "restoreTime": "2026-11-20T03:30:00Z"}),
    ({"sourceDbInstanceIdentifier": "legacy-db", "useLatestRestorableTime": True},
     {"sourceDbInstanceIdentifier": "legacy-db", "useLatestRestorableTime": True}),
])
def test_restore_to_a_point_in_time(restore, expected):
    db = plan_with(restore=restore).one(INSTANCE)
    assert db.inputs["restoreToPointInTime"] == expected
    assert "snapshotIdentifier" not in db.inputs and "username" not in db.inputs
    assert db.inputs["storageEncrypted"] is True  # still ours: encrypted with the stack's key


def test_a_new_database_is_not_a_restore(dev_plan):
    db = dev_plan.one(INSTANCE).inputs
    assert "snapshotIdentifier" not in db and "restoreToPointInTime" not in db
    assert db["username"] == "dbadmin" and db["dbName"] == "app"
