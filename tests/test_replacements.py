"""The replacement table (plan/replacements.py, policies/rds_guardrails/facts/forcenew.json) against the program and the provider."""

import importlib
import re

import pytest

from plan import replacements
from plan.registration import Registration
from preview.diff import diff_plans
from preview.report import StackResult, to_markdown
from tests.stack_cases import EXAMPLES
from preview.harness import run_program


def _registered_types(tmp_path) -> set[str]:
    """Every custom resource type of the shipped stacks and the stack examples of the docs."""
    assert EXAMPLES, "docs/configuration.md has stack examples"
    plans = [run_program("dev"), run_program("prod")]
    for i, example in enumerate(EXAMPLES):
        stack_file = tmp_path / f"Pulumi.example{i}.yaml"
        stack_file.write_text(example)
        plans.append(run_program("example", stack_file=stack_file))
    for plan in plans:
        assert plan.error is None, plan.error
    # The explicit provider is no resource AWS holds: the engine diffs its config itself, and the
    # program names `region` on every resource, where a move is a force-new change listed below.
    return {r.type for plan in plans for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")}


def test_every_registered_type_has_a_rule_with_its_source(tmp_path):
    types = _registered_types(tmp_path)
    assert "aws:rds/instance:Instance" in types and "aws:rds/cluster:Cluster" in types
    missing = sorted(types - replacements.RULES.keys())
    assert missing == [], f"add these types to policies/rds_guardrails/facts/forcenew.json (from the provider's schema): {missing}"
    for type_ in types:
        # The provider source file the force-new list was read from, at a named version.
        assert re.fullmatch(r"hashicorp/terraform-provider-(aws|random) internal/(service|provider)/\S+\.go@v\d+\.\d+\.\d+", replacements.RULES[type_].source), type_


def _inputs(token: str) -> set[str]:
    """The input properties a Pulumi provider SDK declares for a type (its Args class), camelCase."""
    package, rest = token.split(":", 1)
    module, cls = rest.split(":")[0].split("/")[0], token.rsplit(":", 1)[1]
    sdk = importlib.import_module(f"pulumi_{package}" if module == "index" else f"pulumi_{package}.{module}")
    args = getattr(sdk, f"{cls}Args")
    return {getattr(p.fget, "_pulumi_name", name) for name, p in vars(args).items() if isinstance(p, property)}


@pytest.mark.parametrize("type_", sorted(replacements.RULES))
def test_rules_name_real_inputs_of_real_types(type_):
    rule = replacements.RULES[type_]
    # Checked against the provider SDK's own Args classes, not against the table.
    inputs = _inputs(type_)
    assert rule.force_new, f"{type_}: every type has at least one force-new input (region or an identity)"
    assert rule.force_new <= inputs, f"{type_}: not inputs: {rule.force_new - inputs}"
    assert rule.kept_when_unset <= inputs, f"{type_}: not inputs: {rule.kept_when_unset - inputs}"


def test_the_input_check_would_catch_a_wrong_name():
    assert "storageEncrypted" in _inputs("aws:rds/instance:Instance")
    assert "keySpec" not in _inputs("aws:kms/key:Key")  # listed once; the input is customerMasterKeySpec
    assert "length" in _inputs("random:index/randomPassword:RandomPassword")


def _with(plan, urn: str, inputs: dict) -> list[Registration]:
    """The plan's resources with new inputs on the one at `urn`."""
    out = []
    for r in plan.resources:
        if r.urn == urn:
            r = Registration.from_dict(r.to_dict())
            r.inputs = {**r.inputs, **inputs}
        out.append(r)
    return out


def _first(plan, type_: str) -> Registration:
    found = plan.of_type(type_)
    assert found, type_
    return found[0]


@pytest.mark.parametrize("type_, change, action", [
    # Stateless types are replaced too: the reviewer sees it, but no data is at risk.
    ("aws:ec2/subnet:Subnet", {"cidrBlock": "10.9.0.0/24"}, "replace"),
    ("aws:ec2/subnet:Subnet", {"availabilityZone": "eu-west-1c"}, "replace"),
    ("aws:ec2/vpc:Vpc", {"cidrBlock": "10.9.0.0/16"}, "replace"),
    ("aws:rds/parameterGroup:ParameterGroup", {"family": "postgres15"}, "replace"),
    ("aws:rds/subnetGroup:SubnetGroup", {"name": "other-subnets"}, "replace"),
    ("aws:ec2/securityGroup:SecurityGroup", {"name": "other-sg"}, "replace"),
    ("aws:kms/alias:Alias", {"name": "alias/other"}, "replace"),
    ("aws:ec2/securityGroup:SecurityGroup", {"tags": {"team": "other"}}, "update"),
    # Renaming an instance is in place since terraform-provider-aws v5.0 (CHANGELOG, #31232).
    ("aws:rds/instance:Instance", {"identifier": "appdb-prod-renamed"}, "update"),
    ("aws:rds/instance:Instance", {"dbName": "orders"}, "replace"),
])
def test_the_diff_knows_replacements_of_every_kind(prod_plan, type_, change, action):
    target = _first(prod_plan, type_)
    changes = [c for c in diff_plans(prod_plan.resources, _with(prod_plan, target.urn, change), "base").changes
               if c.urn == target.urn]
    assert [(c.action, c.properties) for c in changes] == [(action, tuple(sorted(change)))]
    assert changes[0].at_risk == (action == "replace" and replacements.is_stateful(type_))


def test_retained_and_protected_deletes_are_marked_in_text_and_markdown(prod_plan, capsys):
    from preview.__main__ import _print

    primary = prod_plan.named("appdb-prod-db-instance")
    assert primary.options.get("protect") and primary.options.get("retainOnDelete")
    current = [r for r in prod_plan.resources if r.urn != primary.urn]
    result = StackResult(stack="prod", policy_checked=False, plan=prod_plan,
                         diff=diff_plans(prod_plan.resources, current, "base"))
    (change,) = [c for c in result.diff.changes if c.name == primary.name]
    assert change.action == "delete" and not change.at_risk  # retained: the data stays in AWS
    _print(result, quiet=True)
    text = capsys.readouterr().out
    line = next(line for line in text.splitlines() if primary.name in line)
    assert "RETAINED" in line and "PROTECTED" in line
    row = next(line for line in to_markdown(result).splitlines() if f"`{primary.name}`" in line)
    assert "RETAINED" in row and "PROTECTED" in row
