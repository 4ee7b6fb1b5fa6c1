"""Whole-stack plans of dev and prod: inventory, invariants, tags, determinism, secrets."""

import json
from collections import Counter

import pytest

from plan.registration import is_secret
from preview.harness import run_program
from preview.mock_resources import MOCK_SECRET_VALUE

STACKS = ["dev", "prod"]


def _inventory(plan):
    return Counter(r.type for r in plan.resources if r.custom)


def test_dev_inventory_is_minimal(dev_plan):
    assert _inventory(dev_plan) == {
        "pulumi:providers:aws": 1,
        "aws:kms/key:Key": 1, "aws:kms/alias:Alias": 1,
        "aws:ec2/vpc:Vpc": 1, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/subnet:Subnet": 2, "aws:rds/subnetGroup:SubnetGroup": 1,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
        "random:index/randomPassword:RandomPassword": 1,
        "random:index/randomId:RandomId": 1,  # the final snapshot's suffix
        "aws:secretsmanager/secret:Secret": 1, "aws:secretsmanager/secretVersion:SecretVersion": 1,
        "aws:rds/parameterGroup:ParameterGroup": 1,
        "aws:iam/role:Role": 1, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:cloudwatch/logGroup:LogGroup": 2,
        "aws:rds/instance:Instance": 1,
    }
    assert dev_plan.one("aws:rds/instance:Instance").inputs["multiAz"] is False


def test_prod_inventory(prod_plan):
    inventory = _inventory(prod_plan)
    assert inventory["aws:rds/instance:Instance"] == 3  # primary, reporting replica, DR replica
    assert inventory["aws:kms/key:Key"] == 2 and inventory["aws:rds/subnetGroup:SubnetGroup"] == 2
    assert inventory["aws:ec2/subnet:Subnet"] == 6  # three AZs in each region
    assert inventory["aws:rds/proxy:Proxy"] == 1
    assert inventory["aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"] == 1
    assert inventory["aws:sns/topic:Topic"] == 2 and inventory["aws:rds/eventSubscription:EventSubscription"] == 2
    assert inventory["aws:cloudwatch/dashboard:Dashboard"] == 1
    # Generated credentials (replicas rule out an RDS-managed password), rotated by AWS's template
    # function, which reaches Secrets Manager through the isolated VPC's interface endpoint.
    assert inventory["aws:secretsmanager/secret:Secret"] == 1
    assert inventory["aws:secretsmanager/secretRotation:SecretRotation"] == 1
    assert inventory["aws:serverlessrepository/cloudFormationStack:CloudFormationStack"] == 1
    assert inventory["aws:ec2/vpcEndpoint:VpcEndpoint"] == 1


def test_prod_pieces_land_in_their_regions(prod_plan):
    regions = {r.name: r.region for r in prod_plan.resources if r.custom and r.type.startswith("aws:")}
    primary = {"appdb-prod-db-instance", "appdb-prod-replica-reporting-instance", "appdb-prod-proxy-proxy",
               "appdb-prod-keys-key", "appdb-prod-alerts-topic", "appdb-prod-dashboard-dashboard"}
    dr = {"appdb-prod-replica-dr-instance", "appdb-prod-dr-keys-key", "appdb-prod-dr-network-subnets",
          "appdb-prod-dr-backups-replication", "appdb-prod-dr-alerts-topic", "appdb-prod-replica-dr-params"}
    assert {regions[n] for n in primary} == {"eu-west-1"}
    assert {regions[n] for n in dr} == {"eu-central-1"}


def test_components_own_their_resources(prod_plan):
    by_urn = prod_plan.by_urn()
    expected_parent = {
        "aws:kms/key:Key": ("rdsplatform:index:Keys",),
        "aws:rds/subnetGroup:SubnetGroup": ("rdsplatform:index:Network",),
        "aws:rds/instance:Instance": ("rdsplatform:index:Database", "rdsplatform:index:ReadReplica"),
        "aws:rds/parameterGroup:ParameterGroup": ("rdsplatform:index:Database", "rdsplatform:index:ReadReplica"),
        "aws:rds/proxy:Proxy": ("rdsplatform:index:Proxy",),
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication":
            ("rdsplatform:index:CrossRegionBackups",),
    }
    for type_, parent_type in expected_parent.items():
        assert prod_plan.of_type(type_), type_
        for r in prod_plan.of_type(type_):
            assert by_urn[r.parent].type in parent_type, r.name
    owners = {"DatabasePlatform": ("Keys", "Network", "Credentials", "Database", "ReadReplica", "Proxy",
                                   "CrossRegionBackups", "Observability"),
              "Observability": ("Alerting", "Alarms", "Dashboard")}
    for owner, components in owners.items():
        for component in components:
            found = prod_plan.of_type(f"rdsplatform:index:{component}")
            assert found, f"prod has a {component}"
            for r in found:
                assert by_urn[r.parent].type == f"rdsplatform:index:{owner}", r.name


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_resource_gets_the_default_tags(stack_plans, stack):
    plan = stack_plans[stack]
    provider = plan.one("pulumi:providers:aws")
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert tags["Environment"] == stack and tags["Project"] == "rdsplatform" and tags["ManagedBy"] == "pulumi"
    assert tags["Owner"] == "platform-team"
    aws_resources = [r for r in plan.resources if r.custom and r.type.startswith("aws:")]
    assert aws_resources
    for r in aws_resources:
        assert r.provider.startswith(provider.urn + "::"), f"{r.name} bypasses the tagging provider"


@pytest.mark.parametrize("stack", STACKS)
def test_everything_is_encrypted_and_private(stack_plans, stack):
    plan = stack_plans[stack]
    # Every region's key, by region: data is encrypted with the key of the region it lives in.
    keys = {k.region: k.outputs["arn"] for k in plan.of_type("aws:kms/key:Key")}
    assert plan.outputs["kmsKeyArn"]["value"] == keys["eu-west-1"]
    # dev has no alarm topic (alarms off); everything else exists in both stacks.
    expected = ["aws:rds/instance:Instance", "aws:cloudwatch/logGroup:LogGroup",
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"] + (["aws:sns/topic:Topic"] * (stack == "prod"))
    assert all(plan.of_type(t) for t in expected)
    for db in plan.of_type("aws:rds/instance:Instance"):
        same_region_replica = "replicateSourceDb" in db.inputs and db.region == "eu-west-1"
        # A same-region replica takes its source's key (CreateDBInstanceReadReplica: don't specify one).
        expected_key = None if same_region_replica else keys[db.region]
        assert db.inputs["storageEncrypted"] is True and db.inputs.get("kmsKeyId") == expected_key
        assert db.inputs["publiclyAccessible"] is False
    for group in plan.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs["kmsKeyId"] == keys[group.region]
    for topic in plan.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"] == keys[topic.region]
    for rule in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert rule.inputs.get("cidrIpv4") not in ("0.0.0.0/0",) and rule.inputs.get("cidrIpv6") != "::/0"


def test_prod_is_protected_and_retains_backups(prod_plan):
    db = prod_plan.named("appdb-prod-db-instance")
    assert db.inputs["deletionProtection"] is True
    assert db.options["protect"] and db.options["retainOnDelete"]
    assert db.inputs["backupRetentionPeriod"] >= 7 and db.inputs["deleteAutomatedBackups"] is False


def test_dev_relaxes_protection(dev_plan):
    db = dev_plan.one("aws:rds/instance:Instance")
    assert db.inputs["deletionProtection"] is False and not db.options["protect"]
    assert db.inputs["skipFinalSnapshot"] is False  # even dev keeps a final snapshot


@pytest.mark.parametrize("stack", STACKS)
def test_same_config_same_plan(stack):
    first, second = run_program(stack), run_program(stack)
    assert first.to_json() == second.to_json()


@pytest.mark.parametrize("stack", STACKS)
def test_no_secret_in_plain_text_anywhere_in_the_plan(stack_plans, stack):
    plan = stack_plans[stack]

    def plain_strings(value, inside_secret=False):
        if is_secret(value):
            return
        if isinstance(value, dict):
            for v in value.values():
                yield from plain_strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from plain_strings(v)
        elif isinstance(value, str):
            yield value

    assert plan.resources
    for r in plan.resources:
        for text in plain_strings(r.inputs):
            assert MOCK_SECRET_VALUE not in text, f"{r.name} carries the password in plain text"
    for name, out in plan.outputs.items():
        if not out["secret"]:
            assert MOCK_SECRET_VALUE not in json.dumps(out["value"]), name


def test_the_secret_check_would_catch_a_leak(dev_plan):
    """The password really is in the dev plan (wrapped), so the test above is not vacuous."""
    assert MOCK_SECRET_VALUE in json.dumps([r.inputs for r in dev_plan.resources])


@pytest.mark.parametrize("stack", STACKS)
def test_exports(stack_plans, stack):
    outputs = stack_plans[stack].outputs
    assert set(outputs) == {"endpoint", "address", "port", "masterSecretArn", "kmsKeyArn",
                            "securityGroupId", "subnetGroupName", "replicaEndpoints", "proxyEndpoint",
                            "alarmTopicArns", "dashboardName"}
    assert outputs["endpoint"]["value"].endswith(":5432")
    assert outputs["securityGroupId"]["value"].startswith("sg-")


def test_prod_exports_the_production_pieces(prod_plan):
    outputs = {k: v["value"] for k, v in prod_plan.outputs.items()}
    assert set(outputs["replicaEndpoints"]) == {"appdb-prod-reporting", "appdb-prod-dr"}
    assert ".eu-central-1." in outputs["replicaEndpoints"]["appdb-prod-dr"]
    assert outputs["proxyEndpoint"].startswith("appdb-prod-proxy.proxy-")
    assert set(outputs["alarmTopicArns"]) == {"eu-west-1", "eu-central-1"}
    assert outputs["dashboardName"] == "appdb-prod"


def test_dev_exports_no_production_pieces(dev_plan):
    outputs = {k: v["value"] for k, v in dev_plan.outputs.items()}
    assert outputs["replicaEndpoints"] == {} and outputs["alarmTopicArns"] == {}
    assert outputs["proxyEndpoint"] is None and outputs["dashboardName"] is None
