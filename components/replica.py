"""A read replica of the primary, in the primary's region or in the disaster-recovery region."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from components import instance_parts
from components.catalog import EngineSpec
from components.database import CA_CERTIFICATE


@dataclass
class ReadReplicaArgs:
    """A replica and where it lives. Credentials, encryption at rest and backups come from
    the source; only what the replica itself controls is set here."""

    identifier: str
    region: str
    # The primary's identifier (same region) or ARN (cross-region: RDS needs the ARN).
    source: pulumi.Input[str]
    cross_region: bool
    engine: EngineSpec
    parameter_group_family: str
    instance_class: str
    storage_type: str
    iops: Optional[int]
    storage_throughput: Optional[int]
    max_allocated_storage: int
    port: int
    # A key of the replica's own region: RDS re-encrypts a cross-region copy with it.
    kms_key_arn: pulumi.Input[str]
    subnet_group_name: pulumi.Input[str]
    security_group_ids: Sequence[pulumi.Input[str]]
    multi_az: bool
    maintenance_window: str
    deletion_protection: bool
    protect: bool
    apply_immediately: bool
    auto_minor_version_upgrade: bool
    iam_auth: bool
    monitoring_interval: int
    monitoring_role_arn: Optional[pulumi.Input[str]]
    performance_insights: bool
    performance_insights_retention_days: int
    log_retention_days: int
    parameters: dict[str, str] = field(default_factory=dict)
    # The primary's parameter group, reusable in the same region; None builds one here.
    parameter_group_name: Optional[pulumi.Input[str]] = None
    tags: dict[str, str] = field(default_factory=dict)


class ReadReplica(pulumi.ComponentResource):
    """One read replica: private, encrypted with its region's key, monitored, TLS-only."""

    def __init__(self, name: str, args: ReadReplicaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:ReadReplica", name, None, opts)

        parameter_group_name = args.parameter_group_name
        if parameter_group_name is None:
            # Parameter groups are regional: a cross-region replica needs its own, with the
            # same TLS enforcement as the primary's.
            parameter_group_name = instance_parts.parameter_group(
                f"{name}-params", region=args.region, family=args.parameter_group_family,
                identifier=args.identifier, engine=args.engine, parameters=args.parameters, parent=self,
            ).name

        self.log_groups = instance_parts.log_groups(
            name, region=args.region, identifier=args.identifier, exports=args.engine.log_exports,
            retention_days=args.log_retention_days, kms_key_arn=args.kms_key_arn, parent=self,
        )

        autoscaling = args.max_allocated_storage > 0
        self.instance = aws.rds.Instance(
            f"{name}-instance",
            region=args.region,
            identifier=args.identifier,
            replicate_source_db=args.source,
            # No username, password or managed-password flag: a replica uses its source's
            # credentials, and RDS rejects (or the provider endlessly diffs) any of them here.
            engine=args.engine.name,
            instance_class=args.instance_class,
            storage_type=args.storage_type,
            iops=args.iops,
            storage_throughput=args.storage_throughput,
            max_allocated_storage=args.max_allocated_storage if autoscaling else None,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            port=args.port,
            db_subnet_group_name=args.subnet_group_name,
            vpc_security_group_ids=list(args.security_group_ids),
            publicly_accessible=False,
            ca_cert_identifier=CA_CERTIFICATE,
            parameter_group_name=parameter_group_name,
            multi_az=args.multi_az,
            maintenance_window=args.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            # RDS refuses a final snapshot of a read replica; its data lives in the source.
            skip_final_snapshot=True,
            monitoring_interval=args.monitoring_interval,
            monitoring_role_arn=args.monitoring_role_arn if args.monitoring_interval else None,
            performance_insights_enabled=args.performance_insights,
            performance_insights_kms_key_id=args.kms_key_arn if args.performance_insights else None,
            performance_insights_retention_period=(
                args.performance_insights_retention_days if args.performance_insights else None
            ),
            enabled_cloudwatch_logs_exports=list(args.engine.log_exports),
            iam_database_authentication_enabled=args.iam_auth,
            auto_minor_version_upgrade=args.auto_minor_version_upgrade,
            apply_immediately=args.apply_immediately,
            tags=args.tags or None,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=self.log_groups,
                protect=args.protect,
                # Storage is inherited from the source and grown in the cloud by autoscaling.
                ignore_changes=["allocatedStorage"],
            ),
        )

        self.identifier = args.identifier
        self.region = args.region
        self.endpoint = self.instance.endpoint
        self.address = self.instance.address
        self.register_outputs({"endpoint": self.endpoint, "address": self.address})
