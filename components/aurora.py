"""An Aurora cluster (provisioned or Serverless v2, optionally a global database member).

On top of what every cluster has, Aurora declares its writer and readers as cluster instances,
and optionally lets Application Auto Scaling add readers on average reader CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from components.cluster import ClusterArgs, DatabaseCluster
from components.catalog import CA_CERTIFICATE


@dataclass
class ReaderAutoScalingArgs:
    """Aurora readers added and removed by Application Auto Scaling on average reader CPU."""

    min_readers: int
    max_readers: int
    target_cpu_percent: float


@dataclass
class AuroraArgs(ClusterArgs):
    """Aurora's instances, capacity and storage, on top of what every cluster needs."""

    readers: int = 1
    reader_instance_class: Optional[str] = None
    serverless_acu: Optional[tuple[float, float]] = None
    backtrack_hours: int = 0
    aurora_storage_type: str = "aurora"
    reader_auto_scaling: Optional[ReaderAutoScalingArgs] = None


class AuroraCluster(DatabaseCluster):
    """An Aurora cluster with its writer (a primary) or readers only (a global secondary)."""

    def _option_settings(self, args: ClusterArgs, monitoring_role_arn: Optional[pulumi.Output[str]]) -> dict[str, Any]:
        assert isinstance(args, AuroraArgs)
        pi = args.basics.performance_insights
        settings: dict[str, Any] = {
            "engine_mode": "provisioned",
            "storage_type": args.aurora_storage_type if args.aurora_storage_type != "aurora" else None,
            "backtrack_window": args.backtrack_hours * 3600 if args.backtrack_hours else None,
            "serverlessv2_scaling_configuration": (
                aws.rds.ClusterServerlessv2ScalingConfigurationArgs(
                    min_capacity=args.serverless_acu[0], max_capacity=args.serverless_acu[1])
                if args.serverless_acu else None),
        }
        if args.basics.database_insights:
            # Aurora: Database Insights is a cluster setting (aws.rds.ClusterInstance has no
            # database_insights_mode); the advanced mode needs the cluster's Performance
            # Insights on with >= 465 days (Aurora User Guide, "Considerations for Database
            # Insights"), so the cluster states them too.
            settings.update({
                "performance_insights_enabled": pi,
                "performance_insights_kms_key_id": args.basics.kms_key_arn if pi else None,
                "performance_insights_retention_period":
                    args.basics.performance_insights_retention_days if pi else None,
            })
        return settings

    def _declare_instances(self, name: str, args: ClusterArgs,
                           monitoring_role_arn: Optional[pulumi.Output[str]]) -> list[aws.rds.ClusterInstance]:
        assert isinstance(args, AuroraArgs)
        pi = args.basics.performance_insights
        serverless = args.serverless_acu is not None
        self._role_list = _roles(args)
        self._identifier = args.basics.identifier
        instances = [aws.rds.ClusterInstance(
            f"{name}-{role}",
            region=args.basics.region,
            identifier=f"{args.basics.identifier}-{role}",
            cluster_identifier=self.cluster.id,
            # pulumi-aws types ClusterInstance.engine as the EngineType enum only; a str enum, the same value is sent.
            engine=aws.rds.EngineType(args.basics.engine.name),
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
            opts=pulumi.ResourceOptions(parent=self, protect=args.basics.protect,
                                        import_=args.instance_import_ids.get(role)),
        ) for role, instance_class, tier in self._role_list]
        if args.reader_auto_scaling is not None:
            self._reader_auto_scaling(name, args, args.reader_auto_scaling, instances)
        return instances

    @property
    def instance_roles(self) -> list[tuple[str, bool]]:
        return [(f"{self._identifier}-{role}", tier > 0) for role, _, tier in self._role_list]

    def _reader_auto_scaling(self, name: str, args: AuroraArgs, scaling: ReaderAutoScalingArgs,
                             instances: list[aws.rds.ClusterInstance]) -> None:
        target = aws.appautoscaling.Target(
            f"{name}-readers-target",
            region=args.basics.region,
            service_namespace="rds",
            scalable_dimension="rds:cluster:ReadReplicaCount",
            resource_id=self.cluster.cluster_identifier.apply(lambda i: f"cluster:{i}"),
            min_capacity=scaling.min_readers,
            max_capacity=scaling.max_readers,
            opts=pulumi.ResourceOptions(parent=self, depends_on=instances),
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


def _roles(args: AuroraArgs) -> list[tuple[str, str, int]]:
    """(role, class, promotion tier) of each Aurora instance to declare."""
    reader_class = args.reader_instance_class or args.basics.instance_class
    if args.credentials is None:
        # A global secondary: readers only; it takes writes after a failover.
        return [(f"reader-{i + 1}", reader_class, 1) for i in range(max(args.readers, 1))]
    return [("writer", args.basics.instance_class, 0)] + [
        (f"reader-{i + 1}", reader_class, 1) for i in range(args.readers)]
