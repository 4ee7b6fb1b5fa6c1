"""argparse types for what the runbooks act on: DB identifiers, regions, the endpoint URL, durations and percentages."""

from __future__ import annotations

import argparse
import difflib
import functools
import math
import re
from typing import Callable
from urllib.parse import urlsplit

import botocore
import botocore.session

# What RDS allows for the names a runbook is given or derives (Amazon RDS API Reference):
# - CreateDBInstance, DBInstanceIdentifier, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
#   (RestoreDBInstanceToPointInTime, TargetDBInstanceIdentifier, the same): "Must contain from 1 to
#   63 letters, numbers, or hyphens. First character must be a letter. Can't end with a hyphen or
#   contain two consecutive hyphens."
# - CreateDBCluster, DBClusterIdentifier, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html:
#   the same characters, "1 to 63 (for Aurora DB clusters) or 1 to 52 (for Multi-AZ DB clusters)";
#   RestoreDBClusterToPointInTime, DBClusterIdentifier (the drill's cluster) says "1 to 63" for
#   both kinds, so the runbooks check 63 (whether a restored Multi-AZ DB cluster takes more than
#   52 is not confirmed: RDS would refuse it, after the parser).
# - CreateDBSnapshot, DBSnapshotIdentifier (and CopyDBSnapshot, TargetDBSnapshotIdentifier),
#   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html: the same
#   characters, "from 1 to 255".
# - CreateDBClusterSnapshot, DBClusterSnapshotIdentifier (and CopyDBClusterSnapshot),
#   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBClusterSnapshot.html: the
#   same characters, "from 1 to 63".
_RDS_NAME = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|-(?!-))*\Z")
DB_IDENTIFIER_MAX = 63
SNAPSHOT_MAX = 255
CLUSTER_SNAPSHOT_MAX = 63


def rds_name_problem(value: str, max_length: int) -> str | None:
    """Why `value` is not an RDS name of at most `max_length` characters, or None when it is one."""
    if not 1 <= len(value) <= max_length:
        return f"{len(value)} characters, not 1-{max_length}"
    if not value[0].isascii() or not value[0].isalpha():
        return "the first character must be a letter"
    if value.endswith("-"):
        return "it must not end with a hyphen"
    if "--" in value:
        return "it must not contain two consecutive hyphens"
    if not _RDS_NAME.match(value):
        return "only letters, digits and hyphens are allowed"
    return None


def allowed_names(max_length: int) -> str:
    """What RDS allows in a name of at most `max_length` characters, for a refusal's message."""
    return f"1-{max_length} letters, digits or hyphens, a letter first, no trailing or double hyphen"


def name_refusal(value: str, what: str, max_length: int) -> str | None:
    """Why `value` is not a `what` of at most `max_length` characters, with what is allowed; None when it is one."""
    problem = rds_name_problem(value, max_length)
    return f"{value!r} is not a {what} ({problem}; allowed: {allowed_names(max_length)})" if problem else None


def _rds_name(what: str, max_length: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        refusal = name_refusal(value, what, max_length)
        if refusal:
            raise argparse.ArgumentTypeError(refusal)
        return value

    check.__name__ = what.replace(" ", "_")  # argparse names the type in some messages
    check.__doc__ = f"A {what} as RDS allows it ({allowed_names(max_length)}); anything else is refused (exit 2)."
    return check


db_identifier = _rds_name("DB identifier", DB_IDENTIFIER_MAX)
# Instance snapshots allow 255 characters, cluster snapshots 63: the parser accepts what either
# kind allows, and the snapshot runbook checks the cluster limit before any call (snapshot.py).
snapshot_identifier = _rds_name("DB snapshot identifier", SNAPSHOT_MAX)


def derived_name(base: str, suffix: str, max_length: int = DB_IDENTIFIER_MAX) -> str:
    """`base` + `suffix`, `base` shortened so the whole fits `max_length` (no trailing hyphen left before the suffix)."""
    return base[:max_length - len(suffix)].rstrip("-") + suffix


def add_target(p: argparse.ArgumentParser, *, confirm: str | None = None, instance_help: str = "a DB instance",
               cluster_help: str = "a DB cluster (Aurora or Multi-AZ)") -> None:
    """--db-instance or --db-cluster (one of them, validated), and --confirm saying why it is needed."""
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--db-instance", metavar="ID", type=db_identifier, help=instance_help)
    which.add_argument("--db-cluster", metavar="ID", type=db_identifier, help=cluster_help)
    if confirm is not None:
        p.add_argument("--confirm", metavar="ID", type=db_identifier, help=f"the same identifier: {confirm}")


def same_identifier(a: str, b: str) -> bool:
    """RDS identifiers are not case-sensitive: they are "stored as a lowercase string" (CreateDBInstance)."""
    return a.lower() == b.lower()


def endpoint_url(value: str) -> str:
    """An http(s) URL with a host, checked before boto3 sees it (it raises ValueError on any other)."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _ = parts.port  # a non-numeric or out-of-range port raises ValueError here
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise argparse.ArgumentTypeError(f"{value!r} is not an endpoint URL (http:// or https:// and a host)")
    return value


@functools.lru_cache(maxsize=1)
def rds_regions() -> frozenset[str]:
    """Every region of every partition with an RDS endpoint, from botocore's endpoint data (no call)."""
    session = botocore.session.get_session()
    return frozenset(region for partition in session.get_available_partitions()
                     for region in session.get_available_regions("rds", partition))


def region(value: str) -> str:
    """An AWS region with RDS: a misspelt one would otherwise surface as a connection error."""
    if value in rds_regions():
        return value
    close = difflib.get_close_matches(value, sorted(rds_regions()), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"e.g. {', '.join(sorted(rds_regions())[:3])}"
    raise argparse.ArgumentTypeError(f"{value!r} is not an AWS region with RDS in botocore {botocore.__version__}'s "
                                     f"endpoint data ({hint})")


def _number(what: str, accepted: Callable[[float], bool], doc: str) -> Callable[[str], float]:
    """An argparse type for a finite number that `accepted` allows (float() alone takes 'nan',
    'inf' and negatives); anything else is refused as "not <what>"."""

    def check(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and accepted(number)):
            raise argparse.ArgumentTypeError(f"{value!r} is not {what}")
        return number

    check.__doc__ = doc
    return check


positive_seconds = _number("a positive finite number of seconds", lambda n: n > 0,
                           "A finite number of seconds above zero.")
positive_hours = _number("a positive finite number of hours", lambda n: n > 0,
                         "A finite number of hours above zero (a window of metrics).")
positive_days = _number("a positive finite number of days", lambda n: n > 0,
                        "A finite number of days above zero (a window of metrics).")
age_days = _number("a finite number of days from 0", lambda n: n >= 0,
                   "A finite number of days from zero (an age: 0 means every one).")
percent = _number("a percentage (0-100)", lambda n: 0 <= n <= 100,
                  "A percentage from 0 to 100 (a CPU utilization threshold).")


# PromoteReadReplica, BackupRetentionPeriod (RDS API Reference,
# https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html):
# "Must be a value from 0 to 35" (0 turns automated backups off).
RETENTION_DAYS = range(0, 36)


def retention_days(value: str) -> int:
    """A backup retention in whole days as PromoteReadReplica allows it (0-35)."""
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days not in RETENTION_DAYS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a backup retention (whole days, "
                                         f"{RETENTION_DAYS.start}-{RETENTION_DAYS.stop - 1})")
    return days
