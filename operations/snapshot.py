"""snapshot: a manual snapshot of an instance or cluster, waited for; optionally copied to the DR region.

AWS rules relied on (RDS API Reference):
- CopyDBSnapshot / CopyDBClusterSnapshot, KmsKeyId: "If you copy an encrypted snapshot to a
  different AWS Region, then you must specify a KMS key for the destination AWS Region. KMS keys
  are specific to the AWS Region that they are created in" -- so an encrypted copy without
  --kms-key-id, or with a key ARN of another region, is refused before anything is created.
- A cross-region copy is asked of the destination region with SourceRegion set; boto3 then signs
  the PreSignedUrl the API needs (CopyDBSnapshot, PreSignedUrl: "generated automatically by the
  SDK" when SourceRegion is given).
- RDS UG *Limitations of Multi-AZ DB clusters for Amazon RDS*
  (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts.Limitations.html):
  Multi-AZ DB clusters don't support "Copying a snapshot of a Multi-AZ DB cluster" -- so
  --copy-to-region of one is refused before its snapshot is taken (docs/aws-rules.md row 77).
- AWS whitepaper "AWS Fault Isolation Boundaries" -> "Partitions"
  (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html):
  cross-Region capabilities are "only supported between Regions in the same partition" -- a copy
  to another partition's region (eu-west-1 -> cn-north-1) is refused before any call
  (docs/aws-rules.md row 50), not by AWS after the snapshot was taken and waited for.
"""

from __future__ import annotations

import argparse
import datetime
import secrets
from typing import Any

import botocore.exceptions
import botocore.session

from operations.identifiers import (CLUSTER_SNAPSHOT_MAX, add_target, derived_name, name_refusal, region,
                                   snapshot_identifier)
from operations import lookup
from operations.clients import AWS_ERRORS, describe_error, error_code
from operations.errors import RunbookError
from operations.waiting import wait_for
from operations.runbook import Context

HELP = "take a manual snapshot, wait until it is available; --copy-to-region copies it with the DR key"

# The API's field names for the two kinds of snapshot.
KINDS = {
    "instance": dict(create="create_db_snapshot", copy="copy_db_snapshot", describe="describe_db_snapshots",
                     source="DBInstanceIdentifier", id="DBSnapshotIdentifier", list="DBSnapshots",
                     one="DBSnapshot", arn="DBSnapshotArn", source_id="SourceDBSnapshotIdentifier",
                     target_id="TargetDBSnapshotIdentifier"),
    "cluster": dict(create="create_db_cluster_snapshot", copy="copy_db_cluster_snapshot",
                    describe="describe_db_cluster_snapshots", source="DBClusterIdentifier",
                    id="DBClusterSnapshotIdentifier", list="DBClusterSnapshots", one="DBClusterSnapshot",
                    arn="DBClusterSnapshotArn", source_id="SourceDBClusterSnapshotIdentifier",
                    target_id="TargetDBClusterSnapshotIdentifier"),
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--db-instance or --db-cluster, --snapshot-id, --copy-to-region, --kms-key-id."""
    add_target(p)
    p.add_argument("--snapshot-id", metavar="ID", type=snapshot_identifier,
                   help="default: <db>-ops-<UTC time>; 1-255 letters, digits or hyphens (a cluster snapshot: 1-63)")
    p.add_argument("--copy-to-region", metavar="REGION", type=region,
                   help="copy the snapshot to this region once available")
    p.add_argument("--kms-key-id", metavar="KEY", help="key of the destination region for the copy")


def _check_snapshot_id(args: Any) -> None:
    """A cluster snapshot identifier allows 63 characters, an instance snapshot's 255 (identifiers.py)."""
    if args.db_cluster and args.snapshot_id:
        refusal = name_refusal(args.snapshot_id, "DB cluster snapshot identifier", CLUSTER_SNAPSHOT_MAX)
        if refusal:
            raise RunbookError(f"--snapshot-id {refusal}")


def _check_partition(args: Any, source_region: str) -> None:
    """A copy stays in the snapshot's partition (aws, aws-cn, aws-us-gov, ...): botocore's endpoint data says which."""
    if not args.copy_to_region:
        return
    session = botocore.session.get_session()
    try:
        source, dest = (session.get_partition_for_region(r) for r in (source_region, args.copy_to_region))
    except botocore.exceptions.UnknownRegionError as exc:
        raise RunbookError(f"cannot tell the partition of the copy: {exc}") from None
    if source != dest:
        raise RunbookError(f"--copy-to-region {args.copy_to_region} is in partition {dest}, the snapshot's region "
                           f"{source_region} in {source}: AWS copies only between regions of one partition "
                           "(AWS Fault Isolation Boundaries, Partitions)")


MULTI_AZ_CLUSTER_LIMITS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts.Limitations.html"
# The error codes of a snapshot name that is taken already (CreateDBSnapshot, CreateDBClusterSnapshot).
NAME_TAKEN = ("DBSnapshotAlreadyExists", "DBClusterSnapshotAlreadyExistsFault")


def default_name(source_id: str, now: datetime.datetime | None = None) -> str:
    """<db>-ops-<UTC time>-<random>: two runs in the same second get different names. It keeps
    to the cluster snapshot's 63 characters (a 63-character identifier is shortened)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return derived_name(source_id, f"-ops-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}", CLUSTER_SNAPSHOT_MAX)


def _check_copyable(args: Any, db: dict[str, Any]) -> None:
    """A Multi-AZ DB cluster's snapshot cannot be copied: refused before it is taken."""
    if args.copy_to_region and args.db_cluster and not str(db.get("Engine", "")).startswith("aurora"):
        raise RunbookError(f"--copy-to-region: '{args.db_cluster}' is a Multi-AZ DB cluster ({db.get('Engine')}), and "
                           "Multi-AZ DB clusters don't support copying a snapshot (RDS User Guide, 'Limitations of "
                           f"Multi-AZ DB clusters for Amazon RDS', {MULTI_AZ_CLUSTER_LIMITS}); nothing was created")


def _validate(ctx: Context, encrypted: bool) -> None:
    args = ctx.args
    if args.kms_key_id and not args.copy_to_region:
        raise RunbookError("--kms-key-id is the key of the copy: give --copy-to-region too")
    if not args.copy_to_region:
        return
    if args.copy_to_region == ctx.clients.region:
        raise RunbookError(f"--copy-to-region {args.copy_to_region} is the snapshot's own region")
    if encrypted and not args.kms_key_id:
        raise RunbookError(f"the snapshot is encrypted: a copy to {args.copy_to_region} needs --kms-key-id "
                           "with a key of that region (KMS keys are regional)")
    key = args.kms_key_id or ""
    if key.startswith("arn:") and key.split(":")[3] != args.copy_to_region:
        raise RunbookError(f"--kms-key-id is a key of {key.split(':')[3]}, not of {args.copy_to_region}")


def _wait_available(ctx: Context, kind: dict[str, Any], snapshot_id: str, region: str) -> tuple[dict[str, Any], float]:
    client = ctx.clients.rds(region)

    def read() -> dict[str, Any]:
        found: dict[str, Any] = getattr(client, kind["describe"])(**{kind["id"]: snapshot_id})[kind["list"]][0]
        return found

    return wait_for(ctx.out, f"snapshot {snapshot_id} in {region}", read,
                    lambda s: s.get("Status") == "available", ctx.args.wait_timeout,
                    lambda s: f"{s.get('Status')} {s.get('PercentProgress', 0)}%")


def _create(ctx: Context, kind: dict[str, Any], kind_name: str, source_id: str) -> str:
    """Create the snapshot; a default name that is taken already (another run in the same second
    that drew the same random part) is drawn again, a given --snapshot-id is not."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    tags = [{"Key": "CreatedBy", "Value": "operations snapshot"}]
    draws = 0 if args.snapshot_id else 3
    while True:
        snapshot_id = args.snapshot_id or default_name(source_id)
        out.note(f"creating snapshot {snapshot_id} of {kind_name} {source_id} in {clients.region}")
        try:
            getattr(clients.rds(), kind["create"])(**{kind["source"]: source_id, kind["id"]: snapshot_id, "Tags": tags})
            return snapshot_id
        except AWS_ERRORS as exc:
            draws -= 1
            if error_code(exc) not in NAME_TAKEN or draws <= 0:
                raise


def run(ctx: Context) -> int:
    """Take the snapshot, wait for it, copy it to the DR region when asked."""
    args, clients, out = ctx.args, ctx.clients, ctx.out
    kind_name = "cluster" if args.db_cluster else "instance"
    kind, source_id = KINDS[kind_name], args.db_cluster or args.db_instance
    _check_snapshot_id(args)  # before any call
    _check_partition(args, clients.region)
    db = lookup.cluster(clients, source_id) if args.db_cluster else lookup.instance(clients, source_id)
    _check_copyable(args, db)
    _validate(ctx, bool(db.get("StorageEncrypted")))
    snapshot_id = _create(ctx, kind, kind_name, source_id)
    snap, seconds = _wait_available(ctx, kind, snapshot_id, clients.region)
    out.note(f"snapshot {snapshot_id} available after {seconds:.0f}s")
    result: dict[str, Any] = {"snapshot": snapshot_id, "snapshot_arn": snap.get(kind["arn"]),
                              "encrypted": snap.get("StorageEncrypted", snap.get("Encrypted")),
                              "seconds": round(seconds, 1), "copy": None}

    if args.copy_to_region:
        dest = args.copy_to_region
        out.note(f"copying {snapshot_id} to {dest}" + (f" with key {args.kms_key_id}" if args.kms_key_id else ""))
        request = {kind["source_id"]: snap[kind["arn"]], kind["target_id"]: snapshot_id,
                   "CopyTags": True, "SourceRegion": clients.region}
        if args.kms_key_id:
            request["KmsKeyId"] = args.kms_key_id
        try:
            getattr(clients.rds(dest), kind["copy"])(**request)
        except AWS_ERRORS as exc:
            raise RunbookError(f"{describe_error(exc, clients.last_operation)} (snapshot {snapshot_id} "
                               f"in {clients.region} was taken and is kept)") from None
        copy, copy_seconds = _wait_available(ctx, kind, snapshot_id, dest)
        out.note(f"copy in {dest} available after {copy_seconds:.0f}s")
        result["copy"] = {"region": dest, "snapshot": snapshot_id, "snapshot_arn": copy.get(kind["arn"]),
                          "kms_key_id": copy.get("KmsKeyId"), "seconds": round(copy_seconds, 1)}
    out.result(**result)
    return 0
