"""Runbooks after AWS said yes: unreadable events, a wait that gives up and a failing source region
end in a result (exit 1, or the promotion goes on), and a copy to another partition is refused first.

A fake RDS client stands in for boto3 (behind Clients.client), so each AWS answer is chosen here."""

import datetime
import email.utils
import json

import botocore.exceptions
import pytest
from botocore.retries.standard import ThrottledRetryableChecker

from operations import cli, clients, failover_evidence
from operations.clients import Clients

T0 = datetime.datetime(2026, 11, 30, 3, 0, tzinfo=datetime.timezone.utc)
ARN = "arn:aws:rds:eu-west-1:123456789012:db:appdb"


def _at(seconds: float) -> dict:
    """A response whose Date header is T0 + seconds (the server's clock)."""
    date = email.utils.format_datetime(T0 + datetime.timedelta(seconds=seconds), usegmt=True)
    return {"ResponseMetadata": {"HTTPHeaders": {"date": date}}}


def _client_error(code: str, status: int, operation: str = "DescribeDBInstances") -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": f"{code} here"}, "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


class _Pages:
    def __init__(self, rds):
        self.rds = rds

    def paginate(self, **_):
        if self.rds.events_error:
            raise self.rds.events_error
        return [{"Events": self.rds.events}]


class FakeRds:
    """One region's RDS: instances whose status moves through `statuses` after a reboot or promotion."""

    def __init__(self, db=None, statuses=("available",), az_after=None, events=(), probe_error=None,
                 events_error=None, cluster=None, failing=None):
        self.db, self.statuses, self.az_after = dict(db or {}), list(statuses), az_after
        self.events, self.probe_error, self.events_error = list(events), probe_error, events_error
        self.cluster, self.failing = cluster, failing or {}
        self.calls: list[str] = []
        self.started = False

    def describe_db_instances(self, DBInstanceIdentifier):
        self.calls.append("DescribeDBInstances")
        if DBInstanceIdentifier in self.failing:
            raise self.failing[DBInstanceIdentifier]
        db = dict(self.db)
        if self.started:
            db["DBInstanceStatus"] = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            if self.az_after and db["DBInstanceStatus"] == "available":
                db["AvailabilityZone"] = self.az_after
            if db["DBInstanceStatus"] == "available":
                db.pop("ReadReplicaSourceDBInstanceIdentifier", None)
        return {"DBInstances": [db]}

    def describe_events(self, **_):
        self.calls.append("DescribeEvents")
        if self.probe_error:
            raise self.probe_error
        return {"Events": [], **_at(5)}

    def get_paginator(self, name):
        assert name == "describe_events"
        self.calls.append("DescribeEvents (pages)")
        return _Pages(self)

    def reboot_db_instance(self, **_):
        self.calls.append("RebootDBInstance")
        self.started = True
        return _at(9)

    def promote_read_replica(self, **request):
        self.calls.append("PromoteReadReplica")
        self.promoted = request
        self.started = True
        return {}

    def describe_db_clusters(self, **_):
        return {"DBClusters": [self.cluster]}

    def failover_db_cluster(self, **_):
        self.calls.append("FailoverDBCluster")
        return {}


def _run(monkeypatch, capsys, argv, regions: dict) -> tuple[int, list[dict]]:
    monkeypatch.setenv("OPS_POLL_SECONDS", "0.05")
    made = []

    def client(self, service, region=None, **kwargs):
        made.append(region or self.region)
        return regions[region or self.region]

    monkeypatch.setattr(Clients, "client", client)
    code = cli.main([*argv, "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines, "no output"
    return code, lines


def _notes(lines):
    return [line["message"] for line in lines if line["kind"] == "note"]


MULTI_AZ = {"DBInstanceIdentifier": "appdb", "MultiAZ": True, "DBInstanceStatus": "available",
            "AvailabilityZone": "eu-west-1a", "SecondaryAvailabilityZone": "eu-west-1b"}
DRILL = ["failover-drill", "--db-instance", "appdb", "--confirm", "appdb", "--region", "eu-west-1"]


# --- failover-drill: DescribeEvents before the reboot, best effort after it ------------------------------

def test_a_role_without_describe_events_is_refused_before_the_reboot(monkeypatch, capsys):
    rds = FakeRds(MULTI_AZ, probe_error=_client_error("AccessDenied", 403, "DescribeEvents"))
    code, lines = _run(monkeypatch, capsys, DRILL, {"eu-west-1": rds})
    assert code == 2 and lines[-1]["kind"] == "error" and "AccessDenied" in lines[-1]["message"]
    assert "RebootDBInstance" not in rds.calls


@pytest.mark.parametrize("az_after, code", [("eu-west-1b", 0), (None, 1)])
def test_events_that_cannot_be_read_after_the_reboot_leave_the_az_as_evidence(monkeypatch, capsys, az_after, code):
    rds = FakeRds(MULTI_AZ, statuses=["rebooting", "available"], az_after=az_after,
                  events_error=_client_error("ThrottlingException", 400, "DescribeEvents"))
    got, lines = _run(monkeypatch, capsys, [*DRILL, "--wait-timeout", "5"], {"eu-west-1": rds})
    result = lines[-1]
    assert got == code and result["kind"] == "result" and result["confirmed"] is (code == 0)
    assert "events could not be read: DescribeEvents was refused: ThrottlingException" in result["checked"]
    assert any(n.startswith("events could not be read") for n in _notes(lines))


def test_an_instance_not_back_in_time_is_an_unconfirmed_result(monkeypatch, capsys):
    rds = FakeRds(MULTI_AZ, statuses=["rebooting"])
    code, lines = _run(monkeypatch, capsys, [*DRILL, "--wait-timeout", "0.2"], {"eu-west-1": rds})
    result = lines[-1]
    assert code == 1 and result["kind"] == "result" and result["confirmed"] is False
    assert result["failover_seconds"] is None and "gave up after" in result["checked"]
    assert "--wait-timeout 0.2s" in result["checked"]


def test_a_cluster_without_a_new_writer_in_time_is_an_unconfirmed_result(monkeypatch, capsys):
    cluster = {"DBClusterIdentifier": "orders", "Status": "available", "DBClusterMembers": [
        {"DBInstanceIdentifier": "orders-1", "IsClusterWriter": True},
        {"DBInstanceIdentifier": "orders-2", "IsClusterWriter": False}]}
    rds = FakeRds(cluster=cluster)
    code, lines = _run(monkeypatch, capsys, ["failover-drill", "--db-cluster", "orders", "--confirm", "orders",
                                             "--region", "eu-west-1", "--wait-timeout", "0.2"], {"eu-west-1": rds})
    result = lines[-1]
    assert code == 1 and result["kind"] == "result" and result["confirmed"] is False
    assert result["failover_seconds"] is None and result["writer_after"] == "orders-1"
    assert "gave up after" in result["checked"] and "FailoverDBCluster" in rds.calls


def _event(seconds: float, message: str) -> dict:
    return {"SourceIdentifier": "appdb", "EventCategories": ["failover"], "Message": message,
            "Date": T0 + datetime.timedelta(seconds=seconds)}


REFUSED = "Amazon RDS is not attempting a requested failover because a failover recently occurred on the DB instance."


def test_a_refusal_recorded_while_the_reboot_was_processed_is_seen(monkeypatch, capsys):
    # Describe answered at T0+5 s, the reboot at T0+9 s: the refusal at T0+6 s belongs to this request.
    rds = FakeRds(MULTI_AZ, statuses=["rebooting", "available"], events=[_event(6, REFUSED)])
    code, lines = _run(monkeypatch, capsys, [*DRILL, "--wait-timeout", "5"], {"eu-west-1": rds})
    assert code == 1 and lines[-1]["confirmed"] is False
    assert any(n.startswith("failover not confirmed: RDS did not attempt it") for n in _notes(lines))


def test_a_completed_failover_counts_only_from_the_reboots_answer():
    events = [{"date": T0 + datetime.timedelta(seconds=6), "message": "Multi-AZ instance failover completed"}]
    later = T0 + datetime.timedelta(seconds=8)
    assert not failover_evidence.judge(events, "eu-west-1a", "eu-west-1a", completed_since=later).confirmed
    assert failover_evidence.judge(events, "eu-west-1a", "eu-west-1a", completed_since=T0).confirmed


# --- promote-replica: another region answering 5xx or throttling counts as not answering -----------------

REPLICA = {"DBInstanceIdentifier": "appdb-dr", "DBInstanceStatus": "available", "BackupRetentionPeriod": 7,
           "ReadReplicaSourceDBInstanceIdentifier": ARN}
PROMOTE = ["promote-replica", "--db-instance", "appdb-dr", "--confirm", "appdb-dr", "--region", "eu-central-1",
           "--wait-timeout", "5"]


@pytest.mark.parametrize("failure, said", [
    (_client_error("ServiceUnavailable", 503), "not answering (answered ServiceUnavailable (HTTP 503)"),
    (_client_error("Throttling", 400), "not answering (answered Throttling (HTTP 400)"),
    (botocore.exceptions.SSLError(endpoint_url="https://rds.eu-west-1.amazonaws.com", error="bad certificate"),
     "could not connect (SSLError"),
])
def test_a_failing_source_region_does_not_stop_the_promotion(monkeypatch, capsys, failure, said):
    replica, source = FakeRds(REPLICA), FakeRds(failing={"appdb": failure})
    code, lines = _run(monkeypatch, capsys, PROMOTE, {"eu-central-1": replica, "eu-west-1": source})
    assert any(n.startswith(f"source region eu-west-1: {said}") for n in _notes(lines)), _notes(lines)
    assert code == 0 and lines[-1]["backup_retention"] == 7 and replica.promoted["BackupRetentionPeriod"] == 7
    assert lines[-1]["backup_retention_from"].startswith("replica (source region ")


def test_an_answer_of_the_source_region_or_a_5xx_of_its_own_region_still_stops(monkeypatch, capsys):
    denied = FakeRds(failing={"appdb": _client_error("AccessDenied", 403)})
    replica = FakeRds(REPLICA)
    code, lines = _run(monkeypatch, capsys, PROMOTE, {"eu-central-1": replica, "eu-west-1": denied})
    assert code == 2 and "AccessDenied" in lines[-1]["message"] and "PromoteReadReplica" not in replica.calls
    same = FakeRds({**REPLICA, "ReadReplicaSourceDBInstanceIdentifier": "appdb"},
                   failing={"appdb": _client_error("ServiceUnavailable", 503)})
    code, lines = _run(monkeypatch, capsys, PROMOTE, {"eu-central-1": same})
    assert code == 2 and "PromoteReadReplica" not in same.calls


def test_the_throttling_codes_are_botocores_standard_retry_list():
    assert clients.THROTTLING_CODES == set(ThrottledRetryableChecker._THROTTLED_ERROR_CODES)


# --- snapshot: a copy to another partition is refused before any call -------------------------------------

def test_a_copy_to_another_partition_is_refused_before_any_call(monkeypatch, capsys):
    code, lines = _run(monkeypatch, capsys, ["snapshot", "--db-instance", "appdb", "--copy-to-region", "cn-north-1",
                                             "--region", "eu-west-1"], {})
    assert code == 2 and lines[-1]["kind"] == "error"
    assert "cn-north-1 is in partition aws-cn" in lines[-1]["message"] and "eu-west-1 in aws" in lines[-1]["message"]


def test_a_copy_within_the_partition_gets_past_the_partition_check(monkeypatch, capsys):
    rds = FakeRds({"DBInstanceIdentifier": "appdb", "StorageEncrypted": True})
    code, lines = _run(monkeypatch, capsys, ["snapshot", "--db-instance", "appdb", "--copy-to-region", "us-east-1",
                                             "--region", "eu-west-1"], {"eu-west-1": rds})
    # The next rule speaks: an encrypted copy needs a key of the destination region.
    assert code == 2 and "needs --kms-key-id" in lines[-1]["message"]
