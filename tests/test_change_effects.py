"""What AWS does with a change (plan/change_effects.py), capacity (plan/capacity.py) and a change
said in words (preview/values.py), as pure functions."""

import json

import re

import pytest

from plan import capacity, change_effects, replacements
from plan.capacity import units_of
from plan.change_effects import effect, ignored, major_version, parameter_effect
from plan.registration import Registration
from preview.harness import run_program
from preview.values import Secret, describe

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
PARAMS = "aws:rds/parameterGroup:ParameterGroup"


# --- the table --------------------------------------------------------------------------------------

def test_every_row_has_a_known_outcome_a_time_and_a_source():
    rows = [(t, p, row) for t, props in change_effects.TYPES.items() for p, row in props.items()]
    assert len(rows) > 20
    for type_, prop, row in rows:
        assert row["outcome"] in change_effects.OUTCOMES + ("parameters",), (type_, prop)
        assert row["when"] in ("immediately", "apply-immediately"), (type_, prop)
        assert row["source"] in change_effects.SOURCES, (type_, prop)
        assert row["note"], (type_, prop)
        assert "UNCONFIRMED" not in row["note"], (type_, prop)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["read"]), (type_, prop)  # the day its source was read
    for source in change_effects.SOURCES.values():
        assert "https://" in source or "docstring" in source, source
    used = {row["source"] for props in change_effects.TYPES.values() for row in props.values()}
    # The sources the code cites itself (its rules with both values).
    assert set(change_effects.SOURCES) - used <= {"storage", "autoscaling"}, set(change_effects.SOURCES) - used


def test_the_table_covers_every_stateful_rds_type_and_the_parameter_groups():
    stateful_rds = {t for t in replacements.STATEFUL_TYPES if t.startswith("aws:rds/")}
    assert stateful_rds <= change_effects.TYPES.keys()
    assert {PARAMS, "aws:rds/clusterParameterGroup:ClusterParameterGroup"} <= change_effects.TYPES.keys()
    # A replacement comes from the provider's force-new list, never from this table.
    for type_, props in change_effects.TYPES.items():
        assert not set(props) & replacements.RULES[type_].force_new, type_


# --- one change per case against a compliant baseline ------------------------------------------------

BASE = {"engine": "postgres", "applyImmediately": False, "maxAllocatedStorage": 0}


@pytest.mark.parametrize("prop, before, after, inputs, outcome, words", [
    ("instanceClass", "db.r7g.large", "db.r7g.xlarge", {}, "downtime", "applied in the next maintenance window"),
    ("instanceClass", "db.r7g.large", "db.r7g.xlarge", {"applyImmediately": True}, "downtime", "applied immediately"),
    ("allocatedStorage", 400, 440, {}, "in-place", "storage-optimization"),
    ("allocatedStorage", 400, 439, {}, "refused", "at least 10 % (400 GiB → at least 440 GiB)"),
    ("allocatedStorage", 400, 300, {}, "refused", "cannot shrink (400 → 300 GiB)"),
    ("engineVersion", "16.4", "17.2", {}, "downtime", "major upgrade, downtime"),
    ("engineVersion", "16.3", "16.4", {}, "downtime", "minor upgrade, downtime"),
    ("engineVersion", "8.0.39", "8.4.3", {"engine": "mysql"}, "downtime", "major upgrade"),
    ("storageType", "gp2", "gp3", {}, "in-place", "between SSD types (gp2, gp3, io1, io2): no outage"),
    ("storageType", "io1", "io2", {"applyImmediately": True}, "in-place", "applied immediately: between SSD types"),
    ("storageType", "standard", "gp3", {}, "downtime", "to or from magnetic (standard) storage: a reboot"),
    ("storageType", "io1", "standard", {}, "downtime", "nightly backups are suspended"),
    ("backupRetentionPeriod", 7, 14, {}, "in-place", "applied immediately"),
    ("backupRetentionPeriod", 0, 7, {}, "downtime", "automated backups are turned on"),
    ("backupRetentionPeriod", 7, 0, {"applyImmediately": True}, "downtime", "turned off"),
    ("port", 5432, 5433, {}, "downtime", "restarts immediately, whatever applyImmediately says"),
    ("dbSubnetGroupName", "a", "b", {}, "downtime", "an outage occurs during the move"),
    ("replicateSourceDb", None, "arn:aws:rds:eu-west-1:123456789012:db:src", {}, "refused", "can only be created new"),
    ("replicateSourceDb", "db1", "db2", {}, "refused", "can only be created new"),
    ("replicateSourceDb", "db1", None, {}, "downtime", "promoted to a standalone DB instance"),
    ("masterUserSecretKmsKeyId", "k1", "k2", {"manageMasterUserPassword": True}, "refused", "while RDS manages"),
    ("masterUserSecretKmsKeyId", "k1", "k2", {}, "in-place", "applied immediately"),
    ("multiAz", False, True, {}, "in-place", "no outage"),
    ("parameterGroupName", "a", "b", {}, "reboot", "next reboot"),
    ("applyImmediately", False, True, {}, "no-effect", "when the provider applies"),
])
def test_what_aws_does_with_one_instance_change(prop, before, after, inputs, outcome, words):
    found = effect(INSTANCE, prop, before, after, {**BASE, **inputs})
    assert found is not None and found.outcome == outcome, found
    assert words in found.text, found.text
    assert found.source.startswith(("RDS ", "AWS ", "pulumi-aws")), found.source


def test_the_secrets_key_changes_only_while_turning_managed_passwords_on():
    # ModifyDBInstance, MasterUserSecretKmsKeyId: valid only when turning ManageMasterUserPassword on.
    turning_on = effect(INSTANCE, "masterUserSecretKmsKeyId", None, "k2", {**BASE, "manageMasterUserPassword": True},
                        {**BASE, "manageMasterUserPassword": False})
    assert turning_on is not None and turning_on.outcome != "refused", turning_on
    managed = effect(INSTANCE, "masterUserSecretKmsKeyId", "k1", "k2", {**BASE, "manageMasterUserPassword": True},
                     {**BASE, "manageMasterUserPassword": True})
    assert managed is not None and managed.outcome == "refused"



AURORA = {"engine": "aurora-postgresql", "applyImmediately": False}
MULTI_AZ = {"engine": "postgres", "applyImmediately": False}


@pytest.mark.parametrize("prop, before, after, inputs, outcome, words", [
    ("port", 5432, 5433, AURORA, "downtime", "every DB instance of the cluster is rebooted immediately"),
    ("port", 5432, 5433, MULTI_AZ, "refused", "restore it to a point in time with the new port"),
    ("dbClusterInstanceClass", "db.m6gd.large", "db.m6gd.xlarge", MULTI_AZ, "downtime", "downtime occurs"),
    ("globalClusterIdentifier", None, "g1", AURORA, "refused", "cannot join a global cluster"),
    ("globalClusterIdentifier", "g1", "g2", AURORA, "refused", "cannot move to another global cluster"),
    ("globalClusterIdentifier", "g1", None, AURORA, "in-place", "cannot rejoin"),
    ("replicationSourceIdentifier", "arn:src", None, AURORA, "downtime", "promoted to a standalone cluster"),
    ("backtrackWindow", 0, 3600, {"engine": "aurora-mysql"}, "refused", "only be turned on when the cluster is created"),
    ("backtrackWindow", 3600, 7200, {"engine": "aurora-mysql"}, "in-place", "no outage"),
    ("serverlessv2ScalingConfiguration", {"maxCapacity": 8}, {"maxCapacity": 16}, AURORA, "in-place", "immediately"),
    ("engineVersion", "16.4", "16.6", AURORA, "downtime", "an outage of the whole DB cluster"),
])
def test_what_aws_does_with_one_cluster_change(prop, before, after, inputs, outcome, words):
    found = effect("aws:rds/cluster:Cluster", prop, before, after, inputs)
    assert found is not None and found.outcome == outcome, found
    assert words in found.text, found.text


def test_an_aurora_instance_version_follows_its_cluster():
    found = effect("aws:rds/clusterInstance:ClusterInstance", "engineVersion", "16.4", "16.6", {})
    assert (found.outcome, "change engineVersion on the Cluster" in found.text) == ("no-effect", True)


def test_an_input_the_table_does_not_know_has_no_effect_said():
    assert effect(INSTANCE, "someFutureInput", 1, 2, BASE) is None
    assert effect("aws:ec2/vpc:Vpc", "cidrBlock", "a", "b", {}) is None


def test_storage_autoscaling_owns_allocated_storage_and_other_ignored_inputs_say_why():
    owned = ignored(INSTANCE, "allocatedStorage", {"maxAllocatedStorage": 1000})
    assert (owned.outcome, owned.text.startswith("no effect: storage autoscaling owns it")) == ("no-effect", True)
    assert "raise maxAllocatedStorage" in owned.text
    other = ignored(INSTANCE, "allocatedStorage", {"maxAllocatedStorage": 0})
    assert "ignoreChanges" in other.text and "autoscaling" not in other.text


def test_parameters_apply_now_or_at_the_next_reboot():
    assert parameter_effect(PARAMS, "pending-reboot", {}).outcome == "reboot"
    assert parameter_effect(PARAMS, "immediate", {}).outcome == "in-place"
    assert parameter_effect(INSTANCE, "immediate", {}) is None


@pytest.mark.parametrize("engine, version, major", [
    ("postgres", "16.4", "16"), ("postgres", "9.6.24", "9.6"), ("mysql", "8.0.39", "8.0"),
    ("mariadb", "10.11.9", "10.11"), ("aurora-postgresql", "15.4", "15"),
])
def test_the_major_version_of_an_engine_version(engine, version, major):
    assert major_version(engine, version) == major


# --- capacity -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("instance_class, units", [
    ("db.t4g.micro", 0.5), ("db.t4g.small", 1), ("db.t4g.medium", 2), ("db.r7g.large", 4),
    ("db.r7g.xlarge", 8), ("db.r7g.2xlarge", 16), ("db.r6i.24xlarge", 192), ("db.serverless", None),
    ("db.m5d.metal", None), (None, None),
])
def test_the_size_flexibility_factor_of_a_class(instance_class, units):
    assert units_of(instance_class) == units


def _r(type_, name, inputs, id_=""):
    return Registration(f"urn:pulumi:s::p::{type_}::{name}", type_, name, True, "", "", inputs, {}, {}, id_)


def test_multi_az_counts_twice_replicas_once_and_a_multi_az_cluster_three_times():
    primary = _r(INSTANCE, "db", {"identifier": "db", "instanceClass": "db.r7g.large", "multiAz": True,
                                  "allocatedStorage": 400})
    replica = _r(INSTANCE, "replica", {"instanceClass": "db.r7g.xlarge", "replicateSourceDb": "db"})
    maz = _r(CLUSTER, "maz", {"engine": "postgres", "dbClusterInstanceClass": "db.m6gd.large", "allocatedStorage": 100})
    found = capacity.capacity([primary, replica, maz])
    assert (found.units, found.storage_gib) == (4 * 2 + 8 + 3 * 4, 400 + 400 + 100)


def test_aurora_counts_each_instance_and_serverless_v2_only_as_an_acu_range():
    cluster = _r(CLUSTER, "aurora", {"engine": "aurora-postgresql", "clusterIdentifier": "aurora",
                                     "serverlessv2ScalingConfiguration": {"minCapacity": 0.5, "maxCapacity": 16}},
                 id_="aurora")
    writer = _r(CLUSTER_INSTANCE, "aurora-1", {"clusterIdentifier": "aurora", "instanceClass": "db.r7g.large"})
    reader = _r(CLUSTER_INSTANCE, "aurora-2", {"clusterIdentifier": "aurora", "instanceClass": "db.serverless"})
    found = capacity.capacity([cluster, writer, reader])
    assert (found.units, found.storage_gib, found.acu) == (4, 0, [(0.5, 16)])
    assert "Serverless v2 none → 0.5–16 ACU" in capacity.summary(capacity.Capacity(), found)
    found.acu += [(0.5, 16), (1, 8)]
    assert "Serverless v2 none → 2 × 0.5–16 + 1–8 ACU" in capacity.summary(capacity.Capacity(), found)


def test_the_summary_says_before_after_and_the_change():
    before, after = capacity.Capacity(units=8, storage_gib=400), capacity.Capacity(units=16, storage_gib=800)
    assert capacity.summary(before, after) == "compute 8 → 16 units (+100 %), storage 400 → 800 GiB"


def test_prod_is_twenty_units_and_1200_gib():
    # The Multi-AZ primary (2 × large), the reporting replica (large), the Multi-AZ DR replica
    # (2 × large); the replicas' storage is the primary's 400 GiB each.
    found = capacity.capacity(run_program("prod").resources)
    assert (found.units, found.storage_gib, found.unsized) == (20, 1200, [])


# --- a change in words ------------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, text", [
    (14, 21, "14 → 21"),
    (None, "a", "(unset) → a"),
    (["10.0.0.0/16"], ["10.0.0.0/16", "10.1.0.0/16"], "+ 10.1.0.0/16"),
    (["a", "b"], ["b", "c"], "+ c; - a"),
    (["a", "b"], ["b", "a"], "same items, another order"),
    ({"Owner": "x", "Old": "y"}, {"Owner": "z", "New": "w"}, "+ New=w; - Old=y; Owner: x → z"),
    ([{"name": "a", "value": "1"}, {"name": "b", "value": "2"}], [{"name": "a", "value": "3"}, {"name": "c", "value": "2"}],
     "+ c; - b; a: value: 1 → 3"),
    (Secret("f1"), Secret("f2"), "[secret] changed"),
    ([{"name": "p", "value": Secret("f1")}], [{"name": "p", "value": Secret("f2")}], "p: value: [secret] changed"),
    ("x" * 200, "y", "x" * 79 + "… → y"),
    ('{"tags": {"a": "1"}}', '{"tags": {"a": "2"}}', "tags: a: 1 → 2"),
    ("{not json", "{x", "{not json → {x"),
])
def test_a_change_in_words(before, after, text):
    assert describe(before, after) == text


def test_a_secret_is_never_shown_and_compares_by_fingerprint():
    assert Secret("f1") == Secret("f1") and Secret("f1") != Secret("f2")
    assert Secret(None) == Secret("f1")  # not comparable: the diff lists it as such
    assert "hunter2" not in json.dumps(describe({"k": Secret("a")}, {"k": Secret("b"), "j": Secret("c")}))


# --- no registered input is silent ---------------------------------------------------------------------

def _every_plan(tmp_path):
    from tests.stack_cases import EXAMPLES

    plans = [run_program("dev"), run_program("prod")]
    for i, example in enumerate(EXAMPLES):
        stack_file = tmp_path / f"Pulumi.example{i}.yaml"
        stack_file.write_text(example)
        plans.append(run_program("example", stack_file=stack_file))
    return plans


def test_every_input_registered_on_a_judged_type_forces_replacement_or_has_a_row(tmp_path):
    # A new input the program starts to send must say what AWS does with a change to it.
    registered = {}
    for plan in _every_plan(tmp_path):
        assert plan.error is None, plan.error
        for r in plan.resources:
            if change_effects.is_judged(r.type):
                kind = "" if r.type != CLUSTER else "aurora" if r.inputs["engine"].startswith("aurora") else "multi-az"
                for prop in r.inputs:
                    registered.setdefault((r.type, kind, prop), r.inputs)
    kinds = {(t, k) for t, k, _ in registered}
    assert {(INSTANCE, ""), (CLUSTER, "aurora"), (CLUSTER, "multi-az"), (CLUSTER_INSTANCE, ""),
            ("aws:rds/globalCluster:GlobalCluster", ""),
            ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "")} <= kinds
    silent = sorted(f"{t} {k} {p}".replace("  ", " ") for (t, k, p), inputs in registered.items()
                    if p not in replacements.RULES[t].force_new and change_effects.row_for(t, p, inputs) is None)
    assert silent == []


@pytest.mark.parametrize("type_, prop, inputs, outcome, words", [
    (INSTANCE, "monitoringInterval", BASE, "in-place", "applied immediately: whatever applyImmediately says"),
    (INSTANCE, "performanceInsightsEnabled", BASE, "in-place", "applied immediately: whatever applyImmediately says"),
    (INSTANCE, "maxAllocatedStorage", BASE, "in-place", "applied immediately: whatever applyImmediately says"),
    (INSTANCE, "copyTagsToSnapshot", BASE, "in-place", "applied immediately: whatever applyImmediately says"),
    (CLUSTER, "copyTagsToSnapshot", MULTI_AZ, "in-place", "applied immediately: whatever applyImmediately says"),
    (CLUSTER_INSTANCE, "monitoringInterval", {}, "in-place", "the Aurora UG gives no time"),
    (INSTANCE, "backupWindow", BASE, "in-place", "no outage"),
    (INSTANCE, "enabledCloudwatchLogsExports", BASE, "in-place", "whatever applyImmediately says"),
    (INSTANCE, "engineLifecycleSupport", BASE, "in-place", "Extended Support"),
    (INSTANCE, "caCertIdentifier", BASE, "downtime", "restarts the DB instance"),
    (INSTANCE, "finalSnapshotIdentifier", BASE, "no-effect", "when the DB instance is deleted"),
    (INSTANCE, "skipFinalSnapshot", BASE, "no-effect", "when the DB instance is deleted"),
    (INSTANCE, "tags", BASE, "in-place", "tagging API"),
    (CLUSTER_INSTANCE, "copyTagsToSnapshot", {}, "no-effect", "the DB cluster's copyTagsToSnapshot"),
    (CLUSTER, "storageType", MULTI_AZ, "replacement", "but the provider replaces the cluster"),
    (CLUSTER, "deleteAutomatedBackups", AURORA, "no-effect", "when the DB cluster is deleted"),
    (CLUSTER, "masterUserSecretKmsKeyId", {**MULTI_AZ, "manageMasterUserPassword": True}, "refused", "while RDS manages"),
    ("aws:rds/globalCluster:GlobalCluster", "engineLifecycleSupport", {}, "no-effect", "shows again on every up"),
])
def test_what_aws_does_with_inputs_that_were_silent(type_, prop, inputs, outcome, words):
    found = effect(type_, prop, "a", "b", inputs)
    assert found is not None and found.outcome == outcome, found
    assert words in found.text, found.text
