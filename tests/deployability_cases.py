"""The deployability tests' shared tables: the baselines by role (BASES), one change per case
(CASES, UNKNOWN_CASES), the stack baseline and its changes (STACK_CASES). Used by
tests/test_policy_deployability.py."""

import copy
import json


from preview.harness import UNKNOWN, Registration
from tests.policy_cases import BASELINE, DR_KEY, IGNORED, KEY, REPLICA


INSTANCE, CLUSTER = "aws:rds/instance:Instance", "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENTS = "aws:rds/eventSubscription:EventSubscription"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
SOURCE_ARN = "arn:aws:rds:eu-west-1:123456789012:db:db1"

# Baselines by role: each compliant for every deployability policy.
BASES = {
    "primary": (INSTANCE, BASELINE[INSTANCE]),
    "replica": (INSTANCE, {**{k: v for k, v in BASELINE[INSTANCE].items() if k not in REPLICA and k != "kmsKeyId"},
                           "skipFinalSnapshot": True, "replicateSourceDb": SOURCE_ARN, "identifier": "db1-ro"}),
    "cluster": (CLUSTER, BASELINE[CLUSTER]),
    "maz": (CLUSTER, {**BASELINE[CLUSTER], "engine": "postgres", "dbClusterInstanceClass": "db.m6gd.large",
                      "storageType": "io1", "allocatedStorage": 400, "iops": 4000}),
    "member": (CLUSTER_INSTANCE, BASELINE[CLUSTER_INSTANCE]),
    "alarm": (ALARM, {"namespace": "AWS/RDS", "metricName": "ClientConnections", "dimensions": {"ProxyName": "p1"},
                      "statistic": "Sum", "period": 60}),
    "events": (EVENTS, {"sourceType": "db-instance", "sourceIds": ["db1"], "snsTopic": "arn:aws:sns:eu-west-1:1:a"}),
}
MYSQL_MICRO = {"engine": "mysql", "instanceClass": "db.t4g.micro"}
IO1 = {"storageType": "io1", "allocatedStorage": 100, "iops": 1000}

# (role, change (None removes a key; "ignoreChanges" sets that option), policy expected or None)
CASES = [
    ("replica", {"replicateSourceDb": "db1"}, "rds-replica-source-arn"),
    ("replica", {"replicateSourceDb": "db1", "dbSubnetGroupName": None}, None),
    ("replica", {"kmsKeyId": KEY}, "rds-same-region-replica-no-key"),
    ("replica", {"replicateSourceDb": "db1", "dbSubnetGroupName": None, "kmsKeyId": KEY},
     "rds-same-region-replica-no-key"),
    ("replica", {"region": "eu-central-1", "kmsKeyId": DR_KEY, "dbSubnetGroupName": "dr"}, None),  # cross-region
    ("replica", {"region": None, "kmsKeyId": KEY}, None),  # region from the provider: no verdict
    ("replica", {"username": "dbadmin"}, "rds-replica-no-master-credentials"),
    ("replica", {"manageMasterUserPassword": True}, "rds-replica-no-master-credentials"),
    ("replica", {"skipFinalSnapshot": None}, "rds-replica-skip-final-snapshot"),
    ("replica", {"finalSnapshotIdentifier": "db1-ro-final"}, "rds-replica-skip-final-snapshot"),
    ("primary", {"finalSnapshotIdentifier": "db1-final"}, None),
    ("cluster", {"globalClusterIdentifier": "g1"}, "rds-global-cluster-no-managed-password"),
    ("cluster", {"globalClusterIdentifier": "g1", "manageMasterUserPassword": None, "masterUserSecretKmsKeyId": None,
                 "ignoreChanges": []}, "rds-global-cluster-ignores-replication-source"),
    ("cluster", {"globalClusterIdentifier": "g1", "manageMasterUserPassword": None, "masterUserSecretKmsKeyId": None,
                 "ignoreChanges": ["replication_source_identifier"]}, None),
    ("cluster", {"ignoreChanges": []}, None),  # not a global member
    ("primary", MYSQL_MICRO, "rds-insights-supported-class"),
    ("primary", {"engine": "mariadb", "instanceClass": "db.t3.small"}, "rds-insights-supported-class"),
    ("primary", {**MYSQL_MICRO, "instanceClass": "db.t4g.medium"}, None),
    ("primary", {**MYSQL_MICRO, "engine": "postgres"}, None),
    ("primary", {**MYSQL_MICRO, "performanceInsightsEnabled": False, "performanceInsightsKmsKeyId": None}, None),
    ("primary", {**MYSQL_MICRO, "performanceInsightsEnabled": False, "performanceInsightsKmsKeyId": None,
                 "databaseInsightsMode": "standard"}, "rds-insights-supported-class"),
    ("member", {"engine": "aurora-mysql", "instanceClass": "db.t3.medium"}, "rds-insights-supported-class"),
    ("member", {"engine": "aurora-mysql", "instanceClass": "db.t4g.medium"}, None),
    ("primary", {"databaseInsightsMode": "advanced", "performanceInsightsRetentionPeriod": 465}, None),
    ("primary", {"databaseInsightsMode": "advanced"}, "rds-database-insights-advanced"),
    ("primary", {"databaseInsightsMode": "advanced", "performanceInsightsRetentionPeriod": 465,
                 "performanceInsightsEnabled": False, "performanceInsightsKmsKeyId": None},
     "rds-database-insights-advanced"),
    ("maz", {"databaseInsightsMode": "advanced", "performanceInsightsEnabled": True}, "rds-database-insights-advanced"),
    ("cluster", {"databaseInsightsMode": "advanced"}, None),  # Aurora: PI lives on the cluster's instances
    ("primary", IO1, None),
    ("primary", {**IO1, "iops": 10000}, "rds-io1-iops-ratio"),
    ("primary", {**IO1, "maxAllocatedStorage": 65536}, "rds-io1-iops-ratio"),
    ("primary", {**IO1, "storageType": None, "iops": 6000}, "rds-io1-iops-ratio"),  # io1 when iops is set
    ("primary", {"storageType": "gp3", "allocatedStorage": 400, "iops": 12000}, None),
    ("maz", {"iops": 40000}, "rds-io1-iops-ratio"),
    ("primary", {"allocatedStorage": 400, "maxAllocatedStorage": 439}, "rds-max-allocated-storage-headroom"),
    ("primary", {"allocatedStorage": 400, "maxAllocatedStorage": 440}, None),
    ("primary", {"allocatedStorage": 400, "maxAllocatedStorage": 0}, None),  # autoscaling off
    ("primary", {"engineVersion": "13", "engineLifecycleSupport": "open-source-rds-extended-support-disabled"},
     "rds-engine-version-past-standard-support"),
    ("primary", {"engineVersion": "13", "engineLifecycleSupport": "open-source-rds-extended-support"}, None),
    ("cluster", {"engine": "aurora-postgresql", "engineVersion": "13.15",
                 "engineLifecycleSupport": "open-source-rds-extended-support-disabled"},
     "rds-engine-version-past-standard-support"),
    ("primary", {"identifier": "1db"}, "rds-identifier-format"),
    ("primary", {"identifier": "db--1"}, "rds-identifier-format"),
    ("primary", {"identifier": "db1-"}, "rds-identifier-format"),
    ("primary", {"identifier": "d" * 64}, "rds-identifier-format"),
    ("primary", {"identifier": "d" * 63}, None),
    ("primary", {"finalSnapshotIdentifier": "db1--final"}, "rds-identifier-format"),
    ("maz", {"clusterIdentifier": "c" * 53}, "rds-identifier-format"),
    ("cluster", {"clusterIdentifier": "c" * 53}, None),  # Aurora: 63
    ("alarm", {"statistic": "Maximum"}, "cloudwatch-rds-proxy-metric-statistic"),
    ("alarm", {"period": 300}, "cloudwatch-rds-proxy-metric-statistic"),
    ("alarm", {"statistic": None, "extendedStatistic": "p99"}, "cloudwatch-rds-proxy-metric-statistic"),
    ("alarm", {"metricName": "ClientConnectionsReceived", "period": 300}, None),  # valid "1 minute and above"
    ("alarm", {"metricName": "DatabaseConnectionsBorrowLatency", "statistic": "Average", "period": 300}, None),
    ("alarm", {"dimensions": {"DBInstanceIdentifier": "db1"}, "metricName": "DatabaseConnections",
               "statistic": "Maximum", "period": 300}, None),  # an instance metric, not a proxy's
    ("primary", {"monitoringInterval": 45}, "rds-enhanced-monitoring-settings"),
    ("replica", {"monitoringRoleArn": None}, "rds-enhanced-monitoring-settings"),
    ("maz", {"monitoringInterval": 60}, "rds-enhanced-monitoring-settings"),
    ("primary", {"monitoringRoleArn": None}, None),  # a primary's missing role is rds-enhanced-monitoring's
    ("member", {"monitoringRoleArn": None}, None),
    ("events", {"sourceType": None}, "rds-event-subscription-source-type"),
    ("events", {"sourceType": None, "sourceIds": []}, None),
]

# (role, change making what the check reads unknown): never a violation.
UNKNOWN_CASES = [
    ("replica", {"replicateSourceDb": UNKNOWN, "kmsKeyId": KEY, "username": "dbadmin", "skipFinalSnapshot": None}),
    ("replica", {"replicateSourceDb": "db1", "dbSubnetGroupName": UNKNOWN}),
    ("replica", {"kmsKeyId": UNKNOWN}),
    ("replica", {"region": UNKNOWN, "kmsKeyId": KEY}),
    ("replica", {"skipFinalSnapshot": UNKNOWN}),
    ("cluster", {"globalClusterIdentifier": UNKNOWN, "ignoreChanges": []}),
    ("cluster", {"globalClusterIdentifier": "g1", "manageMasterUserPassword": UNKNOWN}),
    ("primary", {**MYSQL_MICRO, "instanceClass": UNKNOWN}),
    ("primary", {**MYSQL_MICRO, "performanceInsightsEnabled": UNKNOWN}),
    ("primary", {"databaseInsightsMode": "advanced", "performanceInsightsRetentionPeriod": UNKNOWN}),
    ("primary", {**IO1, "iops": UNKNOWN}),
    ("primary", {**IO1, "iops": 10000, "allocatedStorage": UNKNOWN}),
    ("primary", {"identifier": UNKNOWN, "finalSnapshotIdentifier": UNKNOWN}),
    ("alarm", {"statistic": UNKNOWN}),
    ("alarm", {"statistic": "Maximum", "dimensions": UNKNOWN}),
    ("events", {"sourceType": UNKNOWN}),
    ("replica", {"monitoringRoleArn": UNKNOWN}),
    ("primary", {"monitoringInterval": UNKNOWN}),
]


def _registration(role, change):
    type_, base = BASES[role]
    props, ignore = copy.deepcopy(base), IGNORED.get(type_, [])
    for key, value in change.items():
        if key == "ignoreChanges":
            ignore = value
        elif value is None:
            props.pop(key, None)
        else:
            props[key] = value
    return Registration(urn=f"urn:pulumi:test::proj::{type_}::{role}", type=type_, name=role, custom=True, parent="",
                        provider="", inputs=props, options={"protect": True, "ignoreChanges": ignore})


# --- stack policies: a primary with a same-region replica and a proxy, a Multi-AZ DB cluster on
# three subnets in three AZs. Each case changes one thing (AnalyzeStack, outputs).

KEY_ID = KEY.rsplit("/", 1)[1]
TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts"
PUBLISHERS = ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]


def _key_policy(services, actions=("kms:Decrypt", "kms:GenerateDataKey*")):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*",
         "Resource": "*"},
        {"Sid": "Publishers", "Effect": "Allow", "Principal": {"Service": services}, "Action": list(actions),
         "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]})


def _stack_baseline():
    def reg(role, type_, props, deps=()):
        return Registration(f"urn:pulumi:test::proj::{type_}::{role}", type_, role, True, "", "", props,
                            {"protect": True, "ignoreChanges": IGNORED.get(type_, []), "dependencies": list(deps)})

    primary = {**BASELINE[INSTANCE], "manageMasterUserPassword": None, "masterUserSecretKmsKeyId": None,
               "arn": SOURCE_ARN}
    aurora = {k: v for k, v in BASELINE[CLUSTER].items() if k not in ("manageMasterUserPassword",
                                                                       "masterUserSecretKmsKeyId")}
    subnets = {f"subnet{i}": reg(f"subnet{i}", "aws:ec2/subnet:Subnet", {"id": f"subnet-{i}",
                                                                          "availabilityZone": f"eu-west-1{z}"})
               for i, z in enumerate("abc")}
    return {
        "db": reg("db", INSTANCE, {**primary, "engineVersion": "16", "parameterGroupName": "db1-params"}),
        "params": reg("params", PARAMETER_GROUP, {"name": "db1-params", "family": "postgres16"}),
        "cluster-params": reg("cluster-params", CLUSTER_PARAMETER_GROUP, {"name": "a1-params",
                                                                          "family": "aurora-postgresql16"}),
        "replica": reg("replica", INSTANCE, {**_registration("replica", {}).inputs}),
        "target": reg("target", "aws:rds/proxyTarget:ProxyTarget", {"dbInstanceIdentifier": "db1"}),
        "maz": reg("maz", CLUSTER, {**BASES["maz"][1], "dbSubnetGroupName": "three"}),
        "group": reg("group", "aws:rds/subnetGroup:SubnetGroup", {"name": "three", "subnetIds": [
            "subnet-0", "subnet-1", "subnet-2"]}, deps=[s.urn for s in subnets.values()]),
        **subnets,
        "key": reg("key", "aws:kms/key:Key", {"arn": KEY, "keyId": KEY_ID, "policy": _key_policy(PUBLISHERS)}),
        "alias": reg("alias", "aws:kms/alias:Alias", {"name": "alias/alerts", "targetKeyId": KEY_ID}),
        "topic": reg("topic", "aws:sns/topic:Topic", {"arn": TOPIC, "kmsMasterKeyId": KEY}),
        "events": reg("events", EVENTS, {"sourceType": "db-instance", "snsTopic": TOPIC}),
        "alarm": reg("alarm", ALARM, {**BASES["alarm"][1], "alarmActions": [TOPIC]}),
        "aurora": reg("aurora", CLUSTER, {**aurora, "clusterIdentifier": "a1", "globalClusterIdentifier": "g1",
                                          "engineVersion": "16.4", "dbClusterParameterGroupName": "a1-params",
                                          "serverlessv2ScalingConfiguration": {"minCapacity": 0.5, "maxCapacity": 4}}),
        "secondary": reg("secondary", CLUSTER, {"clusterIdentifier": "a1-dr", "engine": "aurora-postgresql",
                                                "globalClusterIdentifier": "g1", "region": "eu-central-1"}),
        "scaling": reg("scaling", "aws:appautoscaling/target:Target", {
            "serviceNamespace": "rds", "resourceId": "cluster:a1", "scalableDimension": "rds:cluster:ReadReplicaCount"}),
        "serverless": reg("serverless", CLUSTER_INSTANCE, {"clusterIdentifier": "a1", "instanceClass": "db.serverless",
                                                           "engine": "aurora-postgresql"}),
    }


def _set(role, **values):
    def change(stack):
        for key, value in values.items():
            if value is None:
                stack[role].inputs.pop(key, None)
            else:
                stack[role].inputs[key] = value
    return change


def _ids_not_in_outputs(stack):
    for i in range(3):
        stack[f"subnet{i}"].inputs.pop("id")

BLUE_GREEN = {"blueGreenUpdate": {"enabled": True}}
PAUSING = {"minCapacity": 0, "maxCapacity": 4}

# (description, change, policy expected or None)
STACK_CASES = [
    ("managed source, by ARN", _set("db", manageMasterUserPassword=True), "rds-replica-source-not-managed-password"),
    ("managed source, by identifier", lambda s: (_set("db", manageMasterUserPassword=True)(s), _set(
        "replica", replicateSourceDb="db1", dbSubnetGroupName=None)(s)), "rds-replica-source-not-managed-password"),
    ("managed SQL Server source", _set("db", manageMasterUserPassword=True, engine="sqlserver-se"), None),
    ("managed source outside the stack", lambda s: (_set("db", manageMasterUserPassword=True)(s), _set(
        "replica", replicateSourceDb=SOURCE_ARN + "x")(s)), None),
    ("MAZ subnets in two AZs", _set("subnet2", availabilityZone="eu-west-1a"), "rds-multi-az-cluster-three-azs"),
    ("MAZ on two subnets", _set("group", subnetIds=["subnet-0", "subnet-1"]), "rds-multi-az-cluster-three-azs"),
    ("MAZ subnets followed by dependency", lambda s: (_ids_not_in_outputs(s), _set(
        "subnet2", availabilityZone="eu-west-1b")(s)), "rds-multi-az-cluster-three-azs"),
    ("MAZ subnets by dependency, three AZs", _ids_not_in_outputs, None),
    ("MAZ subnet group outside the stack", _set("maz", dbSubnetGroupName="elsewhere"), None),
    ("Aurora cluster on two subnets", lambda s: (_set("group", subnetIds=["subnet-0", "subnet-1"])(s),
                                                 _set("maz", dbClusterInstanceClass=None)(s)), None),
    ("proxy on the replica", _set("target", dbInstanceIdentifier="db1-ro"), "rds-proxy-target-writer"),
    # RDS Proxy supports blue/green on RDS for PostgreSQL, MySQL, MariaDB (RDS UG 'Using RDS Proxy
    # with Blue/Green Deployments'): the baseline's proxy targets db.
    ("blue/green with a proxy", _set("db", **BLUE_GREEN), None),
    ("blue/green, no proxy", lambda s: (_set("db", **BLUE_GREEN)(s), s.pop("target")), None),
    ("blue/green with a cross-region replica", lambda s: (_set("db", **BLUE_GREEN)(s), s.pop("target"), _set(
        "replica", region="eu-central-1", kmsKeyId=DR_KEY)(s)), "rds-blue-green-supported"),
    ("blue/green with cascading replicas", lambda s: (_set("db", **BLUE_GREEN)(s), s.pop("target"), s.update(
        cascade=Registration("urn:cascade", INSTANCE, "cascade", True, "", "", {
            **s["replica"].inputs, "identifier": "db1-ro2", "replicateSourceDb": "db1-ro"}, {}))),
     "rds-blue-green-supported"),
    ("blue/green with a managed password", lambda s: (_set("db", manageMasterUserPassword=True, **BLUE_GREEN)(s),
                                                      s.pop("target"), s.pop("replica")), "rds-blue-green-supported"),
    ("blue/green on SQL Server", lambda s: (_set("db", engine="sqlserver-se", **BLUE_GREEN)(s), s.pop("target"),
                                            s.pop("replica")), "rds-blue-green-supported"),
    ("source password unknown", _set("db", manageMasterUserPassword=UNKNOWN), None),
    ("replica's source unknown", lambda s: (_set("db", manageMasterUserPassword=True)(s), _set(
        "replica", replicateSourceDb=UNKNOWN)(s)), None),
    ("MAZ subnet AZ unknown", lambda s: (_set("subnet1", availabilityZone="eu-west-1a")(s), _set(
        "subnet2", availabilityZone=UNKNOWN)(s)), None),
    ("MAZ subnet group's subnets unknown", _set("group", subnetIds=UNKNOWN), None),
    ("MAZ subnet group name unknown", lambda s: (_set("group", subnetIds=["subnet-0"])(s), _set(
        "maz", dbSubnetGroupName=UNKNOWN)(s)), None),
    ("proxy target unknown", _set("target", dbInstanceIdentifier=UNKNOWN), None),
    ("source keeps no backups", _set("db", backupRetentionPeriod=0), "rds-replica-source-backups"),
    ("topic key without RDS events", _set("key", policy=_key_policy(["cloudwatch.amazonaws.com"])),
     "sns-topic-key-allows-publishers"),
    ("topic key with the default policy", _set("key", policy=None), "sns-topic-key-allows-publishers"),
    ("topic key without Decrypt", _set("key", policy=_key_policy(PUBLISHERS, ["kms:GenerateDataKey*"])),
     "sns-topic-key-allows-publishers"),
    ("topic on alias/aws/sns", _set("topic", kmsMasterKeyId="alias/aws/sns"), "sns-topic-key-allows-publishers"),
    ("topic key by alias", _set("topic", kmsMasterKeyId="alias/alerts"), None),
    ("topic key granting kms:*", _set("key", policy=_key_policy(PUBLISHERS, ["kms:*"])), None),
    ("topic key outside the stack", lambda s: (_set("key", policy=None)(s), _set(
        "topic", kmsMasterKeyId=DR_KEY)(s)), None),
    ("topic key policy unknown", _set("key", policy=UNKNOWN), None),
    ("alarm actions unknown", lambda s: (_set("key", policy=None)(s), _set("alarm", alarmActions=[UNKNOWN])(s)), None),
    ("autoscaling on the global secondary", _set("scaling", resourceId="cluster:a1-dr"),
     "rds-global-secondary-no-autoscaling"),
    ("db.serverless without a capacity range", _set("aurora", serverlessv2ScalingConfiguration=None),
     "rds-serverless-v2-scaling-configuration"),
    ("source backups unset (API default 1 day)", _set("db", backupRetentionPeriod=None), None),
    ("major upgrade on the old family's group", _set("db", engineVersion="17"),
     "rds-parameter-group-family-matches-version"),
    ("minor version on its family's group", _set("db", engineVersion="16.6"), None),
    ("new family's group beside the old", lambda s: (_set("db", engineVersion="17.2")(s),
                                                     _set("params", family="postgres17")(s)), None),
    ("Aurora cluster major upgrade on the old family", _set("aurora", engineVersion="17.4"),
     "rds-parameter-group-family-matches-version"),
    ("MySQL 8.4 on a mysql8.0 group", lambda s: (_set("db", engine="mysql", engineVersion="8.4.3")(s),
                                                 _set("params", family="mysql8.0")(s)),
     "rds-parameter-group-family-matches-version"),
    ("MySQL 8.0 minor on its group", lambda s: (_set("db", engine="mysql", engineVersion="8.0.39")(s),
                                                _set("params", family="mysql8.0")(s)), None),
    ("group outside the stack", _set("db", engineVersion="17", parameterGroupName="default.postgres16"), None),
    ("replica below its source", _set("replica", engineVersion="15.8"), "rds-replica-engine-version"),
    ("replica on an older minor", _set("replica", engineVersion="16.1"), None),  # "16" on the source: a prefix
    ("replica pinned below its pinned source", lambda s: (_set("db", engineVersion="16.4")(s),
                                                          _set("replica", engineVersion="16.2")(s)),
     "rds-replica-engine-version"),
    ("PostgreSQL replica on the next major", _set("replica", engineVersion="17"), "rds-replica-engine-version"),
    ("MySQL replica on the next major first", lambda s: (
        _set("db", engine="mysql", engineVersion="8.0.39")(s), _set("params", family="mysql8.0")(s),
        _set("replica", engine="mysql", engineVersion="8.4.3")(s)), None),
    ("MySQL replica below its source", lambda s: (
        _set("db", engine="mysql", engineVersion="8.4.3")(s), _set("params", family="mysql8.4")(s),
        _set("replica", engine="mysql", engineVersion="8.0.39")(s)), "rds-replica-engine-version"),
    ("replica version unknown", _set("replica", engineVersion=UNKNOWN), None),
    # Auto-pause (minCapacity 0): the baseline's Aurora cluster is in a global database.
    ("auto-pause in a global database", _set("aurora", serverlessv2ScalingConfiguration=PAUSING),
     "rds-serverless-auto-pause-effective"),
    ("auto-pause alone", _set("aurora", serverlessv2ScalingConfiguration=PAUSING, globalClusterIdentifier=None), None),
    ("auto-pause behind a proxy", lambda s: (_set("aurora", serverlessv2ScalingConfiguration=PAUSING,
                                                  globalClusterIdentifier=None)(s),
                                             _set("target", dbInstanceIdentifier=None, dbClusterIdentifier="a1")(s)),
     "rds-serverless-auto-pause-effective"),
    # (each version on a cluster parameter group of its own family, so only auto-pause is judged)
    ("auto-pause on Aurora PostgreSQL 15.4", lambda s: (
        _set("aurora", serverlessv2ScalingConfiguration=PAUSING, globalClusterIdentifier=None, engineVersion="15.4")(s),
        _set("cluster-params", family="aurora-postgresql15")(s)), "rds-serverless-auto-pause-effective"),
    ("auto-pause on Aurora PostgreSQL 15.7", lambda s: (
        _set("aurora", serverlessv2ScalingConfiguration=PAUSING, globalClusterIdentifier=None, engineVersion="15.7")(s),
        _set("cluster-params", family="aurora-postgresql15")(s)), None),
    ("auto-pause on Aurora MySQL 3.07", lambda s: (
        _set("aurora", serverlessv2ScalingConfiguration=PAUSING, globalClusterIdentifier=None, engine="aurora-mysql",
             engineVersion="8.0.mysql_aurora.3.07.1")(s),
        _set("cluster-params", family="aurora-mysql8.0")(s)), "rds-serverless-auto-pause-effective"),
    ("auto-pause with a provisioned member", lambda s: (_set("aurora", serverlessv2ScalingConfiguration=PAUSING,
                                                             globalClusterIdentifier=None)(s),
                                                        _set("serverless", instanceClass="db.r7g.large")(s)),
     "rds-serverless-auto-pause-effective"),
]
