"""Reading one instance or cluster, with a clear message when it is not there."""

from __future__ import annotations

from typing import Any

from operations.clients import Clients, error_code
from operations.errors import RunbookError
from operations.identifiers import same_identifier


def instance(clients: Clients, identifier: str, region: str | None = None, *, may_be_down: bool = False) -> dict[str, Any]:
    """describe_db_instances of one identifier; RunbookError when it does not exist."""
    try:
        found = clients.rds(region, may_be_down=may_be_down).describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
    except Exception as exc:
        if error_code(exc) == "DBInstanceNotFound":
            found = []
        else:
            raise
    # Only the one asked for: an endpoint that ignores the filter (or an empty identifier) answers
    # with every instance of the region, and the first of those is someone else's database.
    match = [db for db in found if same_identifier(db.get("DBInstanceIdentifier", ""), identifier)]
    if not match:
        raise RunbookError(f"no DB instance '{identifier}' in {region or clients.region}")
    result: dict[str, Any] = match[0]
    return result


def instance_or_none(clients: Clients, identifier: str) -> dict[str, Any] | None:
    """The instance, or None when it does not exist."""
    try:
        return instance(clients, identifier)
    except RunbookError:
        return None


def cluster(clients: Clients, identifier: str) -> dict[str, Any]:
    """describe_db_clusters of one identifier; RunbookError when it does not exist."""
    try:
        found = clients.rds().describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"]
    except Exception as exc:
        if error_code(exc) == "DBClusterNotFoundFault":
            found = []
        else:
            raise
    match = [db for db in found if same_identifier(db.get("DBClusterIdentifier", ""), identifier)]
    if not match:
        raise RunbookError(f"no DB cluster '{identifier}' in {clients.region}")
    result: dict[str, Any] = match[0]
    return result


def writer(cluster_description: dict[str, Any]) -> str | None:
    """The identifier of a described cluster's writer instance, or None (none, or not listed yet)."""
    return next((m["DBInstanceIdentifier"] for m in cluster_description.get("DBClusterMembers") or []
                 if m.get("IsClusterWriter")), None)


def tags(resource: dict[str, Any]) -> dict[str, str]:
    """TagList as a dict."""
    return {t["Key"]: t.get("Value", "") for t in resource.get("TagList") or []}


# The program's provider default tags (components/platform.py, default_tags) put the stack's
# Environment and Project on every resource it creates, its databases and secrets alike.
STACK_TAGS = ("Environment", "Project")


def stack_of(resource_tags: dict[str, str]) -> tuple[str, ...] | None:
    """The (Environment, Project) stack a resource's tags tie it to; None when either is missing."""
    key = tuple(resource_tags.get(k) or "" for k in STACK_TAGS)
    return key if all(key) else None
