"""Which Secrets Manager secret holds a database's master credentials, for the runbooks that act on it.

AWS rules relied on:
- An RDS-managed master secret is named by the database itself: DBInstance/DBCluster
  MasterUserSecret.SecretArn (RDS API Reference, DBInstance and DBCluster data types).
- A secret the program generated (credentialsMode generated; `pulumi stack output
  masterSecretArn`) is given as --secret-id and must carry the database's own Environment and
  Project tags (the program's default tags; DescribeDBInstances and DescribeDBClusters return
  TagList, DescribeSecret returns Tags). Anything else is refused.
"""

from __future__ import annotations

import argparse
from typing import Any

from operations import lookup
from operations.errors import RunbookError


def add_secret_id(p: argparse.ArgumentParser) -> None:
    """--secret-id: the program's own secret."""
    p.add_argument("--secret-id", metavar="ARN",
                   help="the program's own secret (credentialsMode generated): `pulumi stack output masterSecretArn`")


def secret_of(clients: Any, args: Any) -> tuple[str, bool, dict[str, Any]]:
    """(secret ARN, managed by RDS, the database) of --db-instance / --db-cluster and --secret-id."""
    db = lookup.cluster(clients, args.db_cluster) if args.db_cluster else lookup.instance(clients, args.db_instance)
    managed = (db.get("MasterUserSecret") or {}).get("SecretArn")
    if managed and args.secret_id and args.secret_id != managed:
        raise RunbookError(f"the database's master secret is RDS-managed ({managed}); --secret-id names another secret")
    if managed:
        return managed, True, db
    if not args.secret_id:
        raise RunbookError("the database has no RDS-managed master secret: pass --secret-id with the program's secret "
                           "(`pulumi stack output masterSecretArn`)")
    return args.secret_id, False, db


def require_same_stack(identifier: str, db: dict[str, Any], secret: dict[str, Any], nothing_done: str) -> None:
    """Refuse a secret that is not tagged with the database's stack (Environment and Project)."""
    db_stack = lookup.stack_of(lookup.tags(db))
    secret_stack = lookup.stack_of(lookup.tags({"TagList": secret.get("Tags")}))
    if db_stack is None or secret_stack != db_stack:
        wanted = "/".join(db_stack) if db_stack else "none: the database has no Environment and Project tags"
        raise RunbookError(f"--secret-id {secret['ARN']} is not tied to '{identifier}': it is not its RDS-managed master "
                           f"secret and does not carry its Environment/Project tags ({wanted}); {nothing_done}")


def version_with(secret: dict[str, Any], stage: str) -> str | None:
    """The version id carrying `stage` in a DescribeSecret answer (VersionIdsToStages), or None."""
    return next((v for v, stages in (secret.get("VersionIdsToStages") or {}).items() if stage in stages), None)
