"""The day-2 runbooks (operations/) end to end, each as a subprocess against moto in server mode.

moto differs from RDS in ways the tests name where they matter:
- it answers every change at once (no `rebooting` / `modifying` states), so measured times are ~0;
- RebootDBInstance with ForceFailover keeps the primary's Availability Zone and records no failover
  event (DescribeEvents answers, with creation and backup events only): the drill is unconfirmed;
- PromoteReadReplica keeps ReadReplicaSourceDBInstanceIdentifier, so promotion is never confirmed;
- SwitchoverGlobalCluster / FailoverGlobalCluster are not implemented (HTTP 500);
- a restored instance copies the source's PubliclyAccessible and DeletionProtection;
- DescribeDBInstances has no PerformanceInsightsEnabled; snapshot create times cannot be backdated.
"""

import json

import pytest

from operations import demo
from tests.ops_estate import served_estate


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


# --- audit --------------------------------------------------------------------------------------

def _flagged(run) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in run.of_kind("finding"):
        assert set(f) == {"kind", "resource", "policy", "level", "message"}
        found.setdefault(f["resource"], set()).add(f["policy"])
    return found


def test_audit_flags_the_non_compliant_and_spares_the_compliant(estate):
    before = estate.instances()
    run = estate.run("audit")
    assert run.code == 1 and run.result["kind"] == "result"
    flagged = _flagged(run)
    assert {"rds-storage-encrypted", "rds-not-publicly-accessible", "rds-multi-az", "rds-tls-required",
            "rds-no-default-master-username", "rds-in-vpc-subnet-group"} <= flagged["legacy-mysql"]
    assert "rds-snapshot-not-public" in flagged["legacy-mysql-before-upgrade"]
    assert "no-public-ingress-to-database-ports" in flagged[estate.ids["public_sg"]]
    # The compliant primary: encrypted with the customer key, private, Multi-AZ, TLS group.
    # (Performance Insights: moto's DescribeDBInstances does not return PerformanceInsightsEnabled.)
    assert not {"rds-storage-encrypted", "rds-storage-customer-managed-key", "rds-not-publicly-accessible",
                "rds-multi-az", "rds-tls-required", "rds-deletion-protection"} & flagged["appdb-prod"]
    assert estate.ids["private_sg"] not in flagged
    # Credentials: appdb-prod's secret rotates every 30 days (same stack tags); legacy-mysql's never.
    assert "rds-credentials-rotate" not in flagged["appdb-prod"]
    assert "rds-credentials-rotate" in flagged["legacy-mysql"]
    # A replica is not asked for what it inherits; live resources have no `protect` option.
    assert not {"rds-storage-encrypted", "rds-multi-az", "rds-backup-retention"} & flagged.get("appdb-prod-reporting", set())
    assert not any("rds-protected-resource" in p for p in flagged.values())
    levels = [f["level"] for f in run.of_kind("finding")]
    assert levels and set(levels) == {"mandatory"}  # no --policy-config: every control mandatory
    assert run.result["mandatory"] == len(levels) and run.result["advisory"] == 0
    assert estate.instances() == before  # an audit only reads


def test_audit_of_the_dr_region_judges_the_cross_region_replica_on_its_own_settings(estate):
    run = estate.run("audit", region=demo.DR_REGION)
    flagged = _flagged(run)["appdb-prod-dr"]
    # Its key is the DR region's (rds-cross-region-replica-key passes), its own TLS group and a
    # private group; encryption and backups are its source's. Nothing alarms on it yet.
    assert not {"rds-cross-region-replica-key", "rds-storage-encrypted", "rds-backup-retention",
                "rds-tls-required", "rds-not-publicly-accessible"} & flagged
    assert "rds-alarms-notify" in flagged
    assert estate.ids["dr_sg"] not in _flagged(run)


def test_audit_policy_config_sets_levels_and_thresholds(estate, tmp_path):
    config = tmp_path / "stack.json"
    config.write_text(json.dumps({"all": "mandatory", "rds-multi-az": "advisory",
                                  "rds-backup-retention": {"minimumDays": 14}, "rds-required-tags": "disabled"}))
    run = estate.run("audit", "--policy-config", str(config))
    levels = {(f["resource"], f["policy"]): f["level"] for f in run.of_kind("finding")}
    assert levels[("legacy-mysql", "rds-multi-az")] == "advisory"
    assert levels[("orders", "rds-backup-retention")] == "mandatory"  # 7 days < 14
    assert not any(policy == "rds-required-tags" for _, policy in levels)
    assert run.result["advisory"] >= 1


def test_audit_bad_policy_config_is_refused(estate, tmp_path):
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"rds-nope": "advisory"}))
    run = estate.run("audit", "--policy-config", str(config))
    assert run.code == 2 and "unknown policies: rds-nope" in run.result["message"]


# --- snapshot -----------------------------------------------------------------------------------

def test_snapshot_copies_to_the_dr_region_with_the_dr_key(estate):
    run = estate.run("snapshot", "--db-instance", "appdb-prod", "--snapshot-id", "appdb-prod-manual-1",
                     "--copy-to-region", demo.DR_REGION, "--kms-key-id", estate.ids["dr_key"])
    assert run.code == 0, run.lines
    assert run.result["snapshot"] == "appdb-prod-manual-1" and run.result["encrypted"] is True
    assert run.result["copy"]["region"] == demo.DR_REGION and run.result["copy"]["kms_key_id"] == estate.ids["dr_key"]
    assert "appdb-prod-manual-1" in estate.snapshots() and "appdb-prod-manual-1" in estate.snapshots(demo.DR_REGION)


@pytest.mark.parametrize("extra, message", [
    ([], "needs --kms-key-id"),
    (["--kms-key-id", "arn:aws:kms:eu-west-1:123456789012:key/x"], "not of eu-central-1"),
])
def test_snapshot_copy_without_a_dr_key_creates_nothing(estate, extra, message):
    before = estate.snapshots()
    run = estate.run("snapshot", "--db-instance", "appdb-prod", "--copy-to-region", demo.DR_REGION, *extra)
    assert run.code == 2 and message in run.result["message"]
    assert estate.snapshots() == before


# --- metrics and rightsizing --------------------------------------------------------------------

def test_metrics_min_avg_max_p95(estate):
    run = estate.run("metrics", "--db-instance", "appdb-prod", "--hours", "24")
    assert run.code == 0
    cpu = run.result["metrics"]["CPUUtilization"]
    assert cpu["datapoints"] > 10 and cpu["min"] <= cpu["avg"] <= cpu["max"] and cpu["p95"] <= cpu["max"]
    assert run.result["metrics"]["FreeableMemory"]["avg"] == pytest.approx(24, rel=0.01)  # GiB seeded
    assert "ReplicaLag" not in run.result["metrics"]  # a primary has no lag
    replica = estate.run("metrics", "--db-instance", "appdb-prod-reporting", "--hours", "24")
    assert "ReplicaLag" in replica.result["metrics"]


def test_rightsizing_recommendations_and_savings(estate):
    # moto stamps snapshots with the time they were taken: age 0 makes the seeded one "old".
    run = estate.run("rightsizing", "--days", "7", "--snapshot-age-days", "0")
    assert run.code == 0
    found = {(r["resource"], r["kind"]): r for r in run.result["recommendations"]}
    down = found[("appdb-prod", "downsize")]
    assert down["proposed"] == "db.r6g.large"
    assert down["monthly_savings_usd"] == pytest.approx((0.45 - 0.225) * 730 * 2)  # Multi-AZ: two instances
    assert found[("appdb-prod-reporting", "upsize")]["proposed"] == "db.r6g.2xlarge"
    assert found[("legacy-mysql", "idle")]["monthly_savings_usd"] == pytest.approx(0.178 * 730)
    assert ("legacy-mysql", "gp2->gp3") in found and ("legacy-mysql-before-upgrade", "old snapshot") in found
    assert run.result["prices"]["source"].startswith("https://aws.amazon.com/rds/") and run.result["prices"]["date"]
    assert "ESTIMATES" in run.result["prices"]["note"]


# --- credentials --------------------------------------------------------------------------------

def _managed_secret(estate, identifier):
    return estate.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["MasterUserSecret"]["SecretArn"]


def test_rotate_credentials_needs_confirm_and_changes_nothing_without(estate):
    arn = _managed_secret(estate, "billing-prod")
    versions = estate.client("secretsmanager").describe_secret(SecretId=arn)["VersionIdsToStages"]
    run = estate.run("rotate-credentials", "--db-instance", "billing-prod")
    assert run.code == 2 and "--confirm billing-prod" in run.result["message"]
    assert estate.client("secretsmanager").describe_secret(SecretId=arn)["VersionIdsToStages"] == versions


def test_rotate_credentials_of_the_rds_managed_secret(estate):
    arn = _managed_secret(estate, "billing-prod")
    value = estate.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    run = estate.run("rotate-credentials", "--db-instance", "billing-prod", "--confirm", "billing-prod")
    assert run.code == 0, run.lines
    assert run.result["rds_managed"] is True and run.result["current_version"] != run.result["previous_version"]
    assert run.result["secret_arn"] == arn
    assert value and value not in json.dumps(run.lines) + run.stderr  # the secret itself is never printed


def test_rotate_credentials_of_the_programs_own_secret(estate):
    arn = estate.ids["program_secret"]
    run = estate.run("rotate-credentials", "--db-instance", "appdb-prod", "--confirm", "appdb-prod", "--secret-id", arn)
    assert run.code == 0, run.lines
    assert run.result["rds_managed"] is False and run.result["current_version"] != run.result["previous_version"]
    managed_elsewhere = estate.run("rotate-credentials", "--db-instance", "billing-prod", "--confirm", "billing-prod",
                                   "--secret-id", arn)
    assert managed_elsewhere.code == 2 and "RDS-managed" in managed_elsewhere.result["message"]


def test_rotate_credentials_refuses_a_secret_without_rotation(estate):
    arn = estate.client("secretsmanager").create_secret(Name="appdb-unrotated", SecretString="x" * 16,
                                                        Tags=demo._tags(demo.PROD_TAGS))["ARN"]
    run = estate.run("rotate-credentials", "--db-instance", "appdb-prod", "--confirm", "appdb-prod",
                     "--secret-id", arn)
    assert run.code == 2 and "no rotation function" in run.result["message"]
    no_secret = estate.run("rotate-credentials", "--db-instance", "legacy-mysql", "--confirm", "legacy-mysql")
    assert no_secret.code == 2 and "--secret-id" in no_secret.result["message"]


def _rotating_secret(estate, name, tags):
    sm = estate.client("secretsmanager")
    arn = sm.create_secret(Name=name, SecretString="x" * 16, Tags=demo._tags(tags))["ARN"]
    sm.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    return arn, sm.describe_secret(SecretId=arn)["VersionIdsToStages"]


@pytest.mark.parametrize("database, tags", [
    ("appdb-prod", {**demo.PROD_TAGS, "Environment": "dev"}),  # another stack's secret
    ("appdb-prod", {"Environment": "prod"}),                    # no Project: tied to no stack
    ("legacy-mysql", {"Environment": "legacy"}),                # the database itself has no Project
])
def test_rotate_credentials_refuses_a_secret_of_another_database(estate, database, tags):
    arn, versions = _rotating_secret(estate, f"foreign-{database}-{len(tags)}-{tags['Environment']}", tags)
    run = estate.run("rotate-credentials", "--db-instance", database, "--confirm", database, "--secret-id", arn)
    assert run.code == 2 and f"not tied to '{database}'" in run.result["message"], run.lines
    assert estate.client("secretsmanager").describe_secret(SecretId=arn)["VersionIdsToStages"] == versions


# --- one rule, two front ends: the pack (over the analyzer protocol) and the audit agree ---------

def _registration(resource):
    from operations.pack import UNKNOWN as NO_VERDICT
    from plan.registration import UNKNOWN, Registration

    def plain(value):
        if value is NO_VERDICT:
            return UNKNOWN  # what the engine sends for a value it does not know
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return Registration(urn=resource.urn, type=resource.type, name=resource.name, custom=True, parent="",
                        provider="", inputs=plain(dict(resource.props)), options={})


def test_pack_and_audit_flag_the_same_policies_on_the_same_live_resources(estate, pack, monkeypatch):
    from operations import live
    from operations.clients import Clients
    from operations.pack import Resource, evaluate
    from rds_guardrails.controls import RESOURCE_RULES

    for key, value in demo.FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    resources = live.collect(Clients(demo.REGION, estate.endpoint), Resource)
    by_name = {r.name: r for r in resources}
    resource_policies = {rule.name for rule in RESOURCE_RULES}
    compared = ["appdb-prod", "appdb-prod-reporting", "legacy-mysql", "orders", "orders-1",
                "legacy-mysql-before-upgrade", estate.ids["public_sg"], estate.ids["private_sg"]]
    assert set(compared) <= set(by_name)
    for name in compared:
        from_pack = {v.policy for v in pack.analyze(_registration(by_name[name]))}
        from_audit = {f.policy for f in evaluate([by_name[name]]) if f.policy in resource_policies}
        # Live resources carry no resource options: the audit gives `protect` no verdict, while
        # a planned resource without protect=True is flagged by the pack.
        assert from_pack - from_audit <= {"rds-protected-resource"}, name
        assert from_audit - from_pack == set(), name
    assert {v.policy for v in pack.analyze(_registration(by_name["legacy-mysql"]))} >= {"rds-storage-encrypted", "rds-multi-az"}

    # Stack controls: AnalyzeStack over every live resource against evaluate() over the same list.
    registrations = [_registration(r) for r in resources]
    urn_to_name = {r.urn: r.name for r in resources}
    stack_policies = {f.policy for f in evaluate(resources)} - resource_policies
    assert {"rds-tls-required", "rds-alarms-notify"} <= stack_policies
    from_pack = {(urn_to_name[v.urn], v.policy) for v in pack.analyze_stack(registrations)}
    from_audit = {(f.resource, f.policy) for f in evaluate(resources) if f.policy not in resource_policies}
    assert from_pack == from_audit


# --- drills and promotion (these change the estate: they run last) -------------------------------

def test_restore_drill_refused_without_confirm_creates_nothing(estate):
    before = estate.instances()
    run = estate.run("restore-drill", "--db-instance", "appdb-prod")
    assert run.code == 2 and "--confirm appdb-prod" in run.result["message"]
    late = estate.run("restore-drill", "--db-instance", "appdb-prod", "--confirm", "appdb-prod",
                      "--to-time", "2020-01-01T00:00:00Z")
    assert late.code == 2 and "outside the restorable window" in late.result["message"]
    assert estate.instances() == before


def test_restore_drill_measures_checks_and_deletes_only_its_instance(estate):
    before = estate.instances()
    run = estate.run("restore-drill", "--db-instance", "appdb-prod", "--confirm", "appdb-prod",
                     "--drill-id", "appdb-prod-drill-test")
    assert run.code == 0, run.lines
    result = run.result
    assert result["drill"] == "appdb-prod-drill-test" and result["failed_checks"] == []
    assert {c["check"] for c in result["checks"]} >= {"subnet group", "security groups", "encryption"}
    assert result["rto_seconds"] >= 0 and result["rpo_seconds"] is not None
    assert run.stderr == ""  # --json: no progress display, even while waiting
    assert estate.instances() == before  # the drill's instance is gone, nothing else changed


def test_restore_drill_to_a_given_time(estate):
    import datetime

    point = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run = estate.run("restore-drill", "--db-instance", "appdb-prod", "--confirm", "appdb-prod", "--to-time", point,
                     "--drill-id", "appdb-prod-drill-at")
    assert run.code == 0, run.lines
    assert run.result["restore_point"].startswith(point[:16]) and run.result["rpo_seconds"] is None
    assert "appdb-prod-drill-at" not in estate.instances()


def test_failover_drill_refuses_a_single_az_instance(estate):
    before = estate.instances()
    run = estate.run("failover-drill", "--db-instance", "legacy-mysql", "--confirm", "legacy-mysql")
    assert run.code == 2 and "single-AZ" in run.result["message"]
    unconfirmed = estate.run("failover-drill", "--db-instance", "appdb-prod", "--confirm", "appdb-pro")
    assert unconfirmed.code == 2
    assert estate.instances() == before


def test_failover_drill_of_a_multi_az_instance_and_a_cluster(estate):
    run = estate.run("failover-drill", "--db-instance", "appdb-prod", "--confirm", "appdb-prod")
    # moto accepts the reboot but records no failover event and keeps the primary in its AZ (see
    # the module docstring): no evidence, so the drill says so and exits 1 instead of claiming it.
    assert run.code == 1 and run.result["confirmed"] is False and run.result["failed_over"] is False
    assert run.result["failover_seconds"] is None and run.result["seconds_until_available"] >= 0
    assert run.result["evidence"] == [] and run.result["failover_events"] == []
    assert run.result["az_before"] == run.result["az_after"]
    assert "DescribeEvents of db-instance appdb-prod, category failover" in run.result["checked"]
    assert any(n["message"].startswith("failover not confirmed: no completed-failover event") for n in run.of_kind("note"))
    writer = estate.run("failover-drill", "--db-cluster", "orders", "--confirm", "orders", "--target-instance", "nope")
    assert writer.code == 2 and "not a reader" in writer.result["message"]
    cluster = estate.run("failover-drill", "--db-cluster", "orders", "--confirm", "orders")
    assert cluster.code == 0 and cluster.result["confirmed"] is True, cluster.lines
    assert cluster.result["writer_before"] != cluster.result["writer_after"]
    assert cluster.result["writer_after"] in ("orders-1", "orders-2")


def test_promote_replica_refuses_a_primary_and_prints_the_stack_change(estate):
    before = estate.instances()
    refused = estate.run("promote-replica", "--db-instance", "appdb-prod", "--confirm", "appdb-prod")
    assert refused.code == 2 and "not a read replica" in refused.result["message"]
    unconfirmed = estate.run("promote-replica", "--db-instance", "appdb-prod-reporting")
    assert unconfirmed.code == 2 and "--confirm appdb-prod-reporting" in unconfirmed.result["message"]
    assert estate.instances() == before
    run = estate.run("promote-replica", "--db-instance", "appdb-prod-reporting", "--confirm", "appdb-prod-reporting",
                     "--wait-timeout", "1")
    # moto never clears ReadReplicaSourceDBInstanceIdentifier: the promotion stays unconfirmed (exit 1).
    assert run.code == 1 and run.result["confirmed"] is False
    assert run.result["backup_retention"] == 14  # the source's, not PromoteReadReplica's default of 1
    steps = "\n".join(run.result["stack_steps"])
    assert "pulumi refresh --stack prod" in steps and "`- name: reporting`" in steps and "Pulumi.prod.yaml" in steps


@pytest.mark.parametrize("extra, operation", [([], "SwitchoverGlobalCluster"),
                                               (["--allow-data-loss"], "FailoverGlobalCluster")])
def test_promote_global_secondary_reports_the_unsupported_call(estate, extra, operation):
    rds = estate.client("rds", demo.DR_REGION)
    before = rds.describe_global_clusters()["GlobalClusters"]
    run = estate.run("promote-replica", "--db-cluster", "orders-dr", "--confirm", "orders-dr", *extra,
                     region=demo.DR_REGION)
    # moto does not implement the global database calls: the runbook names the call, no traceback.
    assert run.code == 2 and operation in run.result["message"] and "may not implement" in run.result["message"]
    assert rds.describe_global_clusters()["GlobalClusters"] == before


def test_snapshot_of_a_cluster(estate):
    run = estate.run("snapshot", "--db-cluster", "orders", "--snapshot-id", "orders-manual-1")
    assert run.code == 0, run.lines
    assert run.result["snapshot"] == "orders-manual-1" and run.result["copy"] is None
    snaps = estate.client("rds").describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="orders-manual-1")
    assert snaps["DBClusterSnapshots"][0]["Status"] == "available"


def test_restore_drill_of_an_aurora_cluster_adds_an_instance_and_deletes_both(estate):
    rds = estate.client("rds")
    clusters_before = {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}
    before = estate.instances()
    run = estate.run("restore-drill", "--db-cluster", "orders", "--confirm", "orders", "--drill-id", "orders-drill")
    assert run.code == 0, run.lines
    assert run.result["drill"] == "orders-drill" and run.result["failed_checks"] == []
    assert any("adding instance orders-drill-1" in n["message"] for n in run.of_kind("note"))
    assert {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]} == clusters_before
    assert estate.instances() == before


def test_promote_a_cross_region_replica_keeps_the_source_retention(estate):
    run = estate.run("promote-replica", "--db-instance", "appdb-prod-dr", "--confirm", "appdb-prod-dr",
                     "--wait-timeout", "1", region=demo.DR_REGION)
    assert run.code == 1 and run.result["former_source"].startswith("arn:aws:rds:eu-west-1:")
    assert run.result["backup_retention"] == 14  # read from the source in its own region
    assert "`- name: dr`" in "\n".join(run.result["stack_steps"])


def test_restore_drill_of_aurora_refuses_a_drill_id_whose_instance_name_is_taken(estate):
    # The drill would add "<drill-id>-1" to its cluster; a foreign instance of that name would make
    # the cleanup stop before the drill cluster. Refused before anything is restored.
    rds = estate.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="orders-taken-1", DBInstanceClass="db.t4g.micro", Engine="postgres",
                           MasterUsername="dbowner", MasterUserPassword="not-a-real-password-1", AllocatedStorage=20)
    try:
        clusters_before = {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]}
        run = estate.run("restore-drill", "--db-cluster", "orders", "--confirm", "orders", "--drill-id", "orders-taken")
        assert run.code == 2
        assert "'orders-taken-1' (the drill's Aurora instance) already exists" in run.of_kind("error")[0]["message"]
        assert {c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]} == clusters_before
        assert rds.describe_db_instances(DBInstanceIdentifier="orders-taken-1")["DBInstances"]
    finally:
        rds.delete_db_instance(DBInstanceIdentifier="orders-taken-1", SkipFinalSnapshot=True)
