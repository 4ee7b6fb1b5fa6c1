"""restore-drill: restore to a point in time into a temporary instance, check it, measure RTO/RPO, delete it.

AWS rules relied on (RDS API Reference, RestoreDBInstanceToPointInTime):
- "You can restore to any point in time before the time identified by the LatestRestorableTime
  property. You can restore to a point up to the number of days specified by the
  BackupRetentionPeriod property." -- --to-time outside that window is refused up front.
- "The target database is created ... with the default security group, the default subnet group,
  and the default DB parameter group" and "as a single-AZ deployment" unless told otherwise -- so
  the drill passes the source's subnet group, VPC security groups and parameter group explicitly.
- "This operation doesn't apply to Aurora": --db-cluster restores with
  RestoreDBClusterToPointInTime (restore_cluster.py); a member instance of a cluster is refused.
- DeleteDBInstance with SkipFinalSnapshot and DeleteAutomatedBackups: the drill's instance leaves
  nothing behind; it is only ever called on the identifier this run created and tagged.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any, Optional

from operations.identifiers import DB_IDENTIFIER_MAX, add_target, db_identifier, derived_name
from operations import lookup, restore_cluster
from operations.runbook import Context, require_confirm
from operations.clients import AWS_ERRORS
from operations.errors import RunbookError
from operations.waiting import wait_for

HELP = "restore the latest restorable time (or --to-time) to a temporary copy, check it, report RTO/RPO, delete it"
DRILL_TAG = restore_cluster.DRILL_TAG
# An Aurora drill cluster gets the instance "<drill-id>-1" (restore_cluster.py), itself a DB
# instance identifier of at most 63 characters (identifiers.py).
AURORA_DRILL_ID_MAX = DB_IDENTIFIER_MAX - len(restore_cluster.INSTANCE_SUFFIX)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster, --confirm, --to-time, --drill-id."""
    add_target(p, confirm="the drill creates and deletes an instance")
    p.add_argument("--to-time", metavar="ISO8601", help="restore this UTC time instead of the latest restorable time")
    p.add_argument("--drill-id", metavar="ID", type=db_identifier,
                   help="identifier of the temporary instance or cluster (default <db>-drill-<time>); "
                        f"a DB identifier, at most {AURORA_DRILL_ID_MAX} characters with --db-cluster")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _restore_point(args: Any, source: dict[str, Any]) -> Optional[datetime.datetime]:
    if not args.to_time:
        return None
    try:
        point = datetime.datetime.fromisoformat(args.to_time.replace("Z", "+00:00"))
    except ValueError:
        raise RunbookError(f"--to-time {args.to_time!r} is not an ISO 8601 time (e.g. 2026-11-30T18:00:00Z)") from None
    point = point if point.tzinfo else point.replace(tzinfo=datetime.timezone.utc)
    latest = source.get("LatestRestorableTime")
    earliest = _now() - datetime.timedelta(days=int(source.get("BackupRetentionPeriod") or 0))
    if latest is None or point > latest or point < earliest:
        raise RunbookError(f"--to-time {point.isoformat()} is outside the restorable window "
                           f"{earliest.isoformat(timespec='seconds')} .. {latest}")
    return point


def _same(name: str, value: Any, expected: Any) -> dict[str, Any]:
    return {"check": name, "ok": value == expected, "value": value, "expected": expected}


def _checks(source: dict[str, Any], drill: dict[str, Any]) -> list[dict[str, Any]]:
    """What a restored copy must share with its source, and must not be."""
    same = _same

    def sgs(db: dict[str, Any]) -> list[Any]:
        return sorted(g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups") or [])

    def subnet_group(db: dict[str, Any]) -> Any:
        return (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")

    return [
        _same("available", drill.get("DBInstanceStatus"), "available"),
        same("endpoint", bool((drill.get("Endpoint") or {}).get("Address")), True),
        same("engine", (drill.get("Engine"), drill.get("EngineVersion")), (source.get("Engine"), source.get("EngineVersion"))),
        same("encryption", (bool(drill.get("StorageEncrypted")), drill.get("KmsKeyId")),
             (bool(source.get("StorageEncrypted")), source.get("KmsKeyId"))),
        same("subnet group", subnet_group(drill), subnet_group(source)),
        same("security groups", sgs(drill), sgs(source)),
        same("not public", bool(drill.get("PubliclyAccessible")), False),
    ]


def _shown(value: Any) -> str:
    return " ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)


def _delete(ctx: Context, drill_id: str) -> float:
    """Delete the drill's instance -- after checking it is the one this run tagged."""
    clients, out = ctx.clients, ctx.out
    current = lookup.instance_or_none(clients, drill_id)
    if current is None:
        return 0.0
    if lookup.tags(current).get("CreatedBy") != DRILL_TAG:
        raise RunbookError(f"'{drill_id}' does not carry CreatedBy={DRILL_TAG}; not deleting it")
    if current.get("DeletionProtection"):
        # The drill asks for DeletionProtection=False; an endpoint that copied the source's
        # protection anyway (moto does) gets it turned off on this instance only.
        clients.rds().modify_db_instance(DBInstanceIdentifier=drill_id, DeletionProtection=False, ApplyImmediately=True)
    out.note(f"deleting the drill instance {drill_id}")
    clients.rds().delete_db_instance(DBInstanceIdentifier=drill_id, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)
    _, seconds = wait_for(out, f"deletion of {drill_id}", lambda: lookup.instance_or_none(clients, drill_id),
                          lambda db: db is None, ctx.args.wait_timeout,
                          lambda db: db.get("DBInstanceStatus", "") if db else "gone")
    return seconds


def _table(ctx: Context, drill_id: str, checks: list[dict[str, Any]]) -> None:
    ctx.out.table(f"checks of {drill_id}", ["check", "ok", "value", "expected"],
                  [[c["check"], "yes" if c["ok"] else "NO", _shown(c["value"]), _shown(c["expected"])] for c in checks])


def _report(ctx: Context, source_id: str, drill_id: str, point: Any, rto: float, rpo: Any, deleted: float,
            checks: list[dict[str, Any]]) -> int:
    failed = [c["check"] for c in checks if not c["ok"]]
    ctx.out.result(source=source_id, drill=drill_id, restore_point=point or "latest", rto_seconds=round(rto, 1),
                   rpo_seconds=round(rpo, 1) if rpo is not None else None, delete_seconds=round(deleted, 1),
                   checks=checks, failed_checks=failed)
    return 0 if not failed else 1


def _cluster(ctx: Context) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    source = lookup.cluster(clients, args.db_cluster)
    if not source.get("BackupRetentionPeriod"):
        raise RunbookError(f"cluster '{args.db_cluster}' has no automated backups: nothing to restore")
    point, started = _restore_point(args, source), _now()
    drill_id = args.drill_id or derived_name(args.db_cluster, f"-drill-{started:%Y%m%d%H%M%S}", AURORA_DRILL_ID_MAX)
    if restore_cluster.cluster_or_none(clients, drill_id) is not None:
        raise RunbookError(f"'{drill_id}' already exists; pass another --drill-id")
    latest = source.get("LatestRestorableTime")
    rpo = (started - latest).total_seconds() if latest and point is None else None
    tags = [{"Key": "CreatedBy", "Value": DRILL_TAG}, {"Key": "DrillOf", "Value": args.db_cluster}]
    out.note(f"restoring cluster {args.db_cluster} to {point.isoformat() if point else 'its latest restorable time'} "
             f"as {drill_id}")
    instance_id = drill_id + restore_cluster.INSTANCE_SUFFIX if source.get("Engine", "").startswith("aurora") else None
    if instance_id and lookup.instance_or_none(clients, instance_id) is not None:
        # Its cleanup would refuse to delete a foreign instance and stop before the drill cluster.
        raise RunbookError(f"'{instance_id}' (the drill's Aurora instance) already exists; pass another --drill-id")
    try:
        drill, rto, instance_id = restore_cluster.restore(ctx, source, drill_id, point, tags)
        checks = restore_cluster.checks(source, drill, _same)
    except BaseException:
        try:
            restore_cluster.delete(ctx, drill_id, instance_id)
        except (RunbookError, *AWS_ERRORS) as exc:
            out.note(f"the drill cluster {drill_id} could not be deleted ({exc}); delete it once it is available")
        raise
    _table(ctx, drill_id, checks)
    deleted = restore_cluster.delete(ctx, drill_id, instance_id)
    return _report(ctx, args.db_cluster, drill_id, point, rto, rpo, deleted, checks)


def run(ctx: Context) -> int:
    """Refuse without --confirm or a --drill-id too long for a cluster drill, then drill the instance or the cluster."""
    args = ctx.args
    require_confirm(args, args.db_cluster or args.db_instance)
    if args.db_cluster and args.drill_id and len(args.drill_id) > AURORA_DRILL_ID_MAX:
        raise RunbookError(f"--drill-id {args.drill_id!r} is {len(args.drill_id)} characters; with --db-cluster at most "
                           f"{AURORA_DRILL_ID_MAX} are allowed, since an Aurora drill adds the instance "
                           f"'<drill-id>{restore_cluster.INSTANCE_SUFFIX}' (a DB identifier: at most {DB_IDENTIFIER_MAX})")
    return _cluster(ctx) if args.db_cluster else _instance(ctx)


def _instance(ctx: Context) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    source = lookup.instance(clients, args.db_instance)
    if source.get("DBClusterIdentifier"):
        raise RunbookError(f"'{args.db_instance}' belongs to cluster {source['DBClusterIdentifier']}: "
                           "point-in-time restore of Aurora is per cluster (RestoreDBClusterToPointInTime)")
    if not source.get("BackupRetentionPeriod"):
        raise RunbookError(f"'{args.db_instance}' has no automated backups (BackupRetentionPeriod 0): nothing to restore")
    point = _restore_point(args, source)
    started = _now()
    drill_id = args.drill_id or derived_name(args.db_instance, f"-drill-{started:%Y%m%d%H%M%S}")
    if lookup.instance_or_none(clients, drill_id) is not None:
        raise RunbookError(f"'{drill_id}' already exists; pass another --drill-id")

    request: dict[str, Any] = dict(
        SourceDBInstanceIdentifier=args.db_instance, TargetDBInstanceIdentifier=drill_id,
        DBSubnetGroupName=(source.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        VpcSecurityGroupIds=[g["VpcSecurityGroupId"] for g in source.get("VpcSecurityGroups") or []],
        DBParameterGroupName=(source.get("DBParameterGroups") or [{}])[0].get("DBParameterGroupName"),
        MultiAZ=False, PubliclyAccessible=False, DeletionProtection=False, CopyTagsToSnapshot=False,
        Tags=[{"Key": "CreatedBy", "Value": DRILL_TAG}, {"Key": "DrillOf", "Value": args.db_instance}])
    request = {k: v for k, v in request.items() if v not in (None, [])}
    if point is None:
        request["UseLatestRestorableTime"] = True
        # RPO: how far the restorable point trails the moment the restore was asked for.
        latest = source.get("LatestRestorableTime")
        rpo = (started - latest).total_seconds() if latest else None
    else:
        request["RestoreTime"] = point
        rpo = None
    out.note(f"restoring {args.db_instance} to {point.isoformat() if point else 'its latest restorable time'} "
             f"as {drill_id}")
    try:
        # Inside the try: a restore call that fails after RDS accepted it (a read timeout, an
        # interrupt) may still leave a drill instance, and the cleanup below deletes only ours.
        clients.rds().restore_db_instance_to_point_in_time(**request)
        drill, rto = wait_for(out, f"restore of {drill_id}", lambda: lookup.instance(clients, drill_id),
                              lambda db: db.get("DBInstanceStatus") == "available", args.wait_timeout,
                              lambda db: db.get("DBInstanceStatus", ""))
        checks = _checks(source, drill)
    except BaseException:
        # Clean up before reporting the first failure; if RDS will not delete it yet (still
        # creating), say so rather than hide the original error behind the delete's.
        try:
            _delete(ctx, drill_id)
        except (RunbookError, *AWS_ERRORS) as exc:
            out.note(f"the drill instance {drill_id} could not be deleted ({exc}); delete it once it is available")
        raise
    _table(ctx, drill_id, checks)
    deleted_after = _delete(ctx, drill_id)
    return _report(ctx, args.db_instance, drill_id, point, rto, rpo, deleted_after, checks)
