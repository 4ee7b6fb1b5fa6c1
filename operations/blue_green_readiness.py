"""The checks before a switchover: replica lag, pending maintenance, parameter groups in sync, and
green as requested."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from operations import lookup
from operations.blue_green_args import CONFIG_KEYS
from operations.blue_green_limits import Blue, unsupported
from operations.blue_green_deployment import describe_arn, kind_of, members, name_of
from operations.runbook import Context

# A lag measured longer ago than this does not show that replication is caught up now.
LAG_WINDOW_MINUTES = 10
BLUE_RESOURCE_TAG = "ops:blue-resource-id"


@dataclass
class Check:
    """One pre-switchover check and what it found."""

    name: str
    ok: bool
    detail: str


def _replica_lag(ctx: Context, green: dict[str, Any], kind: str) -> Check:
    """Green primary's ReplicaLag (CloudWatch, Maximum per minute) over the last minutes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    if kind == "cluster":
        identifier = lookup.writer(green) or ""
    else:
        identifier = green.get("DBInstanceIdentifier", "")
    response = ctx.clients.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/RDS", MetricName="ReplicaLag", Dimensions=[{"Name": "DBInstanceIdentifier", "Value": identifier}],
        StartTime=now - datetime.timedelta(minutes=LAG_WINDOW_MINUTES), EndTime=now, Period=60, Statistics=["Maximum"])
    points = sorted(response.get("Datapoints") or [], key=lambda d: d["Timestamp"])
    if not points:
        return Check("replication caught up", False, f"no ReplicaLag datapoint of green {identifier or '(no writer)'} "
                     f"in the last {LAG_WINDOW_MINUTES} minutes: replication is not shown to be caught up")
    lag = points[-1]["Maximum"]
    limit = ctx.args.max_replica_lag
    return Check("replication caught up", lag <= limit,
                 f"ReplicaLag of green {identifier}: {lag:g} s (at most {limit:g} s allowed)")


def _pending_maintenance(ctx: Context, arns: list[str]) -> Check:
    pending = []
    for arn in arns:
        response = ctx.clients.rds().describe_pending_maintenance_actions(ResourceIdentifier=arn)
        for resource in response.get("PendingMaintenanceActions") or []:
            for action in resource.get("PendingMaintenanceActionDetails") or []:
                pending.append(f"{name_of(resource.get('ResourceIdentifier', arn))}: {action.get('Action')}")
    return Check("no pending maintenance", not pending,
                 "; ".join(pending) + " (apply or defer it first)" if pending else "none on blue or green")


def _in_sync(green: dict[str, Any], kind: str, green_instances: list[dict[str, Any]]) -> Check:
    states = []
    if kind == "cluster":
        states += [(f"cluster group of {m['DBInstanceIdentifier']}", m.get("DBClusterParameterGroupStatus", "?"))
                   for m in green.get("DBClusterMembers") or []]
    for instance in green_instances:
        states += [(f"{g.get('DBParameterGroupName')} on {instance['DBInstanceIdentifier']}",
                    g.get("ParameterApplyStatus", "?")) for g in instance.get("DBParameterGroups") or []]
    behind = [f"{what}: {state}" for what, state in states if state != "in-sync"]
    return Check("parameter groups in sync", bool(states) and not behind,
                 "; ".join(behind) if behind else ("every group in-sync" if states else "no parameter group reported"))


def _as_requested(blue_version: str, green: dict[str, Any], green_instances: list[dict[str, Any]], wanted: dict[str, Any]) -> Check:
    differences = []
    version = wanted.get("engine_version") or blue_version
    if green.get("EngineVersion") != version:
        differences.append(f"engine version {green.get('EngineVersion')}, not {version}")
    if "cluster_parameter_group" in wanted and green.get("DBClusterParameterGroup") != wanted["cluster_parameter_group"]:
        differences.append(f"cluster parameter group {green.get('DBClusterParameterGroup')}, "
                           f"not {wanted['cluster_parameter_group']}")
    for instance in green_instances:
        for name, field in (("instance_class", "DBInstanceClass"), ("storage_type", "StorageType"),
                            ("allocated_storage", "AllocatedStorage"), ("iops", "Iops"),
                            ("storage_throughput", "StorageThroughput"), ("parameter_group", None)):
            if name not in wanted:
                continue
            have: Any = ([g.get("DBParameterGroupName") for g in instance.get("DBParameterGroups") or []]
                    if field is None else instance.get(field))
            if (wanted[name] not in have) if field is None else have != wanted[name]:
                differences.append(f"{instance['DBInstanceIdentifier']} {name.replace('_', ' ')} {have}, not {wanted[name]}")
    return Check("engine version and changes as requested", not differences,
                 "; ".join(differences) if differences else f"engine version {version}"
                 + "".join(f", {k.replace('_', ' ')} {v}" for k, v in wanted.items() if k != "engine_version"))


def readiness(ctx: Context, dep: dict[str, Any], wanted: dict[str, Any]) -> list[Check]:
    """The checks AWS recommends before a switchover, on the deployment as it is now."""
    status = dep.get("Status")
    member_states = [d.get("Status") for d in dep.get("SwitchoverDetails") or []]
    tasks = [f"{t.get('Name')} {t.get('Status')}" for t in dep.get("Tasks") or [] if t.get("Status") != "COMPLETED"]
    checks = [Check("deployment available", status == "AVAILABLE" and all(m == "AVAILABLE" for m in member_states) and not tasks,
                    f"status {status}; members {', '.join(str(m) for m in member_states) or '-'}"
                    + (f"; unfinished tasks: {', '.join(tasks)}" if tasks else ""))]
    source_arn, target_arn = dep.get("Source", ""), dep.get("Target", "")
    kind = kind_of(source_arn)
    blue_db, green = describe_arn(ctx, source_arn), describe_arn(ctx, target_arn)
    if blue_db is None or green is None:
        missing = [arn for arn, db in ((source_arn, blue_db), (target_arn, green)) if db is None]
        checks.append(Check("blue and green exist", False, f"not found: {', '.join(missing)}"))
        return checks
    green_instances = ([lookup.instance(ctx.clients, m["DBInstanceIdentifier"]) for m in green.get("DBClusterMembers") or []]
                       if kind == "cluster" else [green])
    blue = Blue(kind, name_of(source_arn), blue_db)
    checks.append(_replica_lag(ctx, green, kind))
    checks.append(_pending_maintenance(ctx, [arn for pair in members(dep) for arn in pair if arn]))
    checks.append(_in_sync(green, kind, green_instances))
    checks.append(_as_requested(blue.version, green, green_instances, wanted))
    problems = unsupported(ctx, blue)
    checks.append(Check("no unsupported features", not problems, "; ".join(problems) if problems else "none found"))
    return checks


def report(ctx: Context, checks: list[Check]) -> None:
    ctx.out.table("pre-switchover checks", ["check", "result", "detail"],
                  [[c.name, "pass" if c.ok else "FAIL", c.detail] for c in checks])
    if ctx.out.as_json:
        for c in checks:
            ctx.out.note(f"check {c.name}: {'pass' if c.ok else 'FAIL'}", check=c.name, ok=c.ok, detail=c.detail)


def wanted_from_tags(dep: dict[str, Any]) -> dict[str, Any]:
    """The changes a deployment was created with, kept in its tags by the create call."""
    tags = {t["Key"]: t.get("Value", "") for t in dep.get("TagList") or []}
    wanted: dict[str, Any] = {}
    for name in (*CONFIG_KEYS, "parameter_group", "cluster_parameter_group"):
        value = tags.get(f"ops:{name}")
        if value:
            wanted[name] = int(value) if name in ("allocated_storage", "iops", "storage_throughput") else value
    return wanted
