"""rotate-credentials: rotate an instance's or cluster's master secret now, and wait for the new version.

AWS rules relied on:
- RDS-managed master secrets (MasterUserSecret) are rotated by RDS ("managed rotation", Secrets
  Manager User Guide, "Managed rotation for AWS Secrets Manager secrets": no Lambda function);
  RotateSecret on it rotates immediately, and "rotation for managed secrets typically completes
  within one minute. During rotation, new connections that retrieve the secret may get the
  previous version" -- so the runbook waits until the new version is AWSCURRENT.
- A secret the program generated (credentialsMode generated; `pulumi stack output
  masterSecretArn`) rotates only through a rotation function: RotateSecret without one fails
  (Secrets Manager API Reference, RotateSecret: RotationLambdaARN "required for secrets that aren't
  managed"), so a secret with no rotation configured is refused before any call.
- --secret-id must belong to the database in --confirm: its RDS-managed master secret
  (DBInstance/DBCluster MasterUserSecret.SecretArn, RDS API Reference) or a secret carrying the
  database's own Environment and Project tags (the program's default tags; DescribeDBInstances
  and DescribeDBClusters return TagList, DescribeSecret returns Tags). Anything else is refused.
The secret's value is never read or printed; only its ARN and version ids are.
"""

from __future__ import annotations

from typing import Any

from operations.identifiers import add_target
from operations import lookup
from operations.cli import require_confirm
from operations.errors import RunbookError
from operations.waiting import wait_for

HELP = "rotate the master secret (RDS-managed, or the program's --secret-id) and wait for the new version"


def add_arguments(p: Any) -> None:
    """--db-instance or --db-cluster, --confirm, --secret-id."""
    add_target(p, confirm="clients must fetch the new password")
    p.add_argument("--secret-id", metavar="ARN",
                   help="the program's own secret (credentialsMode generated): `pulumi stack output masterSecretArn`")


def _secret_of(ctx: Any) -> tuple[str, bool, dict]:
    """(secret ARN, managed by RDS, the database)"""
    args, clients = ctx.args, ctx.clients
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


def _require_same_stack(identifier: str, db: dict, secret: dict) -> None:
    """Refuse a secret that is not tagged with the database's stack (Environment and Project)."""
    db_stack = lookup.stack_of(lookup.tags(db))
    secret_stack = lookup.stack_of(lookup.tags({"TagList": secret.get("Tags")}))
    if db_stack is None or secret_stack != db_stack:
        wanted = "/".join(db_stack) if db_stack else "none: the database has no Environment and Project tags"
        raise RunbookError(f"--secret-id {secret['ARN']} is not tied to '{identifier}': it is not its RDS-managed master "
                           f"secret and does not carry its Environment/Project tags ({wanted}); nothing rotated")


def _current_version(secret: dict) -> str | None:
    return next((v for v, stages in (secret.get("VersionIdsToStages") or {}).items() if "AWSCURRENT" in stages), None)


def run(ctx: Any) -> int:
    """Refuse without --confirm, rotate the secret, wait for the new version."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    identifier = args.db_cluster or args.db_instance
    require_confirm(args, identifier)
    secret_id, managed, db = _secret_of(ctx)
    sm = clients.client("secretsmanager")
    secret = sm.describe_secret(SecretId=secret_id)
    if not managed:
        _require_same_stack(identifier, db, secret)
    if not managed and not (secret.get("RotationEnabled") or secret.get("RotationLambdaARN")):
        raise RunbookError(f"secret {secret_id} has no rotation function: configure rotation "
                           "(aws.secretsmanager.SecretRotation) before rotating it")
    before = _current_version(secret)
    out.note(f"rotating {'the RDS-managed' if managed else 'the'} master secret of {identifier}: {secret['ARN']}")
    new_version = sm.rotate_secret(SecretId=secret_id, RotateImmediately=True).get("VersionId")
    after, seconds = wait_for(out, "the new secret version to become AWSCURRENT", lambda: sm.describe_secret(SecretId=secret_id),
                              lambda s: _current_version(s) not in (None, before)
                              and (new_version is None or _current_version(s) == new_version),
                              args.wait_timeout, lambda s: f"current {_current_version(s)}")
    out.note("clients that cache the password must fetch the secret again")
    out.result(database=identifier, secret_arn=secret["ARN"], rds_managed=managed, previous_version=before,
               current_version=_current_version(after), rotation_seconds=round(seconds, 1))
    return 0
