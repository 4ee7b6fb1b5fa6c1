"""The policy tests' shared tables: a compliant baseline per resource type, what a read replica
leaves unset, the ignoreChanges AWS owns, and the pack's verdicts as plain tuples. Used by
tests/test_policy_pack.py and tests/test_policy_deployability.py (one change per case on these).
"""

from google.protobuf import json_format, struct_pb2

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
        "engineLifecycleSupport": "open-source-rds-extended-support-disabled", "port": 5433,
    },
    "aws:rds/cluster:Cluster": {
        "clusterIdentifier": "c1", "engine": "aurora-postgresql", "storageEncrypted": True, "kmsKeyId": KEY,
        "dbSubnetGroupName": "private", "deletionProtection": True, "skipFinalSnapshot": False,
        "deleteAutomatedBackups": False, "backupRetentionPeriod": 7, "enabledCloudwatchLogsExports": ["postgresql"],
        "copyTagsToSnapshot": True, "iamDatabaseAuthenticationEnabled": True, "masterUsername": "dbadmin",
        "manageMasterUserPassword": True, "masterUserSecretKmsKeyId": KEY,
        "engineLifecycleSupport": "open-source-rds-extended-support-disabled", "port": 5433,
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
    "aws:rds/eventSubscription:EventSubscription": {
        "sourceType": "db-instance", "eventCategories": ["failure", "maintenance", "configuration change"],
        "enabled": True},
    "aws:rds/globalCluster:GlobalCluster": {"engine": "aurora-mysql", "engineVersion": "8.0.mysql_aurora.3.08.0"},
}
PROTECTED = {"aws:rds/instance:Instance", "aws:rds/cluster:Cluster"}

# What a read replica does not set: credentials and a final snapshot are its source's business
# (deployability.py); with these a replica change below is judged only on what the case changes.
REPLICA = {"username": None, "manageMasterUserPassword": None, "skipFinalSnapshot": True}

# A cluster that joins a global database lets AWS own replicationSourceIdentifier.
IGNORED = {"aws:rds/cluster:Cluster": ["replicationSourceIdentifier"]}


def live(r):
    """The Resource the shared evaluation sees for a registration, options included."""
    from rds_guardrails.evaluate import Resource
    # Through a protobuf Struct, as the pack receives it (every number a float).
    wire = struct_pb2.Struct()
    wire.update(r.inputs)
    props = json_format.MessageToDict(wire)
    return Resource(r.type, r.name, props, r.urn, {"protect": r.options.get("protect", False),
                                                   "ignoreChanges": r.options.get("ignoreChanges", [])},
                    tuple(r.options.get("dependencies", [])))


def verdicts(violations):
    # The SDK puts the policy's description on the line before the message.
    return sorted((v.policy, v.level, v.message.splitlines()[-1]) for v in violations)
