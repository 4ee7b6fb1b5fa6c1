"""RDS Extended Support: what the plan states per database, and what the live audit reads back."""

import pytest

from operations import live
from preview.harness import run_program
from rds_guardrails.evaluate import Resource, evaluate

DISABLED = "open-source-rds-extended-support-disabled"
ENABLED = "open-source-rds-extended-support"
DR = {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}
AURORA_GLOBAL = {"deploymentOption": "aurora", "instanceClass": "db.r7g.large", "credentialsMode": "generated",
                 "disasterRecovery": DR}
KINDS = ("Instance", "Cluster", "GlobalCluster")


def _lifecycle(stack, overrides):
    """(kind, name) -> engineLifecycleSupport of every RDS instance, cluster and global cluster planned."""
    plan = run_program(stack, overrides)
    assert plan.error is None, plan.error
    found = {(r.type.split(":")[-1], r.name): r.inputs.get("engineLifecycleSupport") for r in plan.resources
             if r.type.startswith("aws:rds/") and r.type.split(":")[-1] in KINDS}
    assert found
    return found


@pytest.mark.parametrize("stack, overrides, expected", [
    # Unset: disabled, on the primary; replicas state none (CreateDBInstanceReadReplica takes none).
    ("prod", {}, {("Instance", "appdb-prod-db-instance"): DISABLED,
                  ("Instance", "appdb-prod-replica-reporting-instance"): None,
                  ("Instance", "appdb-prod-replica-dr-instance"): None}),
    ("dev", {"engineLifecycleSupport": ENABLED}, {("Instance", "appdb-dev-db-instance"): ENABLED}),
    # MariaDB has no Extended Support: nothing is stated.
    ("dev", {"engine": "mariadb", "engineVersion": "10.11", "performanceInsights": False},
     {("Instance", "appdb-dev-db-instance"): None}),
    ("dev", {"deploymentOption": "multi-az-cluster", "instanceClass": "db.m6gd.large", "storageType": "io1",
             "allocatedStorage": 400, "iops": 4000, "maxAllocatedStorage": 0},
     {("Cluster", "appdb-dev-db-cluster"): DISABLED}),
    # Aurora PostgreSQL global database: both clusters and the global cluster.
    ("dev", {**AURORA_GLOBAL, "engine": "aurora-postgresql"},
     {("Cluster", "appdb-dev-db-cluster"): DISABLED, ("Cluster", "appdb-dev-dr-db-cluster"): DISABLED,
      ("GlobalCluster", "appdb-dev-global"): DISABLED}),
    # Aurora MySQL: CreateGlobalCluster's setting applies only to Aurora PostgreSQL; the clusters state it.
    ("dev", {**AURORA_GLOBAL, "engine": "aurora-mysql", "engineVersion": "8.0", "engineLifecycleSupport": ENABLED},
     {("Cluster", "appdb-dev-db-cluster"): ENABLED, ("Cluster", "appdb-dev-dr-db-cluster"): ENABLED,
      ("GlobalCluster", "appdb-dev-global"): None}),
])
def test_the_plan_states_the_lifecycle_where_aws_takes_one(stack, overrides, expected):
    assert _lifecycle(stack, overrides) == expected


def test_the_pack_accepts_every_planned_database_of_the_default():
    plan = run_program("prod", {})
    resources = [Resource(r.type, r.name, r.inputs) for r in plan.resources]
    assert not [f for f in evaluate(resources) if f.policy == "rds-extended-support-disabled"]
    # The same plan with the setting enabled is flagged on the primary only.
    plan = run_program("prod", {"engineLifecycleSupport": ENABLED})
    resources = [Resource(r.type, r.name, r.inputs) for r in plan.resources]
    assert [f.resource for f in evaluate(resources) if f.policy == "rds-extended-support-disabled"] == [
        "appdb-prod-db-instance"]


class _Keys:
    """Keys as the live mapping reads them: shown as named (no KMS here)."""

    def shown(self, key):
        return key


def _live_instance(**describe):
    db = {"DBInstanceIdentifier": "db1", "Engine": "postgres", "EngineVersion": "16.4", **describe}
    return Resource("aws:rds/instance:Instance", "db1", live.instance_props(db, _Keys(), "eu-west-1"))


def _live_cluster(**describe):
    cluster = {"DBClusterIdentifier": "c1", "DBClusterArn": "arn:aws:rds:eu-west-1:123456789012:cluster:c1",
               "Engine": "aurora-mysql", "EngineVersion": "8.0.mysql_aurora.3.08.0", **describe}
    return Resource("aws:rds/cluster:Cluster", "c1", live.cluster_props(cluster, _Keys(), "eu-west-1", {}))


@pytest.mark.parametrize("resource, flagged", [
    (_live_instance(EngineLifecycleSupport=ENABLED), True),
    (_live_instance(EngineLifecycleSupport=DISABLED), False),
    # A describe answer without the field tells nothing: no verdict rather than "enrolled".
    (_live_instance(), False),
    (_live_cluster(EngineLifecycleSupport=ENABLED), True),
    (_live_cluster(EngineLifecycleSupport=DISABLED), False),
])
def test_the_live_audit_reports_extended_support_enrolment_through_the_same_rule(resource, flagged):
    findings = [f for f in evaluate([resource]) if f.policy == "rds-extended-support-disabled"]
    assert bool(findings) is flagged, findings
    if flagged:
        assert "enrolled in paid RDS Extended Support" in findings[0].message


def test_the_live_audit_warns_of_the_end_of_standard_support_from_the_described_version():
    resource = _live_instance(EngineLifecycleSupport=DISABLED, EngineVersion="13.15")
    config = {"rds-standard-support-ending": {"today": "2026-12-05"}}
    [finding] = [f for f in evaluate([resource], config) if f.policy == "rds-standard-support-ending"]
    assert "standard support of postgres 13 ended on 2026-02-28" in finding.message
    resource = _live_instance(EngineLifecycleSupport=DISABLED, EngineVersion="17.2")
    assert not [f for f in evaluate([resource], config) if f.policy == "rds-standard-support-ending"]
