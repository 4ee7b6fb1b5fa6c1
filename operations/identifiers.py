"""argparse types for what the runbooks act on: DB instance and cluster identifiers."""

from __future__ import annotations

import argparse
import re

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


def same_identifier(a: str, b: str) -> bool:
    """RDS identifiers are not case-sensitive: they are "stored as a lowercase string" (CreateDBInstance)."""
    return a.lower() == b.lower()
