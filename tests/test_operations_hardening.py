"""The runbooks at 3 a.m.: names RDS would refuse are refused first."""

import json

import pytest

from operations import cli
from tests.ops_estate import served_estate


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


def test_the_longest_allowed_names_pass_the_parser():
    args = cli.parser().parse_args(DRILL + ["d" * 63])
    assert args.drill_id == "d" * 63
    assert cli.parser().parse_args(SNAPSHOT + ["s" * 255]).snapshot_id == "s" * 255


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
