"""rightsizing: over- and under-provisioned instances, gp2 volumes and old manual snapshots, with savings.

Heuristics (this runbook's, tunable by options; not AWS rules):
- idle: no connection at all and CPU never above --idle-cpu over the window -> stop or delete.
- upsize: p95 CPU above --high-cpu, or freeable memory below 10 % of the class's memory, or the
  connections' peak above 80 % of the engine's default max_connections for the class.
- downsize: p95 CPU below --low-cpu and peak below twice that, the memory in use fitting 90 % of
  the next size down, and the connections' peak under half of that size's max_connections.
Sizes move within the family (db.r6g.xlarge -> db.r6g.large), never across families.
Default max_connections (RDS User Guide, "Quotas and constraints for Amazon RDS" -> "Maximum
number of database connections", CHAP_Limits.html#RDS_Limits.MaxConnections): PostgreSQL
LEAST({DBInstanceClassMemory/9531392}, 5000), MySQL and MariaDB {DBInstanceClassMemory/12582880};
the class's nominal memory stands in for DBInstanceClassMemory (a little larger), so these are
upper estimates. gp3 (RDS User Guide, "Amazon RDS DB instance storage" -> General Purpose SSD,
CHAP_Storage.html): a 3,000 IOPS / 125 MiB/s baseline below 400 GiB (more above), where gp2
gives 3 IOPS per GiB (100 at least) and bursts on credits.
Prices come from prices.json: estimates with their source and date, printed with every run.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any, Optional

from operations import stats
from operations.errors import RunbookError
from operations.identifiers import age_days, percent, positive_days
from operations.runbook import Context

HELP = "downsizing/upsizing within the family, gp2->gp3, idle instances, old snapshots; estimated monthly savings"
PRICES = json.loads((Path(__file__).parent / "prices.json").read_text())
SIZES = ["micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge"]
CONNECTION_DIVISOR = {"postgres": 9531392, "mysql": 12582880, "mariadb": 12582880}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--days and the thresholds of the heuristics."""
    p.add_argument("--days", type=positive_days, default=14, help="utilization window ending now (default 14)")
    p.add_argument("--low-cpu", type=percent, default=30, help="p95 CPU %% under which to downsize (default 30)")
    p.add_argument("--high-cpu", type=percent, default=80, help="p95 CPU %% over which to upsize (default 80)")
    p.add_argument("--idle-cpu", type=percent, default=5, help="peak CPU %% of an idle instance (default 5)")
    p.add_argument("--snapshot-age-days", type=age_days, default=90,
                   help="manual snapshots older than this (default 90)")


def _class_parts(instance_class: str) -> Optional[tuple[str, str, str]]:
    """db.r6g.xlarge -> ('r6g', 'r', 'xlarge')"""
    parts = instance_class.split(".")
    if len(parts) != 3 or parts[2] not in SIZES:
        return None
    return parts[1], parts[1][0], parts[2]


def memory_gib(instance_class: str) -> Optional[float]:
    """The class's nominal memory from the price table, None if unknown."""
    parts = _class_parts(instance_class)
    return PRICES["memory_gib"].get(parts[1], {}).get(parts[2]) if parts else None


def neighbour(instance_class: str, step: int) -> Optional[str]:
    """The next size up (+1) or down (-1) in the same family that the price table knows."""
    parts = _class_parts(instance_class)
    if not parts:
        return None
    index = SIZES.index(parts[2]) + step
    if not 0 <= index < len(SIZES):
        return None
    candidate = f"db.{parts[0]}.{SIZES[index]}"
    return candidate if candidate in PRICES["instance_per_hour"] and memory_gib(candidate) else None


def monthly(instance_class: str, multi_az: bool) -> Optional[float]:
    """The class's estimated monthly price (twice for Multi-AZ), None if unknown."""
    hourly = PRICES["instance_per_hour"].get(instance_class)
    return None if hourly is None else hourly * PRICES["hours_per_month"] * (2 if multi_az else 1)


def max_connections(engine: str, instance_class: str) -> Optional[float]:
    """The engine's default max_connections for the class, None if unknown."""
    divisor, memory = CONNECTION_DIVISOR.get(engine.replace("aurora-postgresql", "postgres")), memory_gib(instance_class)
    if not divisor or not memory:
        return None
    value = memory * 2**30 / divisor
    return min(value, 5000) if "postgres" in engine else value


def _change(db: dict[str, Any], proposed: str, kind: str, reason: str) -> dict[str, Any]:
    multi_az = bool(db.get("MultiAZ"))
    now, then = monthly(db["DBInstanceClass"], multi_az), monthly(proposed, multi_az)
    saving = None if now is None or then is None else round(now - then, 2)
    return {"resource": db["DBInstanceIdentifier"], "kind": kind, "current": db["DBInstanceClass"],
            "proposed": proposed, "reason": reason, "monthly_savings_usd": saving}


def _instance_class(args: Any, db: dict[str, Any], m: dict[str, Any]) -> Optional[dict[str, Any]]:
    cls, engine = db["DBInstanceClass"], db.get("Engine", "")
    cpu, conns, free = m["CPUUtilization"], m["DatabaseConnections"], m["FreeableMemory"]
    if not cpu["datapoints"]:
        return None  # no data, no verdict
    if conns["datapoints"] and conns["max"] == 0 and cpu["max"] < args.idle_cpu:
        cost = monthly(cls, bool(db.get("MultiAZ")))
        return {"resource": db["DBInstanceIdentifier"], "kind": "idle", "current": cls, "proposed": "stop or delete",
                "reason": f"no connection and CPU at most {cpu['max']:g}% in {args.days:g} days (take a final snapshot)",
                "monthly_savings_usd": round(cost, 2) if cost is not None else None}
    memory, limit = memory_gib(cls), max_connections(engine, cls)
    low_memory = memory and free["datapoints"] and free["min"] < 0.1 * memory
    busy = limit and conns["datapoints"] and conns["max"] > 0.8 * limit
    if cpu["p95"] > args.high_cpu or low_memory or busy:
        bigger = neighbour(cls, +1)
        why = (f"p95 CPU {cpu['p95']:g}%" if cpu["p95"] > args.high_cpu else
               f"freeable memory down to {free['min']:g} GiB" if low_memory else f"{conns['max']:g} connections")
        return _change(db, bigger, "upsize", why) if bigger else None
    smaller = neighbour(cls, -1)
    if not smaller or cpu["p95"] >= args.low_cpu or cpu["max"] >= 2 * args.low_cpu or not memory:
        return None
    used = memory - (free["min"] if free["datapoints"] else 0)
    small_limit = max_connections(engine, smaller)
    small_memory = memory_gib(smaller)
    if small_memory is None or used > 0.9 * small_memory or (small_limit and conns["datapoints"] and conns["max"] > 0.5 * small_limit):
        return None
    return _change(db, smaller, "downsize", f"p95 CPU {cpu['p95']:g}%, peak {cpu['max']:g}%, {used:.1f} GiB memory in use")


def _storage(db: dict[str, Any]) -> Optional[dict[str, Any]]:
    if db.get("StorageType") != "gp2" or db.get("DBClusterIdentifier"):
        return None
    size, copies = int(db.get("AllocatedStorage") or 0), 2 if db.get("MultiAZ") else 1
    price = PRICES["storage_gib_month"]
    saving = round((price["gp2"] - price["gp3"]) * size * copies, 2)
    return {"resource": db["DBInstanceIdentifier"], "kind": "gp2->gp3", "current": f"gp2 {size} GiB",
            "proposed": f"gp3 {size} GiB", "monthly_savings_usd": saving,
            "reason": f"gp3 gives at least 3,000 IOPS at any size; gp2 gives {max(100, 3 * size)} IOPS at {size} GiB"}


def _snapshots(clients: Any, max_age_days: float) -> list[dict[str, Any]]:
    now, found = datetime.datetime.now(datetime.timezone.utc), []
    paginator = clients.rds().get_paginator("describe_db_snapshots")
    for page in paginator.paginate(SnapshotType="manual"):
        for snap in page.get("DBSnapshots", []):
            created = snap.get("SnapshotCreateTime")
            age = (now - created).total_seconds() / 86400 if created else 0
            if created and age >= max_age_days:
                size = int(snap.get("AllocatedStorage") or 0)
                found.append({"resource": snap["DBSnapshotIdentifier"], "kind": "old snapshot",
                              "current": f"{size} GiB, {age:.0f} days old", "proposed": "delete (or archive)",
                              "reason": f"manual snapshot of {snap.get('DBInstanceIdentifier')} older than {max_age_days:g} days",
                              "monthly_savings_usd": round(size * PRICES["snapshot_gib_month"], 2)})
    return found


def run(ctx: Context) -> int:
    """Recommend class, storage and snapshot changes with estimated monthly savings."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    if args.low_cpu >= args.high_cpu:  # every instance would be both too big and too small
        raise RunbookError(f"--low-cpu {args.low_cpu:g} must be below --high-cpu {args.high_cpu:g}")
    cloudwatch, recommendations = clients.client("cloudwatch"), []
    paginator = clients.rds().get_paginator("describe_db_instances")
    instances = [db for page in paginator.paginate() for db in page.get("DBInstances", [])]
    for db in instances:
        if db.get("DBInstanceStatus") != "available":
            continue
        m = stats.instance_metrics(cloudwatch, db["DBInstanceIdentifier"], args.days * 24,
                                   ["CPUUtilization", "DatabaseConnections", "FreeableMemory"])
        recommendations += [r for r in (_instance_class(args, db, m), _storage(db)) if r]
    recommendations += _snapshots(clients, args.snapshot_age_days)
    amounts = [r["monthly_savings_usd"] or 0 for r in recommendations]
    savings, increase = round(sum(a for a in amounts if a > 0), 2), round(-sum(a for a in amounts if a < 0), 2)
    out.table(f"rightsizing over {args.days:g} days ({len(instances)} instances)",
              ["resource", "kind", "current", "proposed", "USD/month saved", "why"],
              [[r["resource"], r["kind"], r["current"], r["proposed"], r["monthly_savings_usd"], r["reason"]]
               for r in recommendations])
    out.note(f"prices: {PRICES['region']} list prices of {PRICES['date']}, estimates ({PRICES['source']})"
             + (f"; {clients.region} prices differ" if clients.region != PRICES["region"] else ""))
    out.result(instances=len(instances), recommendations=recommendations, estimated_monthly_savings_usd=savings,
               estimated_monthly_cost_increase_usd=increase, estimated_net_usd=round(savings - increase, 2),
               prices={k: PRICES[k] for k in ("source", "date", "region", "currency", "note")})
    return 0
