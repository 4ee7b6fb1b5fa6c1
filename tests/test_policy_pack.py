"""The policy pack through the gRPC analyzer protocol, as the Pulumi CLI runs it.

Table style: a compliant baseline per resource type, then one change per case. One pack process
serves the session (tests/conftest.py); each test configures it through Configure first.
"""

import json
import subprocess
import sys

import pytest

from preview.analyzer import PolicyConfigError, load_policy_config, reconcile_config
from preview.harness import UNKNOWN, Registration, run_program
from tests.policy_cases import (ALARM, BASELINE, DB_ARN, DR_KEY, REPLICA,
                                 ROTATION)
from tests.policy_cases import resource as _resource
from tests.policy_cases import stack_baseline as _stack_baseline
from tests.policy_cases import live as _live
from tests.policy_cases import verdicts as _verdicts
from tests.policy_cases import (CLUSTER_SNAPSHOT, CLUSTER_SNAPSHOT_COPY, KEY_B, SNAPSHOT_COPY, TAGS,
                                 reg)

AURORA_MYSQL = {"engine": "aurora-mysql", "enabledCloudwatchLogsExports": ["audit", "error", "general", "slowquery"]}
MULTI_AZ_CLUSTER = {"dbClusterInstanceClass": "db.m6gd.large", "engine": "postgres",
                    "enabledCloudwatchLogsExports": ["postgresql"]}

# (type, change to the baseline (None removes the key), policy expected to fire, or None)
CASES = [
    ("aws:rds/instance:Instance", {"storageEncrypted": False}, "rds-storage-encrypted"),
    ("aws:rds/instance:Instance", {"storageEncrypted": None}, "rds-storage-encrypted"),
    ("aws:rds/instance:Instance", {"storageEncrypted": None, "snapshotIdentifier": "snap"}, None),
    ("aws:rds/instance:Instance", {"kmsKeyId": None}, "rds-storage-customer-managed-key"),
    ("aws:rds/instance:Instance", {"kmsKeyId": "alias/aws/rds"}, "rds-storage-customer-managed-key"),
    ("aws:rds/instance:Instance", {"kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/aws/rds"}, "rds-storage-customer-managed-key"),
    ("aws:rds/instance:Instance", {"performanceInsightsKmsKeyId": None}, "rds-performance-insights-customer-managed-key"),
    ("aws:rds/instance:Instance", {"performanceInsightsEnabled": False, "performanceInsightsKmsKeyId": None}, "rds-performance-insights"),
    ("aws:rds/instance:Instance", {"masterUserSecretKmsKeyId": "alias/aws/secretsmanager"}, "rds-master-secret-customer-managed-key"),
    ("aws:rds/instance:Instance", {"publiclyAccessible": True}, "rds-not-publicly-accessible"),
    ("aws:rds/instance:Instance", {"dbSubnetGroupName": None}, "rds-in-vpc-subnet-group"),
    ("aws:rds/instance:Instance", {"deletionProtection": None}, "rds-deletion-protection"),
    ("aws:rds/instance:Instance", {"skipFinalSnapshot": True}, "rds-final-snapshot"),
    ("aws:rds/instance:Instance", {"deleteAutomatedBackups": None}, "rds-keep-automated-backups"),
    ("aws:rds/instance:Instance", {"backupRetentionPeriod": None}, "rds-backup-retention"),
    ("aws:rds/instance:Instance", {"backupRetentionPeriod": 3}, "rds-backup-retention"),
    ("aws:rds/instance:Instance", {"multiAz": False}, "rds-multi-az"),
    ("aws:rds/instance:Instance", {"monitoringInterval": 0}, "rds-enhanced-monitoring"),
    ("aws:rds/instance:Instance", {"monitoringRoleArn": None}, "rds-enhanced-monitoring"),
    ("aws:rds/instance:Instance", {"enabledCloudwatchLogsExports": ["postgresql"]}, "rds-log-exports"),
    ("aws:rds/instance:Instance", {"autoMinorVersionUpgrade": False}, "rds-auto-minor-version-upgrade"),
    ("aws:rds/instance:Instance", {"autoMinorVersionUpgrade": None}, None),
    ("aws:rds/instance:Instance", {"copyTagsToSnapshot": None}, "rds-copy-tags-to-snapshot"),
    ("aws:rds/instance:Instance", {"iamDatabaseAuthenticationEnabled": False}, "rds-iam-authentication"),
    ("aws:rds/instance:Instance", {"username": "postgres"}, "rds-no-default-master-username"),
    ("aws:rds/instance:Instance", {"storageEncrypted": UNKNOWN, "kmsKeyId": UNKNOWN, "multiAz": UNKNOWN}, None),
    # A compliant same-region read replica: inherits encryption, backups and credentials.
    ("aws:rds/instance:Instance", {"replicateSourceDb": "db1", "storageEncrypted": None, "kmsKeyId": None,
                                   "multiAz": None, "backupRetentionPeriod": None, "deletionProtection": None,
                                   "skipFinalSnapshot": True, "dbSubnetGroupName": None, "username": None,
                                   "manageMasterUserPassword": None, "deleteAutomatedBackups": None}, None),
    ("aws:rds/instance:Instance", {**REPLICA, "replicateSourceDb": "db1", "dbSubnetGroupName": None, "kmsKeyId": None,
                                   "publiclyAccessible": True}, "rds-not-publicly-accessible"),
    ("aws:rds/instance:Instance", {**REPLICA, "replicateSourceDb": "arn:aws:rds:eu-central-1:123456789012:db:db0",
                                   "kmsKeyId": None}, "rds-cross-region-replica-key"),
    ("aws:rds/instance:Instance", {**REPLICA, "replicateSourceDb": "arn:aws:rds:eu-central-1:123456789012:db:db0",
                                   "kmsKeyId": DR_KEY}, "rds-cross-region-replica-key"),
    ("aws:rds/instance:Instance", {"replicateSourceDb": UNKNOWN, "multiAz": False}, None),
    ("aws:rds/cluster:Cluster", {"storageEncrypted": None}, "rds-storage-encrypted"),
    ("aws:rds/cluster:Cluster", {"deletionProtection": False}, "rds-deletion-protection"),
    ("aws:rds/cluster:Cluster", {"enabledCloudwatchLogsExports": []}, "rds-log-exports"),
    # A Multi-AZ DB cluster (dbClusterInstanceClass) has no option groups, so no MySQL audit log.
    ("aws:rds/cluster:Cluster", {"engine": "mysql", "dbClusterInstanceClass": "db.m6gd.large",
                                 "enabledCloudwatchLogsExports": ["error", "general", "slowquery"]}, None),
    ("aws:rds/cluster:Cluster", {"engine": "mysql", "dbClusterInstanceClass": "db.m6gd.large",
                                 "enabledCloudwatchLogsExports": ["error", "general"]}, "rds-log-exports"),
    ("aws:rds/cluster:Cluster", {"dbClusterInstanceClass": "db.m6gd.large", "engine": "postgres",
                                 "enabledCloudwatchLogsExports": ["postgresql"], "publiclyAccessible": True},
     "rds-not-publicly-accessible"),
    # A global secondary cluster brings no credentials of its own: judged like a replica.
    ("aws:rds/cluster:Cluster", {"globalClusterIdentifier": "g1", "masterUsername": None,
                                 "manageMasterUserPassword": None, "masterUserSecretKmsKeyId": None}, None),
    # A cluster instance is never asked for what only the cluster sets.
    ("aws:rds/clusterInstance:ClusterInstance", {}, None),
    ("aws:rds/clusterInstance:ClusterInstance", {"publiclyAccessible": True}, "rds-not-publicly-accessible"),
    ("aws:kms/key:Key", {"enableKeyRotation": None}, "kms-key-rotation"),
    ("aws:kms/key:Key", {"bypassPolicyLockoutSafetyCheck": True}, "kms-key-rotation"),
    ("aws:kms/key:Key", {"enableKeyRotation": None, "customerMasterKeySpec": "RSA_2048"}, None),
    ("aws:secretsmanager/secret:Secret", {"kmsKeyId": None}, "secretsmanager-secret-customer-managed-key"),
    ("aws:secretsmanager/secret:Secret", {"recoveryWindowInDays": 0}, "secret-recovery-window"),
    ("aws:secretsmanager/secret:Secret", {"recoveryWindowInDays": None}, None),
    ("aws:sns/topic:Topic", {"kmsMasterKeyId": "alias/aws/sns"}, "sns-topic-customer-managed-key"),
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", {"kmsKeyId": None},
     "rds-backup-replication-customer-managed-key"),
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", {"retentionPeriod": 3},
     "rds-backup-replication-retention"),
    ("aws:ec2/securityGroup:SecurityGroup", {"ingress": [{"protocol": "tcp", "fromPort": 5000, "toPort": 6000,
                                                          "cidrBlocks": ["0.0.0.0/0"]}]}, "no-public-ingress-to-database-ports"),
    ("aws:ec2/securityGroup:SecurityGroup", {"ingress": [{"protocol": "-1", "fromPort": 0, "toPort": 0,
                                                          "ipv6CidrBlocks": ["::/0"]}]}, "no-public-ingress-to-database-ports"),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", {"cidrBlocks": ["0.0.0.0/0"]}, "no-public-ingress-to-database-ports-rule"),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", {"cidrBlocks": ["0.0.0.0/0"], "type": "egress"}, None),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"cidrIpv4": "0.0.0.0/0"},
     "no-public-ingress-to-database-ports-vpc-rule"),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"cidrIpv4": None, "cidrIpv6": "::/0", "ipProtocol": "-1",
                                                                   "fromPort": None, "toPort": None},
     "no-public-ingress-to-database-ports-vpc-rule"),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443}, None),
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"cidrIpv4": UNKNOWN}, None),
    ("aws:rds/proxy:Proxy", {"requireTls": None}, "rds-proxy-require-tls"),
    ("aws:rds/proxy:Proxy", {"auths": [{"iamAuth": "DISABLED"}]}, "rds-proxy-iam-auth"),
    ("aws:rds/snapshot:Snapshot", {"sharedAccounts": ["all"]}, "rds-snapshot-not-public"),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 7}, "log-group-retention"),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": None}, None),
    # Unset means enrolled (CreateDBInstance EngineLifecycleSupport default), so both are flagged.
    ("aws:rds/instance:Instance", {"engineLifecycleSupport": None}, "rds-extended-support-disabled"),
    ("aws:rds/instance:Instance", {"engineLifecycleSupport": "open-source-rds-extended-support"},
     "rds-extended-support-disabled"),
    ("aws:rds/instance:Instance", {"engineLifecycleSupport": "open-source-rds-extended-suport-disabled"},
     "rds-extended-support-disabled"),
    # MariaDB has no Extended Support; a replica takes its lifecycle from no parameter of its own.
    ("aws:rds/instance:Instance", {"engine": "mariadb", "engineLifecycleSupport": None,
                                   "enabledCloudwatchLogsExports": ["audit", "error", "general", "slowquery"]}, None),
    ("aws:rds/instance:Instance", {**REPLICA, "replicateSourceDb": "db1", "dbSubnetGroupName": None, "kmsKeyId": None,
                                   "engineLifecycleSupport": None}, None),
    ("aws:rds/cluster:Cluster", {"engineLifecycleSupport": None}, "rds-extended-support-disabled"),
    ("aws:rds/cluster:Cluster", {"engine": "mysql", "dbClusterInstanceClass": "db.m6gd.large",
                                 "enabledCloudwatchLogsExports": ["error", "general", "slowquery"],
                                 "engineLifecycleSupport": "open-source-rds-extended-support"},
     "rds-extended-support-disabled"),
    # RDS.23: the engine's default port, set or unset; a replica or a restore takes its source's port.
    ("aws:rds/instance:Instance", {"port": 5432}, "rds-no-default-port"),
    ("aws:rds/instance:Instance", {"port": None}, "rds-no-default-port"),
    ("aws:rds/instance:Instance", {"port": None, "storageEncrypted": None, "snapshotIdentifier": "snap"}, None),
    ("aws:rds/instance:Instance", {**REPLICA, "replicateSourceDb": "db1", "dbSubnetGroupName": None, "kmsKeyId": None,
                                   "port": None}, None),
    ("aws:rds/instance:Instance", {"engine": "mariadb", "engineLifecycleSupport": None, "port": 5432,
                                   "enabledCloudwatchLogsExports": ["audit", "error", "general", "slowquery"]}, None),
    ("aws:rds/cluster:Cluster", {"port": 5432}, "rds-no-default-port"),
    # A cluster's point-in-time restore takes the engine's port (RestoreDBClusterToPointInTime, Port).
    ("aws:rds/cluster:Cluster", {"port": None, "restoreToPointInTime": {"sourceClusterIdentifier": "c0",
                                                                       "useLatestRestorableTime": True}},
     "rds-no-default-port"),
    ("aws:rds/cluster:Cluster", {"port": None, "snapshotIdentifier": "snap"}, None),
    # RDS.14: Aurora MySQL only, a window at least minimumHours (0: any).
    ("aws:rds/cluster:Cluster", {**AURORA_MYSQL}, "rds-aurora-mysql-backtracking"),
    ("aws:rds/cluster:Cluster", {**AURORA_MYSQL, "backtrackWindow": 0}, "rds-aurora-mysql-backtracking"),
    ("aws:rds/cluster:Cluster", {**AURORA_MYSQL, "backtrackWindow": 3600}, None),
    ("aws:rds/cluster:Cluster", {"backtrackWindow": 0}, None),  # Aurora PostgreSQL cannot backtrack
    # RDS.35: a Multi-AZ DB cluster's own switch (unset: true); Aurora clusters set it per instance.
    ("aws:rds/cluster:Cluster", {**MULTI_AZ_CLUSTER, "autoMinorVersionUpgrade": False},
     "rds-cluster-auto-minor-version-upgrade"),
    ("aws:rds/cluster:Cluster", {**MULTI_AZ_CLUSTER}, None),
    ("aws:rds/cluster:Cluster", {"autoMinorVersionUpgrade": False}, None),
    # RDS.19-22: the critical categories of each source type; unset categories mean all.
    ("aws:rds/eventSubscription:EventSubscription", {"eventCategories": ["failure", "maintenance"]},
     "rds-event-subscription-categories"),
    ("aws:rds/eventSubscription:EventSubscription", {"eventCategories": None}, None),
    ("aws:rds/eventSubscription:EventSubscription", {"eventCategories": []}, None),
    ("aws:rds/eventSubscription:EventSubscription", {"enabled": False}, "rds-event-subscription-categories"),
    ("aws:rds/eventSubscription:EventSubscription", {"sourceType": "db-cluster", "eventCategories": ["maintenance",
                                                                                                   "failure"]}, None),
    ("aws:rds/eventSubscription:EventSubscription", {"sourceType": "db-parameter-group", "eventCategories": ["failure"]},
     "rds-event-subscription-categories"),
    ("aws:rds/eventSubscription:EventSubscription", {"sourceType": "db-security-group",
                                                     "eventCategories": ["configuration change"]},
     "rds-event-subscription-categories"),
    ("aws:rds/eventSubscription:EventSubscription", {"sourceType": "db-snapshot", "eventCategories": ["creation"]}, None),
    # RDS.51: at least 3.08.0, or a 3.04 long-term support release; a major alone lets AWS choose.
    ("aws:rds/globalCluster:GlobalCluster", {"engineVersion": "8.0.mysql_aurora.3.05.2"},
     "rds-global-cluster-supported-version"),
    ("aws:rds/globalCluster:GlobalCluster", {"engineVersion": "8.0.mysql_aurora.3.04.3"}, None),
    ("aws:rds/globalCluster:GlobalCluster", {"engineVersion": "8.0.mysql_aurora.3.10.0"}, None),
    ("aws:rds/globalCluster:GlobalCluster", {"engineVersion": "8.0"}, None),
    ("aws:rds/globalCluster:GlobalCluster", {"engine": "aurora-postgresql", "engineVersion": "15.4"}, None),
]



def test_analyzer_info_lists_every_policy_mandatory_by_default(pack):
    info = pack.info
    assert info.name == "rds-guardrails" and info.supportsConfig
    names = {p.name for p in info.policies}
    assert {case[2] for case in CASES if case[2]} <= names
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["rds-storage-encrypted"] == 1 and levels["rds-proxy-iam-auth"] == 0  # MANDATORY, ADVISORY


@pytest.mark.parametrize("type_", sorted(BASELINE))
def test_baseline_is_compliant(pack, type_):
    assert pack.analyze(_resource(type_, {})) == []


@pytest.mark.parametrize("type_, change, expected", CASES, ids=[f"{t.split(':')[-1]}-{c}" for t, c, _ in CASES])
def test_one_change_per_case(pack, type_, change, expected):
    found = pack.analyze(_resource(type_, change))
    assert sorted({v.policy for v in found}) == ([expected] if expected else []), [v.message for v in found]
    if expected:
        assert found
        for v in found:
            assert f"'{type_.split(':')[-1].lower()}'" in v.message and "Fix:" in v.message


def test_unprotected_database_is_flagged(pack):
    found = pack.analyze(_resource("aws:rds/instance:Instance", {}, protect=False))
    assert [v.policy for v in found] == ["rds-protected-resource"]


def test_config_tunes_thresholds_and_levels(pack):
    info_resource = _resource("aws:rds/instance:Instance", {"backupRetentionPeriod": 10})
    pack.configure({"rds-backup-retention": {"minimumDays": 14}, "rds-multi-az": "advisory"})
    assert [v.policy for v in pack.analyze(info_resource)] == ["rds-backup-retention"]
    single_az = pack.analyze(_resource("aws:rds/instance:Instance", {"multiAz": False, "backupRetentionPeriod": 14}))
    assert [(v.policy, v.level) for v in single_az] == [("rds-multi-az", "advisory")]


def test_bad_policy_config_is_refused(pack):
    with pytest.raises(PolicyConfigError, match="unknown policies: rds-nope"):
        reconcile_config(pack.info, {"rds-nope": "advisory"})
    with pytest.raises(PolicyConfigError, match="rds-backup-retention"):
        reconcile_config(pack.info, {"rds-backup-retention": {"minimumDays": 90}})


# --- stack policies -----------------------------------------------------------------------------

def _stack(pack, resources):
    for r in resources:
        r.outputs = r.inputs
    return {v.policy for v in pack.analyze_stack(resources)}


def test_tls_parameter_group_is_followed_from_instance_to_group(pack):
    db = _resource("aws:rds/instance:Instance", {"parameterGroupName": "pg"})
    group = Registration("urn:pg", "aws:rds/parameterGroup:ParameterGroup", "pg", True, "", "",
                         {"name": "pg", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}, {})
    assert "rds-tls-required" not in _stack(pack, [db, group])
    group.inputs["parameters"][0]["value"] = "0"
    assert "rds-tls-required" in _stack(pack, [db, group])
    default = _resource("aws:rds/instance:Instance", {"parameterGroupName": "default.postgres16"})
    assert "rds-tls-required" in _stack(pack, [default])


# --- our own stacks -----------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_own_stacks_have_no_mandatory_violation(stack, stack_plans, pack):
    plan = stack_plans[stack]
    pack.configure(load_policy_config(stack))
    mandatory = sorted({v.policy for v in pack.check_plan(plan) if v.level == "mandatory"})
    assert mandatory == []


BROKEN_PROD = [
    ({"multiAz": False}, "rds-multi-az"),
    ({"deletionProtection": False}, "rds-deletion-protection"),
    ({"protectResources": False}, "rds-protected-resource"),
    ({"backupRetentionDays": 3}, "rds-backup-retention"),
    ({"performanceInsights": False}, "rds-performance-insights"),
    ({"monitoringInterval": 0}, "rds-enhanced-monitoring"),
    ({"iamAuth": False}, "rds-iam-authentication"),
    ({"logRetentionDays": 14}, "log-group-retention"),
    ({"secretRotationDays": 0}, "rds-credentials-rotate"),
    ({"alarms": {"enabled": False}}, "rds-alarms-notify"),
    ({"alarms": {"enabled": False}}, "rds-event-subscription"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}},
     "rds-cross-region-backups"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "backupRetentionDays": 3}},
     "rds-backup-replication-retention"),
]


@pytest.mark.parametrize("overrides, policy", BROKEN_PROD, ids=[f"{p}-{i}" for i, (_, p) in enumerate(BROKEN_PROD)])
def test_broken_prod_variants_are_caught(overrides, policy, pack):
    plan = run_program("prod", overrides)
    assert plan.error is None, plan.error
    pack.configure(load_policy_config("prod"))
    found = [v for v in pack.check_plan(plan) if v.level == "mandatory" and v.policy == policy]
    assert found, f"{overrides} was not caught by {policy}"


def _add(role, type_, props):
    return lambda stack: stack.update({role: reg(role, type_, role, props)})


def _unencrypted_db(stack):
    stack["db"].inputs["storageEncrypted"] = False


def _aurora(engine="aurora-postgresql", members=2, zones=(None, None), params=None):
    """An Aurora cluster with its TLS group, alarm and tagged members (the events cover every instance)."""
    tls = ("require_secure_transport", "ON") if engine == "aurora-mysql" else ("rds.force_ssl", "1")

    def change(stack):
        stack["cluster"] = _resource("aws:rds/cluster:Cluster", {
            "engine": engine, "dbClusterParameterGroupName": "cpg", "tagsAll": TAGS, "backtrackWindow": 3600})
        stack["cluster_group"] = reg("cpg", "aws:rds/clusterParameterGroup:ClusterParameterGroup", "cpg", {
            "name": "cpg", "tagsAll": TAGS, "parameters": [{"name": tls[0], "value": tls[1]}] + [
                {"name": k, "value": v} for k, v in (params or {}).items()]})
        stack["cluster_alarm"] = reg("alarm-c1", ALARM, "cpu-c1", {
            "dimensions": {"DBClusterIdentifier": "c1"}, "alarmActions": ["arn:aws:sns:eu-west-1:1:alerts"]})
        stack["events"].inputs["sourceIds"] = []
        for i in range(members):
            member = _resource("aws:rds/clusterInstance:ClusterInstance", {"tagsAll": TAGS, "engine": engine})
            member.urn += f"-{i}"
            if zones[i % len(zones)]:
                member.inputs["availabilityZone"] = zones[i % len(zones)]
            stack[f"member{i}"] = member
    return change


_AUDITED = {"server_audit_logging": "1", "server_audit_events": "CONNECT,QUERY_DDL"}


def _members(stack, cluster, count):
    for i in range(count):
        member = _resource("aws:rds/clusterInstance:ClusterInstance", {"tagsAll": TAGS, "clusterIdentifier": cluster})
        member.urn += f"-{cluster}-{i}"
        stack[f"{cluster}-member{i}"] = member


def _route(destination, gateway, key="cidrBlock"):
    return _set("route_table", "routes", [{key: destination, "gatewayId": gateway}])


def _set(role, key, value):
    def change(stack):
        if value is None:
            stack[role].inputs.pop(key, None)
        else:
            stack[role].inputs[key] = value
    return change


def _drop(role):
    return lambda stack: stack.pop(role)


def _add_rotation(days):
    return lambda stack: stack.update(rotation=Registration(
        "urn:rotation", ROTATION, "rotation", True, "", "", {"rotationRules": {"automaticallyAfterDays": days}}, {}))


def _replica_without_backups(stack):
    # A source whose password RDS manages has no replicas (deployability_stack.py): rotated instead.
    _set("db", "manageMasterUserPassword", None)(stack)
    _add_rotation(30)(stack)
    stack["replica"] = _resource("aws:rds/instance:Instance", {
        **REPLICA, "dbSubnetGroupName": None, "kmsKeyId": None,
        "replicateSourceDb": "db1", "identifier": "db1-ro", "parameterGroupName": "pg",
        "arn": "arn:aws:rds:eu-west-1:123456789012:db:db1-ro", "tagsAll": {"Environment": "prod", "Owner": "t"}})
    stack["replica"].urn += "-ro"
    stack["replica_alarm"] = Registration("urn:alarm-ro", ALARM, "cpu-ro", True, "", "", {
        "dimensions": {"DBInstanceIdentifier": "db1-ro"}, "alarmActions": ["arn:aws:sns:eu-west-1:1:alerts"]}, {})
    stack["events"].inputs["sourceIds"] = []  # every instance


def _global_secondary(stack):
    stack["secondary"] = _resource("aws:rds/cluster:Cluster", {
        "clusterIdentifier": "c1-dr", "globalClusterIdentifier": "g1", "masterUsername": None,
        "manageMasterUserPassword": None, "masterUserSecretKmsKeyId": None, "region": "eu-central-1",
        "dbClusterParameterGroupName": "cpg", "tagsAll": {"Environment": "prod", "Owner": "t"}})
    stack["secondary_group"] = Registration("urn:cpg", "aws:rds/clusterParameterGroup:ClusterParameterGroup", "cpg",
                                            True, "", "", {"name": "cpg", "tagsAll": TAGS, "parameters": [
                                                {"name": "rds.force_ssl", "value": "1"}]}, {})
    stack["secondary_alarm"] = Registration("urn:alarm-c1-dr", ALARM, "cpu-c1-dr", True, "", "", {
        "dimensions": {"DBClusterIdentifier": "c1-dr"}, "alarmActions": ["arn:aws:sns:eu-central-1:1:alerts"]}, {})
    stack["events"].inputs["sourceIds"] = []


# (description, change, config, policy expected to fire or None)
STACK_CASES = [
    ("tls: default group", _set("db", "parameterGroupName", None), None, "rds-tls-required"),
    ("tls: group allows plain text", lambda s: s["group"].inputs.update(
        parameters=[{"name": "rds.force_ssl", "value": "0"}]), None, "rds-tls-required"),
    ("tls: unknown group name", _set("db", "parameterGroupName", UNKNOWN), None, None),
    ("backups: none", _drop("backups"), None, "rds-cross-region-backups"),
    ("backups: of another instance", _set("backups", "sourceDbInstanceArn", DB_ARN + "x"), None,
     "rds-cross-region-backups"),
    ("backups: unknown source", _set("backups", "sourceDbInstanceArn", UNKNOWN), None, None),
    ("backups: a replica needs none of its own", _replica_without_backups, None, None),
    ("rotation: no managed password", _set("db", "manageMasterUserPassword", None), None, "rds-credentials-rotate"),
    ("rotation: a 30-day rotation", lambda s: (_set("db", "manageMasterUserPassword", None)(s), _add_rotation(30)(s)),
     None, None),
    ("rotation: 120 days is too slow", lambda s: (_set("db", "manageMasterUserPassword", None)(s),
                                                   _add_rotation(120)(s)), None, "rds-credentials-rotate"),
    ("rotation: 120 days under a 180-day config", lambda s: (_set("db", "manageMasterUserPassword", None)(s),
                                                             _add_rotation(120)(s)),
     {"rds-credentials-rotate": {"maximumDays": 180}}, None),
    ("rotation: period unknown", lambda s: (_set("db", "manageMasterUserPassword", None)(s),
                                            _add_rotation(UNKNOWN)(s)), None, None),
    ("alarms: none", _drop("alarm"), None, "rds-alarms-notify"),
    ("alarms: no action", _set("alarm", "alarmActions", None), None, "rds-alarms-notify"),
    ("alarms: action is not SNS", _set("alarm", "alarmActions", ["arn:aws:lambda:eu-west-1:1:function:f"]), None,
     "rds-alarms-notify"),
    ("alarms: another instance", _set("alarm", "dimensions", {"DBInstanceIdentifier": "db2"}), None,
     "rds-alarms-notify"),
    ("alarms: topic ARN unknown (first preview)", _set("alarm", "alarmActions", [UNKNOWN]), None, None),
    ("alarms: all actions unknown", _set("alarm", "alarmActions", UNKNOWN), None, None),
    ("alarms: dimensions unknown", _set("alarm", "dimensions", UNKNOWN), None, None),
    ("alarms: SNS in another partition", _set("alarm", "alarmActions", ["arn:aws-cn:sns:cn-north-1:1:alerts"]),
     None, None),
    ("events: none", _drop("events"), None, "rds-event-subscription"),
    ("events: another instance", _set("events", "sourceIds", ["db2"]), None, "rds-event-subscription"),
    ("events: every instance", _set("events", "sourceIds", []), None, None),
    ("global: a secondary cluster needs no credentials", _global_secondary, None, None),
    ("global: a primary cluster still must rotate", lambda s: (_global_secondary(s), s["secondary"].inputs.update(
        masterUsername="dbadmin"), _members(s, "c1-dr", 2)), None, "rds-credentials-rotate"),
    ("tags: Owner missing", _set("db", "tagsAll", {"Environment": "prod"}), None, "rds-required-tags"),
    ("tags: unknown", _set("db", "tagsAll", UNKNOWN), None, None),
    ("tags: configured keys", lambda s: None, {"rds-required-tags": {"keys": ["CostCenter"]}}, "rds-required-tags"),
    # RDS.28-33: snapshots, subnet groups, parameter groups and event subscriptions too.
    ("tags: snapshot untagged", _set("snapshot", "tagsAll", None), None, "rds-required-tags"),
    ("tags: subnet group untagged", _set("subnet_group", "tagsAll", {"Owner": "team"}), None, "rds-required-tags"),
    ("tags: parameter group untagged", _set("group", "tagsAll", None), None, "rds-required-tags"),
    ("tags: event subscription untagged", _set("events", "tagsAll", None), None, "rds-required-tags"),
    # RDS.4: a snapshot is as encrypted as its source, unless a copy names a key of its own.
    ("snapshot: of an unencrypted instance", _unencrypted_db, None, "rds-snapshot-encrypted"),
    ("snapshot: its own output says encrypted", lambda s: (_unencrypted_db(s), s["snapshot"].inputs.update(
        encrypted=True)), None, None),
    ("snapshot: copied with a new key from an unencrypted one", lambda s: (_unencrypted_db(s), _add(
        "copy", SNAPSHOT_COPY, {"sourceDbSnapshotIdentifier": "snap1", "targetDbSnapshotIdentifier": "copy1",
                                "kmsKeyId": KEY_B, "tagsAll": TAGS})(s)), None, "rds-snapshot-encrypted"),
    ("snapshot: copied without a key from an unencrypted one", lambda s: (_add(
        "copy", SNAPSHOT_COPY, {"sourceDbSnapshotIdentifier": "snap1", "targetDbSnapshotIdentifier": "copy1",
                                "tagsAll": TAGS})(s), _unencrypted_db(s)), None, "rds-snapshot-encrypted"),
    ("snapshot: a copy of an encrypted one", _add("copy", SNAPSHOT_COPY, {
        "sourceDbSnapshotIdentifier": "snap1", "targetDbSnapshotIdentifier": "copy1", "tagsAll": TAGS}), None, None),
    ("snapshot: of an instance outside the stack", _set("snapshot", "dbInstanceIdentifier", "elsewhere"), None, None),
    ("snapshot: source unknown", lambda s: (_unencrypted_db(s), _set("snapshot", "dbInstanceIdentifier", UNKNOWN)(s)),
     None, None),
    ("snapshot: cluster snapshot of an unencrypted cluster", lambda s: (_aurora()(s), s["cluster"].inputs.update(
        storageEncrypted=False), _add("csnap", CLUSTER_SNAPSHOT, {"dbClusterIdentifier": "c1", "tagsAll": TAGS})(s)),
     None, "rds-snapshot-encrypted"),
    ("snapshot: cluster snapshot copied with a key", lambda s: (_aurora()(s), s["cluster"].inputs.update(
        storageEncrypted=False), _add("csnap", CLUSTER_SNAPSHOT, {
            "dbClusterIdentifier": "c1", "dbClusterSnapshotIdentifier": "cs1", "storageEncrypted": False,
            "tagsAll": TAGS})(s), _add("ccopy", CLUSTER_SNAPSHOT_COPY, {
                "sourceDbClusterSnapshotIdentifier": "cs1", "targetDbClusterSnapshotIdentifier": "cs2",
                "kmsKeyId": KEY_B, "tagsAll": TAGS})(s)), None, "rds-snapshot-encrypted"),
    # RDS.15: Aurora spreads a cluster's instances over the subnet group's AZs itself.
    ("aurora: two instances, AZs left to RDS", _aurora(), None, None),
    ("aurora: one instance", _aurora(members=1), None, "rds-cluster-multi-az"),
    ("aurora: both pinned to one AZ", _aurora(zones=("eu-west-1a",)), None, "rds-cluster-multi-az"),
    ("aurora: pinned to two AZs", _aurora(zones=("eu-west-1a", "eu-west-1b")), None, None),
    ("aurora: the storage's availabilityZones is not the test", lambda s: (_aurora()(s), s["cluster"].inputs.update(
        availabilityZones=["eu-west-1a"])), None, None),
    ("aurora: member's cluster unknown", lambda s: (_aurora(members=1)(s), s["member0"].inputs.update(
        clusterIdentifier=UNKNOWN)), None, None),
    ("aurora: a Multi-AZ DB cluster has no members", _add("cluster", "aws:rds/cluster:Cluster", {
        **BASELINE["aws:rds/cluster:Cluster"], "dbClusterInstanceClass": "db.m6gd.large", "engine": "postgres",
        "dbClusterParameterGroupName": "cpg-maz", "tagsAll": TAGS, "clusterIdentifier": "db1",
        "dbSubnetGroupName": "managed-elsewhere"}), None, None),
    # RDS.45: the cluster parameter group audits, with events.
    ("audit: Aurora MySQL audits", _aurora("aurora-mysql", params=_AUDITED), None, None),
    ("audit: Aurora MySQL without server_audit_logging", _aurora("aurora-mysql"), None,
     "rds-aurora-mysql-audit-logging"),
    ("audit: Aurora MySQL with no events", _aurora("aurora-mysql", params={"server_audit_logging": "1"}), None,
     "rds-aurora-mysql-audit-logging"),
    ("audit: Aurora PostgreSQL is not asked", _aurora(), None, None),
    # RDS.46: a subnet of the DB subnet group routed to an internet gateway for anywhere.
    ("igw: 0.0.0.0/0 to an internet gateway", _route("0.0.0.0/0", "igw-1"), None, "rds-no-internet-gateway-route"),
    ("igw: ::/0 to an internet gateway", _route("::/0", "igw-1", "ipv6CidrBlock"), None, "rds-no-internet-gateway-route"),
    ("igw: a private range to an internet gateway", _route("10.0.0.0/8", "igw-1"), None, None),
    ("igw: a route resource to the stack's gateway", lambda s: (_add("igw", "aws:ec2/internetGateway:InternetGateway", {
        "id": "gw-x"})(s), _add("route", "aws:ec2/route:Route", {
            "routeTableId": "rtb-private", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "gw-x"})(s)), None,
     "rds-no-internet-gateway-route"),
    ("igw: the VPC's main table, no association", lambda s: (s.pop("association"), _add(
        "main", "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation", {
            "vpcId": "vpc-1", "routeTableId": "rtb-private"})(s), _route("0.0.0.0/0", "igw-1")(s)), None,
     "rds-no-internet-gateway-route"),
    ("igw: a public table of another subnet", lambda s: (_add("public_rt", "aws:ec2/routeTable:RouteTable", {
        "id": "rtb-public", "routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}]})(s), _add(
            "public_assoc", "aws:ec2/routeTableAssociation:RouteTableAssociation", {
                "subnetId": "subnet-b", "routeTableId": "rtb-public"})(s)), None, None),
    ("igw: association unknown", lambda s: (_route("0.0.0.0/0", "igw-1")(s), _set(
        "association", "subnetId", UNKNOWN)(s)), None, None),
    # RDS.26: an AWS Backup selection names each primary instance.
    ("backup plan: none", _drop("backup_plan"), None, "rds-backup-plan"),
    ("backup plan: another instance", _set("backup_plan", "resources", [DB_ARN + "x"]), None, "rds-backup-plan"),
    ("backup plan: every RDS database by wildcard", _set("backup_plan", "resources", ["arn:aws:rds:*:*:db:*"]), None,
     None),
    ("backup plan: chosen by tags", lambda s: (_set("backup_plan", "resources", [])(s), _set(
        "backup_plan", "selectionTags", [{"type": "STRINGEQUALS", "key": "Owner", "value": "team"}])(s)), None, None),
]


def test_stack_baseline_is_compliant(pack):
    assert _stack(pack, list(_stack_baseline().values())) == set()


@pytest.mark.parametrize("change, config, expected", [c[1:] for c in STACK_CASES], ids=[c[0] for c in STACK_CASES])
def test_one_stack_change_per_case(change, config, expected, pack):
    stack = _stack_baseline()
    change(stack)
    if config is not None:
        pack.configure(config)
    found = _stack(pack, list(stack.values()))
    assert found == ({expected} if expected else set())


def test_numbers_in_messages_read_as_people_write_them(pack):
    stack = _stack_baseline()
    _set("db", "manageMasterUserPassword", None)(stack)
    messages = [v.message for v in pack.analyze_stack(list(stack.values()))]
    assert any("at most 90 days" in m for m in messages), messages


def test_policy_reference_lists_exactly_the_packs_policies_at_their_levels(pack):
    """docs/reference/policies.md is what other teams read: the running pack's names and levels."""
    from preview.harness import PROJECT_DIR
    import re

    page = (PROJECT_DIR / "docs" / "reference" / "policies.md").read_text()
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", page.split("## AWS sources", 1)[0], flags=re.M))
    levels = {0: "advisory", 1: "mandatory", 2: "disabled"}
    assert pack.info.policies
    assert documented == {p.name for p in pack.info.policies}
    for p in pack.info.policies:
        # columns: policy | checks | resources | unset means | default | ...
        row = re.search(rf"^\| `{p.name}` \|.*$", page, flags=re.M).group(0)
        assert row.split(" | ")[4] == levels[p.enforcementLevel], p.name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_policy_reference_gives_each_stack_the_level_the_gate_applies(pack, stack):
    """The per-stack level columns resolve a config as the offline gate does (preview/analyzer.py)."""
    from preview.analyzer import LEVEL_NAMES, load_policy_config, reconcile_config
    from preview.harness import PROJECT_DIR
    import re

    page = (PROJECT_DIR / "docs" / "reference" / "policies.md").read_text().split("## AWS sources", 1)[0]
    column = re.search(r"^\| policy \|.*$", page, flags=re.M).group(0).split(" | ").index(stack)
    applied = {name: LEVEL_NAMES[c.enforcementLevel]
               for name, c in reconcile_config(pack.info, load_policy_config(stack)).items()}
    documented = {m.group(1): m.group(0).split(" | ")[column]
                  for m in re.finditer(r"^\| `([a-z0-9-]+)` \|.*$", page, flags=re.M)}
    assert applied and documented == applied


# (type, change, policy config, policy expected to fire or None): each threshold or list moves
# the verdict on a resource the default config judges the other way.
CONFIG_CASES = [
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
     {"cidrIpv4": "0.0.0.0/0", "fromPort": 6379, "toPort": 6379},
     {"no-public-ingress-to-database-ports-vpc-rule": {"ports": [6379]}}, "no-public-ingress-to-database-ports-vpc-rule"),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", {"cidrBlocks": ["0.0.0.0/0"]},
     {"no-public-ingress-to-database-ports-rule": {"ports": [6379]}}, None),
    ("aws:ec2/securityGroup:SecurityGroup",
     {"ingress": [{"protocol": "tcp", "fromPort": 27017, "toPort": 27017, "cidrBlocks": ["0.0.0.0/0"]}]},
     {"no-public-ingress-to-database-ports": {"ports": [27017]}}, "no-public-ingress-to-database-ports"),
    ("aws:secretsmanager/secret:Secret", {"recoveryWindowInDays": 10},
     {"secret-recovery-window": {"minimumDays": 30}}, "secret-recovery-window"),
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", {"retentionPeriod": 7},
     {"rds-backup-replication-retention": {"minimumDays": 14}}, "rds-backup-replication-retention"),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 30},
     {"log-group-retention": {"minimumDays": 365}}, "log-group-retention"),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 7},
     {"log-group-retention": {"minimumDays": 7}}, None),
    ("aws:rds/instance:Instance", {"username": "dbadmin"},
     {"rds-no-default-master-username": {"forbidden": ["dbadmin"]}}, "rds-no-default-master-username"),
    ("aws:rds/instance:Instance", {"username": "postgres"},
     {"rds-no-default-master-username": {"forbidden": ["admin"]}}, None),
]


@pytest.mark.parametrize("type_, change, config, expected", CONFIG_CASES,
                         ids=[f"{t.split(':')[-1]}-{list(c)[0]}-{i}" for i, (t, _, c, _) in enumerate(CONFIG_CASES)])
def test_policy_config_moves_the_verdict(type_, change, config, expected, pack):
    # The default config judges the other way: the verdict moves because of the config.
    before = {v.policy for v in pack.analyze(_resource(type_, change))}
    pack.configure(config)
    found = {v.policy for v in pack.analyze(_resource(type_, change))}
    assert before != found
    assert found == ({expected} if expected else set())


# Every property of every baseline, one at a time, made unknown (a first preview): no policy
# may fire or fail on it.
UNKNOWN_CASES = [(t, k) for t in sorted(BASELINE) for k in sorted(BASELINE[t])]


@pytest.mark.parametrize("type_, key", UNKNOWN_CASES, ids=[f"{t.split(':')[-1]}.{k}" for t, k in UNKNOWN_CASES])
def test_an_unknown_property_is_never_a_violation(pack, type_, key):
    assert pack.analyze(_resource(type_, {key: UNKNOWN})) == []


STACK_UNKNOWN_CASES = [(role, key) for role, r in _stack_baseline().items() for key in sorted(r.inputs)]


@pytest.mark.parametrize("role, key", STACK_UNKNOWN_CASES, ids=[f"{r}.{k}" for r, k in STACK_UNKNOWN_CASES])
def test_an_unknown_output_is_never_a_stack_violation(pack, role, key):
    stack = _stack_baseline()
    stack[role].inputs[key] = UNKNOWN
    found = _stack(pack, list(stack.values()))
    assert found == set(), f"{role}.{key} unknown fired {found}"


# --- one rule, two front ends: rds_guardrails.evaluate gives the pack's verdicts ------------------

def _has_unknown(value):
    # Unknowns exist only in a plan; the live front end never sees them.
    return UNKNOWN in json.dumps(value)


KNOWN_CASES = [c for c in CASES if not _has_unknown(c[1])]
KNOWN_STACK_CASES = [c for c in STACK_CASES if "unknown" not in c[0]]


@pytest.mark.parametrize("type_, change, expected", KNOWN_CASES,
                         ids=[f"{t.split(':')[-1]}-{c}" for t, c, _ in KNOWN_CASES])
def test_evaluate_gives_the_packs_resource_verdicts(pack, type_, change, expected):
    from rds_guardrails.controls import RESOURCE_RULES
    from rds_guardrails.evaluate import evaluate
    r = _resource(type_, change)
    by_pack = _verdicts(pack.analyze(r))
    per_resource = {rule.name for rule in RESOURCE_RULES}  # evaluate also runs the stack rules
    assert by_pack == _verdicts(f for f in evaluate([_live(r)]) if f.policy in per_resource)
    assert [p for p, _, _ in by_pack] == ([expected] if expected else [])


@pytest.mark.parametrize("change, config, expected", [c[1:] for c in KNOWN_STACK_CASES],
                         ids=[c[0] for c in KNOWN_STACK_CASES])
def test_evaluate_gives_the_packs_stack_verdicts(pack, change, config, expected):
    from rds_guardrails.evaluate import evaluate
    stack = _stack_baseline()
    change(stack)
    resources = list(stack.values())
    assert not any(_has_unknown(r.inputs) for r in resources)
    pack.configure(config)
    by_pack = _verdicts(pack.analyze_many(resources) + pack.analyze_stack(resources))
    assert by_pack == _verdicts(evaluate([_live(r) for r in resources], config))
    assert expected is None or expected in {p for p, _, _ in by_pack}


# --- the SDK speed-up: installed by the pack's entry point, not by importing the package ----------

_REPORT_JSON_FORMAT = """
import json, runpy, sys
sys.path.insert(0, "policies")
import pulumi_policy, pulumi_policy.policy as sdk
packs = []
pulumi_policy.PolicyPack = lambda **kwargs: packs.append(kwargs)  # record instead of serving
before = type(sdk.json_format).__name__
import rds_guardrails, rds_guardrails.evaluate, rds_guardrails.pack
after_import = type(sdk.json_format).__name__
if sys.argv[1] == "run":
    runpy.run_path("policies/__main__.py", run_name="__main__")
print(json.dumps([before, after_import, type(sdk.json_format).__name__, [len(p["policies"]) for p in packs]]))
"""


@pytest.mark.parametrize("run_entry_point, installed", [(False, False), (True, True)], ids=["import", "pack-runs"])
def test_the_sdk_speedup_is_installed_by_the_pack_not_by_an_import(run_entry_point, installed, pack):
    from preview.harness import PROJECT_DIR
    out = subprocess.run([sys.executable, "-c", _REPORT_JSON_FORMAT, "run" if run_entry_point else "import"],
                         cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    before, after_import, after, packs = json.loads(out)
    assert before == after_import == "module"  # importing rds_guardrails patches nothing
    assert (after == "_RememberingJsonFormat") is installed
    assert packs == ([len(pack.info.policies)] if run_entry_point else [])


def test_the_running_pack_answers_remediate_as_the_engine_calls_it(pack):
    # The engine asks the pack for remediations of every resource before Analyze; an exception
    # there fails the step ("failed to run remediation"). The pack has no remediation policy.
    from preview.analyzer import analyze_request
    from benchmarks.fleet import synthetic_fleet
    resources = synthetic_fleet(16)
    assert len({r.type for r in resources}) > 5
    for resource in resources:
        response = pack.stub.Remediate(analyze_request(resource))
        assert list(response.remediations) == []


# --- the pack's engine tables know every engine the program can deploy --------------------------

def _catalog():
    from components import catalog
    assert catalog.ENGINES and catalog.DEPLOYMENT_ENGINES["multi-az-cluster"]
    return catalog


def test_log_export_tables_cover_every_engine_and_ask_only_what_the_program_exports():
    from rds_guardrails.availability import ENGINE_LOGS, MULTI_AZ_CLUSTER_LOGS
    catalog = _catalog()
    for engine, spec in catalog.ENGINES.items():
        assert engine in ENGINE_LOGS, engine
        assert set(ENGINE_LOGS[engine]) <= set(spec.log_exports), engine
    for engine in catalog.DEPLOYMENT_ENGINES["multi-az-cluster"]:
        assert set(MULTI_AZ_CLUSTER_LOGS[engine]) <= set(catalog.MULTI_AZ_CLUSTER_LOG_EXPORTS[engine]), engine


def test_tls_table_covers_every_engine_with_the_programs_parameter_and_value():
    from rds_guardrails.stack_controls import TLS_PARAMETERS
    catalog = _catalog()
    for engine, spec in catalog.ENGINES.items():
        name, value = spec.tls_parameter
        assert engine in TLS_PARAMETERS, engine
        assert TLS_PARAMETERS[engine][0] == name and value in TLS_PARAMETERS[engine][1], engine


def test_every_engines_default_port_is_a_database_port():
    from rds_guardrails.network import DEFAULT_DB_PORTS
    catalog = _catalog()
    assert {spec.default_port for spec in catalog.ENGINES.values()} <= set(DEFAULT_DB_PORTS)


def test_the_program_refuses_every_user_name_the_pack_refuses():
    from rds_guardrails.availability import DEFAULT_USERNAMES
    catalog = _catalog()
    for engine, spec in catalog.ENGINES.items():
        assert {u.lower() for u in DEFAULT_USERNAMES} <= spec.reserved_usernames, engine


# Standard support of PostgreSQL 16 ends on 2029-02-28 (lifecycle.TABLE): 180 days before is
# 2028-09-01. `today` is given in every case, so no verdict depends on the day the tests run.
@pytest.mark.parametrize("type_, today, warning_days, version, lifecycle_value, expected", [
    ("aws:rds/instance:Instance", "2028-08-31", 180, "16", None, None),  # 181 days ahead: not yet
    ("aws:rds/instance:Instance", "2028-09-01", 180, "16", "open-source-rds-extended-support-disabled",
     "ends on 2029-02-28, within the 180-day warning: after that RDS refuses to create it and upgrades an "
     "existing one"),
    ("aws:rds/instance:Instance", "2028-09-01", 180, "16", "open-source-rds-extended-support",
     "within the 180-day warning: after that RDS bills Extended Support"),
    # 816 days from 2026-12-05 to 2029-02-28.
    ("aws:rds/instance:Instance", "2026-12-05", 816, "16", None, "ends on 2029-02-28, within the 816-day warning"),
    ("aws:rds/instance:Instance", "2026-12-05", 815, "16", None, None),
    ("aws:rds/instance:Instance", "2026-12-05", 180, "13", "open-source-rds-extended-support-disabled",
     "standard support of postgres 13 ended on 2026-02-28: RDS refuses to create it"),
    ("aws:rds/cluster:Cluster", "2029-03-01", 180, "16.4", None,
     "standard support of aurora-postgresql 16 ended on 2029-02-28: RDS bills Extended Support for it"),
    ("aws:rds/instance:Instance", "2026-12-05", 180, "99", "open-source-rds-extended-support-disabled", None),
    # MariaDB 10.6: standard support ends on 2026-12-31, and RDS for MariaDB has no Extended Support.
    ("mariadb", "2026-12-07", 180, "10.6", None,
     "standard support of mariadb 10.6 ends on 2026-12-31, within the 180-day warning: after that mariadb 10.6 has "
     "no RDS Extended Support"),
    ("mariadb", "2026-12-07", 180, "11.4", None, None),
])
def test_standard_support_warning_counts_days_from_the_policys_today(pack, type_, today, warning_days, version,
                                                                      lifecycle_value, expected):
    pack.configure({"rds-standard-support-ending": {"today": today, "warningDays": warning_days},
                    "rds-extended-support-disabled": "disabled",
                    "rds-engine-version-past-standard-support": "disabled"})
    change = {"engineVersion": version, "engineLifecycleSupport": lifecycle_value}
    if type_ == "mariadb":  # an RDS for MariaDB instance takes no engineLifecycleSupport
        type_, change = "aws:rds/instance:Instance", {"engine": "mariadb", "engineVersion": version,
                                                      "engineLifecycleSupport": None,
                                                      "enabledCloudwatchLogsExports": ["audit", "error", "general",
                                                                                       "slowquery"]}
    messages = [v.message for v in pack.analyze(_resource(type_, change))]
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


# --- RDS.4: which snapshot is at fault, not only which policy ---------------------------------------------------------

@pytest.mark.parametrize("copy_key, flagged", [(KEY_B, {"urn:snap"}), (None, {"urn:snap", "urn:copy"})],
                         ids=["copy-with-its-own-key", "copy-without-a-key"])
def test_a_copy_with_its_own_key_is_encrypted_whatever_its_source(pack, copy_key, flagged):
    stack = _stack_baseline()
    _unencrypted_db(stack)
    _add("copy", SNAPSHOT_COPY, {"sourceDbSnapshotIdentifier": "snap1", "targetDbSnapshotIdentifier": "copy1",
                                 "tagsAll": TAGS, **({"kmsKeyId": copy_key} if copy_key else {})})(stack)
    for r in stack.values():
        r.outputs = r.inputs
    found = {v.urn for v in pack.analyze_stack(list(stack.values())) if v.policy == "rds-snapshot-encrypted"}
    assert found == flagged
