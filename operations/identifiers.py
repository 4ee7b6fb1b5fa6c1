"""argparse types for what the runbooks act on: DB identifiers, the endpoint URL and durations."""

from __future__ import annotations

import argparse
import math
import re
from urllib.parse import urlsplit

# Amazon RDS API Reference, CreateDBInstance, DBInstanceIdentifier (and CreateDBCluster,
# DBClusterIdentifier, same constraints): "Must contain from 1 to 63 letters, numbers, or hyphens.
# First character must be a letter. Can't end with a hyphen or contain two consecutive hyphens."
_DB_IDENTIFIER = re.compile(r"[A-Za-z](?:[A-Za-z0-9]|-(?!-))*\Z")


def db_identifier(value: str) -> str:
    """A DB instance or cluster identifier as RDS allows it; anything else is refused (exit 2)."""
    if not (1 <= len(value) <= 63 and _DB_IDENTIFIER.match(value) and not value.endswith("-")):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a DB identifier (1-63 letters, digits or hyphens, a letter first, "
            "no trailing or double hyphen)")
    return value


def add_target(p: argparse.ArgumentParser, *, confirm: str | None = None, instance_help: str | None = None,
               cluster_help: str | None = None) -> None:
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
        parts.port  # a non-numeric or out-of-range port raises ValueError here
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise argparse.ArgumentTypeError(f"{value!r} is not an endpoint URL (http:// or https:// and a host)")
    return value


def positive_seconds(value: str) -> float:
    """A finite number of seconds above zero (float() alone accepts 'nan', 'inf' and negatives)."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive finite number of seconds")
    return seconds
