"""failover-drill: a forced Multi-AZ failover of an instance, or a cluster failover, measured.

AWS rules relied on (RDS API Reference):
- RebootDBInstance, ForceFailover: "You can't enable force failover if the instance isn't
  configured for Multi-AZ." -- a single-AZ instance is refused before any call.
- RebootDBInstance / FailoverDBCluster answer InvalidDBInstanceState / InvalidDBClusterStateFault
  unless the database is `available` -- checked first so the refusal is ours and clear.
- A Multi-AZ instance's failover counts only with evidence (failover_evidence.py): a completed
  failover event of the instance after the request, or a new primary Availability Zone;
  otherwise "failover not confirmed" and exit 1, like an unconfirmed promotion. So is a wait
  that gives up after AWS accepted the failover (--wait-timeout): exit 1 with what was checked.
- DescribeEvents is called once before the reboot, so a role without rds:DescribeEvents is
  refused before anything changes; after it, events that cannot be read are noted and the
  Availability Zone is the evidence (RDS emits events "on a best effort basis", failover_evidence.py).
- FailoverDBCluster: "forces a failover ... in which a reader instance is promoted to writer";
  a cluster with no reader has nothing to promote and is refused; --target-instance names the
  reader to promote (TargetDBInstanceIdentifier), else RDS picks by promotion tier.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any, Optional

from operations.identifiers import add_target, db_identifier
from operations import failover_evidence as evidence, lookup
from operations.runbook import Context, require_confirm
from operations.clients import AWS_ERRORS, describe_error
from operations.errors import RunbookError
from operations.waiting import WaitTimeout, poll_seconds, wait_for

# Polls spent looking for evidence once the instance is available again (a minute at the default 15 s).
EVIDENCE_POLLS = 4
HELP = "reboot with failover (Multi-AZ instance) or fail a cluster over to a reader, measured; refuses single-AZ"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster, --confirm, --target-instance."""
    add_target(p, confirm="the drill interrupts connections")
    p.add_argument("--target-instance", metavar="ID", type=db_identifier, help="cluster: the reader to promote")


def _instance(ctx: Context) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    db = lookup.instance(clients, args.db_instance)
    if not db.get("MultiAZ"):
        raise RunbookError(f"'{args.db_instance}' is single-AZ: there is no standby to fail over to "
                           "(RDS refuses ForceFailover without Multi-AZ)")
    if db.get("DBInstanceStatus") != "available":
        raise RunbookError(f"'{args.db_instance}' is {db.get('DBInstanceStatus')}, not available")
    before = db.get("AvailabilityZone"), db.get("SecondaryAvailabilityZone")
    # Read the events once before the reboot: a role without rds:DescribeEvents is refused here,
    # before anything changes, and the answer's Date is the lower bound of a refusal event.
    asked = datetime.datetime.now(datetime.timezone.utc)
    probe = clients.rds().describe_events(SourceIdentifier=args.db_instance, SourceType="db-instance",
                                          EventCategories=[evidence.CATEGORY], Duration=1)
    bounds: tuple[datetime.datetime, Optional[datetime.datetime]] = evidence.request_time(probe, asked), None
    out.note(f"rebooting {args.db_instance} with failover (primary in {before[0]}, standby in {before[1] or '?'})")
    response = clients.rds().reboot_db_instance(DBInstanceIdentifier=args.db_instance, ForceFailover=True)
    bounds = bounds[0], evidence.request_time(response, asked)
    # Back once the instance is available again after the reboot began: a status other than
    # `available` seen, or (an endpoint that reboots instantly) three polls in a row available.
    seen: dict[str, Any] = {"other": False, "polls": 0}

    def back(d: dict[str, Any]) -> bool:
        seen["polls"] += 1
        seen["other"] = seen["other"] or d.get("DBInstanceStatus") != "available"
        return bool(d.get("DBInstanceStatus") == "available" and (seen["other"] or seen["polls"] >= 3))

    try:
        after, seconds = wait_for(out, f"{args.db_instance} available again", lambda: lookup.instance(clients, args.db_instance),
                                  back, args.wait_timeout, lambda d: d.get("DBInstanceStatus", ""))
    except WaitTimeout as exc:
        return _unconfirmed(ctx, exc, db_instance=args.db_instance, seconds_until_available=None, az_before=before[0])
    verdict, after, unread = _evidence(ctx, bounds, before[0], after)
    events = f"events could not be read: {unread}" if unread else f"{len(verdict.events)} event(s)"
    checked = (f"DescribeEvents of db-instance {args.db_instance}, category {evidence.CATEGORY}, since "
               f"{bounds[0].isoformat(timespec='seconds')}: {events}; primary AZ {before[0]} -> "
               f"{after.get('AvailabilityZone')}")
    if verdict.confirmed:
        out.note(f"failover confirmed: {'; '.join(verdict.evidence)}")
    elif verdict.refusal:
        out.note(f"failover not confirmed: RDS did not attempt it: {verdict.refusal} (checked: {checked})")
    else:
        out.note(f"failover not confirmed: no completed-failover event and no change of Availability Zone "
                 f"(checked: {checked}); see the instance's events in the RDS console before relying on the standby")
    out.result(db_instance=args.db_instance, confirmed=verdict.confirmed, failed_over=verdict.confirmed,
               failover_seconds=round(seconds, 1) if verdict.confirmed else None, seconds_until_available=round(seconds, 1),
               az_before=before[0], az_after=after.get("AvailabilityZone"), evidence=verdict.evidence,
               failover_events=verdict.events, checked=checked)
    return 0 if verdict.confirmed else 1


def _unconfirmed(ctx: Context, exc: WaitTimeout, **result: Any) -> int:
    """AWS accepted the failover but the wait gave up: exit 1 with what was checked, not exit 2."""
    checked = f"{exc} (--wait-timeout {ctx.args.wait_timeout:g}s)"
    ctx.out.note(f"RDS accepted the failover, but it was not confirmed: {checked}. Check the database and its "
                 "events in the RDS console before relying on it.")
    ctx.out.result(**result, confirmed=False, failed_over=False, failover_seconds=None, checked=checked)
    return 1


def _evidence(ctx: Context, bounds: tuple[Any, ...], az_before: Optional[str], after: dict[str, Any]) -> tuple[evidence.Verdict, dict[str, Any], Optional[str]]:
    """Look for evidence for a few polls (RDS may record the event, or show the new AZ, a little after
    `available`); events that cannot be read (best effort) leave the AZ as the evidence."""
    clients, name = ctx.clients, ctx.args.db_instance
    looked: dict[str, Any] = {"db": after, "unread": None}

    def read() -> evidence.Verdict:
        looked["db"] = lookup.instance(clients, name)
        try:
            events, looked["unread"] = evidence.failover_events(clients.rds(), name, bounds[0]), None
        except AWS_ERRORS as exc:
            events, looked["unread"] = [], describe_error(exc, "DescribeEvents")
        verdict = evidence.judge(events, az_before, looked["db"].get("AvailabilityZone"), completed_since=bounds[1])
        looked["verdict"] = verdict
        return verdict

    try:
        wait_for(ctx.out, f"evidence that {name} failed over (RDS events, Availability Zone)", read,
                 lambda v: v.confirmed or v.refusal is not None, min(ctx.args.wait_timeout, EVIDENCE_POLLS * poll_seconds()))
    except WaitTimeout:
        pass  # the last look is the answer: not confirmed
    if looked["unread"]:
        ctx.out.note(f"events could not be read: {looked['unread']}; judging on the Availability Zone alone")
    return looked["verdict"], looked["db"], looked["unread"]


def _cluster(ctx: Context) -> int:
    args, clients, out = ctx.args, ctx.clients, ctx.out
    cluster = lookup.cluster(clients, args.db_cluster)
    if cluster.get("Status") != "available":
        raise RunbookError(f"cluster '{args.db_cluster}' is {cluster.get('Status')}, not available")
    writer = lookup.writer(cluster)
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
    last: dict[str, Any] = {}

    def read() -> dict[str, Any]:
        cluster = lookup.cluster(clients, args.db_cluster)
        last["cluster"] = cluster
        return cluster

    try:
        after, seconds = wait_for(out, f"a new writer in {args.db_cluster}", read,
                                  lambda c: c.get("Status") == "available" and lookup.writer(c) not in (None, writer),
                                  args.wait_timeout, lambda c: f"{c.get('Status')}, writer {lookup.writer(c)}")
    except WaitTimeout as exc:
        return _unconfirmed(ctx, exc, db_cluster=args.db_cluster, writer_before=writer,
                            writer_after=lookup.writer(last.get("cluster") or {}))
    # The wait above ends only on a new writer: that is the evidence.
    out.result(db_cluster=args.db_cluster, confirmed=True, failover_seconds=round(seconds, 1), writer_before=writer,
               writer_after=lookup.writer(after), failed_over=True)
    return 0


def run(ctx: Context) -> int:
    """Refuse without --confirm, then drill the instance or the cluster."""
    require_confirm(ctx.args, ctx.args.db_cluster or ctx.args.db_instance)
    return _cluster(ctx) if ctx.args.db_cluster else _instance(ctx)
