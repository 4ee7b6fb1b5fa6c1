"""A DB cluster: Aurora (provisioned or Serverless v2, optionally global) or a Multi-AZ DB cluster.

The cluster owns encryption, backups, deletion protection and credentials; its instances own
only what an instance can set (class, monitoring, Performance Insights, public access).
A Multi-AZ DB cluster creates its writer and two readable standbys itself; for Aurora the
writer and readers are declared here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from components import instance_parts, upgrades
from components.database_basics import DatabaseBasics
from components.instance_parts import CA_CERTIFICATE


@dataclass
class ReaderAutoScalingArgs:
    """Aurora readers added and removed by Application Auto Scaling on average reader CPU."""

    min_readers: int
    max_readers: int
    target_cpu_percent: float


@dataclass
class ClusterArgs:
    """Everything a cluster needs beyond its database basics, already validated by settings."""

    basics: DatabaseBasics
    engine_version: str
    aurora: bool
    # The logs exported to CloudWatch (differ between Aurora and Multi-AZ DB clusters).
    log_exports: tuple[str, ...] = ()
    # None for a global secondary: it has no credentials, database name or backups of its own.
    credentials: Optional[dict[str, Any]] = None
    db_name: Optional[str] = None
    backup_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    # Aurora
    readers: int = 1
    reader_instance_class: Optional[str] = None
    serverless_acu: Optional[tuple[float, float]] = None
    backtrack_hours: int = 0
    aurora_storage_type: str = "aurora"
    reader_auto_scaling: Optional[ReaderAutoScalingArgs] = None
    global_cluster_identifier: Optional[pulumi.Input[str]] = None
    # A global secondary joins only after the primary cluster and its writer exist.
    depends_on: Sequence[pulumi.Resource] = ()
    # Multi-AZ DB cluster
    storage_type: str = "gp3"
    allocated_storage: int = 20
    iops: Optional[int] = None
    # The generated password rotates in Secrets Manager: after create the master password is the
    # rotation's, never again the program's (a replaced RandomPassword must not reach RDS).
    password_rotated: bool = False


class DatabaseCluster(pulumi.ComponentResource):
    """One encrypted, private, monitored DB cluster and (for Aurora) its instances."""

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:DatabaseCluster", name, None, opts)

        self.parameter_group = aws.rds.ClusterParameterGroup(
            f"{name}-cluster-params",
            region=args.basics.region,
            family=args.basics.parameter_group_family,
            description=f"{args.basics.identifier}: TLS required",
            parameters=[
                aws.rds.ClusterParameterGroupParameterArgs(name=k, value=v, apply_method="pending-reboot")
                for k, v in instance_parts.parameter_values(args.basics.engine, args.basics.parameters).items()
            ],
            # Auto-named: a major upgrade creates the new family's group before the old goes.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=False),
        )
        self.log_groups = instance_parts.log_groups(
            name, region=args.basics.region, identifier=args.basics.identifier, exports=args.log_exports,
            retention_days=args.basics.log_retention_days, kms_key_arn=args.basics.kms_key_arn, parent=self, kind="cluster",
        )
        primary = args.credentials is not None
        pi = args.basics.performance_insights
        self.monitoring_role = (
            instance_parts.monitoring_role(name, args.basics.identifier, self) if args.basics.monitoring_interval else None
        )
        monitoring_role_arn = self.monitoring_role.arn if self.monitoring_role else None
        storage: dict[str, Any]
        if args.aurora:
            storage = {"storage_type": args.aurora_storage_type if args.aurora_storage_type != "aurora" else None}
            if args.basics.database_insights:
                # Aurora: Database Insights is a cluster setting (aws.rds.ClusterInstance has no
                # database_insights_mode); the advanced mode needs the cluster's Performance
                # Insights on with >= 465 days (Aurora User Guide, "Considerations for Database
                # Insights"), so the cluster states them too.
                storage.update({
                    "performance_insights_enabled": pi,
                    "performance_insights_kms_key_id": args.basics.kms_key_arn if pi else None,
                    "performance_insights_retention_period":
                        args.basics.performance_insights_retention_days if pi else None,
                })
        else:
            # Multi-AZ DB cluster: instance class, storage and instance-level monitoring are set
            # on the cluster, which creates its three instances itself.
            storage = {
                "db_cluster_instance_class": args.basics.instance_class, "storage_type": args.storage_type,
                "allocated_storage": args.allocated_storage, "iops": args.iops,
                "monitoring_interval": args.basics.monitoring_interval,
                "monitoring_role_arn": monitoring_role_arn,
                "performance_insights_enabled": pi,
                "performance_insights_kms_key_id": args.basics.kms_key_arn if pi else None,
                "performance_insights_retention_period": args.basics.performance_insights_retention_days if pi else None,
                "publicly_accessible": False, "auto_minor_version_upgrade": args.basics.auto_minor_version_upgrade,
                "ca_certificate_identifier": CA_CERTIFICATE,
            }
        self.cluster = aws.rds.Cluster(
            f"{name}-cluster",
            region=args.basics.region,
            cluster_identifier=args.basics.identifier,
            engine=args.basics.engine.name,
            engine_version=args.engine_version,
            engine_mode="provisioned" if args.aurora else None,
            # A global database upgrades through its global cluster, not its members.
            allow_major_version_upgrade=None if args.global_cluster_identifier else upgrades.crosses_major_version(
                kind="cluster", identifier=args.basics.identifier, region=args.basics.region, engine=args.basics.engine,
                target_version=args.engine_version, parent=self),
            global_cluster_identifier=args.global_cluster_identifier,
            database_name=args.db_name if primary else None,
            **(args.credentials or {}),
            port=args.basics.port,
            storage_encrypted=True,
            kms_key_id=args.basics.kms_key_arn,
            db_subnet_group_name=args.basics.subnet_group_name,
            vpc_security_group_ids=list(args.basics.security_group_ids),
            db_cluster_parameter_group_name=self.parameter_group.name,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window=args.backup_window,
            preferred_maintenance_window=args.basics.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=args.basics.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{args.basics.identifier}-final",
            delete_automated_backups=False,
            enabled_cloudwatch_logs_exports=list(args.log_exports),
            iam_database_authentication_enabled=args.basics.iam_auth,
            backtrack_window=args.backtrack_hours * 3600 if args.backtrack_hours else None,
            serverlessv2_scaling_configuration=(
                aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
                    min_capacity=args.serverless_acu[0], max_capacity=args.serverless_acu[1])
                if args.serverless_acu else None),
            apply_immediately=args.basics.apply_immediately,
            # pulumi-aws Cluster.database_insights_mode; None leaves the AWS default.
            database_insights_mode=args.basics.database_insights,
            **storage,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*self.log_groups, *args.depends_on], protect=args.basics.protect,
                retain_on_delete=args.basics.protect,
                # In a global database the global cluster owns membership and the engine version
                # (its upgrades move every member); members must not fight it. AWS fills in the
                # secondary's replicationSourceIdentifier; pulumi-aws Cluster docstring: "If DB
                # Cluster is part of a Global Cluster, use the ignoreChanges resource option to
                # prevent Pulumi from showing differences for this argument" (removing it would
                # promote the secondary to a standalone cluster).
                ignore_changes=(["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier"]
                                if args.global_cluster_identifier else [])
                + (["masterPassword"] if args.password_rotated else []),
            ),
        )

        self.instances: list[aws.rds.ClusterInstance] = []
        if args.aurora:
            serverless = args.serverless_acu is not None
            for role, instance_class, tier in self._roles(args):
                self.instances.append(aws.rds.ClusterInstance(
                    f"{name}-{role}",
                    region=args.basics.region,
                    identifier=f"{args.basics.identifier}-{role}",
                    cluster_identifier=self.cluster.id,
                    engine=args.basics.engine.name,
                    instance_class="db.serverless" if serverless else instance_class,
                    # Failover prefers tier 0, then the declared readers, then autoscaled ones.
                    promotion_tier=tier,
                    db_subnet_group_name=args.basics.subnet_group_name,
                    publicly_accessible=False,
                    ca_cert_identifier=CA_CERTIFICATE,
                    monitoring_interval=args.basics.monitoring_interval,
                    monitoring_role_arn=monitoring_role_arn,
                    performance_insights_enabled=pi,
                    performance_insights_kms_key_id=args.basics.kms_key_arn if pi else None,
                    performance_insights_retention_period=args.basics.performance_insights_retention_days if pi else None,
                    auto_minor_version_upgrade=args.basics.auto_minor_version_upgrade,
                    copy_tags_to_snapshot=True,
                    apply_immediately=args.basics.apply_immediately,
                    opts=pulumi.ResourceOptions(parent=self, protect=args.basics.protect),
                ))
        if args.aurora and args.reader_auto_scaling is not None:
            self._reader_auto_scaling(name, args, args.reader_auto_scaling)

        self.identifier = args.basics.identifier
        self.arn = self.cluster.arn
        self.endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint
        self.address = self.cluster.endpoint
        self.port = self.cluster.port
        # (identifier, is reader) of the instances declared here; a Multi-AZ DB cluster names its own.
        self.instance_roles = [(f"{args.basics.identifier}-{role}", tier > 0) for role, _, tier in self._roles(args)]
        self.register_outputs({"endpoint": self.endpoint, "reader_endpoint": self.reader_endpoint})

    @staticmethod
    def _roles(args: ClusterArgs) -> list[tuple[str, str, int]]:
        """(role, class, promotion tier) of each Aurora instance to declare."""
        if not args.aurora:
            return []
        reader_class = args.reader_instance_class or args.basics.instance_class
        if args.credentials is None:
            # A global secondary: readers only; it takes writes after a failover.
            return [(f"reader-{i + 1}", reader_class, 1) for i in range(max(args.readers, 1))]
        return [("writer", args.basics.instance_class, 0)] + [
            (f"reader-{i + 1}", reader_class, 1) for i in range(args.readers)]

    def _reader_auto_scaling(self, name: str, args: ClusterArgs, scaling: ReaderAutoScalingArgs) -> None:
        target = aws.appautoscaling.Target(
            f"{name}-readers-target",
            region=args.basics.region,
            service_namespace="rds",
            scalable_dimension="rds:cluster:ReadReplicaCount",
            resource_id=self.cluster.cluster_identifier.apply(lambda i: f"cluster:{i}"),
            min_capacity=scaling.min_readers,
            max_capacity=scaling.max_readers,
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.instances),
        )
        aws.appautoscaling.Policy(
            f"{name}-readers-cpu",
            region=args.basics.region,
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=scaling.target_cpu_percent,
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="RDSReaderAverageCPUUtilization"),
                scale_in_cooldown=300,
                scale_out_cooldown=300,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    @property
    def managed_secret_arn(self) -> pulumi.Output[Optional[str]]:
        """The ARN of the RDS-managed master secret (managed credentials only)."""
        return self.cluster.master_user_secrets.apply(lambda s: s[0].secret_arn if s else None)
