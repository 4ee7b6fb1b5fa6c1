"""Reading one instance or cluster, with a clear message when it is not there."""

from __future__ import annotations

from typing import Any

from operations.clients import Clients, error_code
from operations.errors import RunbookError


def instance(clients: Clients, identifier: str, region: str | None = None) -> dict[str, Any]:
    """describe_db_instances of one identifier; RunbookError when it does not exist."""
    try:
        return clients.rds(region).describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except Exception as exc:
        if error_code(exc) == "DBInstanceNotFound":
            raise RunbookError(f"no DB instance '{identifier}' in {region or clients.region}") from None
        raise


def instance_or_none(clients: Clients, identifier: str) -> dict[str, Any] | None:
    """The instance, or None when it does not exist."""
    try:
        return instance(clients, identifier)
    except RunbookError:
        return None


def cluster(clients: Clients, identifier: str) -> dict[str, Any]:
    """describe_db_clusters of one identifier; RunbookError when it does not exist."""
    try:
        return clients.rds().describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0]
    except Exception as exc:
        if error_code(exc) == "DBClusterNotFoundFault":
            raise RunbookError(f"no DB cluster '{identifier}' in {clients.region}") from None
        raise


def tags(resource: dict[str, Any]) -> dict[str, str]:
    """TagList as a dict."""
    return {t["Key"]: t.get("Value", "") for t in resource.get("TagList") or []}
