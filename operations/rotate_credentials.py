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
- --secret-id must belong to the database in --confirm: its RDS-managed master secret or a
  secret carrying the database's own Environment and Project tags (operations/master_secret.py,
  shared with sync-connection). Anything else is refused.
The secret's value is never read or printed; only its ARN and version ids are.
"""

from __future__ import annotations

from typing import Any
import argparse

from operations.identifiers import add_target
from operations.runbook import Context, require_confirm
from operations.master_secret import add_secret_id, require_same_stack, secret_of, version_with
from operations.errors import RunbookError
from operations.waiting import wait_for

HELP = "rotate the master secret (RDS-managed, or the program's --secret-id) and wait for the new version"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster, --confirm, --secret-id."""
    add_target(p, confirm="clients must fetch the new password")
    add_secret_id(p)


def _current(secret: dict[str, Any]) -> str | None:
    return version_with(secret, "AWSCURRENT")


def run(ctx: Context) -> int:
    """Refuse without --confirm, rotate the secret, wait for the new version."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    identifier = args.db_cluster or args.db_instance
    require_confirm(args, identifier)
    secret_id, managed, db = secret_of(clients, args)
    sm = clients.client("secretsmanager")
    secret = sm.describe_secret(SecretId=secret_id)
    if not managed:
        require_same_stack(identifier, db, secret, "nothing rotated")
    if not managed and not (secret.get("RotationEnabled") or secret.get("RotationLambdaARN")):
        raise RunbookError(f"secret {secret_id} has no rotation function: configure rotation "
                           "(aws.secretsmanager.SecretRotation) before rotating it")
    before = _current(secret)
    out.note(f"rotating {'the RDS-managed' if managed else 'the'} master secret of {identifier}: {secret['ARN']}")
    new_version = sm.rotate_secret(SecretId=secret_id, RotateImmediately=True).get("VersionId")
    after, seconds = wait_for(out, "the new secret version to become AWSCURRENT", lambda: sm.describe_secret(SecretId=secret_id),
                              lambda s: _current(s) not in (None, before)
                              and (new_version is None or _current(s) == new_version),
                              args.wait_timeout, lambda s: f"current {_current(s)}")
    out.note("clients that cache the password must fetch the secret again")
    out.result(database=identifier, secret_arn=secret["ARN"], rds_managed=managed, previous_version=before,
               current_version=_current(after), rotation_seconds=round(seconds, 1))
    return 0
