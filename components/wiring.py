"""From settings to component arguments: the one place that reads `Settings` for the components.

Each builder turns the stack's settings (and what the platform already built) into the plain
arguments dataclass of one component (or of the global cluster, the one resource the platform
declares itself), so no component depends on the settings models. The platform reads settings
only to decide which components to build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union, cast

import pulumi

from components import alarm_catalog, catalog
from components.backups import CrossRegionBackupsArgs
from components.catalog import MULTI_AZ_CLUSTER_LOG_EXPORTS
from components.aurora import AuroraArgs, ReaderAutoScalingArgs
from components.cluster import ClusterArgs, DatabaseCluster
from components.credentials import CredentialsArgs
from components.database import Database, DatabaseArgs, RestoreArgs
from components.database_basics import DatabaseBasics
from components.keys import Keys, KeysArgs
from components.multi_az_cluster import MultiAzClusterArgs
from components.network import Network, NetworkArgs
from components.observability import Monitored, ObservabilityArgs
from components.proxy import ProxyArgs
from components.replica import ReadReplicaArgs
from components.rotation import SecretRotationArgs
from components.upgrades import ReplicaRef
from components.settings import ReplicaSettings, RestoreSettings, Settings
from components.settings.adoption import proxy_target_import_id


# --- what every database stands on: keys, network, credentials ------------------------------------

def keys_args(s: Settings, *, dr: bool, account_id: pulumi.Input[str], partition: pulumi.Input[str]) -> KeysArgs:
    """The KMS key of the primary's region, or (dr) of the disaster-recovery region."""
    region = s.disaster_recovery.region if dr and s.disaster_recovery else s.region
    purpose = "cross-region replicas and backups" if dr else "storage, secrets, logs, Performance Insights, alarms"
    return KeysArgs(region=region, account_id=account_id, partition=partition,
                    description=f"{s.identifier} in {region}: {purpose}", protect=s.protect_resources,
                    import_id=None if dr else s.import_ids.kms_key)


def network_args(s: Settings, *, dr: bool) -> NetworkArgs:
    """The primary's network, or (dr) the disaster-recovery region's: existing subnets or a VPC of its own."""
    description = f"{s.identifier} database"
    if dr:
        d = s.disaster_recovery
        assert d is not None
        return NetworkArgs(region=d.region, vpc_id=d.vpc_id, subnet_ids=d.subnet_ids, vpc_cidr=d.vpc_cidr or "",
                           az_count=d.az_count, allowed_cidrs=d.allowed_cidrs, allowed_security_group_ids=(),
                           port=s.db_port, description=description)
    return NetworkArgs(region=s.region, vpc_id=s.vpc_id, subnet_ids=s.subnet_ids, vpc_cidr=s.vpc_cidr,
                       az_count=s.effective_az_count, allowed_cidrs=s.allowed_cidrs,
                       allowed_security_group_ids=s.allowed_security_group_ids,
                       secrets_manager_endpoint=s.uses_own_vpc and (s.rotates_secret or s.proxy is not None),
                       port=s.db_port, description=description, subnet_group_import_id=s.import_ids.subnet_group)


def credentials_args(s: Settings, *, kms_key_arn: pulumi.Input[str]) -> CredentialsArgs:
    """The master credentials: RDS-managed, or generated into Secrets Manager."""
    return CredentialsArgs(mode=s.credentials_mode, username=s.master_username,
                           engine=catalog.secret_engine(s.engine), db_name=s.db_name, kms_key_arn=kms_key_arn,
                           region=s.region, recovery_window_days=s.secret_recovery_window_days,
                           rotated=s.rotates_secret)


def cross_region_backups_args(s: Settings, *, source_db_instance_arn: pulumi.Input[str],
                              kms_key_arn: pulumi.Input[str]) -> CrossRegionBackupsArgs:
    """The primary's automated backups replicated to the disaster-recovery region."""
    dr = s.disaster_recovery
    assert dr is not None
    return CrossRegionBackupsArgs(source_db_instance_arn=source_db_instance_arn, region=dr.region,
                                  kms_key_arn=kms_key_arn, retention_days=dr.backup_retention_days,
                                  protect=s.protect_resources)


@dataclass(frozen=True)
class GlobalClusterArgs:
    """An Aurora global database around the primary cluster (declared by the platform itself)."""

    region: str
    global_cluster_identifier: str
    engine: catalog.EngineSpec
    engine_version: str
    deletion_protection: bool
    protect: bool
    # The primary cluster: the global cluster's version is never below what it runs.
    primary_identifier: str
    # RDS API CreateGlobalCluster, EngineLifecycleSupport: "only applies to Aurora
    # PostgreSQL-based global databases"; the member clusters state it for Aurora MySQL.
    lifecycle_support: Optional[str] = None


def global_cluster_args(s: Settings) -> GlobalClusterArgs:
    """The global database of an Aurora stack with a disaster-recovery region."""
    return GlobalClusterArgs(region=s.region, global_cluster_identifier=f"{s.identifier}-global",
                             engine=s.engine_spec, engine_version=s.version,
                             deletion_protection=s.deletion_protection, protect=s.protect_resources,
                             primary_identifier=s.identifier,
                             lifecycle_support=(s.lifecycle_support if s.engine in
                                                catalog.GLOBAL_CLUSTER_EXTENDED_SUPPORT_ENGINES else None))


# --- the databases ----------------------------------------------------------------------------------

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
        replicas=tuple(ReplicaRef(s.replica_identifier(r), s.replica_region(r), s.is_cross_region(r))
                       for r in s.replicas),
        import_id=s.import_ids.database,
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
        import_id=s.import_ids.replicas.get(replica.name),
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
        # Settings refuse one bound without the other.
        serverless_acu=((c.serverless_min_acu, c.serverless_max_acu)
                        if c.serverless_min_acu is not None and c.serverless_max_acu is not None else None),
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
        import_id=s.import_ids.proxy,
        target_import_id=(proxy_target_import_id(s.import_ids.proxy, s.identifier, cluster=s.is_cluster)
                          if s.import_ids.proxy else None),
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
                             memory(s.instance_class), dimension_value=_member(database.cluster.cluster_members, i))
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


def _member(members: pulumi.Output[Sequence[str]], i: int) -> pulumi.Output[str]:
    """The name of a Multi-AZ DB cluster's i-th member in name order."""
    # A created cluster lists its three members; None stands in only while RDS has not listed them.
    return cast(pulumi.Output[str], members.apply(lambda m: sorted(m)[i] if m and len(m) > i else None))


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
