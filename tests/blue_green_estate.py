"""The blue-green tests' shared set-up: the demo estate served by moto (the module-scoped
fixture `estate`, which a test module binds as `estate`) and helpers that add to it."""

import datetime
from pathlib import Path

import pytest

from tests.ops_estate import served_estate

ROOT = Path(__file__).resolve().parent.parent
MYSQL_UPGRADE = ["blue-green", "--db-instance", "legacy-mysql", "--engine-version", "8.4.3", "--confirm", "legacy-mysql"]


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


def _lag(estate, instance: str, seconds: float) -> None:
    """A ReplicaLag datapoint of `instance` a few seconds ago, as RDS publishes it for a green primary
    (moto counts a datapoint only once its second is over: EndTime is cut to whole seconds)."""
    estate.client("cloudwatch").put_metric_data(Namespace="AWS/RDS", MetricData=[{
        "MetricName": "ReplicaLag", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": instance}],
        "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5), "Value": seconds, "Unit": "Seconds"}])


def _mysql(estate, name: str, environment: str) -> None:
    """A MySQL 8.0.35 instance of its own, so no test changes what another one reads."""
    estate.client("rds").create_db_instance(
        DBInstanceIdentifier=name, DBInstanceClass="db.t4g.medium", Engine="mysql", EngineVersion="8.0.35",
        MasterUsername="admin", MasterUserPassword="x" * 20, AllocatedStorage=20, StorageType="gp2",
        BackupRetentionPeriod=7, DeletionProtection=True, AutoMinorVersionUpgrade=True,
        Tags=[{"Key": "Environment", "Value": environment}])


def _deployments(estate) -> list[dict]:
    return estate.client("rds").describe_blue_green_deployments()["BlueGreenDeployments"]


def _delete_deployment(estate, deployment: str) -> None:
    estate.client("rds").delete_blue_green_deployment(BlueGreenDeploymentIdentifier=deployment, DeleteTarget=True)
