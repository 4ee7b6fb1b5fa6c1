"""upgrade-check (read-only): what an engine upgrade of a database involves, and what waiting costs.

For one database (--db-instance / --db-cluster) or every primary instance and cluster of the region:
- the valid upgrade targets (DescribeDBEngineVersions, ValidUpgradeTarget), minor and major;
- the pending maintenance actions (DescribePendingMaintenanceActions);
- the end of standard support and the Extended Support phase from the one table the policy pack
  uses too (rds_guardrails.facts.lifecycle), the database's EngineLifecycleSupport, and what Extended
  Support adds per month in the rightsizing runbook's units (prices.json: USD per month, 730 hours,
  per vCPU-hour, the standby of a Multi-AZ deployment charged too, each read replica on the same
  major version too: it is a DB instance running it);
- the read replicas' versions and the order a major upgrade needs: RDS for MySQL and MariaDB
  replicas first ("you must upgrade all of the read replicas before upgrading the source
  instance", RDS UG *Upgrades of the MariaDB DB engine*; *Major version upgrades for RDS for
  MySQL*), RDS for PostgreSQL in-Region replicas with the primary ("any read replicas associated
  with the database are also upgraded", RDS UG *Choosing a major version for an RDS for PostgreSQL
  upgrade*), but not its cross-Region replicas, which can't be upgraded on their own: they are
  removed first and created again from the upgraded primary (docs/aws-rules.md row 61);
- whether a blue/green deployment is possible and, if not, why (blue_green.unsupported).

Exit code: 0, or 1 when a database is past its end of standard support (paying for Extended
Support, or due for an upgrade RDS will make).
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any, Optional, Sequence

from operations import blue_green, lookup
from operations.clients import AWS_ERRORS
from operations.errors import RunbookError
from operations.identifiers import db_identifier
from operations.pack import lifecycle
from operations.rightsizing import PRICES, SIZES
from operations.runbook import Context

HELP = ("read-only: upgrade targets, pending maintenance, end of standard support and Extended Support cost, "
        "replica order, blue/green possible")

REPLICAS_FIRST = ("mysql", "mariadb")
ORDER_DOCS = {
    "mysql": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.MySQL.Major.html",
    "mariadb": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.MariaDB.html",
    "postgres": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.html",
}
# How to perform a major version upgrade for RDS for PostgreSQL -> Handle read replicas.
POSTGRES_REPLICAS_DOC = ("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
                         "USER_UpgradeDBInstance.PostgreSQL.MajorVersion.Process.html")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster (neither: every database of the region)."""
    which = p.add_mutually_exclusive_group()
    which.add_argument("--db-instance", metavar="ID", type=db_identifier, help="one instance (default: all)")
    which.add_argument("--db-cluster", metavar="ID", type=db_identifier, help="one Aurora cluster (default: all)")


def vcpus(instance_class: Optional[str]) -> Optional[int]:
    """The class's vCPUs from prices.json (db.r6g.xlarge -> 4), None when unknown."""
    parts = (instance_class or "").split(".")
    return PRICES["vcpu"].get(parts[2]) if len(parts) == 3 and parts[2] in SIZES else None


def extended_support_cost(engine: str, version: str, classes: list[str], multi_az: bool,
                          today: datetime.date, replicas: Sequence[dict[str, Any]] = ()) -> Optional[dict[str, Any]]:
    """What Extended Support adds per month, at the rate of the year it is in (or will start in).

    `replicas`: the read replicas on the same major version (`replica`, `instance_class`, `multi_az`).
    """
    end = lifecycle.standard_support_end(engine, version)
    if end is None or not lifecycle.has_extended_support(engine):  # MariaDB: a calendar, no Extended Support
        return None
    counts = [vcpus(c) for c in classes]
    # A read replica is a DB instance of its own, charged for its vCPUs (and its standby's).
    charged = [{"replica": r["replica"], "instance_class": r["instance_class"], "multi_az": r["multi_az"],
                "vcpus": None if (n := vcpus(r["instance_class"])) is None else n * (2 if r["multi_az"] else 1)}
               for r in replicas]
    unknown = [c for c, n in zip(classes, counts) if n is None] + [
        f"{r['replica']} ({r['instance_class'] or 'class unknown'})" for r in charged if r["vcpus"] is None]
    if not counts or unknown:
        return {"from": end + datetime.timedelta(days=1), "vcpus": None, "usd_per_month": None, "replicas": charged,
                "why": f"vCPUs of {', '.join(unknown) or 'no instance'} unknown"}
    # Years 1 and 2 after the end of standard support at one rate, year 3 at another (Aurora MySQL:
    # year-1 rate throughout).
    year_3 = (today - end).days > 2 * 365 and engine != "aurora-mysql"
    rate = PRICES["extended_support_vcpu_hour"]["year_3" if year_3 else "year_1_2"]
    total = sum(n for n in counts if n is not None) * (2 if multi_az else 1) + sum(r["vcpus"] for r in charged)
    return {"from": end + datetime.timedelta(days=1), "vcpus": total, "year": "3" if year_3 else "1-2",
            "usd_per_vcpu_hour": rate, "usd_per_month": round(total * rate * PRICES["hours_per_month"], 2),
            "replicas": charged}


def _targets(ctx: Context, engine: str, version: str) -> dict[str, list[str]]:
    found = ctx.clients.rds().describe_db_engine_versions(Engine=engine, EngineVersion=version).get("DBEngineVersions") or []
    targets = [t for v in found if v.get("EngineVersion") == version for t in v.get("ValidUpgradeTarget") or []]
    return {"minor": [t["EngineVersion"] for t in targets if not t.get("IsMajorVersionUpgrade")],
            "major": [t["EngineVersion"] for t in targets if t.get("IsMajorVersionUpgrade")]}


def _pending(ctx: Context, arn: str) -> list[str]:
    response = ctx.clients.rds().describe_pending_maintenance_actions(ResourceIdentifier=arn)
    return [f"{a.get('Action')}: {a.get('Description', '')}".rstrip(": ")
            for r in response.get("PendingMaintenanceActions") or [] for a in r.get("PendingMaintenanceActionDetails") or []]


def _replicas(ctx: Context, db: dict[str, Any]) -> list[dict[str, Any]]:
    """The read replicas, their versions and sizes (a cross-region replica read in its own region)."""
    found = []
    for replica in db.get("ReadReplicaDBInstanceIdentifiers") or []:
        region, name = (replica.split(":")[3], replica.split(":")[-1]) if replica.startswith("arn:") else (None, replica)
        try:
            described = lookup.instance(ctx.clients, name, region, may_be_down=region is not None)
            version = described.get("EngineVersion")
        except (RunbookError, *AWS_ERRORS) as exc:
            described, version = {}, f"unknown ({type(exc).__name__})"
        found.append({"replica": name, "region": region or ctx.clients.region, "engine_version": version,
                      "instance_class": described.get("DBInstanceClass"), "multi_az": bool(described.get("MultiAZ")),
                      "engine_lifecycle_support": described.get("EngineLifecycleSupport")})
    return found


def upgrade_order(engine: str, replicas: list[dict[str, Any]], region: str) -> str:
    """The order a major version upgrade needs for this engine and these replicas (`region`: the primary's)."""
    if not replicas:
        return "no read replicas"
    if engine in REPLICAS_FIRST:
        return f"upgrade the read replicas first, then the primary ({ORDER_DOCS[engine]})"
    if engine != "postgres":
        return "see the engine's upgrade documentation"
    in_region = [r["replica"] for r in replicas if r["region"] == region]
    away = [f"{r['replica']} ({r['region']})" for r in replicas if r["region"] != region]
    if not away:
        return f"RDS upgrades the read replicas with the primary's major version upgrade ({ORDER_DOCS['postgres']})"
    # RDS upgrades in-Region replicas only, and refuses to upgrade a replica on its own.
    with_primary = (f"RDS upgrades the in-Region read replicas {', '.join(in_region)} with the primary's major "
                    "version upgrade, but not " if in_region else "RDS does not upgrade ")
    return (f"{with_primary}the cross-Region read replicas {', '.join(away)}, which can't be upgraded on their own: "
            "delete them first (a stack of this project: remove them from rdsplatform:replicas and run pulumi up), "
            f"upgrade the primary, then create them again from it (add them back) ({POSTGRES_REPLICAS_DOC})")


def _charged_replicas(engine: str, version: str, replicas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The replicas Extended Support charges with their primary: on its major version, not opted out."""
    major = lifecycle.major_of(engine, version)
    return [r for r in replicas
            if r["engine_lifecycle_support"] != lifecycle.EXTENDED_SUPPORT_DISABLED
            and (r["instance_class"] is None or lifecycle.major_of(engine, r["engine_version"] or "") == major)]


def check(ctx: Context, kind: str, db: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    """Everything this runbook reports about one instance or cluster."""
    identifier = db["DBClusterIdentifier" if kind == "cluster" else "DBInstanceIdentifier"]
    engine, version = db.get("Engine", ""), db.get("EngineVersion", "")
    if kind == "cluster":
        members = [lookup.instance(ctx.clients, m["DBInstanceIdentifier"]) for m in db.get("DBClusterMembers") or []]
        classes, multi_az, replicas = [m.get("DBInstanceClass", "") for m in members], False, []
    else:
        classes, multi_az, replicas = [db.get("DBInstanceClass", "")], bool(db.get("MultiAZ")), _replicas(ctx, db)
    region = ctx.clients.region
    phase = lifecycle.phase(engine, version, today)
    # None when the describe answer has no EngineLifecycleSupport: that says nothing (unset at
    # creation would mean enrolled), so the cost is shown as what enrolment adds.
    enrolment = db.get("EngineLifecycleSupport")
    cost = extended_support_cost(engine, version, classes, multi_az, today,
                                 _charged_replicas(engine, version, replicas)) if enrolment != \
        lifecycle.EXTENDED_SUPPORT_DISABLED else None
    blocked = blue_green.unsupported(ctx, blue_green.Blue(kind, identifier, db))
    return {
        "database": identifier, "kind": kind, "engine": engine, "engine_version": version,
        "major": lifecycle.major_of(engine, version),
        "upgrade_targets": _targets(ctx, engine, version),
        "pending_maintenance": _pending(ctx, db["DBClusterArn" if kind == "cluster" else "DBInstanceArn"]),
        "standard_support_end": lifecycle.standard_support_end(engine, version),
        "days_to_standard_support_end": lifecycle.days_to_standard_support_end(engine, version, today),
        "extended_support_end": lifecycle.extended_support_end(engine, version),
        "phase": phase, "engine_lifecycle_support": enrolment, "extended_support_cost": cost,
        "replicas": replicas, "upgrade_order": upgrade_order(engine, replicas, region),
        "blue_green": {"possible": not blocked, "why_not": blocked},
    }


def _databases(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    args, rds = ctx.args, ctx.clients.rds()
    if args.db_instance:
        return [("instance", lookup.instance(ctx.clients, args.db_instance))]
    if args.db_cluster:
        return [("cluster", lookup.cluster(ctx.clients, args.db_cluster))]
    found: list[tuple[str, dict[str, Any]]] = []
    for page in rds.get_paginator("describe_db_clusters").paginate():
        found += [("cluster", c) for c in page["DBClusters"]]
    for page in rds.get_paginator("describe_db_instances").paginate():
        # A cluster's members are reported with their cluster, a replica with its primary.
        found += [("instance", d) for d in page["DBInstances"]
                  if not d.get("DBClusterIdentifier") and not d.get("ReadReplicaSourceDBInstanceIdentifier")]
    return found


def run(ctx: Context) -> int:
    """Report every database's upgrade situation; exit 1 when one is past standard support."""
    out, today = ctx.out, datetime.datetime.now(datetime.timezone.utc).date()
    reports = [check(ctx, kind, db, today) for kind, db in _databases(ctx)]
    out.table(f"upgrade check ({len(reports)} databases, {ctx.clients.region}, {today})",
              ["database", "engine", "standard support ends", "phase", "Extended Support USD/month", "major targets",
               "pending", "blue/green"],
              [[r["database"], f"{r['engine']} {r['engine_version']}", r["standard_support_end"] or "unknown",
                r["phase"] or "unknown", (r["extended_support_cost"] or {}).get("usd_per_month", "-"),
                ", ".join(r["upgrade_targets"]["major"]) or "-", len(r["pending_maintenance"]),
                "possible" if r["blue_green"]["possible"] else "not possible"] for r in reports])
    for r in reports:
        if r["replicas"]:
            out.note(f"{r['database']}: replicas " + ", ".join(f"{x['replica']} ({x['region']}) {x['engine_version']}"
                                                              for x in r["replicas"]) + f"; {r['upgrade_order']}")
        charged = (r["extended_support_cost"] or {}).get("replicas")
        if charged:
            out.note(f"{r['database']}: the Extended Support figure counts its read replicas "
                     + ", ".join(f"{x['replica']} ({x['instance_class']}{', Multi-AZ' if x['multi_az'] else ''}: "
                                 f"{x['vcpus'] if x['vcpus'] is not None else '?'} vCPUs)" for x in charged))
        if not r["blue_green"]["possible"]:
            out.note(f"{r['database']}: no blue/green deployment: " + "; ".join(r["blue_green"]["why_not"]))
        if r["engine_lifecycle_support"] == lifecycle.EXTENDED_SUPPORT_DISABLED and r["standard_support_end"]:
            out.note(f"{r['database']}: not enrolled in Extended Support (open-source-rds-extended-support-disabled): "
                     f"upgrade before {r['standard_support_end']}")
    out.note(f"support dates: rds_guardrails.facts.lifecycle as of {lifecycle.AS_OF}; prices: {PRICES['region']} estimates "
             f"of {PRICES['date']} ({PRICES['extended_support_source']})")
    past = [r["database"] for r in reports if r["phase"] in ("extended", "ended")]
    out.result(databases=reports, past_standard_support=past, lifecycle_as_of=lifecycle.AS_OF,
               prices_date=PRICES["date"])
    return 1 if past else 0
