"""sync-connection: bring the program's connection secret back to the database's current host and port.

Why: in `credentialsMode: generated` the program writes the secret's first version (engine, host,
port, dbname, username, password) and, once it rotates, never writes it again. AWS's single-user
rotation function builds each new version from AWSCURRENT and replaces only the password
(aws-samples/aws-secrets-manager-rotation-lambdas, SecretsManagerRDSPostgreSQLRotationSingleUser/
lambda_function.py at 0bd847b70be4704bb0a0d91f81ece5569fbcb6ab, create_secret: `current_dict =
get_secret_dict(..., "AWSCURRENT")`, then `current_dict['password'] = ...`), and logs in to the
host and port of the secret (get_connection). After a port change or a restore under the same
name, the secret keeps the old address: clients and the next rotation fail.

AWS rules relied on:
- The secret is the one rotate-credentials acts on (operations/master_secret.py). An RDS-managed
  master secret is refused: "For secrets created by other services, you might need to use the
  other service to update or rotate it" (Secrets Manager User Guide, "Modify an AWS Secrets
  Manager secret", https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_update-secret.html).
- Mid-rotation is refused: DescribeSecret VersionIdsToStages, "AWSPENDING, which indicates the
  version of the secret that contains new secret information that will become the next current
  version when rotation finishes" (Secrets Manager API Reference, DescribeSecret, Response
  Elements, https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).
  A new current version written now would be replaced by that pending one, built from the old.
- GetSecretValue without VersionId returns the version of VersionStage, AWSCURRENT by default
  (API Reference, GetSecretValue, Request Parameters); its VersionId is checked against the one
  DescribeSecret named, so the value compared is the one whose stages were read.
- What RDS reports now (RDS API Reference, data types DBInstance and DBCluster,
  https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html and
  API_DBCluster.html): an instance's Endpoint.Address / Endpoint.Port ("The endpoint might not be
  shown for instances with the status of creating": refused until it is) and DBName; a cluster's
  Endpoint ("The connection endpoint for the primary instance of the DB cluster"), Port and
  DatabaseName. A database without a name leaves the secret's dbname as it is.
- The engine is not rewritten: the rotation templates expect "postgres" / "mysql" / "mariadb",
  Aurora included (the program's components/catalog.py SECRET_ENGINE, docs/aws-rules.md rule 24);
  a secret naming another engine than the database's is refused as another database's secret.
- PutSecretValue with VersionStages ["AWSCURRENT"]: "If this operation moves the staging label
  AWSCURRENT from another version to this version, then Secrets Manager also automatically moves
  the staging label AWSPREVIOUS to the version that AWSCURRENT was removed from"; with a
  ClientRequestToken already used and the same data "the operation succeeds but does nothing"
  (API Reference, PutSecretValue, Description and Request Parameters,
  https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html), so a
  retried call cannot write two versions. The first version's own label (rule 24c) is untouched.
- Reading and writing a secret under a customer-managed key takes kms:Decrypt and
  kms:GenerateDataKey on it (Secrets Manager User Guide, "Secret encryption and decryption",
  Permissions for the KMS key, https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
No secret value reaches any output: only field names, host, port, dbname, engine and version ids.
"""

from __future__ import annotations

import argparse
import json
import uuid
from typing import Any

from operations.runbook import Context, require_confirm
from operations.errors import RunbookError
from operations.identifiers import add_target
from operations.master_secret import add_secret_id, require_same_stack, secret_of, version_with

HELP = "write the database's current host, port and dbname into the program's rotated connection secret"

# RDS Engine -> the "engine" of a connection secret (the program's components/catalog.py
# SECRET_ENGINE; operations/ may not import components/, a test keeps the two equal).
SECRET_ENGINE = {"aurora-postgresql": "postgres", "aurora-mysql": "mysql"}
SYNCED = ("host", "port", "dbname")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster, --confirm, --secret-id."""
    add_target(p, confirm="a new version of the secret becomes AWSCURRENT")
    add_secret_id(p)


def secret_engine(engine: str) -> str:
    """The engine name a connection secret carries for an RDS engine."""
    return SECRET_ENGINE.get(engine, engine)


def reported(db: dict[str, Any], cluster: bool) -> dict[str, Any]:
    """host, port, dbname (None when the database has none) and engine, as RDS reports them now."""
    if cluster:
        host, port, dbname = db.get("Endpoint"), db.get("Port"), db.get("DatabaseName")
    else:
        endpoint = db.get("Endpoint") or {}
        host, port, dbname = endpoint.get("Address"), endpoint.get("Port"), db.get("DBName")
    if not host or port is None:
        raise RunbookError(f"RDS reports no endpoint for '{db.get('DBClusterIdentifier') or db.get('DBInstanceIdentifier')}' "
                           f"(status {db.get('Status') or db.get('DBInstanceStatus')}): run again once it is available; "
                           "nothing written")
    return {"host": host, "port": int(port), "dbname": dbname, "engine": secret_engine(db.get("Engine", ""))}


def _same(field: str, secret_value: Any, now: Any) -> bool:
    if field == "port":
        try:
            return bool(int(secret_value) == now)  # the rotation function reads int(port): "5432" is 5432
        except (TypeError, ValueError):
            return False
    if field == "host":
        return isinstance(secret_value, str) and secret_value.lower() == now.lower()  # DNS names ignore case
    return bool(secret_value == now)


def differences(document: dict[str, Any], now: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"secret": old, "rds": new}} for host, port and dbname (dbname only when RDS names one)."""
    changed = {}
    for field in SYNCED:
        if now[field] is None or _same(field, document.get(field), now[field]):
            continue
        changed[field] = {"secret": document.get(field), "rds": now[field]}
    return changed


def _document(sm: Any, secret_arn: str, current: str) -> dict[str, Any]:
    """The AWSCURRENT JSON; refused (without any of its text) unless it is an object with username and password."""
    answer = sm.get_secret_value(SecretId=secret_arn, VersionStage="AWSCURRENT")
    if answer.get("VersionId") != current:
        raise RunbookError(f"secret {secret_arn} changed while it was read (AWSCURRENT is no longer {current}): "
                           "run again; nothing written")
    try:
        document = json.loads(answer.get("SecretString") or "")
    except ValueError:
        document = None  # the decoder's message would quote the value: never shown
    if not isinstance(document, dict):
        raise RunbookError(f"secret {secret_arn} does not hold a JSON object (the program's connection document); "
                           "nothing written")
    missing = [k for k in ("username", "password") if not isinstance(document.get(k), str) or not document.get(k)]
    if missing:
        raise RunbookError(f"secret {secret_arn} has no {' or '.join(missing)} in its JSON: it is not the program's "
                           "connection document; nothing written")
    return document


def run(ctx: Context) -> int:
    """Refuse without --confirm; compare the secret with RDS; write a new AWSCURRENT version when they differ."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    identifier = args.db_cluster or args.db_instance
    require_confirm(args, identifier)
    secret_arn, managed, db = secret_of(clients, args)
    if managed:
        raise RunbookError(f"the master secret of '{identifier}' is RDS-managed ({secret_arn}): RDS keeps it, "
                           "this runbook writes only the program's own secret (credentialsMode generated); nothing written")
    sm = clients.client("secretsmanager")
    secret = sm.describe_secret(SecretId=secret_arn)
    require_same_stack(identifier, db, secret, "nothing written")
    secret_arn = secret["ARN"]
    pending, current = version_with(secret, "AWSPENDING"), version_with(secret, "AWSCURRENT")
    if pending:
        raise RunbookError(f"secret {secret_arn} is being rotated (version {pending} is AWSPENDING): let the rotation "
                           "finish or fail, then run again; nothing written")
    if current is None:
        raise RunbookError(f"secret {secret_arn} has no AWSCURRENT version; nothing written")
    now = reported(db, cluster=bool(args.db_cluster))
    document = _document(sm, secret_arn, current)
    if "engine" in document and document["engine"] != now["engine"]:
        raise RunbookError(f"secret {secret_arn} names engine {document['engine']!r}, '{identifier}' runs "
                           f"{now['engine']!r}: not this database's connection document; nothing written")
    changed = differences(document, now)
    if "engine" not in document:
        changed["engine"] = {"secret": None, "rds": now["engine"]}
    figures = {"database": identifier, "secret_arn": secret_arn, "host": now["host"], "port": now["port"]}
    if not changed:
        out.note(f"in sync: the secret of {identifier} already names {now['host']}:{now['port']}; nothing written")
        out.result(**figures, in_sync=True, changed={}, current_version=current)
        return 0
    updated = {**document, **{field: values["rds"] for field, values in changed.items()}}
    out.table(f"{identifier}: secret vs RDS", ["field", "secret", "RDS now"],
              [[field, values["secret"], values["rds"]] for field, values in changed.items()])
    written = sm.put_secret_value(SecretId=secret_arn, ClientRequestToken=str(uuid.uuid4()),
                                  SecretString=json.dumps(updated), VersionStages=["AWSCURRENT"])["VersionId"]
    after = sm.describe_secret(SecretId=secret_arn)
    confirmed = version_with(after, "AWSCURRENT") == written and version_with(after, "AWSPREVIOUS") == current
    out.note(f"wrote {', '.join(changed)} of {identifier} into a new AWSCURRENT version (same username and password)"
             if confirmed else f"wrote version {written}, but DescribeSecret does not show it AWSCURRENT with {current} "
             "AWSPREVIOUS: check the secret's versions (another writer or a rotation may have run)")
    if version_with(after, "AWSPENDING"):
        out.note("a rotation started meanwhile: its pending version may carry the old address; "
                 "if it fails, run rotate-credentials once this secret is in sync")
    out.result(**figures, in_sync=False, changed=changed, previous_version=current, current_version=written,
               confirmed=confirmed)
    return 0 if confirmed else 1
