"""Whole-stack plans of dev and prod: inventory, invariants, tags, determinism, secrets."""

import json
from collections import Counter

import pytest

from preview.harness import MOCK_SECRET_VALUE, is_secret, run_program

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
        "aws:secretsmanager/secret:Secret": 1, "aws:secretsmanager/secretVersion:SecretVersion": 1,
        "aws:rds/parameterGroup:ParameterGroup": 1,
        "aws:iam/role:Role": 1, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:cloudwatch/logGroup:LogGroup": 2,
        "aws:rds/instance:Instance": 1,
    }
    assert dev_plan.one("aws:rds/instance:Instance").inputs["multiAz"] is False


def test_prod_inventory(prod_plan):
    inventory = _inventory(prod_plan)
    assert inventory["aws:rds/instance:Instance"] == 1
    assert inventory["aws:ec2/subnet:Subnet"] == 3
    assert "aws:secretsmanager/secret:Secret" not in inventory  # managed credentials


def test_components_own_their_resources(prod_plan):
    by_urn = prod_plan.by_urn()
    expected_parent = {
        "aws:kms/key:Key": "rdsplatform:index:Keys",
        "aws:rds/subnetGroup:SubnetGroup": "rdsplatform:index:Network",
        "aws:rds/instance:Instance": "rdsplatform:index:Database",
        "aws:rds/parameterGroup:ParameterGroup": "rdsplatform:index:Database",
    }
    for type_, parent_type in expected_parent.items():
        assert by_urn[prod_plan.one(type_).parent].type == parent_type
    for component in ("Keys", "Network", "Credentials", "Database"):
        r = prod_plan.one(f"rdsplatform:index:{component}")
        assert by_urn[r.parent].type == "rdsplatform:index:DatabasePlatform"


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
    key_arn = plan.outputs["kmsKeyArn"]["value"]
    db = plan.one("aws:rds/instance:Instance").inputs
    assert db["storageEncrypted"] is True and db["kmsKeyId"] == key_arn
    assert db["publiclyAccessible"] is False
    for group in plan.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group.inputs["kmsKeyId"] == key_arn
    for rule in plan.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        assert rule.inputs.get("cidrIpv4") not in ("0.0.0.0/0",) and rule.inputs.get("cidrIpv6") != "::/0"


def test_prod_is_protected_and_retains_backups(prod_plan):
    db = prod_plan.one("aws:rds/instance:Instance")
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
                            "securityGroupId", "subnetGroupName"}
    assert outputs["endpoint"]["value"].endswith(":5432")
    assert outputs["securityGroupId"]["value"].startswith("sg-")
