"""What every DB cluster has, Aurora or Multi-AZ DB cluster: `ClusterArgs` and `DatabaseCluster`.

The cluster owns encryption, backups, deletion protection and credentials; its instances own
only what an instance can set (class, monitoring, Performance Insights, public access).
The two deployment options differ in where the instances come from, so each has its own
module: `components/aurora.py` declares the writer and readers itself, and
`components/multi_az_cluster.py` lets RDS create its writer and two readable standbys from the
settings on the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from components import instance_parts, upgrades
from components.database_basics import DatabaseBasics


@dataclass
class ClusterArgs:
    """Everything any cluster needs beyond its database basics, already validated by settings."""

    basics: DatabaseBasics
    engine_version: str
    # The logs exported to CloudWatch (differ between Aurora and Multi-AZ DB clusters).
    log_exports: tuple[str, ...] = ()
    # None for a global secondary: it has no credentials, database name or backups of its own.
    credentials: Optional[dict[str, Any]] = None
    db_name: Optional[str] = None
    backup_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    global_cluster_identifier: Optional[pulumi.Input[str]] = None
    # A global secondary joins only after the primary cluster and its writer exist.
    depends_on: Sequence[pulumi.Resource] = ()
    # The generated password rotates in Secrets Manager: after create the master password is the
    # rotation's, never again the program's (a replaced RandomPassword must not reach RDS).
    password_rotated: bool = False
    # Adoption (components/settings/adoption.py): the live cluster's identifier, and each
    # declared Aurora instance's by role; each resource is registered with Pulumi's `import`.
    import_id: Optional[str] = None
    instance_import_ids: dict[str, str] = field(default_factory=dict)


class DatabaseCluster(pulumi.ComponentResource):
    """One encrypted, private, monitored DB cluster; a deployment option adds what is its own."""

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None):
        # One type token for both options: the URNs of deployed clusters do not depend on the class.
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
            retention_days=args.basics.log_retention_days, kms_key_arn=args.basics.kms_key_arn, parent=self,
            kind="cluster",
        )
        self.monitoring_role = (
            instance_parts.monitoring_role(name, args.basics.identifier, self) if args.basics.monitoring_interval
            else None
        )
        monitoring_role_arn = self.monitoring_role.arn if self.monitoring_role else None
        # What replaces an aws.rds.Cluster (policies/rds_guardrails/facts/forcenew.json): a new cluster, a new final snapshot name.
        replaced_by: dict[str, pulumi.Input[str]] = {
            "clusterIdentifier": args.basics.identifier, "engine": args.basics.engine.name,
            "region": args.basics.region, "kmsKeyId": args.basics.kms_key_arn,
            "dbSubnetGroupName": args.basics.subnet_group_name}
        if args.credentials is not None:
            replaced_by.update({"databaseName": args.db_name or "",
                                "masterUsername": str(args.credentials.get("master_username", ""))})
        self.cluster = aws.rds.Cluster(
            f"{name}-cluster",
            region=args.basics.region,
            cluster_identifier=args.basics.identifier,
            engine=args.basics.engine.name,
            engine_version=args.engine_version,
            # A global database upgrades through its global cluster, not its members.
            allow_major_version_upgrade=None if args.global_cluster_identifier else upgrades.crosses_major_version(
                kind="cluster", identifier=args.basics.identifier, region=args.basics.region,
                engine=args.basics.engine, target_version=args.engine_version, parent=self),
            global_cluster_identifier=args.global_cluster_identifier,
            database_name=args.db_name if args.credentials is not None else None,
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
            final_snapshot_identifier=instance_parts.final_snapshot_identifier(
                name, args.basics.identifier, kind="cluster", replaced_by=replaced_by, parent=self),
            delete_automated_backups=False,
            enabled_cloudwatch_logs_exports=list(args.log_exports),
            iam_database_authentication_enabled=args.basics.iam_auth,
            apply_immediately=args.basics.apply_immediately,
            # pulumi-aws Cluster.database_insights_mode; None leaves the AWS default.
            database_insights_mode=args.basics.database_insights,
            # pulumi-aws Cluster.engine_lifecycle_support: Aurora and Multi-AZ DB clusters.
            engine_lifecycle_support=args.basics.engine_lifecycle_support,
            **self._option_settings(args, monitoring_role_arn),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*self.log_groups, *args.depends_on], protect=args.basics.protect,
                retain_on_delete=args.basics.protect,
                import_=args.import_id,
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
        # The instances this program declares (Aurora); a Multi-AZ DB cluster names its own.
        self.instances: list[aws.rds.ClusterInstance] = self._declare_instances(name, args, monitoring_role_arn)

        self.identifier = args.basics.identifier
        self.arn = self.cluster.arn
        self.endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint
        self.address = self.cluster.endpoint
        self.port = self.cluster.port
        self.register_outputs({"endpoint": self.endpoint, "reader_endpoint": self.reader_endpoint})

    def _option_settings(self, args: ClusterArgs, monitoring_role_arn: Optional[pulumi.Output[str]]) -> dict[str, Any]:
        """The aws.rds.Cluster arguments of this deployment option."""
        raise NotImplementedError

    def _declare_instances(self, name: str, args: ClusterArgs,
                           monitoring_role_arn: Optional[pulumi.Output[str]]) -> list[aws.rds.ClusterInstance]:
        """The cluster instances this program declares itself (none by default)."""
        return []

    @property
    def instance_roles(self) -> list[tuple[str, bool]]:
        """(identifier, is reader) of the instances declared here."""
        return []

    @property
    def managed_secret_arn(self) -> pulumi.Output[Optional[str]]:
        """The ARN of the RDS-managed master secret (managed credentials only)."""
        return self.cluster.master_user_secrets.apply(lambda s: s[0].secret_arn if s else None)
