"""metrics: CloudWatch CPU, connections, free storage and memory, latency and replica lag of an instance."""

from __future__ import annotations

import argparse

from operations.identifiers import db_identifier, positive_hours
from operations import lookup, stats
from operations.errors import RunbookError
from operations.runbook import Context

HELP = "CloudWatch CPU, connections, free storage/memory, latency, replica lag: min/avg/max/p95"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance and --hours."""
    p.add_argument("--db-instance", metavar="ID", type=db_identifier, required=True, help="the DB instance")
    p.add_argument("--hours", type=positive_hours, default=24, help="window ending now (default 24, at most 455 days)")


def run(ctx: Context) -> int:
    """Print the instance's CloudWatch figures over the window."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    if args.hours > 455 * 24:  # zero, negative and non-finite values are refused by the parser
        raise RunbookError(f"--hours {args.hours:g}: CloudWatch keeps RDS metrics at most 455 days "
                           f"({455 * 24} hours)")
    db = lookup.instance(clients, args.db_instance)
    names = [n for n in stats.METRICS if n != "ReplicaLag" or db.get("ReadReplicaSourceDBInstanceIdentifier")]
    figures = stats.instance_metrics(clients.client("cloudwatch"), args.db_instance, args.hours, names)
    rows = [[name, f["unit"], f["min"], f["avg"], f["max"], f["p95"], f["datapoints"]] for name, f in figures.items()]
    out.table(f"{args.db_instance}, last {args.hours:g} h (period {next(iter(figures.values()))['period_seconds']} s)",
              ["metric", "unit", "min", "avg", "max", "p95", "points"], rows)
    if not any(f["datapoints"] for f in figures.values()):
        out.note("no datapoints in that window: is the instance new, stopped, or in another region?")
    out.result(db_instance=args.db_instance, hours=args.hours, metrics=figures)
    return 0
