"""failover-drill: a forced Multi-AZ failover of an instance, or a cluster failover, measured.

AWS rules relied on (RDS API Reference):
- RebootDBInstance, ForceFailover: "You can't enable force failover if the instance isn't
  configured for Multi-AZ." -- a single-AZ instance is refused before any call.
- RebootDBInstance / FailoverDBCluster answer InvalidDBInstanceState / InvalidDBClusterStateFault
  unless the database is `available` -- checked first so the refusal is ours and clear.
- FailoverDBCluster: "forces a failover ... in which a reader instance is promoted to writer";
  a cluster with no reader has nothing to promote and is refused; --target-instance names the
  reader to promote (TargetDBInstanceIdentifier), else RDS picks by promotion tier.
"""

from __future__ import annotations

from typing import Any, Optional

from operations.identifiers import add_target, db_identifier
from operations import lookup
from operations.cli import require_confirm
from operations.errors import RunbookError
from operations.waiting import wait_for

HELP = "reboot with failover (Multi-AZ instance) or fail a cluster over to a reader, measured; refuses single-AZ"


def add_arguments(p: Any) -> None:
    """--db-instance or --db-cluster, --confirm, --target-instance."""
    add_target(p, confirm="the drill interrupts connections")
    p.add_argument("--target-instance", metavar="ID", type=db_identifier, help="cluster: the reader to promote")


def _instance(ctx: Any) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    db = lookup.instance(clients, args.db_instance)
    if not db.get("MultiAZ"):
        raise RunbookError(f"'{args.db_instance}' is single-AZ: there is no standby to fail over to "
                           "(RDS refuses ForceFailover without Multi-AZ)")
    if db.get("DBInstanceStatus") != "available":
        raise RunbookError(f"'{args.db_instance}' is {db.get('DBInstanceStatus')}, not available")
    before = db.get("AvailabilityZone"), db.get("SecondaryAvailabilityZone")
    out.note(f"rebooting {args.db_instance} with failover (primary in {before[0]}, standby in {before[1] or '?'})")
    clients.rds().reboot_db_instance(DBInstanceIdentifier=args.db_instance, ForceFailover=True)
    # Done once the instance is available again after the reboot began: a status other than
    # `available` seen, or (an endpoint that reboots instantly) three polls in a row available.
    seen = {"other": False, "polls": 0}

    def back(d: dict) -> bool:
        seen["polls"] += 1
        seen["other"] = seen["other"] or d.get("DBInstanceStatus") != "available"
        return d.get("DBInstanceStatus") == "available" and (seen["other"] or seen["polls"] >= 3)

    after, seconds = wait_for(out, f"{args.db_instance} available again", lambda: lookup.instance(clients, args.db_instance),
                              back, args.wait_timeout, lambda d: d.get("DBInstanceStatus", ""))
    moved = after.get("AvailabilityZone") != before[0]
    if not moved:
        out.note("the primary's Availability Zone did not change: the endpoint reported no failover")
    out.result(db_instance=args.db_instance, failover_seconds=round(seconds, 1), az_before=before[0],
               az_after=after.get("AvailabilityZone"), failed_over=moved)
    return 0


def _writer(cluster: dict) -> Optional[str]:
    return next((m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers") or [] if m.get("IsClusterWriter")), None)


def _cluster(ctx: Any) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    cluster = lookup.cluster(clients, args.db_cluster)
    if cluster.get("Status") != "available":
        raise RunbookError(f"cluster '{args.db_cluster}' is {cluster.get('Status')}, not available")
    writer = _writer(cluster)
    readers = [m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers") or [] if not m.get("IsClusterWriter")]
    if not readers:
        raise RunbookError(f"cluster '{args.db_cluster}' has no reader to promote: add one before a failover drill")
    if args.target_instance and args.target_instance not in readers:
        raise RunbookError(f"--target-instance {args.target_instance} is not a reader of '{args.db_cluster}' "
                           f"(readers: {', '.join(readers)})")
    request = {"DBClusterIdentifier": args.db_cluster}
    if args.target_instance:
        request["TargetDBInstanceIdentifier"] = args.target_instance
    out.note(f"failing cluster {args.db_cluster} over from writer {writer} to "
             f"{args.target_instance or 'the reader RDS picks'}")
    clients.rds().failover_db_cluster(**request)
    after, seconds = wait_for(out, f"a new writer in {args.db_cluster}", lambda: lookup.cluster(clients, args.db_cluster),
                              lambda c: c.get("Status") == "available" and _writer(c) not in (None, writer),
                              args.wait_timeout, lambda c: f"{c.get('Status')}, writer {_writer(c)}")
    out.result(db_cluster=args.db_cluster, failover_seconds=round(seconds, 1), writer_before=writer,
               writer_after=_writer(after), failed_over=True)
    return 0


def run(ctx: Any) -> int:
    """Refuse without --confirm, then drill the instance or the cluster."""
    require_confirm(ctx.args, ctx.args.db_cluster or ctx.args.db_instance)
    return _cluster(ctx) if ctx.args.db_cluster else _instance(ctx)
