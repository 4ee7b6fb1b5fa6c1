"""The second `up` is empty: each stack's plan, diffed against what AWS reports back after the
first create, changes nothing.

The baseline is the plan itself with the values AWS (and the provider) fill in after create, each
from its source (docs/aws-rules.md, "After create"). A property the program sets and AWS changes
must be ignored (ignore_changes) or the program must ask for what AWS keeps; properties the program
leaves unset and the provider computes are kept (plan/replacements.KEPT_WHEN_UNSET).
"""

import copy
import re

import pytest

from components.credentials import FIRST_VERSION_LABEL
from plan.registration import Registration
from preview.diff import diff_plans
from preview.harness import run_program
from tests.stack_cases import EXAMPLES

INSTANCE, CLUSTER = "aws:rds/instance:Instance", "aws:rds/cluster:Cluster"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SAR = "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"


def _full_version(major: str) -> str:
    """What RDS runs when a major was asked, e.g. 16 -> 16.4 (any minor: the shape matters)."""
    return major if re.fullmatch(r"\d+\.\d+\.\d+", major) else f"{major}.4"


def after_create(plan_resources: list[Registration]) -> list[Registration]:
    """The plan as the state holds it after the first create: what AWS filled in, by source."""
    state = [copy.deepcopy(r) for r in plan_resources]
    primaries = {r.region: r for r in state if r.type == INSTANCE and "replicateSourceDb" not in r.inputs}
    primary_clusters = [r for r in state if r.type == CLUSTER and "masterUsername" in r.inputs]
    rotated = any(r.type == "aws:secretsmanager/secretRotation:SecretRotation" for r in state)
    for r in state:
        # pulumi-aws Instance/Cluster engine_version: "The actual engine version used is returned in
        # the attribute engine_version_actual"; the requested (partial) version stays the input.
        if r.type in (INSTANCE, CLUSTER, "aws:rds/globalCluster:GlobalCluster") and r.inputs.get("engineVersion"):
            r.outputs["engineVersionActual"] = _full_version(r.inputs["engineVersion"])
        # The provider's default tags land in tagsAll (an output; `tags` stays the program's).
        if r.custom and r.type.startswith("aws:"):
            r.outputs.setdefault("tagsAll", {"ManagedBy": "pulumi"})
        if r.type == INSTANCE and "replicateSourceDb" in r.inputs:
            # A same-region replica reports its source's key (CreateDBInstanceReadReplica,
            # KmsKeyId: "always encrypted with the same KMS key as the source"); the username is
            # the source's.
            source = primaries.get(r.region)
            if "kmsKeyId" not in r.inputs and source is not None:
                r.inputs["kmsKeyId"] = source.inputs["kmsKeyId"]
            r.inputs["username"] = "dbadmin"
        if r.type == CLUSTER and "globalClusterIdentifier" in r.inputs and "masterUsername" not in r.inputs:
            # pulumi-aws Cluster.replication_source_identifier: AWS fills it in on a global
            # secondary ("use the ignoreChanges resource option").
            assert primary_clusters, "a global secondary has a primary cluster"
            r.inputs["replicationSourceIdentifier"] = primary_clusters[0].outputs["arn"]
        if r.type == SECRET_VERSION and rotated:
            # After the first rotation the current value and its stages are the rotation's (the
            # value is a secret, compared by presence here; refreshed, a changed secretString would
            # replace the version, hence the program's ignore_changes).
            # The rotation moves AWSCURRENT away; the program's own label stays on the version.
            assert r.inputs["versionStages"] == ["AWSCURRENT", FIRST_VERSION_LABEL]
            r.inputs["versionStages"] = ["AWSPREVIOUS", FIRST_VERSION_LABEL]
        # The SAR stack's semanticVersion is the program's pin (components/rotation.py): the state
        # holds the version asked for, so nothing to fill in.
    return state


def _examples():
    return [(f"example-{i}", example) for i, example in enumerate(EXAMPLES)]


def _plan(stack, example, tmp_path):
    if example is None:
        plan = run_program(stack)
    else:
        stack_file = tmp_path / "Pulumi.example.yaml"
        stack_file.write_text(example)
        plan = run_program("example", stack_file=stack_file)
    assert plan.error is None, plan.error
    return plan


CASES = [("dev", None), ("prod", None), *_examples()]


@pytest.mark.parametrize("stack, example", CASES, ids=[c[0] for c in CASES])
def test_second_up_changes_nothing(stack, example, tmp_path):
    plan = _plan(stack, example, tmp_path)
    diff = diff_plans(after_create(plan.resources), plan.resources, "after create")
    # What AWS changed in an input the program ignores (a rotated secret's stages) is listed as
    # having no effect, never as a change.
    assert [(c.name, c.action, c.properties) for c in diff.changes if c.action != "no-effect"] == []
    assert all(v.effect.outcome == "no-effect" for c in diff.changes for v in c.values)


def test_the_baseline_carries_what_aws_fills_in(tmp_path):
    """The check above is not vacuous: the Aurora example's baseline differs from its plan where
    AWS fills values in, and without the program's ignore_changes the diff would show them."""
    aurora = next(e for _, e in _examples() if "deploymentOption: aurora" in e)
    plan = _plan("example", aurora, tmp_path)
    state = after_create(plan.resources)
    secondary = next(r for r in state if r.type == CLUSTER and "replicationSourceIdentifier" in r.inputs)
    assert secondary.inputs["replicationSourceIdentifier"].startswith("arn:aws:rds:eu-west-1:")
    stripped = copy.deepcopy(plan.resources)
    for r in stripped:
        if r.type == CLUSTER:
            r.options["ignoreChanges"] = []
    changed = {(c.type, p) for c in diff_plans(state, stripped, "after create").changes for p in c.properties}
    # Only the secondary's filled-in source shows: the secret version's stages are
    # Optional+Computed (kept when unset, policies/rds_guardrails/facts/forcenew.json), and a rotated secret value compares
    # by presence here (its ignore_changes is checked in test_aws_rules_in_plans.py).
    assert changed == {(CLUSTER, "replicationSourceIdentifier")}


def test_a_new_rotation_template_version_updates_the_function_in_place(tmp_path):
    """Raising the pinned template version (components/rotation.TEMPLATE_VERSIONS) is reviewed as
    an in-place update of the SAR stack's semanticVersion alone: no replacement, nothing else."""
    plan = _plan("prod", None, tmp_path)
    state = after_create(plan.resources)
    deployed = next(r for r in state if r.type == SAR)
    assert deployed.inputs["semanticVersion"] == "1.1.671"
    deployed.inputs["semanticVersion"] = "1.1.600"
    changes = diff_plans(state, plan.resources, "after create").changes
    assert [(c.name, c.action, c.properties) for c in changes if c.action != "no-effect"] == [
        ("appdb-prod-rotation-function", "update", ("semanticVersion",))]
