"""The policy pack's case tables: one change to a resource baseline per case (CASES), one
change to the stack baseline per case (STACK_CASES), and the helpers that build the changes.
Used by tests/test_policy_pack.py and tests/test_policy_pack_evaluate.py."""

from preview.harness import UNKNOWN, Registration
from tests.policy_cases import (ALARM, BASELINE, DB_ARN, DR_KEY, REPLICA,
                                 ROTATION)
from tests.policy_cases import resource as _resource
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
