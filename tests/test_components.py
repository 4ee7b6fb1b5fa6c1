"""Each component's resources, read from plans of the real program under the mock engine."""

import json

import pytest
import yaml

from components.settings import parse
from plan.registration import is_secret
from plan.stack_config import PROJECT_DIR
from tests.conftest import plan_with

INSTANCE = "aws:rds/instance:Instance"
PRIMARY = "appdb-prod-db-instance"
PROD_KEY = "appdb-prod-keys-key"


# --- keys ---------------------------------------------------------------------------------------

def test_key_rotates_and_lets_the_data_services_use_it(prod_plan):
    key = prod_plan.named(PROD_KEY)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs.get("bypassPolicyLockoutSafetyCheck") in (None, False)
    policy = json.loads(key.inputs["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["AccountAdministers"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    via = by_sid["UseThroughRdsAndSecretsManager"]["Condition"]["StringEquals"]["kms:ViaService"]
    assert via == ["rds.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"]
    assert by_sid["CloudWatchLogsEncryptsLogGroups"]["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert set(by_sid["AlarmsAndEventsPublishToEncryptedTopics"]["Principal"]["Service"]) == {
        "cloudwatch.amazonaws.com", "events.rds.amazonaws.com"}


def test_prod_key_is_protected_dev_key_is_not(prod_plan, dev_plan):
    assert prod_plan.named(PROD_KEY).options["protect"] is True
    assert prod_plan.named(PROD_KEY).options["retainOnDelete"] is True
    assert dev_plan.one("aws:kms/key:Key").options["protect"] is False


# --- network ------------------------------------------------------------------------------------

def test_own_vpc_is_isolated_with_subnets_in_distinct_zones(prod_plan):
    assert prod_plan.of_type("aws:ec2/internetGateway:InternetGateway") == []
    assert prod_plan.of_type("aws:ec2/natGateway:NatGateway") == []
    subnets = [s for s in prod_plan.of_type("aws:ec2/subnet:Subnet") if s.region == "eu-west-1"]
    assert len(subnets) == 3  # prod azCount
    assert len({s.inputs["availabilityZone"] for s in subnets}) == 3
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
    assert [s.inputs["cidrBlock"] for s in subnets] == ["10.60.0.0/20", "10.60.16.0/20", "10.60.32.0/20"]
    default_sg = prod_plan.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", region="eu-west-1")
    assert "ingress" not in default_sg.inputs and "egress" not in default_sg.inputs


def test_existing_subnets_build_no_vpc():
    plan = plan_with(vpcId="vpc-0123456789abcdef0",
                     subnetIds=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
                     allowedSecurityGroupIds=["sg-0123456789abcdef0"])
    assert plan.of_type("aws:ec2/vpc:Vpc") == [] and plan.of_type("aws:ec2/subnet:Subnet") == []
    group = plan.one("aws:rds/subnetGroup:SubnetGroup")
    assert group.inputs["subnetIds"] == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert plan.one("aws:ec2/securityGroup:SecurityGroup").inputs["vpcId"] == "vpc-0123456789abcdef0"
    from_sg = [r for r in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if "referencedSecurityGroupId" in r.inputs]
    assert [r.inputs["referencedSecurityGroupId"] for r in from_sg] == ["sg-0123456789abcdef0"]



def test_network_args_refuse_subnets_without_their_vpc():
    from components.network import NetworkArgs

    subnets = ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")
    assert NetworkArgs(region="eu-west-1", port=5432, vpc_id="vpc-0123456789abcdef0", subnet_ids=subnets).vpc_id
    with pytest.raises(ValueError, match=r"subnet_ids \['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'\] "
                                         "need vpc_id"):
        NetworkArgs(region="eu-west-1", port=5432, subnet_ids=subnets)

def test_ingress_reaches_only_the_db_port_from_configured_sources():
    plan = plan_with(engine="mysql", engineVersion="8.4", performanceInsights=False,
                     allowedCidrs=["10.1.0.0/16", "fd00::/8"])
    group = plan.one("aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in group.inputs and "egress" not in group.inputs  # rules are separate
    rules = plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert sorted(r.inputs.get("cidrIpv4") or r.inputs.get("cidrIpv6") for r in rules) == ["10.1.0.0/16", "fd00::/8"]
    assert rules, "the configured CIDRs get ingress rules"
    for rule in rules:
        assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (3306, 3306, "tcp")
        assert rule.inputs["description"]


# --- credentials --------------------------------------------------------------------------------

def test_managed_credentials_use_the_rds_secret_with_our_key():
    plan = plan_with("prod", replicas=[], credentialsMode="managed")  # replicas rule managed out
    db = plan.named(PRIMARY)
    key_arn = plan.outputs["kmsKeyArn"]["value"]
    assert db.inputs["manageMasterUserPassword"] is True
    assert db.inputs["masterUserSecretKmsKeyId"] == key_arn
    assert "password" not in db.inputs
    assert plan.of_type("aws:secretsmanager/secret:Secret") == []
    assert plan.of_type("aws:secretsmanager/secretRotation:SecretRotation") == []  # RDS rotates its own
    assert plan.outputs["masterSecretArn"]["value"].startswith("arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-")


def test_generated_credentials_stay_secret_and_encrypted(dev_plan):
    db = dev_plan.one(INSTANCE)
    assert is_secret(db.inputs["password"])
    assert "manageMasterUserPassword" not in db.inputs
    secret = dev_plan.one("aws:secretsmanager/secret:Secret")
    assert secret.inputs["kmsKeyId"] == dev_plan.outputs["kmsKeyArn"]["value"]
    assert secret.inputs["recoveryWindowInDays"] == 7
    version = dev_plan.one("aws:secretsmanager/secretVersion:SecretVersion")
    assert is_secret(version.inputs["secretString"])
    document = json.loads(version.inputs["secretString"]["value"])
    assert set(document) == {"engine", "host", "port", "dbname", "username", "password"}
    assert document["host"] == dev_plan.outputs["address"]["value"]
    password = dev_plan.one("random:index/randomPassword:RandomPassword").inputs
    assert password["length"] >= 32 and "/" not in password["overrideSpecial"] and "@" not in password["overrideSpecial"]


def test_credentials_register_outputs_once_after_their_last_child(monkeypatch):
    """The connection document's secret version is created after the database; the component's
    outputs are registered only then, once (generated), or once without it (managed)."""
    import pulumi_aws

    from components.credentials import Credentials

    events: list[str] = []

    class RecordedVersion(pulumi_aws.secretsmanager.SecretVersion):
        def __init__(self, *args, **kwargs):
            events.append("secret version")
            super().__init__(*args, **kwargs)

    def register_outputs(self, outputs):
        events.append("outputs")

    monkeypatch.setattr(pulumi_aws.secretsmanager, "SecretVersion", RecordedVersion)
    monkeypatch.setattr(Credentials, "register_outputs", register_outputs)
    plan_with(credentialsMode="generated")
    assert events == ["secret version", "outputs"]
    events.clear()
    plan_with(credentialsMode="managed")
    assert events == ["outputs"]


# --- database -----------------------------------------------------------------------------------

def test_instance_is_encrypted_private_and_kept(prod_plan):
    db = prod_plan.named(PRIMARY).inputs
    key_arn = prod_plan.outputs["kmsKeyArn"]["value"]
    assert db["storageEncrypted"] is True and db["kmsKeyId"] == key_arn
    assert db["performanceInsightsKmsKeyId"] == key_arn
    assert db["publiclyAccessible"] is False
    assert db["deletionProtection"] is True and db["skipFinalSnapshot"] is False
    # Suffixed with the database's own RandomId (docs/extended-support.md, final snapshots).
    suffix = prod_plan.named("appdb-prod-db-final-snapshot").outputs["hex"]
    assert db["finalSnapshotIdentifier"] == f"appdb-prod-final-{suffix}" and len(suffix) == 8
    assert db["deleteAutomatedBackups"] is False and db["copyTagsToSnapshot"] is True
    assert db["multiAz"] is True and db["backupRetentionPeriod"] == 14
    assert db["iamDatabaseAuthenticationEnabled"] is True and db["autoMinorVersionUpgrade"] is True
    assert (db["allocatedStorage"], db["maxAllocatedStorage"], db["iops"], db["storageThroughput"]) == (400, 1000, 12000, 500)
    options = prod_plan.named(PRIMARY).options
    assert options["protect"] and options["retainOnDelete"]
    # prod's generated password rotates: RDS keeps the rotation's (tests/test_aws_rules_in_plans.py).
    assert options["ignoreChanges"] == ["allocatedStorage", "password", "restoreToPointInTime", "snapshotIdentifier"]


def test_log_groups_exist_before_the_instance_with_retention_and_key(prod_plan):
    db = prod_plan.named(PRIMARY)
    groups = [g for g in prod_plan.of_type("aws:cloudwatch/logGroup:LogGroup") if g.parent.endswith("$rdsplatform:index:Database::appdb-prod-db")]
    assert sorted(g.inputs["name"] for g in groups) == [
        "/aws/rds/instance/appdb-prod/postgresql", "/aws/rds/instance/appdb-prod/upgrade"]
    assert db.inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    assert groups, "the primary has log groups"
    for g in groups:
        assert g.inputs["retentionInDays"] == 365 and g.inputs["kmsKeyId"].startswith("arn:aws:kms:")
        assert g.urn in db.options["dependencies"]


def test_parameter_group_enforces_tls_and_keeps_custom_parameters(prod_plan):
    group = prod_plan.named("appdb-prod-db-params")
    params = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert group.inputs["family"] == "postgres16"
    assert params["rds.force_ssl"] == "1"
    # The stack's own parameters are a secret setting: their values arrive as secrets; the
    # platform's own (TLS, logs) stay plain so reviewers and policies see them.
    for name in ("log_connections", "log_disconnections"):
        assert is_secret(params[name]) and params[name]["value"] == "1"
    assert not is_secret(params["rds.force_ssl"])
    assert prod_plan.named(PRIMARY).inputs["parameterGroupName"] == "appdb-prod-db-params"


def test_mysql_requires_secure_transport_and_exports_its_logs():
    plan = plan_with(engine="mysql", engineVersion="8.4", performanceInsights=False)
    params = {p["name"]: p["value"] for p in plan.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    assert plan.one("aws:rds/parameterGroup:ParameterGroup").inputs["family"] == "mysql8.4"
    assert params["require_secure_transport"] == "1" and params["slow_query_log"] == "1"
    db = plan.one(INSTANCE).inputs
    assert db["enabledCloudwatchLogsExports"] == ["audit", "error", "general", "slowquery"]
    assert db["port"] == 3306


def test_enhanced_monitoring_role_is_assumable_only_by_rds_monitoring(prod_plan):
    role = prod_plan.named("appdb-prod-db-monitoring")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "monitoring.rds.amazonaws.com"}]
    db = prod_plan.named(PRIMARY).inputs
    assert db["monitoringInterval"] == 60 and db["monitoringRoleArn"].endswith(":role/appdb-prod-db-monitoring")


def test_monitoring_off_creates_no_role():
    plan = plan_with(monitoringInterval=0)
    assert plan.of_type("aws:iam/role:Role") == []
    assert "monitoringRoleArn" not in plan.one(INSTANCE).inputs


def test_autoscaling_off_leaves_storage_managed_by_the_plan():
    plan = plan_with(maxAllocatedStorage=0)
    db = plan.one(INSTANCE)
    assert "maxAllocatedStorage" not in db.inputs
    assert db.options["ignoreChanges"] == ["restoreToPointInTime", "snapshotIdentifier"]


def test_blue_green_updates_when_asked():
    plan = plan_with(credentialsMode="generated", blueGreenUpdate=True)
    assert plan.one(INSTANCE).inputs["blueGreenUpdate"] == {"enabled": True}


# --- the project file ---------------------------------------------------------------------------

def test_pulumi_yaml_defaults_read_as_the_settings_defaults():
    """Pulumi.yaml is what the CLI applies (stand-ins "" and 0 included); Settings is what the
    program assumes. Reading every declared default must give the model's defaults."""
    declared = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    assert {"engineVersion", "port", "multiAz"} <= set(declared)
    parsed = parse({k: v["default"] for k, v in declared.items()}, environment="x", region="eu-west-1")
    assert parsed == parse({}, environment="x", region="eu-west-1")
