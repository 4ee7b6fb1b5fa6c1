"""The live audit's advice for an Aurora cluster names the cluster's own event source and metric dimension."""

import pytest

from tests.ops_estate import served_estate


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


def _fixes(run, resource: str) -> dict[str, str]:
    found = {f["policy"]: f["message"] for f in run.of_kind("finding") if f["resource"] == resource}
    assert found, [f["resource"] for f in run.of_kind("finding")]
    return found


def test_a_cluster_is_advised_db_cluster_events_and_cluster_dimensions(estate):
    # The demo estate's Aurora cluster "orders" has neither alarms nor an event subscription.
    fixes = _fixes(estate.run("audit"), "orders")
    assert "sourceType db-cluster" in fixes["rds-event-subscription"]
    assert "dimensions DBClusterIdentifier" in fixes["rds-alarms-notify"]
    assert "db-instance" not in fixes["rds-event-subscription"]
    assert "DBInstanceIdentifier" not in fixes["rds-alarms-notify"]


def test_an_instance_keeps_the_instance_advice(estate):
    fixes = _fixes(estate.run("audit"), "legacy-mysql")
    assert "sourceType db-instance" in fixes["rds-event-subscription"]
    assert "dimensions DBInstanceIdentifier" in fixes["rds-alarms-notify"]
