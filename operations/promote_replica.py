"""promote-replica: make a read replica (or an Aurora secondary) the primary, then say what the stack needs.

AWS rules relied on (RDS API Reference):
- PromoteReadReplica: only for a read replica DB instance ("Must match the identifier of an
  existing read replica"); "a read replica cannot be promoted ... when it is in the backing-up
  status"; "This command doesn't apply to Aurora". BackupRetentionPeriod "Default: 1" -- the
  runbook passes the replica's source's retention (or --backup-retention) so the new primary
  does not fall to one day. When the source's region does not answer (a DR promotion), its client
  gives up within seconds (clients.MAY_BE_DOWN), the run says "source region unreachable" and
  promotes with the replica's own retention, or, without one, the API's default. So it does when
  that other region answers HTTP 5xx or throttles after the retries (clients.not_answering); an
  SSL or proxy failure is said as "could not connect", not as a region that is down.
- PromoteReadReplicaDBCluster: an Aurora cross-region read replica cluster (ReplicationSourceIdentifier).
- SwitchoverGlobalCluster (planned, no data loss) and FailoverGlobalCluster with AllowDataLoss
  (unplanned: "can result in a loss of write transaction data that wasn't replicated"); the
  target is named by ARN "so that Aurora can locate the cluster in its Region".
"""

from __future__ import annotations

import argparse
from typing import Any

from operations.identifiers import add_target, retention_days
from operations import lookup
from operations.runbook import Context, require_confirm
from operations.clients import AWS_ERRORS, not_answering
from operations.errors import RunbookError
from operations.waiting import WaitTimeout, wait_for

HELP = "promote a read replica (or switch/fail over an Aurora global database) and print the stack changes"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster, --confirm, --backup-retention, --allow-data-loss."""
    add_target(p, confirm="promotion cannot be undone", instance_help="a read replica instance",
               cluster_help="an Aurora secondary or cross-region replica cluster")
    p.add_argument("--backup-retention", type=retention_days, metavar="DAYS",
                   help="retention of the new primary, 0-35 days (default: the source's)")
    p.add_argument("--allow-data-loss", action="store_true",
                   help="global database: fail over (unplanned, may lose writes) instead of a switchover")


def _stack_steps(out: Any, db: dict[str, Any], identifier: str) -> list[str]:
    """What the Pulumi stack that declared this replica must do now (tags tell which stack)."""
    tags = lookup.tags(db)
    stack, primary = tags.get("Environment", "<stack>"), tags.get("ReplicaOf", "<primary>")
    replica_name = identifier[len(primary) + 1:] if identifier.startswith(primary + "-") else "<replica name>"
    steps = [
        f"pulumi refresh --stack {stack} --yes   # the state learns that '{identifier}' has no source any more",
        f"pulumi stack --stack {stack} --show-urns | grep {identifier}   # the URN of the promoted instance",
        f"pulumi state unprotect --stack {stack} '<that URN>' && pulumi state delete --stack {stack} '<that URN>'"
        "   # stop this stack from managing (or deleting) the new primary",
        f"Pulumi.{stack}.yaml: remove the entry `- name: {replica_name}` from rdsplatform:replicas",
        f"pulumi preview --stack {stack}   # must show no delete or replace of '{identifier}'",
    ]
    out.note("next, for the Pulumi stack:")
    for step in steps:
        out.note(f"  {step}")
    return steps


def _instance(ctx: Context) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    db = lookup.instance(clients, args.db_instance)
    source = db.get("ReadReplicaSourceDBInstanceIdentifier")
    if not source:
        raise RunbookError(f"'{args.db_instance}' is not a read replica: nothing to promote")
    if db.get("DBInstanceStatus") != "available":
        raise RunbookError(f"'{args.db_instance}' is {db.get('DBInstanceStatus')}; RDS promotes only an available replica")
    retention, retention_from = args.backup_retention, "--backup-retention"
    if retention is None:
        retention, retention_from = _source_retention(ctx, db, source)
    request: dict[str, Any] = {"DBInstanceIdentifier": args.db_instance}
    if retention is not None:  # 0 too: it turns backups off, where leaving it out means 1 day
        request["BackupRetentionPeriod"] = int(retention)
    out.note(f"promoting {args.db_instance} (replica of {source}) to a standalone primary")
    clients.rds().promote_read_replica(**request)
    confirmed, seconds = _wait(ctx, f"promotion of {args.db_instance}", lambda: lookup.instance(clients, args.db_instance),
                               lambda d: d.get("DBInstanceStatus") == "available"
                               and not d.get("ReadReplicaSourceDBInstanceIdentifier"),
                               lambda d: d.get("DBInstanceStatus", ""))
    steps = _stack_steps(out, db, args.db_instance)
    out.result(db_instance=args.db_instance, former_source=source, confirmed=confirmed,
               promotion_seconds=round(seconds, 1) if confirmed else None, backup_retention=retention,
               backup_retention_from=retention_from, stack_steps=steps)
    return 0 if confirmed else 1


def _source_retention(ctx: Context, db: dict[str, Any], source: str) -> tuple[int | None, str]:
    """The source's backup retention, read in its own region; when that region does not answer,
    say so and go on with the replica's own retention (or PromoteReadReplica's default)."""
    clients, out = ctx.clients, ctx.out
    # A cross-region replica names its source by ARN (arn:aws:rds:<region>:<account>:db:<id>).
    where = source.split(":") if source.startswith("arn:") else None
    region = where[3] if where else clients.region
    try:
        origin = lookup.instance(clients, where[-1] if where else source, region, may_be_down=region != clients.region)
    except AWS_ERRORS as exc:
        # Another region that does not serve the call (no connection, 5xx, throttled after the
        # retries) is treated as down; in the run's own region the promotion would fail too.
        why = not_answering(exc)
        if why is None or (why[0] == "not answering" and region == clients.region):
            raise
        out.note(f"source region {region}: {why[0]} ({why[1]}); promoting "
                 f"{db['DBInstanceIdentifier']} in {clients.region} without reading its source")
        own = db.get("BackupRetentionPeriod") or 0
        if own:
            out.note(f"the new primary keeps the replica's own backup retention of {own} days "
                     "(pass --backup-retention to choose another)")
            return int(own), f"replica (source region {why[0]})"
        out.note("the replica has no backup retention of its own: the new primary gets PromoteReadReplica's "
                 "default of 1 day; raise it once promoted (modify-db-instance --backup-retention-period)")
        return None, f"PromoteReadReplica default of 1 day (source region {why[0]})"
    except RunbookError:
        raise RunbookError(f"cannot read the source {source} (gone with its region?): pass --backup-retention "
                           "so the new primary does not fall to PromoteReadReplica's default of 1 day") from None
    return origin.get("BackupRetentionPeriod"), "source"


def _wait(ctx: Context, what: str, read: Any, done: Any, describe: Any) -> tuple[bool, float]:
    """Wait for the promotion; a timeout is reported, not raised: RDS has accepted it already."""
    try:
        _, seconds = wait_for(ctx.out, what, read, done, ctx.args.wait_timeout, describe)
        return True, seconds
    except WaitTimeout as exc:
        ctx.out.note(f"RDS accepted the request, but it was not confirmed: {exc}. Check it with "
                     "describe-db-instances / describe-global-clusters before the stack steps.")
        return False, ctx.args.wait_timeout


def _global_cluster(clients: Any, arn: str) -> tuple[str, bool] | None:
    """(global cluster id, is writer) of the cluster with this ARN, or None."""
    for g in clients.rds().describe_global_clusters().get("GlobalClusters", []):
        for member in g.get("GlobalClusterMembers") or []:
            if member.get("DBClusterArn") == arn:
                return g["GlobalClusterIdentifier"], bool(member.get("IsWriter"))
    return None


def _cluster(ctx: Context) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    cluster = lookup.cluster(clients, args.db_cluster)
    arn, started = cluster["DBClusterArn"], "promotion"
    membership = _global_cluster(clients, arn)
    if membership:
        global_id, is_writer = membership
        if is_writer:
            raise RunbookError(f"'{args.db_cluster}' is already the writer of global database {global_id}")
        if args.allow_data_loss:
            out.note(f"failing global database {global_id} over to {args.db_cluster} (writes not yet replicated may be lost)")
            clients.rds().failover_global_cluster(GlobalClusterIdentifier=global_id, TargetDbClusterIdentifier=arn,
                                                  AllowDataLoss=True)
        else:
            out.note(f"switching global database {global_id} over to {args.db_cluster}")
            clients.rds().switchover_global_cluster(GlobalClusterIdentifier=global_id, TargetDbClusterIdentifier=arn)
        started = "switchover" if not args.allow_data_loss else "failover"
        done = lambda _c: _global_cluster(clients, arn) == (global_id, True)  # noqa: E731
    elif cluster.get("ReplicationSourceIdentifier"):
        out.note(f"promoting cross-region replica cluster {args.db_cluster}")
        clients.rds().promote_read_replica_db_cluster(DBClusterIdentifier=args.db_cluster)
        done = lambda c: c.get("Status") == "available" and not c.get("ReplicationSourceIdentifier")  # noqa: E731
    else:
        raise RunbookError(f"'{args.db_cluster}' is neither a secondary of a global database nor a replica cluster")
    confirmed, seconds = _wait(ctx, f"{started} of {args.db_cluster}", lambda: lookup.cluster(clients, args.db_cluster),
                               done, lambda c: c.get("Status", ""))
    steps = _stack_steps(out, cluster, args.db_cluster)
    out.result(db_cluster=args.db_cluster, operation=started, confirmed=confirmed,
               promotion_seconds=round(seconds, 1) if confirmed else None, stack_steps=steps)
    return 0 if confirmed else 1


def run(ctx: Context) -> int:
    """Refuse without --confirm, then promote the instance or the cluster."""
    require_confirm(ctx.args, ctx.args.db_cluster or ctx.args.db_instance)
    return _cluster(ctx) if ctx.args.db_cluster else _instance(ctx)
