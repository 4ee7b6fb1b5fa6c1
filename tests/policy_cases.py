"""The policy tests' shared tables: a compliant baseline per resource type, what a read replica
leaves unset, the ignoreChanges AWS owns, and the pack's verdicts as plain tuples. Used by
tests/test_policy_pack.py, tests/pack_cases.py and tests/test_policy_deployability.py (one change per case on these).
"""

import copy

from google.protobuf import json_format, struct_pb2

from plan.registration import Registration

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


def resource(type_, change, protect=True, ignore_changes=None):
    """A Registration of the type's compliant baseline with one change (None removes a key)."""
    props = copy.deepcopy(BASELINE[type_])
    for key, value in change.items():
        if value is None:
            props.pop(key, None)
        else:
            props[key] = value
    name = type_.split(":")[-1].lower()
    return Registration(urn=f"urn:pulumi:test::proj::{type_}::{name}", type=type_, name=name, custom=True,
                        parent="", provider="", inputs=props,
                        options={"protect": protect and type_ in PROTECTED,
                                 "ignoreChanges": IGNORED.get(type_, []) if ignore_changes is None else ignore_changes})


# A compliant stack: one primary with its TLS group, backups copied to another region and named by
# an AWS Backup selection, an alarm to SNS, an event subscription, required tags, a snapshot, and a
# subnet group whose subnet routes to a NAT gateway. Each case changes one thing (AnalyzeStack).
DB_ARN = "arn:aws:rds:eu-west-1:123456789012:db:db1"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENTS = "aws:rds/eventSubscription:EventSubscription"
BACKUPS = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"
GROUP = "aws:rds/parameterGroup:ParameterGroup"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
TAGS = {"Environment": "prod", "Owner": "team"}
SNAPSHOT = "aws:rds/snapshot:Snapshot"
SNAPSHOT_COPY = "aws:rds/snapshotCopy:SnapshotCopy"
CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
CLUSTER_SNAPSHOT_COPY = "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"
KEY_B = KEY.replace("1234abcd-12ab", "9999abcd-12ab")


def reg(urn, type_, name, props):
    """A registration of the stack cases (a custom resource with inputs only)."""
    return Registration(f"urn:{urn}", type_, name, True, "", "", props, {})


def stack_baseline():
    db = resource("aws:rds/instance:Instance", {"parameterGroupName": "pg", "arn": DB_ARN, "tagsAll": TAGS})
    return {
        "db": db,
        "group": reg("pg", GROUP, "pg", {
            "name": "pg", "parameters": [{"name": "rds.force_ssl", "value": "1"}], "tagsAll": TAGS}),
        "backups": reg("backups", BACKUPS, "backups", {"sourceDbInstanceArn": DB_ARN, "region": "eu-central-1"}),
        "alarm": reg("alarm", ALARM, "cpu", {
            "dimensions": {"DBInstanceIdentifier": "db1"},
            "alarmActions": ["arn:aws:sns:eu-west-1:123456789012:alerts"]}),
        "events": reg("events", EVENTS, "events", {"sourceType": "db-instance", "sourceIds": ["db1"], "tagsAll": TAGS}),
        # RDS.26: an AWS Backup selection names the instance.
        "backup_plan": reg("selection", "aws:backup/selection:Selection", "selection", {"resources": [DB_ARN]}),
        # RDS.4, RDS.32: a tagged snapshot of the (encrypted) instance.
        "snapshot": reg("snap", SNAPSHOT, "snap", {"dbInstanceIdentifier": "db1", "dbSnapshotIdentifier": "snap1",
                                                   "tagsAll": TAGS}),
        # RDS.46: the instance's subnet group holds one subnet, routed to a NAT gateway.
        "subnet_group": reg("subnets", "aws:rds/subnetGroup:SubnetGroup", "private", {
            "name": "private", "subnetIds": ["subnet-a"], "tagsAll": TAGS}),
        "subnet": reg("subnet-a", "aws:ec2/subnet:Subnet", "a", {"id": "subnet-a", "vpcId": "vpc-1"}),
        "route_table": reg("rtb", "aws:ec2/routeTable:RouteTable", "private-rt", {
            "id": "rtb-private", "vpcId": "vpc-1", "routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}]}),
        "association": reg("assoc", "aws:ec2/routeTableAssociation:RouteTableAssociation", "a-rt", {
            "subnetId": "subnet-a", "routeTableId": "rtb-private"}),
    }
