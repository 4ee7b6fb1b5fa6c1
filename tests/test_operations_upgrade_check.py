"""upgrade-check: upgrade targets, maintenance, support dates from the pack's lifecycle table, the
Extended Support cost in the rightsizing units, replica order and blue/green, read-only."""

import datetime
import io
import subprocess
import sys

import pytest
from rich.console import Console

from operations import upgrade_check
from operations.pack import lifecycle
from operations.output import Output
from tests.ops_estate import ENV, ROOT, served_estate

DAY = datetime.date(2026, 12, 5)


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


@pytest.fixture(scope="module")
def region_report(estate):
    rds = estate.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="shop-mysql", DBInstanceClass="db.r6g.large", Engine="mysql",
                           EngineVersion="8.0.35", MasterUsername="admin", MasterUserPassword="x" * 20,
                           AllocatedStorage=20, BackupRetentionPeriod=7)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="shop-mysql-ro", SourceDBInstanceIdentifier="shop-mysql",
                                        DBInstanceClass="db.r6g.large")
    arn = rds.describe_db_instances(DBInstanceIdentifier="legacy-mysql")["DBInstances"][0]["DBInstanceArn"]
    estate.recorded.pending[arn] = [{"Action": "system-update", "Description": "OS patch"}]
    before = (estate.instances(), estate.snapshots())
    try:
        run = estate.run("upgrade-check")
    finally:
        estate.recorded.pending.clear()
    assert (estate.instances(), estate.snapshots()) == before  # it only reads
    return run


def _of(run, name: str) -> dict:
    found = [d for d in run.result["databases"] if d["database"] == name]
    assert len(found) == 1, [d["database"] for d in run.result["databases"]]
    return found[0]


def test_every_primary_and_cluster_is_reported_once_replicas_with_their_primary(region_report):
    names = {d["database"] for d in region_report.result["databases"]}
    assert names == {"appdb-prod", "legacy-mysql", "billing-prod", "orders", "shop-mysql"}


def test_targets_dates_and_phase_come_from_the_api_and_the_packs_table(region_report):
    appdb = _of(region_report, "appdb-prod")
    assert appdb["upgrade_targets"] == {"minor": ["16.6"], "major": ["17.2"]}
    assert appdb["standard_support_end"] == lifecycle.standard_support_end("postgres", "16.4").isoformat()
    assert appdb["extended_support_end"] == lifecycle.extended_support_end("postgres", "16.4").isoformat()
    assert appdb["engine_lifecycle_support"] is None  # moto's describe answer does not carry it
    today = datetime.datetime.now(datetime.timezone.utc).date()
    phases = {d["database"]: d["phase"] for d in region_report.result["databases"]}
    assert phases["legacy-mysql"] == lifecycle.phase("mysql", "8.0.35", today)
    past = sorted(n for n, p in phases.items() if p in ("extended", "ended"))
    assert sorted(region_report.result["past_standard_support"]) == past
    assert region_report.code == (1 if past else 0)


def test_pending_maintenance_is_listed(region_report):
    assert _of(region_report, "legacy-mysql")["pending_maintenance"] == ["system-update: OS patch"]
    assert _of(region_report, "appdb-prod")["pending_maintenance"] == []


def test_replicas_and_the_order_an_upgrade_needs(region_report):
    appdb = _of(region_report, "appdb-prod")
    assert {(r["replica"], r["region"], r["engine_version"]) for r in appdb["replicas"]} == {
        ("appdb-prod-reporting", "eu-west-1", "16.4"), ("appdb-prod-dr", "eu-central-1", "16.4")}
    # appdb-prod-dr is in eu-central-1: RDS does not upgrade it with the primary, and it can't be
    # upgraded on its own (docs/aws-rules.md row 61), so the order says to remove it first.
    assert appdb["upgrade_order"].startswith("RDS upgrades the in-Region read replicas appdb-prod-reporting with the "
                                             "primary's major version upgrade, but not the cross-Region read "
                                             "replicas appdb-prod-dr (eu-central-1), which can't be upgraded on their "
                                             "own: delete them first (a stack of this project: remove them from "
                                             "rdsplatform:replicas and run pulumi up), upgrade the primary, then "
                                             "create them again from it")
    assert upgrade_check.POSTGRES_REPLICAS_DOC in appdb["upgrade_order"]
    shop = _of(region_report, "shop-mysql")
    assert [r["replica"] for r in shop["replicas"]] == ["shop-mysql-ro"]
    assert shop["upgrade_order"].startswith("upgrade the read replicas first, then the primary")
    assert _of(region_report, "legacy-mysql")["upgrade_order"] == "no read replicas"


REPORTING = {"replica": "appdb-prod-reporting", "region": "eu-west-1", "engine_version": "16.4"}
DR = {"replica": "appdb-prod-dr", "region": "eu-central-1", "engine_version": "16.4"}


@pytest.mark.parametrize("replicas, expected", [
    # Baseline: PostgreSQL in-Region replicas go with the primary.
    ([REPORTING], "RDS upgrades the read replicas with the primary's major version upgrade"),
    # One change: a cross-Region replica beside it.
    ([REPORTING, DR], "RDS upgrades the in-Region read replicas appdb-prod-reporting with the primary's major "
                      "version upgrade, but not the cross-Region read replicas appdb-prod-dr (eu-central-1)"),
    # Only a cross-Region replica.
    ([DR], "RDS does not upgrade the cross-Region read replicas appdb-prod-dr (eu-central-1), which can't be "
           "upgraded on their own: delete them first"),
    ([], "no read replicas"),
])
def test_a_postgres_upgrade_order_names_the_cross_region_replicas(replicas, expected):
    assert upgrade_check.upgrade_order("postgres", replicas, "eu-west-1").startswith(expected)


def test_the_extended_support_figure_counts_each_replica(estate, region_report):
    appdb = _of(region_report, "appdb-prod")
    cost = appdb["extended_support_cost"]
    rds = {region: estate.client("rds", region) for region in ("eu-west-1", "eu-central-1")}
    described = {r["replica"]: rds[r["region"]].describe_db_instances(DBInstanceIdentifier=r["replica"])["DBInstances"][0]
                 for r in appdb["replicas"]}
    # Each replica with its vCPUs as RDS describes it (db.r6g.xlarge: 4; its standby when Multi-AZ: 4 more).
    assert cost["replicas"] == [
        {"replica": name, "instance_class": "db.r6g.xlarge", "multi_az": d["MultiAZ"], "vcpus": 8 if d["MultiAZ"] else 4}
        for name, d in described.items()]
    assert [r["replica"] for r in cost["replicas"]] == ["appdb-prod-reporting", "appdb-prod-dr"]
    primary = 8  # db.r6g.xlarge, Multi-AZ
    assert cost["vcpus"] == primary + sum(r["vcpus"] for r in cost["replicas"]) > primary
    assert cost["usd_per_month"] == round(cost["vcpus"] * 0.1 * 730, 2)
    notes = " ".join(line["message"] for line in region_report.of_kind("note"))
    assert "appdb-prod: the Extended Support figure counts its read replicas appdb-prod-reporting (db.r6g.xlarge" in notes


def test_whether_blue_green_is_possible_and_why_not(region_report):
    assert _of(region_report, "legacy-mysql")["blue_green"] == {"possible": True, "why_not": []}
    appdb = _of(region_report, "appdb-prod")["blue_green"]
    assert appdb["possible"] is False and "cross-Region read replica" in appdb["why_not"][0]
    billing = _of(region_report, "billing-prod")["blue_green"]
    assert billing["possible"] is False and "Secrets Manager" in billing["why_not"][0]


def test_one_database_and_an_unknown_one(estate):
    one = estate.run("upgrade-check", "--db-instance", "billing-prod")
    assert [d["database"] for d in one.result["databases"]] == ["billing-prod"]
    missing = estate.run("upgrade-check", "--db-cluster", "nope")
    assert missing.code == 2 and missing.result["message"] == "no DB cluster 'nope' in eu-west-1"


@pytest.mark.parametrize("engine, version, classes, multi_az, today, expected", [
    # In standard support: what enrolment would add from the day after its end (year-1 rate).
    ("postgres", "16.4", ["db.r6g.xlarge"], False, DAY,
     {"from": datetime.date(2029, 3, 1), "vcpus": 4, "year": "1-2", "usd_per_vcpu_hour": 0.1, "usd_per_month": 292.0, "replicas": []}),
    # A Multi-AZ deployment's standby is charged too.
    ("postgres", "16.4", ["db.r6g.xlarge"], True, DAY,
     {"from": datetime.date(2029, 3, 1), "vcpus": 8, "year": "1-2", "usd_per_vcpu_hour": 0.1, "usd_per_month": 584.0, "replicas": []}),
    # More than two years past the end: the year-3 rate.
    ("postgres", "11.22", ["db.m5.large"], False, DAY,
     {"from": datetime.date(2024, 3, 1), "vcpus": 2, "year": "3", "usd_per_vcpu_hour": 0.2, "usd_per_month": 292.0, "replicas": []}),
    # Aurora MySQL keeps the year-1 rate throughout; a cluster's instances add up.
    ("aurora-mysql", "5.7.mysql_aurora.2.11.2", ["db.r6g.large", "db.r6g.large"], False, datetime.date(2027, 12, 1),
     {"from": datetime.date(2024, 11, 1), "vcpus": 4, "year": "1-2", "usd_per_vcpu_hour": 0.1, "usd_per_month": 292.0, "replicas": []}),
])
def test_extended_support_cost_in_the_rightsizing_units(engine, version, classes, multi_az, today, expected):
    assert upgrade_check.extended_support_cost(engine, version, classes, multi_az, today) == expected


REPLICA = {"replica": "ro", "instance_class": "db.r6g.large", "multi_az": False}


@pytest.mark.parametrize("replicas, vcpus, why", [
    ([], 4, None),  # baseline: the primary only (db.r6g.xlarge)
    ([REPLICA], 6, None),  # a replica's vCPUs are charged too
    ([{**REPLICA, "multi_az": True}], 8, None),  # and its standby's
    ([{**REPLICA, "instance_class": None}], None, "ro (class unknown)"),  # unreadable: no guess
])
def test_extended_support_cost_of_replicas(replicas, vcpus, why):
    cost = upgrade_check.extended_support_cost("postgres", "16.4", ["db.r6g.xlarge"], False, DAY, replicas)
    assert cost["vcpus"] == vcpus and len(cost["replicas"]) == len(replicas)
    if why:
        assert cost["usd_per_month"] is None and why in cost["why"]
    else:
        assert cost["usd_per_month"] == round(vcpus * 0.1 * 730, 2)


def test_only_replicas_on_the_primarys_major_and_enrolled_are_charged():
    base = {"replica": "ro", "region": "eu-west-1", "engine_version": "8.0.35", "instance_class": "db.r6g.large",
            "multi_az": False, "engine_lifecycle_support": None}
    upgraded = {**base, "replica": "ro-84", "engine_version": "8.4.3"}
    opted_out = {**base, "replica": "ro-off", "engine_lifecycle_support": lifecycle.EXTENDED_SUPPORT_DISABLED}
    charged = upgrade_check._charged_replicas("mysql", "8.0.35", [base, upgraded, opted_out])
    assert [r["replica"] for r in charged] == ["ro"]


def test_no_cost_without_a_table_row_and_no_guess_for_an_unknown_class():
    assert upgrade_check.extended_support_cost("mariadb", "10.11.9", ["db.r6g.large"], False, DAY) is None
    unknown = upgrade_check.extended_support_cost("postgres", "16.4", ["db.x2g.16xlarge"], False, DAY)
    assert unknown["usd_per_month"] is None and "db.x2g.16xlarge" in unknown["why"]


def test_piped_text_keeps_every_value_whole(estate):
    # A person piping to grep or a file at 80 columns: one `column: value` line per field, nothing cut.
    done = subprocess.run([sys.executable, "-m", "operations", "upgrade-check", "--region", "eu-west-1",
                           "--endpoint-url", estate.endpoint], cwd=ROOT, env={**ENV, "COLUMNS": "80"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert "…" not in done.stdout
    lines = done.stdout.splitlines()
    record = lines[lines.index("- database: appdb-prod"):][:8]
    assert record == ["- database: appdb-prod", "  engine: postgres 16.4",
                      f"  standard support ends: {lifecycle.standard_support_end('postgres', '16.4')}",
                      "  phase: standard", record[4], "  major targets: 17.2", "  pending: 0",
                      "  blue/green: not possible"]
    assert record[4].startswith("  Extended Support USD/month: ")


def test_a_terminal_still_gets_a_table():
    out = Output(as_json=False)
    out.console = Console(file=io.StringIO(), force_terminal=True, width=80, highlight=False, emoji=False)
    out.table("t", ["database", "engine"], [["appdb-prod", "postgres 16.4"]])
    text = out.console.file.getvalue()
    assert "┃" in text or "│" in text
    assert "database: appdb-prod" not in text and "appdb-prod" in text
