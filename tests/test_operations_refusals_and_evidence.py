"""The runbooks at 3 a.m.: names RDS would refuse are refused first, a failover counts only with
evidence, and a DR promotion does not hang on a source region that is down."""

import datetime
import json
import os

import pytest

from operations import cli, demo, failover_evidence
from operations.clients import Clients
from tests.ops_estate import closed_endpoint, served_estate


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


def _json_lines(out: str) -> list[dict]:
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines, "no output"
    return lines


# --- names: refused by the parser, before any AWS client exists ----------------------------------

DRILL = ["restore-drill", "--db-instance", "appdb", "--confirm", "appdb", "--drill-id"]
SNAPSHOT = ["snapshot", "--db-instance", "appdb", "--snapshot-id"]


@pytest.mark.parametrize("argv, reason", [
    (DRILL + ["9drill"], "the first character must be a letter"),
    (DRILL + ["drill-"], "it must not end with a hyphen"),
    (DRILL + ["drill--1"], "it must not contain two consecutive hyphens"),
    (DRILL + ["drill_1"], "only letters, digits and hyphens are allowed"),
    (DRILL + ["d" * 64], "64 characters, not 1-63"),
    (DRILL + [""], "0 characters, not 1-63"),
    (SNAPSHOT + ["1snap"], "the first character must be a letter"),
    (SNAPSHOT + ["snap.1"], "only letters, digits and hyphens are allowed"),
    (SNAPSHOT + ["snap--1"], "it must not contain two consecutive hyphens"),
    (SNAPSHOT + ["s" * 256], "256 characters, not 1-255"),
])
def test_a_bad_name_is_one_json_error_with_key_value_and_what_is_allowed(monkeypatch, capsys, argv, reason):
    monkeypatch.setattr(cli, "Clients", lambda *a: pytest.fail("an AWS client was made for a refused name"))
    with pytest.raises(SystemExit) as exited:
        cli.main([*argv, "--region", "eu-west-1", "--json"])
    (line,) = _json_lines(capsys.readouterr().out)
    key, value = argv[-2], argv[-1]
    assert exited.value.code == 2 and line["kind"] == "error"
    assert f"argument {key}: {value!r}" in line["message"] and reason in line["message"]
    assert "allowed: 1-" in line["message"] and "a letter first, no trailing or double hyphen" in line["message"]


@pytest.mark.parametrize("days", ["-1", "36", "1.5", "week"])
def test_a_backup_retention_outside_0_to_35_days_is_refused(monkeypatch, capsys, days):
    monkeypatch.setattr(cli, "Clients", lambda *a: pytest.fail("an AWS client was made for a refused value"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["promote-replica", "--db-instance", "r", "--confirm", "r", "--backup-retention", days,
                  "--region", "eu-west-1", "--json"])
    (line,) = _json_lines(capsys.readouterr().out)
    assert exited.value.code == 2
    assert f"argument --backup-retention: {days!r} is not a backup retention (whole days, 0-35)" in line["message"]


@pytest.mark.parametrize("argv, message", [
    (["audit", "--region", "eu-wset-1"], "argument --region: 'eu-wset-1' is not an AWS region with RDS"),
    (["snapshot", "--db-instance", "appdb", "--copy-to-region", "eu-centrl-1"],
     "argument --copy-to-region: 'eu-centrl-1' is not an AWS region with RDS"),
    (["rightsizing", "--days", "nan"], "argument --days: 'nan' is not a positive finite number of days"),
    (["rightsizing", "--days", "-3"], "argument --days: '-3' is not a positive finite number of days"),
    (["rightsizing", "--snapshot-age-days", "inf"], "argument --snapshot-age-days: 'inf' is not a finite number of days"),
    (["rightsizing", "--snapshot-age-days", "-1"], "argument --snapshot-age-days: '-1' is not a finite number of days"),
    (["rightsizing", "--low-cpu", "120"], "argument --low-cpu: '120' is not a percentage (0-100)"),
    (["metrics", "--db-instance", "appdb", "--hours", "0"], "argument --hours: '0' is not a positive finite number of hours"),
    (["metrics", "--db-instance", "appdb", "--hours", "-2"], "argument --hours: '-2' is not a positive finite number of hours"),
    (["metrics", "--db-instance", "appdb", "--hours", "nan"], "argument --hours: 'nan' is not a positive finite number of hours"),
    (["rightsizing", "--idle-cpu", "nan"], "argument --idle-cpu: 'nan' is not a percentage (0-100)"),
])
def test_a_bad_region_or_number_is_refused_before_any_client(monkeypatch, capsys, argv, message):
    monkeypatch.setattr(cli, "Clients", lambda *a: pytest.fail("an AWS client was made for a refused value"))
    region = [] if "--region" in argv else ["--region", "eu-west-1"]
    with pytest.raises(SystemExit) as exited:
        cli.main([*argv, *region, "--json"])
    (line,) = _json_lines(capsys.readouterr().out)
    assert exited.value.code == 2 and message in line["message"]


def test_a_misspelt_region_is_answered_with_the_closest_ones(capsys):
    with pytest.raises(SystemExit):
        cli.main(["audit", "--region", "eu-wset-1", "--json"])
    (line,) = _json_lines(capsys.readouterr().out)
    assert "did you mean eu-west-1" in line["message"]


def test_every_partitions_regions_are_accepted():
    from operations.identifiers import rds_regions
    regions = rds_regions()
    assert {"eu-west-1", "cn-north-1", "us-gov-west-1"} <= regions  # aws, aws-cn, aws-us-gov
    assert "eu-west-9" not in regions


def test_a_low_cpu_threshold_above_the_high_one_is_refused(estate):
    run = estate.run("rightsizing", "--low-cpu", "90", "--high-cpu", "80")
    assert run.code == 2 and run.result["message"] == "--low-cpu 90 must be below --high-cpu 80"


def test_the_longest_allowed_names_pass_the_parser():
    args = cli.parser().parse_args(DRILL + ["d" * 63])
    assert args.drill_id == "d" * 63
    assert cli.parser().parse_args(SNAPSHOT + ["s" * 255]).snapshot_id == "s" * 255
    for days in (0, 35):
        promote = ["promote-replica", "--db-instance", "r", "--confirm", "r", "--backup-retention", str(days)]
        assert cli.parser().parse_args(promote).backup_retention == days


# --- names: refused before anything is created, against moto --------------------------------------

def _clusters(estate) -> set[str]:
    return {c["DBClusterIdentifier"] for c in estate.client("rds").describe_db_clusters()["DBClusters"]}


def _cluster_snapshots(estate) -> set[str]:
    rds = estate.client("rds")
    return {s["DBClusterSnapshotIdentifier"] for s in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]}


def test_a_bad_drill_id_creates_nothing(estate):
    before = estate.instances()
    run = estate.run("restore-drill", "--db-instance", "appdb-prod", "--confirm", "appdb-prod", "--drill-id", "drill--x")
    assert run.code == 2 and run.lines == [run.result] and "two consecutive hyphens" in run.result["message"]
    assert estate.instances() == before


def test_a_cluster_drill_id_leaves_room_for_its_aurora_instance(estate):
    instances, clusters = estate.instances(), _clusters(estate)
    too_long = "o" * 62  # a valid DB identifier, but "<id>-1" would be 64 characters
    run = estate.run("restore-drill", "--db-cluster", "orders", "--confirm", "orders", "--drill-id", too_long)
    assert run.code == 2 and run.lines == [run.result]
    assert f"--drill-id {too_long!r} is 62 characters; with --db-cluster at most 61" in run.result["message"]
    assert "'<drill-id>-1'" in run.result["message"]
    assert estate.instances() == instances and _clusters(estate) == clusters


def test_the_longest_cluster_drill_id_restores_and_deletes(estate):
    drill_id = "o" * 61
    instances, clusters = estate.instances(), _clusters(estate)
    run = estate.run("restore-drill", "--db-cluster", "orders", "--confirm", "orders", "--drill-id", drill_id)
    assert run.code == 0, run.lines
    assert run.result["drill"] == drill_id
    assert any(f"adding instance {drill_id}-1 " in n["message"] for n in run.of_kind("note"))
    assert estate.instances() == instances and _clusters(estate) == clusters


def test_a_cluster_snapshot_id_over_63_is_refused_before_the_snapshot(estate):
    before = _cluster_snapshots(estate)
    run = estate.run("snapshot", "--db-cluster", "orders", "--snapshot-id", "s" * 64)
    assert run.code == 2 and run.lines == [run.result]
    assert "is not a DB cluster snapshot identifier (64 characters, not 1-63" in run.result["message"]
    assert _cluster_snapshots(estate) == before


def test_a_bad_snapshot_id_creates_no_snapshot(estate):
    before = estate.snapshots()
    run = estate.run("snapshot", "--db-instance", "appdb-prod", "--snapshot-id", "appdb-prod-")
    assert run.code == 2 and "must not end with a hyphen" in run.result["message"]
    assert estate.snapshots() == before


def test_the_default_snapshot_name_of_a_63_character_cluster_fits_a_cluster_snapshot(estate):
    name = "c" * 63
    estate.client("rds").create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql",
                                           MasterUsername="dbowner", MasterUserPassword="not-a-real-password-1")
    try:
        run = estate.run("snapshot", "--db-cluster", name)
        assert run.code == 0, run.lines
        snapshot = run.result["snapshot"]
        assert len(snapshot) <= 63 and snapshot.startswith("c" * 20) and "-ops-" in snapshot
        assert snapshot in _cluster_snapshots(estate)
    finally:
        rds = estate.client("rds")
        for snap in _cluster_snapshots(estate):
            if snap.startswith("c" * 20):
                rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snap)
        rds.delete_db_cluster(DBClusterIdentifier=name, SkipFinalSnapshot=True)


# --- failover-drill: evidence, not the absence of an error ------------------------------------------

T0 = datetime.datetime(2026, 11, 30, 3, 0, tzinfo=datetime.timezone.utc)


def _event(minutes: float, message: str) -> dict:
    return {"date": T0 + datetime.timedelta(minutes=minutes), "message": message}


@pytest.mark.parametrize("events, az_after, confirmed, refused", [
    ([], "eu-west-1a", False, False),                                                       # nothing happened
    ([_event(1, "Multi-AZ instance failover started")], "eu-west-1a", False, False),        # started is not done
    ([_event(1, "A Multi-AZ failover has completed.")], "eu-west-1a", True, False),         # RDS-EVENT-0049
    ([_event(2, "Multi-AZ instance failover completed")], "eu-west-1a", True, False),      # as RDS words it
    ([], "eu-west-1b", True, False),                                                        # a new primary AZ
    ([_event(1, "Amazon RDS is not attempting a requested failover because a failover recently occurred "
                "on the DB instance.")], "eu-west-1a", False, True),                        # RDS-EVENT-0034
])
def test_a_failover_is_confirmed_only_by_a_completed_event_or_a_new_az(events, az_after, confirmed, refused):
    verdict = failover_evidence.judge(events, "eu-west-1a", az_after)
    assert verdict.confirmed is confirmed and (verdict.refusal is not None) is refused
    assert bool(verdict.evidence) is confirmed and verdict.events == events


def test_the_request_time_is_the_servers_date_less_its_rounding():
    response = {"ResponseMetadata": {"HTTPHeaders": {"date": "Mon, 30 Nov 2026 03:00:05 GMT"}}}
    assert failover_evidence.request_time(response, T0) == T0 + datetime.timedelta(seconds=4)
    assert failover_evidence.request_time({"ResponseMetadata": {"HTTPHeaders": {}}}, T0) == T0
    assert failover_evidence.request_time({"ResponseMetadata": {"HTTPHeaders": {"date": "soon"}}}, T0) == T0


class _Paginator:
    def __init__(self, events):
        self.events = events

    def paginate(self, **_):
        return [{"Events": self.events}]


class _RdsWithEvents:
    """An endpoint that ignores DescribeEvents' filters and answers with every event it has."""

    def __init__(self, events):
        self.events = events

    def get_paginator(self, name):
        assert name == "describe_events"
        return _Paginator(self.events)


def test_only_failover_events_of_the_instance_after_the_request_count():
    events = [
        {"SourceIdentifier": "appdb", "EventCategories": ["failover"], "Date": T0 - datetime.timedelta(minutes=5),
         "Message": "Multi-AZ instance failover completed"},                     # an earlier failover
        {"SourceIdentifier": "other", "EventCategories": ["failover"], "Date": T0 + datetime.timedelta(minutes=1),
         "Message": "Multi-AZ instance failover completed"},                     # another instance
        {"SourceIdentifier": "appdb", "EventCategories": ["availability"], "Date": T0 + datetime.timedelta(minutes=1),
         "Message": "DB instance restarted"},                                   # not the failover category
        {"SourceIdentifier": "AppDB", "EventCategories": ["failover"], "Date": T0 + datetime.timedelta(minutes=2),
         "Message": "Multi-AZ instance failover completed"},                     # this one (ids ignore case)
    ]
    found = failover_evidence.failover_events(_RdsWithEvents(events), "appdb", T0)
    assert found == [{"date": T0 + datetime.timedelta(minutes=2), "message": "Multi-AZ instance failover completed"}]


# --- promote-replica with its source's region down ------------------------------------------------

def test_a_region_that_may_be_down_gets_short_timeouts_and_two_attempts(monkeypatch):
    for key, value in demo.FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    clients = Clients(demo.DR_REGION, None)
    remote = clients.rds(demo.REGION, may_be_down=True).meta.config
    assert (remote.connect_timeout, remote.read_timeout) == (3, 10)
    assert remote.retries == {"mode": "standard", "total_max_attempts": 2}
    usual = clients.rds(demo.REGION).meta.config
    assert (usual.connect_timeout, usual.read_timeout) == (60, 60)  # botocore's defaults elsewhere
    assert clients.rds(demo.REGION) is not clients.rds(demo.REGION, may_be_down=True)


def test_a_backup_retention_of_0_is_sent_not_dropped(estate):
    # Left out, PromoteReadReplica's default of 1 day would apply while the result said 0.
    run = estate.run("promote-replica", "--db-instance", "appdb-prod-reporting", "--confirm", "appdb-prod-reporting",
                     "--backup-retention", "0", "--wait-timeout", "1")
    assert run.code == 1 and run.result["backup_retention"] == 0 and run.result["backup_retention_from"] == "--backup-retention"
    promoted = estate.client("rds").describe_db_instances(DBInstanceIdentifier="appdb-prod-reporting")["DBInstances"][0]
    assert promoted["BackupRetentionPeriod"] == 0


def test_a_down_source_region_is_reported_and_the_promotion_goes_on(estate, monkeypatch, capsys):
    down = closed_endpoint()
    for key in [k for k in os.environ if k.startswith("AWS_")]:  # only the test's own credentials
        monkeypatch.delenv(key)
    for key, value in {**demo.FAKE_CREDENTIALS, "OPS_POLL_SECONDS": "0.05"}.items():
        monkeypatch.setenv(key, value)
    # The source's region (eu-west-1) answers nowhere; the replica's (eu-central-1) is moto.
    monkeypatch.setattr(Clients, "endpoint_for", lambda self, region: down if region == demo.REGION else self.endpoint_url)
    answered, make = [], Clients.client

    def recording(self, service, region=None, **kwargs):
        client = make(self, service, region, **kwargs)
        if not getattr(client, "_recorded", False):
            client.meta.events.register("after-call", lambda http_response, model, **_: answered.append(
                (client.meta.region_name, model.name, http_response.status_code)))
            client._recorded = True
        return client

    monkeypatch.setattr(Clients, "client", recording)
    code = cli.main(["promote-replica", "--db-instance", "appdb-prod-dr", "--confirm", "appdb-prod-dr", "--wait-timeout", "1",
                     "--region", demo.DR_REGION, "--endpoint-url", estate.endpoint, "--json"])
    lines = _json_lines(capsys.readouterr().out)
    notes = [line["message"] for line in lines if line["kind"] == "note"]
    assert any(n.startswith("source region eu-west-1: unreachable (EndpointConnectionError") for n in notes), notes
    assert (demo.DR_REGION, "PromoteReadReplica", 200) in answered  # moto accepted the promotion
    assert not any(region == demo.REGION for region, _, _ in answered)
    result = lines[-1]
    # moto never clears the replica's source: the promotion stays unconfirmed (exit 1, not 2).
    assert code == 1 and result["kind"] == "result" and result["confirmed"] is False
    assert result["backup_retention"] == 14 and result["backup_retention_from"] == "replica (source region unreachable)"
