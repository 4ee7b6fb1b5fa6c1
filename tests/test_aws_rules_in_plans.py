"""The program side of docs/aws-rules.md: what the plans now ask AWS for, read from the plans."""

import json
import string

import pytest

from tests.conftest import plan_with

ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def test_generated_password_rotates_with_the_engines_single_user_template(prod_plan):
    app = prod_plan.one(SAR)
    assert app.inputs["applicationId"] == (
        "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser")
    assert sorted(app.inputs["capabilities"]) == ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"]
    params = app.inputs["parameters"]
    assert params["endpoint"] == "https://secretsmanager.eu-west-1.amazonaws.com"
    assert params["functionName"] == "appdb-prod-rotation"
    subnets = {s.id for s in prod_plan.of_type("aws:ec2/subnet:Subnet")
               if s.region == "eu-west-1"}
    assert set(params["vpcSubnetIds"].split(",")) == subnets and len(subnets) == 3
    assert params["kmsKeyArn"] == prod_plan.outputs["kmsKeyArn"]["value"]
    rotation = prod_plan.one(ROTATION)
    assert rotation.inputs["rotationRules"] == {"automaticallyAfterDays": 30}
    assert rotation.inputs["rotationLambdaArn"] == "arn:aws:lambda:eu-west-1:123456789012:function:appdb-prod-rotation"
    assert rotation.inputs["secretId"] == prod_plan.one("aws:secretsmanager/secret:Secret").id
    # The first value exists before the first rotation, and later values are the rotation's.
    version = prod_plan.one("aws:secretsmanager/secretVersion:SecretVersion")
    assert version.urn in rotation.options["dependencies"]
    assert version.options["ignoreChanges"] == ["secretString", "versionStages"]


def test_rotation_function_reaches_the_database_and_secrets_manager_only(prod_plan):
    group = prod_plan.named("appdb-prod-rotation-sg")
    db_group = prod_plan.named("appdb-prod-network-sg").id
    endpoint_group = prod_plan.named("appdb-prod-network-secrets-endpoint-sg").id
    egress = {(r.inputs["fromPort"], r.inputs.get("referencedSecurityGroupId")) for r in prod_plan.of_type(EGRESS)
              if r.inputs["securityGroupId"] == group.id}
    assert egress == {(5432, db_group), (443, endpoint_group)}
    into_db = [r for r in prod_plan.of_type(INGRESS) if r.inputs.get("referencedSecurityGroupId") == group.id]
    assert [(r.inputs["securityGroupId"], r.inputs["fromPort"]) for r in into_db] == [(db_group, 5432)]


def test_isolated_vpc_gets_a_private_dns_secrets_manager_endpoint(prod_plan):
    endpoint = prod_plan.one(ENDPOINT)
    assert endpoint.region == "eu-west-1"
    assert endpoint.inputs["serviceName"] == "com.amazonaws.eu-west-1.secretsmanager"
    assert endpoint.inputs["vpcEndpointType"] == "Interface" and endpoint.inputs["privateDnsEnabled"] is True
    rules = [r for r in prod_plan.of_type(INGRESS)
             if r.inputs["securityGroupId"] == prod_plan.named("appdb-prod-network-secrets-endpoint-sg").id]
    assert [(r.inputs["fromPort"], r.inputs["cidrIpv4"]) for r in rules] == [(443, "10.60.0.0/16")]
    proxy_out = [r for r in prod_plan.of_type(EGRESS) if r.name == "appdb-prod-proxy-to-secrets-manager"]
    assert [r.inputs["referencedSecurityGroupId"] for r in proxy_out] == [endpoint.inputs["securityGroupIds"][0]]


def test_existing_vpc_gets_no_endpoint_and_managed_mode_no_rotation():
    existing = plan_with("prod", vpcId="vpc-0123456789abcdef0",
                         subnetIds=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])
    assert existing.of_type(ENDPOINT) == [] and len(existing.of_type(ROTATION)) == 1
    managed = plan_with("prod", replicas=[], credentialsMode="managed")
    assert managed.of_type(ROTATION) == [] and managed.of_type(SAR) == []
    assert len(managed.of_type(ENDPOINT)) == 1  # the proxy still needs a way to Secrets Manager
    no_proxy = plan_with("dev", secretRotationDays=0)
    assert no_proxy.of_type(ENDPOINT) == [] and no_proxy.of_type(ROTATION) == []


@pytest.mark.parametrize("engine, template, version", [
    ("mysql", "SecretsManagerRDSMySQLRotationSingleUser", "1.1.671"),
    ("mariadb", "SecretsManagerRDSMariaDBRotationSingleUser", "1.1.670"),
])
def test_each_engine_rotates_with_its_own_template(engine, template, version):
    plan = plan_with("prod", engine=engine, engineVersion="", replicas=[], parameters={})
    app = plan.one(SAR)
    assert app.inputs["applicationId"].endswith(f"/{template}")
    # The version AWS CDK pins for the same template (components/rotation.TEMPLATE_VERSIONS).
    assert app.inputs["semanticVersion"] == version


def test_the_rotation_template_version_is_pinned(prod_plan):
    # A new template release must not change the rotation code under the stack unreviewed.
    assert prod_plan.one(SAR).inputs["semanticVersion"] == "1.1.671"
    from components.rotation import TEMPLATE_VERSIONS, TEMPLATES
    assert set(TEMPLATE_VERSIONS) == set(TEMPLATES.values())


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_rotated_passwords_use_the_first_passwords_alphabet(stack):
    """The rotation function excludes exactly the GetRandomPassword punctuation the first password
    leaves out, so every password of the secret's life draws from one alphabet RDS accepts."""
    plan = plan_with(stack, secretRotationDays=30)
    specials = set(plan.one("random:index/randomPassword:RandomPassword").inputs["overrideSpecial"])
    excluded = set(plan.one(SAR).inputs["parameters"]["excludeCharacters"])
    # GetRandomPassword's default punctuation is string.punctuation (its API reference).
    assert specials and excluded and specials | excluded == set(string.punctuation)
    assert not specials & excluded
    # RDS refuses '/', '"', '@' and space in a master password (CreateDBInstance MasterUserPassword).
    assert {"/", '"', "@"} <= excluded and not {"/", '"', "@", " "} & specials


def test_database_insights_is_set_on_instances_replicas_and_clusters():
    plan = plan_with("prod", databaseInsights="advanced", performanceInsightsRetentionDays=465)
    instances = plan.of_type("aws:rds/instance:Instance")
    assert len(instances) == 3
    assert {i.inputs["databaseInsightsMode"] for i in instances} == {"advanced"}
    aurora = plan_with("dev", deploymentOption="aurora", engine="aurora-postgresql", instanceClass="db.r7g.large",
                       databaseInsights="standard")
    cluster = aurora.one("aws:rds/cluster:Cluster")
    assert cluster.inputs["databaseInsightsMode"] == "standard" and cluster.inputs["performanceInsightsEnabled"] is True
    assert all("databaseInsightsMode" not in i.inputs for i in aurora.of_type("aws:rds/clusterInstance:ClusterInstance"))


def test_database_insights_unset_leaves_the_aws_default(prod_plan):
    assert all("databaseInsightsMode" not in i.inputs for i in prod_plan.of_type("aws:rds/instance:Instance"))


def test_proxy_client_connections_sum_the_proxy_nodes_per_minute(prod_plan):
    alarm = next(a for a in prod_plan.of_type(ALARM) if a.inputs["metricName"] == "ClientConnections")
    assert (alarm.inputs["statistic"], alarm.inputs["period"], alarm.inputs["evaluationPeriods"]) == ("Sum", 60, 5)
    assert alarm.inputs["dimensions"] == {"ProxyName": "appdb-prod-proxy"}


@pytest.mark.parametrize("engine, expected", [("aurora-postgresql", "postgres"), ("aurora-mysql", "mysql")])
def test_aurora_connection_secret_names_the_engine_the_rotation_template_expects(engine, expected):
    plan = plan_with("dev", deploymentOption="aurora", engine=engine, engineVersion="",
                     instanceClass="db.r7g.large", secretRotationDays=30)
    document = json.loads(plan.one("aws:secretsmanager/secretVersion:SecretVersion").inputs["secretString"]["value"])
    assert document["engine"] == expected
    assert plan.one(SAR).inputs["applicationId"].endswith(f"SecretsManagerRDS{'PostgreSQL' if expected == 'postgres' else 'MySQL'}RotationSingleUser")


def test_global_secondary_readers_lag_alarm_does_not_fire_on_silence():
    plan = plan_with("prod", deploymentOption="aurora", engine="aurora-postgresql", instanceClass="db.r7g.large",
                     replicas=[], disasterRecovery={"region": "eu-central-1", "vpcCidr": "10.61.0.0/16",
                                                    "replicateBackups": False})
    lag = {a.inputs["dimensions"]["DBInstanceIdentifier"]: a.inputs["treatMissingData"]
           for a in plan.of_type(ALARM) if a.inputs["metricName"] == "AuroraReplicaLag"}
    # Primary readers: silence means replication stopped. Secondary readers: not documented as published.
    assert lag == {"appdb-prod-reader-1": "breaching", "appdb-prod-dr-reader-1": "notBreaching"}


def test_a_rotated_password_is_never_sent_to_the_database_again(prod_plan):
    # After the first rotation the database's password is the rotation's: a replaced
    # RandomPassword (new length, charset, repaired state) must not reach RDS, or every client
    # and the next rotation would fail to log in while the secret keeps the rotated value.
    primary = prod_plan.named("appdb-prod-db-instance")
    assert "password" in primary.inputs and "password" in primary.options["ignoreChanges"]
    unrotated = plan_with("dev").named("appdb-dev-db-instance")
    assert "password" in unrotated.inputs and "password" not in unrotated.options["ignoreChanges"]
    from tests.stack_cases import AURORA_PROD
    aurora = plan_with("prod", **{**AURORA_PROD, "credentialsMode": "generated"})
    writer = next(c for c in aurora.of_type("aws:rds/cluster:Cluster") if "masterPassword" in c.inputs)
    assert "masterPassword" in writer.options["ignoreChanges"]


def test_a_rotated_secrets_first_version_keeps_a_label_so_it_is_never_deleted(prod_plan):
    # Rotation leaves the first version without AWS's labels; a version without any label is
    # "deprecated" and Secrets Manager may delete it, after which a refresh drops it from state
    # and the next up writes the first password back (docs/aws-rules.md rule 24c).
    from components.credentials import FIRST_VERSION_LABEL
    first = prod_plan.named("appdb-prod-credentials-connection")
    assert first.inputs["versionStages"] == ["AWSCURRENT", FIRST_VERSION_LABEL]
    assert {"secretString", "versionStages"} <= set(first.options["ignoreChanges"])
    assert not FIRST_VERSION_LABEL.startswith("AWS")
    # Without rotation, nothing moves the labels: the version stays as AWS makes it.
    unrotated = plan_with("prod", secretRotationDays="0").named("appdb-prod-credentials-connection")
    assert "versionStages" not in unrotated.inputs and not unrotated.options["ignoreChanges"]
