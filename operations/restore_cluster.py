"""restore-drill for a cluster: point-in-time restore into a temporary cluster, checked, then deleted.

AWS rules relied on (RDS API Reference, RestoreDBClusterToPointInTime):
- "The target DB cluster is created ... with the default DB security group" -- the drill passes
  the source's subnet group, VPC security groups and cluster parameter group explicitly.
- "For Aurora, this operation only restores the DB cluster, not the DB instances ... You must
  invoke the CreateDBInstance operation ... You can create DB instances only after the
  RestoreDBClusterToPointInTime operation has completed and the DB cluster is available." -- the
  drill waits for the cluster, then adds one instance of the writer's class; a Multi-AZ DB
  cluster (DBClusterInstanceClass) gets its instances from RDS.
- DeleteDBCluster with SkipFinalSnapshot, after its instances are deleted; only the cluster and
  instance this run created and tagged are ever deleted.
"""

from __future__ import annotations

import datetime
from typing import Any

from operations import lookup
from operations.errors import RunbookError
from operations.waiting import wait_for
from operations.runbook import Context

DRILL_TAG = "operations-restore-drill"
INSTANCE_SUFFIX = "-1"  # the Aurora drill cluster's one instance: "<drill-id>-1"


def _ours(resource: dict[str, Any], what: str) -> None:
    if lookup.tags(resource).get("CreatedBy") != DRILL_TAG:
        raise RunbookError(f"{what} does not carry CreatedBy={DRILL_TAG}; not deleting it")


def cluster_or_none(clients: Any, identifier: str) -> dict[str, Any] | None:
    try:
        return lookup.cluster(clients, identifier)
    except RunbookError:
        return None


def delete(ctx: Context, drill_id: str, instance_id: str | None) -> float:
    """Delete the drill's instance, then its cluster -- each only if this run tagged it."""
    clients, out, start = ctx.clients, ctx.out, datetime.datetime.now(datetime.timezone.utc)
    instance = lookup.instance_or_none(clients, instance_id) if instance_id else None
    if instance is not None and instance_id:
        drill_instance: str = instance_id
        _ours(instance, f"instance '{instance_id}'")
        out.note(f"deleting the drill instance {instance_id}")
        clients.rds().delete_db_instance(DBInstanceIdentifier=instance_id, SkipFinalSnapshot=True)
        wait_for(out, f"deletion of {instance_id}", lambda: lookup.instance_or_none(clients, drill_instance),
                 lambda db: db is None, ctx.args.wait_timeout)
    cluster = cluster_or_none(clients, drill_id)
    if cluster is not None:
        _ours(cluster, f"cluster '{drill_id}'")
        if cluster.get("DeletionProtection"):
            clients.rds().modify_db_cluster(DBClusterIdentifier=drill_id, DeletionProtection=False, ApplyImmediately=True)
        out.note(f"deleting the drill cluster {drill_id}")
        clients.rds().delete_db_cluster(DBClusterIdentifier=drill_id, SkipFinalSnapshot=True)
        wait_for(out, f"deletion of {drill_id}", lambda: cluster_or_none(clients, drill_id),
                 lambda c: c is None, ctx.args.wait_timeout)
    return (datetime.datetime.now(datetime.timezone.utc) - start).total_seconds()


def checks(source: dict[str, Any], drill: dict[str, Any], same: Any) -> list[dict[str, Any]]:
    """What the restored cluster must share with its source."""
    def sgs(c: dict[str, Any]) -> list[Any]:
        return sorted(g["VpcSecurityGroupId"] for g in c.get("VpcSecurityGroups") or [])

    return [
        same("available", drill.get("Status"), "available"),
        same("endpoint", bool(drill.get("Endpoint")), True),
        same("engine", (drill.get("Engine"), drill.get("EngineVersion")), (source.get("Engine"), source.get("EngineVersion"))),
        same("encryption", (bool(drill.get("StorageEncrypted")), drill.get("KmsKeyId")),
             (bool(source.get("StorageEncrypted")), source.get("KmsKeyId"))),
        same("subnet group", drill.get("DBSubnetGroup"), source.get("DBSubnetGroup")),
        same("security groups", sgs(drill), sgs(source)),
    ]


def restore(ctx: Context, source: dict[str, Any], drill_id: str, point: datetime.datetime | None, tags: list[dict[str, Any]]) -> tuple[dict[str, Any], float, str | None]:
    """Restore, wait, add an instance where Aurora needs one; (cluster, seconds, instance id)."""
    clients, out, args = ctx.clients, ctx.out, ctx.args
    request: dict[str, Any] = dict(
        SourceDBClusterIdentifier=source["DBClusterIdentifier"], DBClusterIdentifier=drill_id,
        DBSubnetGroupName=source.get("DBSubnetGroup"), DBClusterParameterGroupName=source.get("DBClusterParameterGroup"),
        VpcSecurityGroupIds=[g["VpcSecurityGroupId"] for g in source.get("VpcSecurityGroups") or []],
        DeletionProtection=False, Tags=tags)
    request = {k: v for k, v in request.items() if v not in (None, [])}
    request.update({"RestoreToTime": point} if point else {"UseLatestRestorableTime": True})
    started = datetime.datetime.now(datetime.timezone.utc)
    clients.rds().restore_db_cluster_to_point_in_time(**request)
    cluster, _ = wait_for(out, f"restore of cluster {drill_id}", lambda: lookup.cluster(clients, drill_id),
                          lambda c: c.get("Status") == "available", args.wait_timeout, lambda c: c.get("Status", ""))
    instance_id = None
    if source.get("Engine", "").startswith("aurora"):
        writer = lookup.writer(source)
        if writer is None:
            raise RunbookError(f"cluster '{source['DBClusterIdentifier']}' has no writer to take an instance class from")
        instance_id = drill_id + INSTANCE_SUFFIX
        out.note(f"adding instance {instance_id} to the restored cluster (Aurora restores no instances)")
        clients.rds().create_db_instance(
            DBInstanceIdentifier=instance_id, DBClusterIdentifier=drill_id, Engine=source["Engine"],
            DBInstanceClass=lookup.instance(clients, writer)["DBInstanceClass"], PubliclyAccessible=False, Tags=tags)
        wait_for(out, f"instance {instance_id}", lambda: lookup.instance(clients, instance_id),
                 lambda d: d.get("DBInstanceStatus") == "available", args.wait_timeout,
                 lambda d: d.get("DBInstanceStatus", ""))
    seconds = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()
    return lookup.cluster(clients, drill_id), seconds, instance_id
