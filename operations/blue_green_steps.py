"""blue-green's three calls: create (and wait, check, switch over when asked), switch over a
deployment created earlier, and delete the old environment."""

from __future__ import annotations

import datetime
from typing import Any, Optional

from operations import lookup
from operations.blue_green_args import requested
from operations.blue_green_deployment import (created_by, describe, describe_arn, kind_of, members, name_of, resource_id,
                                            wait_status)
from operations.blue_green_limits import Blue, change_problems, unsupported
from operations.blue_green_readiness import BLUE_RESOURCE_TAG, readiness, report, wanted_from_tags
from operations.blue_green_state import print_steps, stack_steps
from operations.clients import AWS_ERRORS, describe_error
from operations.errors import RunbookError
from operations.identifiers import derived_name, same_identifier
from operations.runbook import Context, require_confirm
from operations.waiting import WaitTimeout, wait_for

NAME_MAX = 60  # CreateBlueGreenDeployment, BlueGreenDeploymentName


def _blue(ctx: Context) -> Blue:
    args = ctx.args
    if args.db_cluster:
        return Blue("cluster", args.db_cluster, lookup.cluster(ctx.clients, args.db_cluster))
    return Blue("instance", args.db_instance, lookup.instance(ctx.clients, args.db_instance))


def _existing(ctx: Context, blue: Blue) -> list[str]:
    found = ctx.clients.rds().describe_blue_green_deployments(
        Filters=[{"Name": "source", "Values": [blue.arn]}]).get("BlueGreenDeployments") or []
    return [d["BlueGreenDeploymentIdentifier"] for d in found
            if d.get("Source") == blue.arn and d.get("Status") not in ("SWITCHOVER_COMPLETED", "DELETING")]


def create(ctx: Context) -> int:
    """Validate, create the green environment, wait for it, run the checks; switch over when asked."""
    args, out = ctx.args, ctx.out
    changes = requested(args)
    if not changes:
        raise RunbookError("nothing to change: give at least one of --engine-version, --instance-class, "
                           "--parameter-group, --cluster-parameter-group, --storage-type, --allocated-storage, "
                           "--iops, --storage-throughput")
    identifier = args.db_cluster or args.db_instance
    require_confirm(args, identifier)
    blue = _blue(ctx)
    if blue.description.get("DBInstanceStatus", blue.description.get("Status")) != "available":
        raise RunbookError(f"'{identifier}' is {blue.description.get('DBInstanceStatus', blue.description.get('Status'))}; "
                           "a blue/green deployment starts from an available database")
    problems = unsupported(ctx, blue) + change_problems(ctx, blue, changes)
    existing = _existing(ctx, blue)
    if existing:
        problems.append(f"'{identifier}' already has the blue/green deployment {existing[0]}: resume it with "
                        f"--deployment {existing[0]}, or delete it first")
    if problems:
        raise RunbookError(f"refusing to create a blue/green deployment of '{identifier}' (nothing was created): "
                           + "; ".join(problems))

    name = derived_name(identifier, f"-{datetime.datetime.now(datetime.timezone.utc):%Y%m%d%H%M%S}", NAME_MAX)
    request: dict[str, Any] = {"BlueGreenDeploymentName": name, "Source": blue.arn}
    for option, parameter in (("engine_version", "TargetEngineVersion"), ("instance_class", "TargetDBInstanceClass"),
                              ("parameter_group", "TargetDBParameterGroupName"),
                              ("cluster_parameter_group", "TargetDBClusterParameterGroupName"),
                              ("storage_type", "TargetStorageType"), ("allocated_storage", "TargetAllocatedStorage"),
                              ("iops", "TargetIops"), ("storage_throughput", "TargetStorageThroughput")):
        if option in changes:
            request[parameter] = changes[option]
    # The changes ride along as tags, so a resumed run checks green against what was asked.
    # The blue database's resource ID survives its rename at switchover: --delete-old deletes only
    # the database that still carries it, never one that merely has the old name.
    request["Tags"] = [{"Key": "CreatedBy", "Value": "operations blue-green"},
                       {"Key": BLUE_RESOURCE_TAG, "Value": resource_id(blue.description)}] + [
        {"Key": f"ops:{k}", "Value": str(v)} for k, v in changes.items()]
    out.note(f"creating blue/green deployment {name} of {blue.kind} {identifier}: "
             + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in changes.items()))
    dep = ctx.clients.rds().create_blue_green_deployment(**request)["BlueGreenDeployment"]
    created = created_by(dep)
    out.note(f"created {created['deployment']}; green: {', '.join(created['green']) or '(being named)'}",
             created=created)
    try:
        return until_ready(ctx, dep["BlueGreenDeploymentIdentifier"], changes, blue_id=identifier)
    except (RunbookError, *AWS_ERRORS) as exc:
        # Whatever stops the run now, the message names what it created and how to go on.
        why = str(exc) if isinstance(exc, RunbookError) else describe_error(exc, ctx.clients.last_operation)
        raise RunbookError(f"{why} (created and kept: blue/green deployment {created['deployment']}, green "
                           f"{', '.join(created['green']) or '-'}; resume with --deployment {created['deployment']}, "
                           "or delete it with delete-blue-green-deployment --delete-target)") from None


def until_ready(ctx: Context, dep_id: str, wanted: dict[str, Any], blue_id: Optional[str]) -> int:
    """Wait for green, run the checks; stop, or switch over when --switchover was given."""
    args, out = ctx.args, ctx.out
    try:
        dep, seconds = wait_status(ctx, dep_id, f"green environment of {dep_id} available", {"AVAILABLE"},
                                    {"INVALID_CONFIGURATION", "SWITCHOVER_COMPLETED", "SWITCHOVER_FAILED"},
                                    args.wait_timeout)
    except WaitTimeout as exc:
        dep = describe(ctx, dep_id)
        out.note(f"{exc}; the deployment is kept: resume with --deployment {dep_id}")
        out.result(deployment=dep_id, status=dep.get("Status"), created=created_by(dep), ready=False, switched=False)
        return 1
    if dep.get("Status") == "SWITCHOVER_COMPLETED":
        raise RunbookError(f"{dep_id} was switched over already; its old environment: --delete-old")
    out.note(f"{dep_id} is {dep.get('Status')} after {seconds:.0f}s")
    checks = readiness(ctx, dep, wanted)
    report(ctx, checks)
    ready = all(c.ok for c in checks)
    blue_name = name_of(dep.get("Source", ""))
    if not args.switchover:
        out.note(("every check passed" if ready else "a check failed: no switchover now")
                 + f"; to switch over: python -m operations blue-green --deployment {dep_id} --switchover "
                   f"--confirm {blue_name}")
        out.result(deployment=dep_id, status=dep.get("Status"), created=created_by(dep), ready=ready, switched=False,
                   checks=[c.__dict__ for c in checks])
        return 0 if ready else 1
    require_confirm(args, blue_id or blue_name)
    if not same_identifier(blue_id or blue_name, blue_name):
        raise RunbookError(f"--confirm {blue_id} is not the blue database of {dep_id} ({blue_name})")
    if not ready:
        failed = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
        raise RunbookError(f"refusing to switch {dep_id} over while a check fails (nothing was switched; the "
                           f"deployment is kept): {'; '.join(failed)}")
    return switchover(ctx, dep, wanted)


def switchover(ctx: Context, dep: dict[str, Any], wanted: dict[str, Any]) -> int:
    args, out = ctx.args, ctx.out
    dep_id = dep["BlueGreenDeploymentIdentifier"]
    blue_db = describe_arn(ctx, dep["Source"]) or {}
    identifier = name_of(dep["Source"])
    blue_names = [name_of(source) for source, _ in members(dep) if source]
    out.note(f"switching {dep_id} over (RDS rolls it back after {args.switchover_timeout}s)")
    ctx.clients.rds().switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep_id,
                                                       SwitchoverTimeout=args.switchover_timeout)
    try:
        done, seconds = wait_status(ctx, dep_id, f"switchover of {dep_id}", {"SWITCHOVER_COMPLETED"},
                                     {"SWITCHOVER_FAILED", "INVALID_CONFIGURATION"}, args.wait_timeout)
    except WaitTimeout as exc:
        out.note(f"RDS accepted the switchover but it was not confirmed: {exc}. Check describe-blue-green-deployments "
                 f"{dep_id}: RDS either completes it or rolls it back; nothing is half-switched")
        out.result(deployment=dep_id, status=describe(ctx, dep_id).get("Status"), switched=None, created=created_by(dep))
        return 1
    if done.get("Status") != "SWITCHOVER_COMPLETED":
        out.note(f"switchover {done.get('Status')}: {done.get('StatusDetails') or ''}; RDS rolled the changes back, "
                 "blue still serves")
        out.result(deployment=dep_id, status=done.get("Status"), switched=False, created=created_by(done))
        return 1
    old = [name_of(source) for source, _ in members(done)]
    kind = kind_of(dep["Source"])
    green_now = (lookup.cluster if kind == "cluster" else lookup.instance)(ctx.clients, identifier)
    # Each blue name now belongs to the former green database, under a resource ID of its own.
    tracked = ({name: resource_id(lookup.instance_or_none(ctx.clients, name) or {}) for name in blue_names}
               if kind == "instance" else None)
    config, steps = stack_steps(blue_db, identifier, kind, wanted,
                                green_now.get("EngineVersion", wanted.get("engine_version", "")), tracked)
    out.note(f"switched over after {seconds:.0f}s: '{identifier}' is the former green")
    print_steps(out, old, dep_id, steps)
    out.result(deployment=dep_id, status="SWITCHOVER_COMPLETED", switched=True, switchover_seconds=round(seconds, 1),
               database=identifier, engine_version=green_now.get("EngineVersion"), old_environment=old,
               config_changes=config, stack_steps=steps)
    return 0


def resume(ctx: Context) -> int:
    """A deployment created earlier: wait, check, and switch over when asked."""
    args = ctx.args
    if requested(args):
        raise RunbookError("changes belong to a new deployment (--db-instance / --db-cluster), not to --deployment")
    if args.switchover and not args.confirm:
        raise RunbookError(f"refusing to switch over {args.deployment} without --confirm <its blue database>")
    dep = describe(ctx, args.deployment)
    return until_ready(ctx, args.deployment, wanted_from_tags(dep), blue_id=args.confirm if args.switchover else None)


def _delete_instance(ctx: Context, identifier: str, final_snapshot: Optional[str]) -> None:
    rds = ctx.clients.rds()
    db = lookup.instance(ctx.clients, identifier)
    if db.get("DeletionProtection"):
        ctx.out.note(f"turning deletion protection off on {identifier}")
        rds.modify_db_instance(DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True)
    request: dict[str, Any] = {"DBInstanceIdentifier": identifier}
    if final_snapshot:
        request["FinalDBSnapshotIdentifier"] = final_snapshot
    else:
        request["SkipFinalSnapshot"] = True
    ctx.out.note(f"deleting instance {identifier}" + (f" (final snapshot {final_snapshot})" if final_snapshot else ""))
    rds.delete_db_instance(**request)


def _gone(ctx: Context, kind: str, identifier: str) -> bool:
    try:
        (lookup.cluster if kind == "cluster" else lookup.instance)(ctx.clients, identifier)
    except RunbookError:
        return True
    return False


def delete_old(ctx: Context) -> int:
    """After a switchover: delete the deployment record and the old (blue) environment."""
    args, out = ctx.args, ctx.out
    if not args.deployment:
        raise RunbookError("--delete-old needs --deployment <the switched-over deployment>")
    if requested(args) or args.switchover:
        raise RunbookError("--delete-old takes no changes and no --switchover")
    dep = describe(ctx, args.deployment)
    if dep.get("Status") != "SWITCHOVER_COMPLETED":
        raise RunbookError(f"{args.deployment} is {dep.get('Status')}, not SWITCHOVER_COMPLETED: there is no old "
                           "environment yet (the blue database still serves)")
    old_arns = [source for source, _ in members(dep)]
    primary_arn = dep.get("Source") or old_arns[0]
    old_primary, kind = name_of(primary_arn), kind_of(primary_arn)
    require_confirm(args, old_primary)
    recorded = {t["Key"]: t.get("Value", "") for t in dep.get("TagList") or []}.get(BLUE_RESOURCE_TAG)
    if not recorded:
        raise RunbookError(f"{args.deployment} was not created by this runbook (no {BLUE_RESOURCE_TAG} tag): it cannot "
                           f"tell the old database from the new one; delete '{old_primary}' by hand once verified")
    old_db = describe_arn(ctx, primary_arn)
    if old_db is None or resource_id(old_db) != recorded:
        raise RunbookError(f"'{old_primary}' is not the former blue database of {args.deployment} (its resource ID "
                           f"{resource_id(old_db or {}) or '-'} is not {recorded}); refusing to delete it")
    stamp = f"{datetime.datetime.now(datetime.timezone.utc):%Y%m%d-%H%M%S}"
    # An instance's final snapshot name may be 255 characters long, a cluster's 63 (identifiers.py).
    final = derived_name(old_primary, f"-final-{stamp}", 63 if kind == "cluster" else 255)
    deleted: list[str] = []
    out.note(f"deleting blue/green deployment record {args.deployment} (the old environment stays until deleted below)")
    ctx.clients.rds().delete_blue_green_deployment(BlueGreenDeploymentIdentifier=args.deployment)
    try:
        if kind == "cluster":
            cluster = lookup.cluster(ctx.clients, old_primary)
            for member in cluster.get("DBClusterMembers") or []:
                _delete_instance_of_cluster(ctx, member["DBInstanceIdentifier"])
                deleted.append(member["DBInstanceIdentifier"])
            if cluster.get("DeletionProtection"):
                out.note(f"turning deletion protection off on cluster {old_primary}")
                ctx.clients.rds().modify_db_cluster(DBClusterIdentifier=old_primary, DeletionProtection=False,
                                                    ApplyImmediately=True)
            out.note(f"deleting cluster {old_primary} (final snapshot {final})")
            ctx.clients.rds().delete_db_cluster(DBClusterIdentifier=old_primary, FinalDBSnapshotIdentifier=final)
        else:
            replicas = [name_of(a) for a in old_arns if name_of(a) != old_primary]
            for replica in replicas:
                _delete_instance(ctx, replica, None)  # a read replica takes no final snapshot
                deleted.append(replica)
            _delete_instance(ctx, old_primary, final)
        deleted.append(old_primary)
        _, seconds = wait_for(out, f"deletion of {old_primary}", lambda: _gone(ctx, kind, old_primary), bool,
                              args.wait_timeout)
    except WaitTimeout as exc:
        out.note(f"deletion requested but not confirmed: {exc}")
        out.result(deployment=args.deployment, deleted=deleted, confirmed=False, final_snapshot=final)
        return 1
    except AWS_ERRORS as exc:
        raise RunbookError(f"{describe_error(exc, ctx.clients.last_operation)} (deleted so far: "
                           f"{', '.join(deleted) or 'nothing'}; the deployment record {args.deployment} is deleted)") from None
    out.note(f"old environment deleted after {seconds:.0f}s: {', '.join(deleted)}")
    out.result(deployment=args.deployment, deleted=deleted, confirmed=True, final_snapshot=final)
    return 0


def _delete_instance_of_cluster(ctx: Context, identifier: str) -> None:
    ctx.out.note(f"deleting cluster instance {identifier}")
    ctx.clients.rds().delete_db_instance(DBInstanceIdentifier=identifier)
