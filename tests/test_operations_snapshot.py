"""The snapshot runbook's names and copies: two runs in one second never collide, and a Multi-AZ DB
cluster's snapshot, which AWS cannot copy, is refused before it is taken."""

import datetime
import json
import re
import subprocess
import sys

import pytest
from botocore.stub import Stubber

from operations import snapshot
from operations.cli import Context, parser
from operations.clients import Clients
from operations.output import Output
from tests.ops_estate import ENV, ROOT, served_estate

NOW = datetime.datetime(2026, 12, 5, 19, 30, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


def test_two_default_names_of_the_same_second_differ_and_fit_a_cluster_snapshot():
    names = {snapshot.default_name("appdb-prod", NOW) for _ in range(50)}
    assert len(names) == 50
    assert all(re.fullmatch(r"appdb-prod-ops-20261205-193000-[0-9a-f]{6}", n) for n in names)
    long = snapshot.default_name("c" * 63, NOW)
    assert len(long) == 63 and long.startswith("c" * 30) and "--" not in long


def test_two_runs_started_together_both_take_their_snapshot(estate):
    argv = [sys.executable, "-m", "operations", "snapshot", "--db-instance", "appdb-prod", "--region", "eu-west-1",
            "--endpoint-url", estate.endpoint, "--json"]
    before = estate.snapshots()
    runs = [subprocess.Popen(argv, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, out + err
        results.append(json.loads(out.splitlines()[-1]))
    names = {r["snapshot"] for r in results}
    assert len(names) == 2 and estate.snapshots() - before == names


def test_a_default_name_taken_in_between_is_drawn_again(monkeypatch, capsys):
    """Stands in for RDS answering DBSnapshotAlreadyExists when another run took the same name
    first (a 1 in 16 million draw: moto cannot be made to produce it)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("OPS_POLL_SECONDS", "0.05")
    args = parser().parse_args(["snapshot", "--db-instance", "appdb", "--region", "eu-west-1", "--json"])
    ctx = Context(args, Clients("eu-west-1", None), Output(as_json=True))
    stub = Stubber(ctx.clients.rds())
    stub.add_response("describe_db_instances", {"DBInstances": [{"DBInstanceIdentifier": "appdb", "StorageEncrypted": True}]})
    stub.add_client_error("create_db_snapshot", "DBSnapshotAlreadyExists", "DB Snapshot already exists")
    stub.add_response("create_db_snapshot", {"DBSnapshot": {}})
    stub.add_response("describe_db_snapshots", {"DBSnapshots": [{"DBSnapshotIdentifier": "x", "Status": "available",
                                                                 "DBSnapshotArn": "arn:x", "Encrypted": True}]})
    with stub:
        assert snapshot.run(ctx) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    tried = [line["message"].split()[2] for line in lines
             if line["kind"] == "note" and line["message"].startswith("creating snapshot")]
    assert len(tried) == 2 and tried[0] != tried[1] and lines[-1]["snapshot"] == tried[1]
    stub.assert_no_pending_responses()


def test_a_given_snapshot_id_that_is_taken_is_not_renamed(estate):
    first = estate.run("snapshot", "--db-instance", "appdb-prod", "--snapshot-id", "appdb-prod-by-hand")
    assert first.code == 0
    again = estate.run("snapshot", "--db-instance", "appdb-prod", "--snapshot-id", "appdb-prod-by-hand")
    assert again.code == 2 and "DBSnapshotAlreadyExists" in again.result["message"]


def _cluster_snapshots(estate) -> set[str]:
    return {s["DBClusterSnapshotIdentifier"]
            for s in estate.client("rds").describe_db_cluster_snapshots()["DBClusterSnapshots"]}


def test_a_copy_of_a_multi_az_db_cluster_snapshot_is_refused_before_the_snapshot(estate):
    estate.client("rds").create_db_cluster(
        DBClusterIdentifier="ledger", Engine="postgres", EngineVersion="16.4", MasterUsername="dbadmin",
        MasterUserPassword="x" * 20, DBClusterInstanceClass="db.m6gd.large", StorageType="io1",
        AllocatedStorage=100, Iops=1000)
    before = _cluster_snapshots(estate)
    run = estate.run("snapshot", "--db-cluster", "ledger", "--copy-to-region", "eu-central-1",
                     "--kms-key-id", estate.ids["dr_key"])
    assert run.code == 2
    assert "'ledger' is a Multi-AZ DB cluster (postgres)" in run.result["message"]
    assert "multi-az-db-clusters-concepts.Limitations.html" in run.result["message"]
    assert _cluster_snapshots(estate) == before
    # The same cluster without a copy: its snapshot is taken (AWS allows that).
    plain = estate.run("snapshot", "--db-cluster", "ledger")
    assert plain.code == 0 and plain.result["snapshot"] in _cluster_snapshots(estate)
