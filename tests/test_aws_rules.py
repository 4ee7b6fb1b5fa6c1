"""What AWS refuses, refused by the settings first (docs/aws-rules.md): one passing baseline per
shape, then one change per case that must be refused with the key, the value, why and the doc."""

import pytest

from components.settings import SettingsError, parse
from preview.harness import run_program

DR = {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}
INSTANCE_WITH_REPLICAS = {"credentialsMode": "generated", "instanceClass": "db.r7g.large",
                          "replicas": [{"name": "ro"}]}
AURORA_GLOBAL = {"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
                 "credentialsMode": "generated", "disasterRecovery": DR}
AURORA_MYSQL = {"deploymentOption": "aurora", "engine": "aurora-mysql", "instanceClass": "db.r7g.large"}
MULTI_AZ = {"deploymentOption": "multi-az-cluster", "engine": "postgres", "instanceClass": "db.m6gd.large",
            "storageType": "io1", "allocatedStorage": 400, "iops": 4000, "maxAllocatedStorage": 0}
MULTI_AZ_OWN_SUBNETS = {**MULTI_AZ, "vpcId": "vpc-0123456789abcdef0",
                        "subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1",
                                      "subnet-0123456789abcdef2"]}
MYSQL = {"engine": "mysql", "instanceClass": "db.t4g.medium"}
ADVANCED = {"databaseInsights": "advanced", "performanceInsightsRetentionDays": 465}
IO1 = {"storageType": "io1", "allocatedStorage": 100, "iops": 1000, "maxAllocatedStorage": 200}
BLUE_GREEN = {"credentialsMode": "generated", "blueGreenUpdate": True}
PROXY = {"proxy": {}}
MYSQL_PROXY = {"engine": "mysql", "instanceClass": "db.r7g.large", "proxy": {}}
LONG_NAME = "a" * 40
SERVERLESS = {"deploymentOption": "aurora", "engine": "aurora-postgresql", "credentialsMode": "generated",
              "cluster": {"serverlessMinAcu": 0.5, "serverlessMaxAcu": 4}}
PAUSING = {"cluster": {"serverlessMinAcu": 0, "serverlessMaxAcu": 4}}
AUTO_PAUSE = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html"

RDS_SECRETS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html"
AURORA_SECRETS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html"
MULTI_AZ_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/create-multi-az-db-cluster.html"
INSIGHTS_RDS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html"
INSIGHTS_AURORA = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DatabaseInsights.Engines.html"
INSIGHTS_CONSIDERATIONS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html"
CLUSTER_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
INSTANCE_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
STORAGE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html"
GLOBAL_DB = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-getting-started.html"
BLUE_GREEN_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/blue-green-deployments-considerations.html"
PROXY_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html"
AUTOSCALING_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html"
PARTITIONS = "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html"
BACKUPS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html, AWS Region support"
REPLICAS_DOC = ("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html, "
                "Cross-Region replication considerations")
DR_REPLICA = {**INSTANCE_WITH_REPLICAS, "replicas": [{"name": "dr", "region": "eu-central-1"}], "disasterRecovery": DR}

# (case, baseline, change, environment, what the one message must say, the doc it names)
CASES = [
    ("replicas-need-generated", INSTANCE_WITH_REPLICAS, {"credentialsMode": "managed"}, "dev",
     "rdsplatform:credentialsMode = 'managed' with rdsplatform:replicas (1): RDS cannot create a read replica",
     RDS_SECRETS),
    ("global-db-needs-generated", AURORA_GLOBAL, {"credentialsMode": "managed"}, "dev",
     "rdsplatform:credentialsMode = 'managed' with rdsplatform:disasterRecovery on Aurora", AURORA_SECRETS),
    ("multi-az-cluster-3-azs", MULTI_AZ, {"azCount": 2}, "dev",
     "rdsplatform:azCount = 2 with rdsplatform:deploymentOption = 'multi-az-cluster'", MULTI_AZ_DOC),
    ("multi-az-cluster-3-subnets", MULTI_AZ_OWN_SUBNETS, {"subnetIds": MULTI_AZ_OWN_SUBNETS["subnetIds"][:2]}, "dev",
     "a Multi-AZ DB cluster needs subnets in at least three availability zones", MULTI_AZ_DOC),
    ("multi-az-cluster-iops", MULTI_AZ, {"iops": 0}, "dev",
     "rdsplatform:iops is unset with rdsplatform:deploymentOption = 'multi-az-cluster'", "`iops` argument"),
    ("pi-mysql-micro", MYSQL, {"instanceClass": "db.t4g.micro"}, "dev",
     "rdsplatform:performanceInsights = true with rdsplatform:instanceClass = 'db.t4g.micro': mysql has no "
     "Performance Insights", INSIGHTS_RDS),
    ("pi-mariadb-t3-small", {**MYSQL, "engine": "mariadb"}, {"instanceClass": "db.t3.small"}, "dev",
     "rdsplatform:instanceClass = 'db.t3.small': mariadb has no Performance Insights", INSIGHTS_RDS),
    ("pi-replica-class", {**MYSQL, "credentialsMode": "generated", "replicas": [{"name": "ro"}]},
     {"replicas": [{"name": "ro", "instanceClass": "db.t4g.small"}]}, "dev",
     "rdsplatform:replicas.0 (ro): performanceInsights = true on 'db.t4g.small'", INSIGHTS_RDS),
    ("pi-aurora-mysql-t3", AURORA_MYSQL, {"cluster": {"readerInstanceClass": "db.t3.medium"}}, "dev",
     "rdsplatform:cluster.readerInstanceClass = 'db.t3.medium': aurora-mysql has no Performance Insights",
     INSIGHTS_AURORA),
    ("di-on-unsupported-class", {**MYSQL, "performanceInsights": False},
     {"instanceClass": "db.t4g.micro", "databaseInsights": "standard"}, "dev",
     "rdsplatform:databaseInsights = 'standard' with rdsplatform:instanceClass = 'db.t4g.micro'", INSIGHTS_RDS),
    ("di-advanced-retention", ADVANCED, {"performanceInsightsRetentionDays": 372}, "dev",
     "rdsplatform:databaseInsights = 'advanced' with rdsplatform:performanceInsightsRetentionDays = 372: "
     "the advanced mode needs at least 465 days", INSIGHTS_CONSIDERATIONS),
    ("di-advanced-needs-pi", ADVANCED, {"performanceInsights": False}, "dev",
     "rdsplatform:databaseInsights = 'advanced' with rdsplatform:performanceInsights = false",
     INSIGHTS_CONSIDERATIONS),
    ("di-advanced-replica-pi", {**ADVANCED, **INSTANCE_WITH_REPLICAS},
     {"replicas": [{"name": "ro", "performanceInsights": False}]}, "dev",
     "rdsplatform:replicas.0 (ro).performanceInsights = false with rdsplatform:databaseInsights = 'advanced'",
     INSIGHTS_CONSIDERATIONS),
    ("multi-az-cluster-id-52", MULTI_AZ, {"name": LONG_NAME}, "staging-eu-west-1",
     f"identifier '{LONG_NAME}-staging-eu-west-1' has 58 characters, more than the 52", CLUSTER_API),
    ("instance-id-63", {}, {"name": LONG_NAME}, "staging-eu-west-1-blue-green-x",
     "more than the 63 AWS allows", INSTANCE_API),
    # monitoringInterval 0 in the long-name baselines: the enhanced-monitoring IAM role would
    # otherwise exceed its own 56 characters first (settings/naming.py).
    ("aurora-reader-id-63", {"deploymentOption": "aurora", "engine": "aurora-postgresql",
                             "instanceClass": "db.r7g.large", "name": "a" * 34, "monitoringInterval": 0},
     {"cluster": {"readers": 15}}, "staging-eu-west-1-x",
     "-reader-15' has 64 characters, more than the 63", INSTANCE_API),
    ("rotation-function-name-64", {"credentialsMode": "generated", "secretRotationDays": 0, "name": "a" * 40,
                                   "monitoringInterval": 0},
     {"secretRotationDays": 30},
     "staging-eu-west-1-x",
     f"identifier '{'a' * 40}-staging-eu-west-1-x-rotation' has 69 characters, more than the 64",
     "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"),
    ("stack-name-is-an-identifier", {}, {}, "Prod_1",
     "stack name 'Prod_1': the RDS identifier is <name>-<stack>", INSTANCE_API),
    ("max-storage-headroom", {"allocatedStorage": 400, "maxAllocatedStorage": 440}, {"maxAllocatedStorage": 439},
     "dev", "rdsplatform:maxAllocatedStorage = 439: must be at least 10 % above allocatedStorage (400), so 440",
     AUTOSCALING_DOC),
    ("replica-max-storage-headroom", {**INSTANCE_WITH_REPLICAS, "allocatedStorage": 400, "maxAllocatedStorage": 440,
                                      "replicas": [{"name": "ro", "maxAllocatedStorage": 440}]},
     {"replicas": [{"name": "ro", "maxAllocatedStorage": 439}]}, "dev",
     "rdsplatform:replicas.0 (ro).maxAllocatedStorage = 439: must be at least 10 % above allocatedStorage (400), so "
     "440", AUTOSCALING_DOC),
    ("create-past-standard-support", {"engineVersion": "14"}, {"engineVersion": "13"}, "dev",
     "rdsplatform:engineVersion = '13': standard support of postgres 13 ended on 2026-02-28 and "
     "rdsplatform:engineLifecycleSupport is 'open-source-rds-extended-support-disabled', so AWS refuses to create the "
     "database", INSTANCE_API),
    ("io1-ratio-at-max-storage", IO1, {"maxAllocatedStorage": 4000}, "dev",
     "rdsplatform:iops = 1000 with rdsplatform:maxAllocatedStorage = 4000 is 0.25 IOPS/GiB at the autoscaling "
     "ceiling: io1 needs at least 0.5 IOPS per GiB", STORAGE),
    ("io1-ratio-below-half", {**IO1, "allocatedStorage": 2000, "maxAllocatedStorage": 0}, {"allocatedStorage": 2001},
     "dev", "rdsplatform:iops = 1000 on 2001 GiB is 0.49975 IOPS/GiB: io1 allows 0.5..50 IOPS per GiB", INSTANCE_API),
    ("global-db-burstable", AURORA_GLOBAL, {"instanceClass": "db.t4g.medium"}, "dev",
     "rdsplatform:instanceClass = 'db.t4g.medium' with rdsplatform:disasterRecovery: an Aurora global database "
     "needs memory-optimized classes", GLOBAL_DB),
    ("global-db-readers", AURORA_GLOBAL, {"cluster": {"readerAutoScaling": {"maxReaders": 15}}}, "dev",
     "readerAutoScaling.maxReaders = 15 with rdsplatform:disasterRecovery: a global database's primary has at "
     "most 15 - 1 = 14 readers", GLOBAL_DB),
    ("blue-green-cross-region-replica", BLUE_GREEN,
     {"replicas": [{"name": "dr", "region": "eu-central-1"}], "disasterRecovery": {**DR, "replicateBackups": True}},
     "dev", "rdsplatform:blueGreenUpdate = true with cross-region rdsplatform:replicas ['dr']", BLUE_GREEN_DOC),
    ("extended-support-mariadb", {**MYSQL, "engine": "mariadb", "engineVersion": "10.11"},
     {"engineLifecycleSupport": "open-source-rds-extended-support-disabled"}, "dev",
     "rdsplatform:engineLifecycleSupport = 'open-source-rds-extended-support-disabled' with rdsplatform:engine = "
     "'mariadb': RDS for MariaDB has no Extended Support", INSTANCE_API),
    # The baselines pause-capable or not pausing (0.5 ACU); each change asks for 0 ACUs where
    # AWS refuses it (version) or the instances would never pause (proxy, global database, replication).
    ("auto-pause-version", {**SERVERLESS, **PAUSING}, {"engineVersion": "15.4", "autoMinorVersionUpgrade": False},
     "dev", "rdsplatform:cluster.serverlessMinAcu = 0 with rdsplatform:engineVersion = '15.4'", AUTO_PAUSE),
    ("auto-pause-proxy", {**SERVERLESS, "proxy": {}}, PAUSING, "dev",
     "rdsplatform:cluster.serverlessMinAcu = 0 with rdsplatform:proxy: RDS Proxy keeps a connection open", AUTO_PAUSE),
    ("auto-pause-global-database", {**SERVERLESS, "disasterRecovery": DR}, PAUSING, "dev",
     "rdsplatform:cluster.serverlessMinAcu = 0 with rdsplatform:disasterRecovery", AUTO_PAUSE),
    ("auto-pause-logical-replication", {**SERVERLESS, "parameters": {"rds.logical_replication": "1"}}, PAUSING, "dev",
     "rdsplatform:cluster.serverlessMinAcu = 0 with rdsplatform:parameters.rds.logical_replication = [secret]",
     AUTO_PAUSE),
    ("auto-pause-binlog", {**SERVERLESS, "engine": "aurora-mysql", "engineVersion": "8.0",
                           "parameters": {"binlog_format": "ROW"}}, PAUSING, "dev",
     "rdsplatform:cluster.serverlessMinAcu = 0 with rdsplatform:parameters.binlog_format = [secret]", AUTO_PAUSE),
    ("proxy-port", PROXY, {"port": 5433}, "dev",
     "rdsplatform:port = 5433 with rdsplatform:proxy: RDS Proxy listens on the engine's port (5432)", PROXY_DOC),
    ("proxy-read-only", MYSQL_PROXY, {"parameters": {"read_only": "1"}}, "dev",
     # parameters is a secret setting: its values are never echoed.
     "rdsplatform:parameters.read_only = [secret] with rdsplatform:proxy", PROXY_DOC),
    ("dr-backups-other-partition", {**INSTANCE_WITH_REPLICAS, "disasterRecovery": {**DR, "replicateBackups": True}},
     {"disasterRecovery": {**DR, "region": "cn-north-1", "replicateBackups": True}}, "dev",
     "rdsplatform:disasterRecovery.region = 'cn-north-1' (aws-cn partition) with aws:region = 'eu-west-1' (aws "
     "partition): AWS does not replicate across partitions", BACKUPS_DOC),
    ("replica-other-partition", DR_REPLICA,
     {"replicas": [{"name": "dr", "region": "us-gov-west-1"}], "disasterRecovery": {**DR, "region": "us-gov-west-1"}},
     "dev", "rdsplatform:replicas.0 (dr).region = 'us-gov-west-1' (aws-us-gov partition) with aws:region = "
     "'eu-west-1' (aws partition)", REPLICAS_DOC),
    ("global-db-other-partition", AURORA_GLOBAL, {"disasterRecovery": {**DR, "region": "cn-northwest-1"}}, "dev",
     "so the Aurora global database's secondary cluster and this stack's KMS key and network cannot be created "
     "in cn-northwest-1; choose a region of the aws partition, e.g. eu-central-1", PARTITIONS),
]


def _settle(raw, environment):
    return parse(raw, environment=environment, region="eu-west-1")


@pytest.mark.parametrize("case, baseline, change, environment, message, doc", CASES, ids=[c[0] for c in CASES])
def test_baseline_passes_and_the_change_is_refused_with_one_clear_message(case, baseline, change, environment,
                                                                          message, doc):
    # The stack-name case has no passing baseline under its own name: the name is the change.
    _settle(baseline, "dev" if case == "stack-name-is-an-identifier" else environment)
    with pytest.raises(SettingsError) as refused:
        _settle({**baseline, **change}, environment)
    matching = [p for p in refused.value.problems if message in p]
    assert len(matching) == 1, refused.value.problems
    assert doc in matching[0]


def test_the_long_names_pass_where_the_limit_is_larger():
    """The identifier cases above are about the limit, not the name: 58 characters fit an instance."""
    # Without enhanced monitoring: its IAM role name would exceed 56 characters first (naming.py).
    assert _settle({"name": LONG_NAME, "monitoringInterval": 0}, "staging-eu-west-1").identifier == \
        f"{LONG_NAME}-staging-eu-west-1"


def test_refused_before_any_resource_is_registered():
    plan = run_program("prod", {"credentialsMode": "managed"})  # prod has replicas
    assert plan.error is not None and "RDS cannot create a read replica" in plan.error
    assert plan.resources == []


def test_postgres_keeps_performance_insights_on_the_smallest_class():
    assert _settle({"instanceClass": "db.t4g.micro"}, "dev").performance_insights is True


def test_multi_az_cluster_defaults_to_three_zones():
    s = _settle(MULTI_AZ, "dev")
    assert (s.az_count, s.effective_az_count) == (None, 3)
    assert _settle({}, "dev").effective_az_count == 2


def test_rotation_is_refused_outside_the_aws_partition():
    # components/rotation.py deploys the templates from the aws partition's Serverless
    # Application Repository account; aws-cn and aws-us-gov publish them elsewhere.
    generated = {"credentialsMode": "generated", "secretRotationDays": 30}
    assert parse(generated, environment="dev", region="us-east-1").rotates_secret
    for region, partition in (("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")):
        with pytest.raises(SettingsError) as refused:
            parse(generated, environment="dev", region=region)
        (problem,) = [p for p in refused.value.problems if "secretRotationDays" in p]
        assert f"in {region} ({partition} partition)" in problem and "rotation-templates" in problem
    assert not parse({**generated, "secretRotationDays": 0}, environment="dev", region="cn-north-1").rotates_secret


def test_the_partition_is_the_primary_regions_and_the_allowed_regions_are_its_own():
    # Without rotation: its function is refused outside the aws partition (test above).
    managed = {"disasterRecovery": {**DR, "replicateBackups": True}}
    assert parse({**managed, "disasterRecovery": {**DR, "region": "us-gov-east-1"}}, environment="dev",
                 region="us-gov-west-1").dr_region == "us-gov-east-1"
    assert parse({**managed, "disasterRecovery": {**DR, "region": "cn-northwest-1"}}, environment="dev",
                 region="cn-north-1").dr_region == "cn-northwest-1"
    for primary, dr, allowed in (("cn-north-1", "eu-central-1", "choose a region of the aws-cn partition, "
                                                                "e.g. cn-northwest-1 "),
                                 ("us-gov-west-1", "us-east-1", "aws-us-gov partition, e.g. us-gov-east-1 "),
                                 ("eu-isoe-west-1", "eu-west-1", "the aws-iso-e partition has no other RDS region")):
        with pytest.raises(SettingsError) as refused:
            parse({"disasterRecovery": {**DR, "region": dr}}, environment="dev", region=primary)
        (problem,) = [p for p in refused.value.problems if "partition" in p]
        assert problem.startswith(f"rdsplatform:disasterRecovery.region = {dr!r}") and allowed in problem, problem
        assert PARTITIONS in problem


def test_the_partition_of_a_region_is_botocores_own_answer():
    import botocore.session

    from components.settings.regions import partition_of, rds_regions
    session = botocore.session.get_session()
    regions = sorted(rds_regions())
    assert len({partition_of(r) for r in regions}) >= 3  # aws, aws-cn, aws-us-gov at least
    assert [partition_of(r) for r in regions] == [session.get_partition_for_region(r) for r in regions]


@pytest.mark.parametrize("overrides", [
    {"engineVersion": "16"}, {"engineVersion": "16.3", "autoMinorVersionUpgrade": False},
    {"engine": "aurora-mysql", "engineVersion": "8.0.mysql_aurora.3.08.0", "autoMinorVersionUpgrade": False},
])
def test_auto_pause_passes_from_the_version_floor(overrides):
    """The pause-capable versions the refusals above stop short of: the floor itself, and a major only."""
    settings = _settle({**SERVERLESS, **PAUSING, **overrides}, "dev")
    assert settings.cluster.serverless_min_acu == 0


def test_blue_green_with_a_proxy_is_accepted_and_planned():
    """RDS UG 'Using RDS Proxy with Blue/Green Deployments': supported for PostgreSQL, MySQL, MariaDB."""
    settings = _settle({**BLUE_GREEN, **PROXY}, "dev")
    assert settings.blue_green_update and settings.proxy is not None
    plan = run_program("dev", {**BLUE_GREEN, **PROXY})
    assert plan.error is None, plan.error
    [primary] = [r for r in plan.of_type("aws:rds/instance:Instance")]
    assert primary.inputs["blueGreenUpdate"] == {"enabled": True}
    assert plan.of_type("aws:rds/proxyTarget:ProxyTarget")


@pytest.mark.parametrize("overrides", [
    {"allocatedStorage": 2000, "maxAllocatedStorage": 0},  # 0.5 IOPS per GiB allocated
    {"maxAllocatedStorage": 2000},  # 0.5 IOPS per GiB at the autoscaling ceiling
])
def test_io1_takes_half_an_iops_per_gib_as_the_pack_does(overrides):
    """CreateDBInstance Iops: "a multiple between .5 and 50 of the storage amount" (not SQL Server)."""
    settings = _settle({**IO1, **overrides}, "dev")
    assert settings.iops / max(settings.allocated_storage, settings.max_allocated_storage) == 0.5


def test_a_global_database_may_pin_a_minor_with_automatic_minor_upgrades_on():
    # Aurora UG, Limitations of Amazon Aurora Global Database: automatic minor upgrades do not apply to
    # its clusters, so AWS never moves the pin; alone, the same Aurora cluster's pin would drift.
    pinned = {"engineVersion": "16.4", "autoMinorVersionUpgrade": True}
    _settle({**AURORA_GLOBAL, **pinned}, "dev")
    alone = {k: v for k, v in AURORA_GLOBAL.items() if k != "disasterRecovery"}
    with pytest.raises(SettingsError) as refused:
        _settle({**alone, **pinned}, "dev")
    assert [p for p in refused.value.problems if "pins a minor version" in p], refused.value.problems


def test_a_major_past_standard_support_is_offered_with_extended_support_enabled():
    _settle({"engineVersion": "13", "engineLifecycleSupport": "open-source-rds-extended-support"}, "dev")
    _settle({"engine": "mysql", "engineVersion": "8.0", "engineLifecycleSupport": "open-source-rds-extended-support",
             "instanceClass": "db.t4g.medium"}, "dev")
