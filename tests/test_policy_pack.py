"""The policy pack through the gRPC analyzer protocol, as the Pulumi CLI runs it.

Table style: a compliant baseline per resource type, then one change per case.
"""

import copy

import pytest

from preview.analyzer import PolicyConfigError, PolicyPackProcess, load_policy_config, reconcile_config
from preview.harness import UNKNOWN, Registration, run_program

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DR_KEY = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

BASELINE = {
    "aws:rds/instance:Instance": {
        "region": "eu-west-1", "identifier": "db1", "engine": "postgres", "storageEncrypted": True,
        "kmsKeyId": KEY, "publiclyAccessible": False, "dbSubnetGroupName": "private",
        "deletionProtection": True, "skipFinalSnapshot": False, "deleteAutomatedBackups": False,
        "backupRetentionPeriod": 7, "multiAz": True, "monitoringInterval": 60,
        "monitoringRoleArn": "arn:aws:iam::123456789012:role/mon", "performanceInsightsEnabled": True,
        "performanceInsightsKmsKeyId": KEY, "enabledCloudwatchLogsExports": ["postgresql", "upgrade"],
        "autoMinorVersionUpgrade": True, "copyTagsToSnapshot": True, "iamDatabaseAuthenticationEnabled": True,
        "username": "dbadmin", "manageMasterUserPassword": True, "masterUserSecretKmsKeyId": KEY,
    },
    "aws:rds/cluster:Cluster": {
        "clusterIdentifier": "c1", "engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": KEY,
        "dbSubnetGroupName": "private", "deletionProtection": True, "skipFinalSnapshot": False,
        "deleteAutomatedBackups": False, "backupRetentionPeriod": 7, "enabledCloudwatchLogsExports": ["postgresql"],
        "copyTagsToSnapshot": True, "iamDatabaseAuthenticationEnabled": True, "masterUsername": "dbadmin",
        "manageMasterUserPassword": True, "masterUserSecretKmsKeyId": KEY,
    },
    "aws:rds/clusterInstance:ClusterInstance": {
        "clusterIdentifier": "c1", "engine": "aurora-postgresql", "publiclyAccessible": False,
        "monitoringInterval": 60, "monitoringRoleArn": "arn:aws:iam::123456789012:role/mon",
        "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": KEY, "autoMinorVersionUpgrade": True,
    },
    "aws:kms/key:Key": {"enableKeyRotation": True},
    "aws:secretsmanager/secret:Secret": {"kmsKeyId": KEY, "recoveryWindowInDays": 30},
    "aws:sns/topic:Topic": {"kmsMasterKeyId": KEY},
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": {
        "sourceDbInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:db1", "kmsKeyId": DR_KEY,
        "retentionPeriod": 7, "region": "eu-central-1"},
    "aws:ec2/securityGroup:SecurityGroup": {"ingress": [
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["10.0.0.0/16"]},
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}]},
    "aws:ec2/securityGroupRule:SecurityGroupRule": {"type": "ingress", "protocol": "tcp", "fromPort": 5432,
                                                    "toPort": 5432, "cidrBlocks": ["10.0.0.0/8"]},
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {"ipProtocol": "tcp", "fromPort": 5432,
                                                                  "toPort": 5432, "cidrIpv4": "10.0.0.0/8"},
    "aws:rds/proxy:Proxy": {"requireTls": True, "auths": [{"iamAuth": "REQUIRED", "secretArn": "arn:x"}]},
    "aws:rds/snapshot:Snapshot": {"sharedAccounts": ["123456789012"]},
    "aws:cloudwatch/logGroup:LogGroup": {"retentionInDays": 30},
}
PROTECTED = {"aws:rds/instance:Instance", "aws:rds/cluster:Cluster"}

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
    ("aws:rds/instance:Instance", {"replicateSourceDb": "db1", "publiclyAccessible": True}, "rds-not-publicly-accessible"),
    ("aws:rds/instance:Instance", {"replicateSourceDb": "arn:aws:rds:eu-central-1:123456789012:db:db0",
                                   "kmsKeyId": None}, "rds-cross-region-replica-key"),
    ("aws:rds/instance:Instance", {"replicateSourceDb": "arn:aws:rds:eu-central-1:123456789012:db:db0",
                                   "kmsKeyId": DR_KEY}, "rds-cross-region-replica-key"),
    ("aws:rds/instance:Instance", {"replicateSourceDb": UNKNOWN, "multiAz": False}, None),
    ("aws:rds/cluster:Cluster", {"storageEncrypted": None}, "rds-storage-encrypted"),
    ("aws:rds/cluster:Cluster", {"deletionProtection": False}, "rds-deletion-protection"),
    ("aws:rds/cluster:Cluster", {"enabledCloudwatchLogsExports": []}, "rds-log-exports"),
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
]


def _resource(type_, change, protect=True):
    props = copy.deepcopy(BASELINE[type_])
    for key, value in change.items():
        if value is None:
            props.pop(key, None)
        else:
            props[key] = value
    name = type_.split(":")[-1].lower()
    return Registration(urn=f"urn:pulumi:test::proj::{type_}::{name}", type=type_, name=name, custom=True,
                        parent="", provider="", inputs=props,
                        options={"protect": protect and type_ in PROTECTED})


@pytest.fixture(scope="module")
def pack():
    with PolicyPackProcess() as running:
        running.configure(None)  # no config: the production bar
        yield running


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
    for v in found:
        assert f"'{type_.split(':')[-1].lower()}'" in v.message and "Fix:" in v.message


def test_unprotected_database_is_flagged(pack):
    found = pack.analyze(_resource("aws:rds/instance:Instance", {}, protect=False))
    assert [v.policy for v in found] == ["rds-protected-resource"]


def test_config_tunes_thresholds_and_levels():
    info_resource = _resource("aws:rds/instance:Instance", {"backupRetentionPeriod": 10})
    with PolicyPackProcess() as pack:
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
def test_own_stack_mandatory_violations(stack):
    plan = run_program(stack)
    with PolicyPackProcess() as pack:
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
    ({"credentialsMode": "generated"}, "rds-credentials-rotate"),
    ({"alarms": {"enabled": False}}, "rds-alarms-notify"),
    ({"alarms": {"enabled": False}}, "rds-event-subscription"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}},
     "rds-cross-region-backups"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "backupRetentionDays": 3}},
     "rds-backup-replication-retention"),
]


@pytest.mark.parametrize("overrides, policy", BROKEN_PROD, ids=[f"{p}-{i}" for i, (_, p) in enumerate(BROKEN_PROD)])
def test_broken_prod_variants_are_caught(overrides, policy):
    plan = run_program("prod", overrides)
    assert plan.error is None, plan.error
    with PolicyPackProcess() as pack:
        pack.configure(load_policy_config("prod"))
        found = [v for v in pack.check_plan(plan) if v.level == "mandatory" and v.policy == policy]
    assert found, f"{overrides} was not caught by {policy}"
