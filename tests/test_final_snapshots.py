"""Final snapshot identifiers AWS sees only once: a RandomId suffix kept across updates, renewed with
every new database (destroy then up, or a replacement)."""

import os
import re

import pytest

from components import catalog
from preview import mock_resources
from preview.diff import diff_plans
from preview.harness import run_program

INSTANCE, RANDOM_ID = "aws:rds/instance:Instance", "random:index/randomId:RandomId"
AURORA = {"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large"}
SNAPSHOT_NAME = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*(?<!-)$")


class FakeAccount:
    """AWS's side of a final snapshot: DeleteDBInstance refuses a FinalDBSnapshotIdentifier that
    already names a snapshot (DBSnapshotAlreadyExists), and the snapshot outlives the database."""

    def __init__(self):
        self.snapshots: set[str] = set()

    def delete_database(self, final_snapshot_identifier: str) -> None:
        if final_snapshot_identifier in self.snapshots:
            raise RuntimeError(f"DBSnapshotAlreadyExists: {final_snapshot_identifier}")
        self.snapshots.add(final_snapshot_identifier)


@pytest.fixture
def provider_randomness(monkeypatch):
    """RandomId as the provider creates it: fresh random bytes on every create."""
    def create(name, region, inputs):
        hex_ = os.urandom(int(inputs["byteLength"])).hex()
        return None, {"hex": hex_}
    monkeypatch.setitem(mock_resources.COMPUTED, RANDOM_ID, create)


def _final(plan, type_=INSTANCE):
    [db] = [r for r in plan.resources if r.type == type_ and r.inputs.get("finalSnapshotIdentifier")]
    return db.inputs["finalSnapshotIdentifier"]


def test_destroy_up_destroy_names_a_new_final_snapshot(provider_randomness):
    account = FakeAccount()
    first = run_program("dev")
    account.delete_database(_final(first))  # destroy: the snapshot stays, the state is gone
    second = run_program("dev")
    # With no state, the RandomId is created again: new bytes, a name AWS has not seen.
    assert [c.action for c in diff_plans([], second.resources, "empty").changes if c.type == RANDOM_ID] == ["create"]
    assert _final(second) != _final(first)
    account.delete_database(_final(second))
    assert len(account.snapshots) == 2


def test_an_update_keeps_the_suffix():
    before, after = run_program("dev"), run_program("dev", {"backupRetentionDays": 3})
    changes = {(c.type, c.action) for c in diff_plans(before.resources, after.resources, "before").changes}
    assert (INSTANCE, "update") in changes
    assert not [c for c in changes if c[0] == RANDOM_ID]
    assert _final(after) == _final(before)


@pytest.mark.parametrize("stack, overrides, change, type_", [
    ("dev", {}, {"dbName": "orders"}, INSTANCE),  # dbName replaces an instance
    ("dev", {}, {"engine": "mysql", "engineVersion": "8.4", "instanceClass": "db.t4g.medium"}, INSTANCE),
    ("dev", AURORA, {"masterUsername": "appadmin"}, "aws:rds/cluster:Cluster"),
])
def test_a_replacement_of_the_database_renews_the_suffix(stack, overrides, change, type_):
    before, after = run_program(stack, overrides), run_program(stack, {**overrides, **change})
    assert before.error is None and after.error is None, (before.error, after.error)
    changes = {(c.type, c.action) for c in diff_plans(before.resources, after.resources, "before").changes}
    assert (type_, "replace") in changes and (RANDOM_ID, "replace") in changes
    stem = _final(before, type_).rsplit("-", 1)[0]
    assert _final(after, type_).startswith(stem + "-") and _final(after, type_) != _final(before, type_)


@pytest.mark.parametrize("identifier, kind", [
    ("appdb-prod", "instance"), ("appdb-prod", "cluster"),
    ("a" * 63, "instance"), ("a" * 63, "cluster"),
    # Cut where a hyphen would end the stem: the hyphen goes too (no "--final").
    ("a" * 47 + "-" + "b" * 15, "cluster"),
])
def test_the_longest_final_snapshot_name_is_valid_for_its_kind(identifier, kind):
    name = catalog.final_snapshot_longest(identifier, kind)
    assert len(name) <= catalog.FINAL_SNAPSHOT_LIMITS[kind]
    assert SNAPSHOT_NAME.match(name), name
    assert name.endswith("-final-ffffffff")
    if len(identifier) + len("-final-ffffffff") <= catalog.FINAL_SNAPSHOT_LIMITS[kind]:
        assert name == f"{identifier}-final-ffffffff"
