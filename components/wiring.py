"""From settings to component arguments: the one place that reads `Settings` for the components.

Each builder turns the stack's settings (and what the platform already built) into the plain
arguments dataclass of one component, so no component depends on the settings models.
"""

from __future__ import annotations

from typing import Any, Optional, Union

import pulumi

from components import alarm_catalog, catalog
from components.catalog import MULTI_AZ_CLUSTER_LOG_EXPORTS
from components.aurora import AuroraArgs, ReaderAutoScalingArgs
from components.cluster import ClusterArgs, DatabaseCluster
from components.database import Database, DatabaseArgs, RestoreArgs
from components.database_basics import DatabaseBasics
from components.keys import Keys
from components.multi_az_cluster import MultiAzClusterArgs
from components.network import Network
from components.observability import Monitored, ObservabilityArgs
from components.proxy import ProxyArgs
from components.replica import ReadReplicaArgs
from components.rotation import SecretRotationArgs
from components.settings import ReplicaSettings, RestoreSettings, Settings


def database_basics(s: Settings, *, identifier: str, region: str, keys: Keys, network: Network,
                    instance_class: Optional[str] = None, monitoring_interval: Optional[int] = None,
                    performance_insights: Optional[bool] = None) -> DatabaseBasics:
    """What every database takes from the stack alike; a replica may choose its class and monitoring."""
    return DatabaseBasics(
        identifier=identifier,
        region=region,
        engine=s.engine_spec,
        parameter_group_family=s.parameter_group_family,
        instance_class=instance_class or s.instance_class,
        port=s.db_port,
        kms_key_arn=keys.key_arn,
        subnet_group_name=network.subnet_group_name,
        security_group_ids=[network.security_group_id],
        maintenance_window=s.maintenance_window,
        deletion_protection=s.deletion_protection,
        protect=s.protect_resources,
        apply_immediately=s.apply_immediately,
        auto_minor_version_upgrade=s.auto_minor_version_upgrade,
        iam_auth=s.iam_auth,
        monitoring_interval=s.monitoring_interval if monitoring_interval is None else monitoring_interval,
        performance_insights=s.performance_insights if performance_insights is None else performance_insights,
        performance_insights_retention_days=s.performance_insights_retention_days,
        log_retention_days=s.log_retention_days,
        parameters=secret_values(s.parameters),
        database_insights=s.database_insights,
        engine_lifecycle_support=s.lifecycle_support,
    )


def secret_values(values: dict[str, str]) -> dict[str, pulumi.Output[str]]:
    """The values of a secret setting, each a Pulumi secret (components/settings/secrets.py): the
    names stay visible in the plan, the values never are, in inputs, outputs or state."""
    return {k: pulumi.Output.secret(v) for k, v in values.items()}


def restore_args(restore: Optional[RestoreSettings]) -> Optional[RestoreArgs]:
    """Where the primary is restored from, if anywhere."""
    if restore is None:
        return None
    return RestoreArgs(
        snapshot_identifier=restore.snapshot_identifier,
        source_db_instance_identifier=restore.source_db_instance_identifier,
        restore_time=restore.restore_time,
        use_latest_restorable_time=restore.use_latest_restorable_time,
    )


def database_args(s: Settings, *, keys: Keys, network: Network, credentials: dict[str, Any]) -> DatabaseArgs:
    """The primary instance."""
    return DatabaseArgs(
        basics=database_basics(s, identifier=s.identifier, region=s.region, keys=keys, network=network),
        storage_type=s.storage_type,
        max_allocated_storage=s.max_allocated_storage,
        iops=s.iops,
        storage_throughput=s.storage_throughput,
        multi_az=s.multi_az,
        engine_version=s.version,
        allocated_storage=s.allocated_storage,
        db_name=s.db_name,
        credentials=credentials,
        backup_retention_days=s.backup_retention_days,
        backup_window=s.backup_window,
        blue_green_update=s.blue_green_update,
        restore=restore_args(s.restore),
        password_rotated=s.rotates_secret,
    )


def replica_args(s: Settings, replica: ReplicaSettings, *, keys: Keys, network: Network,
                 primary: Database) -> ReadReplicaArgs:
    """One read replica, in the primary's region or (with the DR key and network) across regions."""
    cross_region = s.is_cross_region(replica)
    return ReadReplicaArgs(
        basics=database_basics(
            s, identifier=s.replica_identifier(replica), region=s.replica_region(replica), keys=keys,
            network=network, instance_class=replica.instance_class,
            monitoring_interval=replica.monitoring_interval, performance_insights=replica.performance_insights),
        storage_type=s.storage_type,
        max_allocated_storage=(s.max_allocated_storage if replica.max_allocated_storage is None
                               else replica.max_allocated_storage),
        iops=s.iops,
        storage_throughput=s.storage_throughput,
        multi_az=replica.multi_az,
        # The ARN in both cases: every replica names a subnet group (components/replica.py).
        source=primary.arn,
        cross_region=cross_region,
        monitoring_role_arn=primary.monitoring_role_arn,
        parameter_group_name=None if cross_region else primary.parameter_group.name,
        tags={"ReplicaOf": s.identifier, **replica.tags},
    )


def cluster_args(s: Settings, basics: DatabaseBasics, *,
                 global_cluster_identifier: Optional[pulumi.Input[str]], **only_primary: Any) -> ClusterArgs:
    """A cluster (the primary, or a global secondary without credentials, name or autoscaling):
    `AuroraArgs` or `MultiAzClusterArgs` by the deployment option."""
    # Settings refuse `cluster` options (readers, autoscaling...) outside Aurora.
    reader_auto_scaling = only_primary.pop("reader_auto_scaling", None)
    common = dict(
        basics=basics,
        engine_version=s.version,
        log_exports=(s.engine_spec.log_exports if s.is_aurora else MULTI_AZ_CLUSTER_LOG_EXPORTS[s.engine]),
        backup_retention_days=s.backup_retention_days,
        backup_window=s.backup_window,
        global_cluster_identifier=global_cluster_identifier,
        **only_primary,
    )
    if not s.is_aurora:
        return MultiAzClusterArgs(**common, storage_type=s.storage_type, allocated_storage=s.allocated_storage,
                                  iops=s.iops)
    c = s.cluster
    return AuroraArgs(
        **common,
        readers=c.readers,
        reader_instance_class=c.reader_instance_class,
        serverless_acu=(c.serverless_min_acu, c.serverless_max_acu) if c.serverless else None,
        backtrack_hours=c.backtrack_hours,
        aurora_storage_type=c.storage_type,
        reader_auto_scaling=reader_auto_scaling,
    )


def reader_auto_scaling_args(s: Settings) -> Optional[ReaderAutoScalingArgs]:
    """Aurora reader autoscaling, if configured."""
    scaling = s.cluster.reader_auto_scaling
    if scaling is None:
        return None
    return ReaderAutoScalingArgs(min_readers=scaling.min_readers, max_readers=scaling.max_readers,
                                 target_cpu_percent=scaling.target_cpu_percent)


def proxy_args(s: Settings, *, database: Union[Database, DatabaseCluster], secret_arn: pulumi.Input[str],
               keys: Keys, network: Network) -> ProxyArgs:
    """The proxy in front of the primary instance or cluster."""
    assert s.proxy is not None
    return ProxyArgs(
        name=f"{s.identifier}-proxy",
        region=s.region,
        engine_family=s.engine_spec.proxy_engine_family,
        port=s.db_port,
        target_identifier=(database.cluster.cluster_identifier if isinstance(database, DatabaseCluster)
                           else database.instance.identifier),
        target_is_cluster=s.is_cluster,
        read_only_endpoint=s.is_aurora,
        secret_arn=secret_arn,
        kms_key_arn=keys.key_arn,
        vpc_id=network.vpc_id,
        subnet_ids=network.subnet_ids,
        db_security_group_id=network.security_group_id,
        allowed_cidrs=s.allowed_cidrs,
        allowed_security_group_ids=s.allowed_security_group_ids,
        idle_client_timeout=s.proxy.idle_client_timeout,
        max_connections_percent=s.proxy.max_connections_percent,
        max_idle_connections_percent=s.proxy.max_idle_connections_percent,
        connection_borrow_timeout=s.proxy.connection_borrow_timeout,
        iam_auth=s.proxy.iam_auth,
        secrets_endpoint_security_group_id=network.endpoint_security_group_id,
    )


def rotation_args(s: Settings, *, secret: Any, first_value: pulumi.Resource, keys: Keys,
                  network: Network, account_id: pulumi.Input[str],
                  partition: pulumi.Input[str]) -> SecretRotationArgs:
    """Rotation of the generated master password, in the primary's subnets."""
    return SecretRotationArgs(
        identifier=s.identifier,
        region=s.region,
        engine=s.engine,
        secret_id=secret.id,
        kms_key_arn=keys.key_arn,
        days=s.secret_rotation_days,
        vpc_id=network.vpc_id,
        subnet_ids=network.subnet_ids,
        db_security_group_id=network.security_group_id,
        port=s.db_port,
        account_id=account_id,
        partition=partition,
        endpoint_security_group_id=network.endpoint_security_group_id,
        depends_on=[first_value],
    )


def monitored_targets(s: Settings, database: Union[Database, DatabaseCluster],
                      secondary: Optional[DatabaseCluster]) -> list[Monitored]:
    """Every instance and cluster the stack runs, with what its alarms need."""
    c = s.cluster

    def memory(instance_class: str) -> float:
        # Serverless v2: about 2 GiB per ACU at the maximum capacity.
        if s.is_aurora and c.serverless and c.serverless_max_acu:
            return c.serverless_max_acu * 2
        return catalog.instance_memory_gib(instance_class)

    if not s.is_cluster:
        return [Monitored(s.identifier, s.region, alarm_catalog.PRIMARY, memory(s.instance_class))] + [
            Monitored(s.replica_identifier(r), s.replica_region(r), alarm_catalog.REPLICA,
                      memory(r.instance_class or s.instance_class)) for r in s.replicas]
    if not s.is_aurora:
        assert isinstance(database, DatabaseCluster)
        # The cluster (events, dashboard) and its three instances (alarms), which RDS names itself:
        # their identifiers come from the cluster's members (pulumi-aws Cluster.cluster_members).
        members = [Monitored(f"{s.identifier}-member-{i + 1}", s.region, alarm_catalog.MULTI_AZ_MEMBER,
                             memory(s.instance_class), dimension_value=database.cluster.cluster_members.apply(
                                 lambda m, i=i: sorted(m)[i] if m and len(m) > i else None))
                   for i in range(3)]
        return [Monitored(s.identifier, s.region, alarm_catalog.MULTI_AZ_CLUSTER, memory(s.instance_class)),
                *members]
    out = []
    for cluster, region in [(database, s.region)] + ([(secondary, s.dr_region)] if secondary else []):
        assert isinstance(cluster, DatabaseCluster) and region
        kind = alarm_catalog.AURORA_SECONDARY_CLUSTER if cluster is secondary else alarm_catalog.AURORA_CLUSTER
        out.append(Monitored(cluster.identifier, region, kind, memory(s.instance_class)))
        readers = alarm_catalog.AURORA_SECONDARY_READER if cluster is secondary else alarm_catalog.AURORA_READER
        for identifier, reader in cluster.instance_roles:
            kind = readers if reader else alarm_catalog.AURORA_WRITER
            instance_class = (c.reader_instance_class or s.instance_class) if reader else s.instance_class
            out.append(Monitored(identifier, region, kind, memory(instance_class)))
    return out


def observability_args(s: Settings, *, targets: list[Monitored], keys: dict[str, pulumi.Input[str]],
                       account_id: pulumi.Input[str], proxy_name: Optional[str],
                       global_database: bool) -> ObservabilityArgs:
    """Alert topics, alarms and the dashboard of what the stack runs."""
    return ObservabilityArgs(
        identifier=s.identifier,
        region=s.region,
        targets=targets,
        keys=keys,
        account_id=account_id,
        engine=s.engine_spec,
        allocated_storage_gib=s.allocated_storage,
        storage_type=s.storage_type,
        serverless=s.is_aurora and s.cluster.serverless,
        auto_pause=s.is_aurora and s.cluster.serverless and s.cluster.serverless_min_acu == 0,
        emails=s.alarms.emails,
        # Webhook URLs carry tokens: secrets (their number is not secret; it sets the subscriptions).
        https_endpoints=[pulumi.Output.secret(url) for url in s.alarm_https_endpoints],
        thresholds=s.alarms.thresholds,
        dashboard=s.alarms.dashboard,
        proxy_name=proxy_name,
        global_database=global_database,
    )
