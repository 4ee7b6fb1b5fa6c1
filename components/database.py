"""The primary RDS instance with its parameter group, monitoring role and log groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from components import instance_parts, upgrades
from components.instance_parts import InstanceBasics

@dataclass
class RestoreArgs:
    """Create the instance from a snapshot, or from a point in time of another instance."""

    snapshot_identifier: Optional[str] = None
    source_db_instance_identifier: Optional[str] = None
    # ISO 8601 UTC; or None with use_latest_restorable_time.
    restore_time: Optional[str] = None
    use_latest_restorable_time: bool = False


@dataclass
class DatabaseArgs(InstanceBasics):
    """Everything the primary instance needs, already validated by settings."""

    engine_version: str
    allocated_storage: int
    db_name: str
    credentials: dict[str, Any]
    backup_retention_days: int
    backup_window: str
    blue_green_update: bool
    # Create from a snapshot or a point in time of another instance (creation only).
    restore: Optional[RestoreArgs] = None
    # The generated password rotates in Secrets Manager: after create the database's password is
    # the rotation's, never again the program's (a replaced RandomPassword must not reach RDS).
    password_rotated: bool = False
    # Its read replicas: a major upgrade is judged against what they run (components/upgrades.py).
    replicas: tuple[upgrades.ReplicaRef, ...] = ()
    # An existing instance to adopt (Pulumi's import option) instead of creating one.
    import_id: Optional[str] = None


class Database(pulumi.ComponentResource):
    """One encrypted, private, monitored RDS instance (PostgreSQL, MySQL or MariaDB)."""

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Database", name, None, opts)

        self.parameter_group = instance_parts.parameter_group(
            f"{name}-params", region=args.basics.region, family=args.basics.parameter_group_family,
            identifier=args.basics.identifier, engine=args.basics.engine, parameters=args.basics.parameters, parent=self,
        )

        self.monitoring_role = (
            instance_parts.monitoring_role(name, args.basics.identifier, self) if args.basics.monitoring_interval else None
        )

        self.log_groups = instance_parts.log_groups(
            name, region=args.basics.region, identifier=args.basics.identifier, exports=args.basics.engine.log_exports,
            retention_days=args.basics.log_retention_days, kms_key_arn=args.basics.kms_key_arn, parent=self,
        )

        autoscaling = args.max_allocated_storage > 0
        # Restore settings only matter when the instance is created: AWS would replace the
        # database if they changed (or were removed) later, so later changes are ignored.
        ignore = ["restoreToPointInTime", "snapshotIdentifier"]
        if autoscaling:
            # Storage autoscaling grows allocated_storage in the cloud; a plan must not try to
            # shrink it back.
            ignore.append("allocatedStorage")
        if args.password_rotated:
            ignore.append("password")
        credentials = dict(args.credentials)
        identity: dict[str, Any] = {"db_name": args.db_name}
        # What replaces an aws.rds.Instance (policies/rds_guardrails/facts/forcenew.json) and the identifier (renamed in place,
        # but then the old final snapshot name no longer applies). Not the restore source: it is
        # ignored after create, so adding it to a live stack must change nothing.
        replaced_by: dict[str, pulumi.Input[str]] = {
            "identifier": args.basics.identifier, "engine": args.basics.engine.name, "region": args.basics.region,
            "kmsKeyId": args.basics.kms_key_arn, "dbName": args.db_name,
            "username": str(args.credentials.get("username", ""))}
        if args.restore is not None:
            # A restored database keeps the source's master user name and database; sending
            # ours would make the provider plan a replacement on the next run.
            credentials.pop("username", None)
            identity = {}
        self.instance = aws.rds.Instance(
            f"{name}-instance",
            **instance_parts.instance_args(
                args, parameter_group_name=self.parameter_group.name,
                monitoring_role_arn=self.monitoring_role.arn if self.monitoring_role else None,
            ),
            engine_version=args.engine_version,
            allocated_storage=args.allocated_storage,
            **identity,
            **credentials,
            **_restore_args(args.restore),
            allow_major_version_upgrade=upgrades.crosses_major_version(
                kind="instance", identifier=args.basics.identifier, region=args.basics.region, engine=args.basics.engine,
                target_version=args.engine_version, parent=self, replicas=args.replicas),
            backup_retention_period=args.backup_retention_days,
            backup_window=args.backup_window,
            skip_final_snapshot=False,
            final_snapshot_identifier=instance_parts.final_snapshot_identifier(
                name, args.basics.identifier, kind="instance", replaced_by=replaced_by, parent=self),
            delete_automated_backups=False,
            blue_green_update=(
                aws.rds.InstanceBlueGreenUpdateArgs(enabled=True) if args.blue_green_update else None
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=self.log_groups,
                protect=args.basics.protect,
                retain_on_delete=args.basics.protect,
                ignore_changes=ignore,
                import_=args.import_id,
            ),
        )

        self.monitoring_role_arn = self.monitoring_role.arn if self.monitoring_role else None
        self.endpoint = self.instance.endpoint
        self.address = self.instance.address
        self.port = self.instance.port
        self.arn = self.instance.arn
        self.register_outputs({
            "endpoint": self.endpoint,
            "address": self.address,
            "port": self.port,
            "arn": self.arn,
        })

    @property
    def managed_secret_arn(self) -> pulumi.Output[Optional[str]]:
        """The ARN of the RDS-managed master secret (managed credentials only)."""
        return self.instance.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn if secrets else None
        )


def _restore_args(restore: Optional[RestoreArgs]) -> dict[str, Any]:
    """The aws.rds.Instance arguments of a restore, or none for a new empty database."""
    if restore is None:
        return {}
    if restore.snapshot_identifier:
        return {"snapshot_identifier": restore.snapshot_identifier}
    return {"restore_to_point_in_time": aws.rds.InstanceRestoreToPointInTimeArgs(
        source_db_instance_identifier=restore.source_db_instance_identifier,
        restore_time=restore.restore_time,
        use_latest_restorable_time=restore.use_latest_restorable_time or None,
    )}
