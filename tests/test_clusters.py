"""Aurora (provisioned, Serverless v2, global) and Multi-AZ DB clusters, from plans of the real
program under the mock engine, and their verdict from the policy pack."""


import pytest

from preview.analyzer import load_policy_config
from preview.harness import run_program
from tests.stack_cases import AURORA_PROD, DR, MULTI_AZ_DEV, SERVERLESS_DEV

CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def _plan(stack, overrides):
    plan = run_program(stack, overrides)
    assert plan.error is None, plan.error
    return plan


@pytest.fixture(scope="module")
def aurora():
    return _plan("prod", AURORA_PROD)


@pytest.fixture(scope="module")
def serverless():
    return _plan("dev", SERVERLESS_DEV)


@pytest.fixture(scope="module")
def multi_az():
    return _plan("dev", MULTI_AZ_DEV)


def _key(plan, region):
    return plan.one("aws:kms/key:Key", region=region).outputs["arn"]


# --- Aurora ------------------------------------------------------------------------------------------

def test_aurora_cluster_owns_encryption_backups_protection_and_credentials(aurora):
    cluster = aurora.named("appdb-prod-db-cluster")
    c = cluster.inputs
    assert c["engine"] == "aurora-postgresql" and c["engineMode"] == "provisioned"
    assert c["storageEncrypted"] is True and c["kmsKeyId"] == _key(aurora, "eu-west-1")
    assert c["deletionProtection"] is True and c["skipFinalSnapshot"] is False
    suffix = aurora.named("appdb-prod-db-final-snapshot").outputs["hex"]
    assert c["finalSnapshotIdentifier"] == f"appdb-prod-final-{suffix}" and c["deleteAutomatedBackups"] is False
    assert c["backupRetentionPeriod"] == 14 and c["copyTagsToSnapshot"] is True
    # A global database cannot use an RDS-managed password (Aurora UG, Secrets Manager limitations):
    # the generated one, rotated by Secrets Manager.
    assert "manageMasterUserPassword" not in c and "masterPassword" in c
    assert aurora.one("aws:secretsmanager/secretRotation:SecretRotation").inputs["rotationRules"] == {
        "automaticallyAfterDays": 30}
    assert c["iamDatabaseAuthenticationEnabled"] is True and c["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert cluster.options["protect"] and cluster.options["retainOnDelete"]
    group = aurora.named("appdb-prod-db-cluster-params")
    assert group.inputs["family"] == "aurora-postgresql16"
    assert {p["name"]: p["value"] for p in group.inputs["parameters"]}["rds.force_ssl"] == "1"
    assert c["dbClusterParameterGroupName"] == group.outputs["name"]


def test_cluster_exports_the_reader_endpoint(aurora, multi_az):
    for plan in (aurora, multi_az):
        assert set(plan.outputs["replicaEndpoints"]["value"]) == {"reader"}
        assert plan.outputs["endpoint"]["known"]


def test_aurora_instances_own_only_instance_settings(aurora):
    instances = {i.name: i.inputs for i in aurora.of_type(CLUSTER_INSTANCE) if i.region == "eu-west-1"}
    assert sorted(instances) == ["appdb-prod-db-reader-1", "appdb-prod-db-reader-2", "appdb-prod-db-writer"]
    assert instances["appdb-prod-db-writer"]["promotionTier"] == 0
    assert {instances[n]["promotionTier"] for n in instances if "reader" in n} == {1}
    for i in instances.values():
        assert i["publiclyAccessible"] is False and i["instanceClass"] == "db.r7g.large"
        assert i["performanceInsightsKmsKeyId"] == _key(aurora, "eu-west-1") and i["monitoringInterval"] == 60
        assert not {"storageEncrypted", "backupRetentionPeriod", "masterUsername", "deletionProtection"} & set(i)


def test_aurora_readers_scale_on_cpu(aurora):
    target = aurora.one("aws:appautoscaling/target:Target").inputs
    assert (target["serviceNamespace"], target["scalableDimension"]) == ("rds", "rds:cluster:ReadReplicaCount")
    assert (target["minCapacity"], target["maxCapacity"]) == (0, 4)
    assert target["resourceId"] == "cluster:appdb-prod"
    policy = aurora.one("aws:appautoscaling/policy:Policy").inputs["targetTrackingScalingPolicyConfiguration"]
    assert policy["predefinedMetricSpecification"]["predefinedMetricType"] == "RDSReaderAverageCPUUtilization"
    assert policy["targetValue"] == 70


def test_aurora_global_database_has_a_secondary_in_the_dr_region_with_its_own_key(aurora):
    global_cluster = aurora.one("aws:rds/globalCluster:GlobalCluster")
    assert global_cluster.inputs["storageEncrypted"] is True and global_cluster.options["protect"]
    primary, secondary = aurora.named("appdb-prod-db-cluster"), aurora.named("appdb-prod-dr-db-cluster")
    assert primary.inputs["globalClusterIdentifier"] == global_cluster.id
    s = secondary.inputs
    assert secondary.region == "eu-central-1" and s["globalClusterIdentifier"] == global_cluster.id
    assert s["kmsKeyId"] == _key(aurora, "eu-central-1")
    assert s["dbSubnetGroupName"] == aurora.named("appdb-prod-dr-network-subnets").outputs["name"]
    assert not {"masterUsername", "manageMasterUserPassword", "masterPassword", "databaseName"} & set(s)
    # It joins after the primary cluster and its instances exist.
    assert primary.urn in secondary.options["dependencies"]
    # The secondary gets as many readers as the primary (it takes the writer role on failover).
    readers = [i for i in aurora.of_type(CLUSTER_INSTANCE) if i.region == "eu-central-1"]
    assert [r.name for r in readers] == ["appdb-prod-dr-db-reader-1", "appdb-prod-dr-db-reader-2"]
    assert {r.inputs["promotionTier"] for r in readers} == {1}
    # No instance-level cross-region pieces: Aurora replicates through the global database.
    assert aurora.of_type("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication") == []
    assert aurora.of_type("aws:rds/instance:Instance") == []


def test_aurora_proxy_targets_the_cluster_with_a_read_only_endpoint(aurora):
    target = aurora.one("aws:rds/proxyTarget:ProxyTarget").inputs
    assert target["dbClusterIdentifier"] == "appdb-prod" and "dbInstanceIdentifier" not in target
    endpoint = aurora.one("aws:rds/proxyEndpoint:ProxyEndpoint").inputs
    assert endpoint["targetRole"] == "READ_ONLY" and endpoint["dbProxyEndpointName"] == "appdb-prod-proxy-ro"


def _alarms(plan):
    out = {}
    for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        ((dimension, target),) = a.inputs["dimensions"].items()
        out.setdefault(target, {})[a.inputs["metricName"]] = (dimension, a.region)
    return out


def test_aurora_alarms_watch_the_clusters_and_every_instance(aurora):
    alarms = _alarms(aurora)
    assert alarms["appdb-prod"]["CPUUtilization"] == ("DBClusterIdentifier", "eu-west-1")
    assert alarms["appdb-prod-dr"]["CPUUtilization"] == ("DBClusterIdentifier", "eu-central-1")
    assert "AuroraReplicaLag" in alarms["appdb-prod-reader-1"]
    assert "AuroraReplicaLag" in alarms["appdb-prod-dr-reader-1"]
    assert "AuroraReplicaLag" not in alarms["appdb-prod-writer"]
    assert "FreeStorageSpace" not in alarms["appdb-prod-writer"]  # Aurora storage is the cluster's
    subs = {(s.region, s.inputs["sourceType"]): s.inputs for s in aurora.of_type("aws:rds/eventSubscription:EventSubscription")}
    assert subs[("eu-west-1", "db-cluster")]["sourceIds"] == ["appdb-prod"]
    assert "global-failover" in subs[("eu-west-1", "db-cluster")]["eventCategories"]
    assert subs[("eu-central-1", "db-cluster")]["sourceIds"] == ["appdb-prod-dr"]
    assert set(subs[("eu-west-1", "db-instance")]["sourceIds"]) == {
        "appdb-prod-writer", "appdb-prod-reader-1", "appdb-prod-reader-2"}


# --- Serverless v2 ----------------------------------------------------------------------------------------

def test_serverless_v2_scales_in_acus_and_backtracks(serverless):
    c = serverless.one(CLUSTER).inputs
    assert c["serverlessv2ScalingConfiguration"] == {"minCapacity": 0.5, "maxCapacity": 16}
    assert c["backtrackWindow"] == 24 * 3600 and c["engine"] == "aurora-mysql"
    assert {i.inputs["instanceClass"] for i in serverless.of_type(CLUSTER_INSTANCE)} == {"db.serverless"}
    params = {p["name"]: p["value"] for p in serverless.one("aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs["parameters"]}
    assert params["require_secure_transport"] == "ON" and params["server_audit_logging"] == "1"
    assert params["server_audit_events"] == "CONNECT,QUERY_DCL,QUERY_DDL"  # RDS.45: audits something
    assert _alarms(serverless)["appdb-dev"]["ACUUtilization"] == ("DBClusterIdentifier", "eu-west-1")


# --- Multi-AZ DB cluster ------------------------------------------------------------------------------------

def test_multi_az_cluster_is_one_cluster_resource_with_its_storage_and_monitoring(multi_az):
    assert multi_az.of_type(CLUSTER_INSTANCE) == [] and multi_az.of_type("aws:rds/instance:Instance") == []
    c = multi_az.one(CLUSTER).inputs
    assert (c["engine"], c["dbClusterInstanceClass"], c["storageType"], c["allocatedStorage"], c["iops"]) == (
        "mysql", "db.m6gd.large", "io1", 400, 4000)
    assert c["publiclyAccessible"] is False and "engineMode" not in c
    assert c["caCertificateIdentifier"] == "rds-ca-rsa2048-g1"
    assert c["monitoringInterval"] == 60 and c["performanceInsightsEnabled"] is True
    assert c["enabledCloudwatchLogsExports"] == ["error", "general", "slowquery"]  # no audit without option groups
    # RDS publishes no DBClusterIdentifier metrics for Multi-AZ DB clusters: each of the three
    # members is watched by DBInstanceIdentifier (known once AWS names them: unknown at preview).
    member_alarms = [a for a in multi_az.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                     if a.inputs["name"].startswith("appdb-dev-member-")]
    assert {a.inputs["name"].split("-")[3] for a in member_alarms} == {"1", "2", "3"}
    assert {"ReplicaLag", "FreeStorageSpace", "CPUUtilization"} <= {a.inputs["metricName"] for a in member_alarms}
    assert {tuple(a.inputs["dimensions"]) for a in member_alarms} == {("DBInstanceIdentifier",)}
    assert "appdb-dev" not in _alarms(multi_az)
    lag = [a for a in member_alarms if a.inputs["metricName"] == "ReplicaLag"]
    assert lag and {a.inputs["treatMissingData"] for a in lag} == {"notBreaching"}  # the writer has no lag
    assert multi_az.one("aws:rds/proxyTarget:ProxyTarget").inputs["dbClusterIdentifier"] == "appdb-dev"
    assert multi_az.of_type("aws:rds/proxyEndpoint:ProxyEndpoint") == []


# --- the pack on cluster plans ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stack, overrides", [
    ("prod", AURORA_PROD), ("dev", SERVERLESS_DEV), ("dev", MULTI_AZ_DEV)],
    ids=["aurora-global", "serverless-v2", "multi-az-cluster"])
def test_cluster_plans_pass_the_pack(stack, overrides, pack):
    plan = _plan(stack, overrides)
    pack.configure(load_policy_config(stack))
    mandatory = sorted({v.policy for v in pack.check_plan(plan) if v.level == "mandatory"})
    assert mandatory == []


# --- settings -----------------------------------------------------------------------------------------------

BAD = [
    ({"deploymentOption": "aurora"}, "engine = 'postgres' with rdsplatform:deploymentOption = 'aurora'"),
    ({"engine": "aurora-mysql"}, "allowed engines are postgres, mysql, mariadb"),
    ({"deploymentOption": "multi-az-cluster", "engine": "mariadb"}, "allowed engines are postgres, mysql"),
    ({"deploymentOption": "multi-az-cluster", "instanceClass": "db.r7g.large", "maxAllocatedStorage": 0},
     "Multi-AZ DB clusters run on"),
    ({"deploymentOption": "multi-az-cluster", "instanceClass": "db.m6gd.large", "storageType": "gp2",
      "maxAllocatedStorage": 0}, "Multi-AZ DB clusters use gp3, io1, io2"),
    ({"deploymentOption": "multi-az-cluster", "instanceClass": "db.m6gd.large"}, "no storage autoscaling"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.m6i.large"}, "Aurora runs on"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.t4g.micro"},
     "burstable: medium or large only"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "cluster": {"serverlessMinAcu": 1}}, "needs both serverlessMinAcu and serverlessMaxAcu"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "cluster": {"serverlessMinAcu": 8, "serverlessMaxAcu": 4}}, "serverlessMinAcu (8) is above serverlessMaxAcu (4)"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "cluster": {"serverlessMinAcu": 0.3, "serverlessMaxAcu": 300}}, "must be 0..256 ACU in steps of 0.5"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "cluster": {"backtrackHours": 12}}, "only Aurora MySQL backtracks"),
    ({"deploymentOption": "aurora", "engine": "aurora-mysql", "engineVersion": "8.0", "instanceClass": "db.r7g.large",
      "cluster": {"backtrackHours": 12}, "disasterRecovery": {**DR}}, "Aurora global databases do not support backtrack"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "cluster": {"readerAutoScaling": {"minReaders": 5, "maxReaders": 2}}}, "minReaders (5) is above maxReaders (2)"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "replicas": [{"name": "ro"}]}, "use cluster.readers"),
    ({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
      "disasterRecovery": {**DR, "replicateBackups": True}}, "an Aurora global database replaces it"),
    ({"deploymentOption": "multi-az-cluster", "instanceClass": "db.m6gd.large", "maxAllocatedStorage": 0,
      "disasterRecovery": DR}, "Multi-AZ DB clusters have no cross-region copy"),
    ({"deploymentOption": "multi-az-cluster", "instanceClass": "db.m6gd.large", "maxAllocatedStorage": 0,
      "restore": {"snapshotIdentifier": "s1"}}, "restoring is supported for instances only"),
    ({"cluster": {"readers": 2}}, "cluster options (readers, Serverless v2, backtrack) are for Aurora"),
]


@pytest.mark.parametrize("overrides, expected", BAD, ids=[e[:40] for _, e in BAD])
def test_impossible_cluster_combinations_are_refused(overrides, expected):
    plan = run_program("dev", overrides)
    assert plan.error is not None and expected in plan.error, plan.error
    assert plan.resources == []


@pytest.mark.parametrize("deployed, allowed", [(None, False), ({"appdb-dev": "16.6"}, False),
                                               ({"appdb-dev": "15.10"}, True)])
def test_cluster_major_upgrade_is_allowed_only_across_majors(deployed, allowed):
    plan = run_program("dev", {"deploymentOption": "aurora", "engine": "aurora-postgresql",
                               "instanceClass": "db.r7g.large"}, deployed=deployed)
    assert plan.one(CLUSTER).inputs["allowMajorVersionUpgrade"] is allowed
    assert "aws:rds/getClusters:getClusters" in plan.invokes


def test_global_members_leave_major_upgrades_to_the_global_cluster(aurora):
    for cluster in aurora.of_type(CLUSTER):
        assert "allowMajorVersionUpgrade" not in cluster.inputs
        # AWS fills in the secondary's replicationSourceIdentifier (pulumi-aws Cluster docstring).
        # The primary's generated password rotates (prod): RDS keeps the rotation's.
        rotated = ["masterPassword"] if "masterPassword" in cluster.inputs else []
        assert cluster.options["ignoreChanges"] == sorted(["engineVersion", "globalClusterIdentifier",
                                                           "replicationSourceIdentifier", *rotated])
    assert aurora.one("aws:rds/globalCluster:GlobalCluster").inputs["engineVersion"] == "16"
