"""The whole database platform of one stack, wired from its settings."""

# No `from __future__ import annotations`: Pulumi's component analyzer reads the annotations of
# this class and of its args as objects to write the package schema.
from typing import Optional, Union, cast

import pulumi
import pulumi_aws as aws

from components import upgrades, wiring
from components.alerting import Alerting
from components.aurora import AuroraCluster
from components.backups import CrossRegionBackups
from components.cluster import DatabaseCluster
from components.credentials import Credentials
from components.dashboard import Dashboard
from components.database import Database
from components.keys import Keys
from components.multi_az_cluster import MultiAzCluster
from components.network import Network
from components.observability import Observability
from components.platform_args import DatabasePlatformArgs
from components.proxy import Proxy
from components.replica import ReadReplica
from components.rotation import SecretRotation
from components.settings import ReplicaSettings, SettingsError, from_component


class DatabasePlatform(pulumi.ComponentResource):
    """An RDS or Aurora database with its keys, network, credentials, replicas, proxy, alarms and DR copies."""

    endpoint: pulumi.Output[str]
    """Where writes go: host:port of an instance, the writer host name of a cluster."""
    address: pulumi.Output[str]
    """The writer's host name."""
    port: pulumi.Output[int]
    """The database port."""
    master_secret_arn: pulumi.Output[str]
    """The Secrets Manager secret of the master user (RDS-managed or generated)."""
    kms_key_arn: pulumi.Output[str]
    """The platform's KMS key in the primary region."""
    security_group_id: pulumi.Output[str]
    """The database's security group."""
    subnet_group_name: pulumi.Output[str]
    """The DB subnet group."""
    replica_endpoints: pulumi.Output[dict[str, str]]
    """Where reads go: each read replica's endpoint by identifier, or a cluster's reader endpoint."""
    proxy_endpoint: Optional[pulumi.Output[str]]
    """The RDS Proxy endpoint, when a proxy is set."""
    alarm_topic_arns: pulumi.Output[dict[str, str]]
    """The SNS topic of the alarms, by region (empty with alarms off)."""
    dashboard_name: Optional[pulumi.Output[str]]
    """The CloudWatch dashboard, when alarms and the dashboard are on."""

    def __init__(self, name: str, args: DatabasePlatformArgs, opts: Optional[pulumi.ResourceOptions] = None):
        # Validated before the component registers, so bad args leave nothing half-created.
        try:
            settings = from_component(args, name)
        except SettingsError as exc:
            raise pulumi.RunError(f"DatabasePlatform {name!r}: {exc}") from None
        super().__init__("rdsplatform:index:DatabasePlatform", name, None, opts)
        # Children (and the AWS names derived from theirs) are named after the identifier, not
        # this resource's name: the program names the platform after its identifier anyway, and a
        # package consumer's DatabasePlatform("orders") in two stacks must not make the same role,
        # alias or subnet group twice in one account.
        name = settings.identifier
        self._settings = s = settings

        # One provider for every region: pulumi-aws 7 takes `region=` per resource, so these
        # default tags reach the DR region too.
        self.provider = aws.Provider(
            f"{name}-aws",
            region=s.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=s.default_tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self._child = pulumi.ResourceOptions(parent=self, providers={"aws": self.provider})
        invoke = pulumi.InvokeOutputOptions(provider=self.provider)
        self._account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._partition = aws.get_partition_output(opts=invoke).partition

        self.keys = self._keys(name, dr=False)
        self.network = self._network(name, dr=False)
        self.credentials = Credentials(f"{name}-credentials", wiring.credentials_args(s, kms_key_arn=self.keys.key_arn),
                                       opts=self._child)
        self.global_cluster: Optional[aws.rds.GlobalCluster] = None
        if s.is_aurora and s.disaster_recovery is not None:
            self.global_cluster = self._global_cluster(name)
        self.database: Union[Database, DatabaseCluster] = (
            self._cluster(name) if s.is_cluster else self._database(name))
        self.credentials.store_connection_document(self.database.address, self.database.port)
        self.rotation: Optional[SecretRotation] = self._rotation(name) if s.rotates_secret else None
        # Without a generated secret RDS manages the password, so it always creates its secret.
        self.secret_arn = (
            self.credentials.secret.arn if self.credentials.secret
            else cast(pulumi.Output[str], self.database.managed_secret_arn)
        )

        # The disaster-recovery region: its own key and network, for replicas and backups there.
        self.dr_keys: Optional[Keys] = None
        self.dr_network: Optional[Network] = None
        self.backups: Optional[CrossRegionBackups] = None
        self.secondary: Optional[DatabaseCluster] = None
        dr = s.disaster_recovery
        if dr is not None:
            self.dr_keys = self._keys(f"{name}-dr", dr=True)
            self.dr_network = self._network(f"{name}-dr", dr=True)
            if s.is_aurora:
                self.secondary = self._secondary_cluster(name)
            if dr.replicate_backups and not s.is_cluster:
                self.backups = CrossRegionBackups(
                    f"{name}-dr-backups",
                    wiring.cross_region_backups_args(s, source_db_instance_arn=self.database.arn,
                                                     kms_key_arn=self.dr_keys.key_arn),
                    opts=self._child,
                )

        self.replicas = [self._replica(name, r) for r in s.replicas]
        self.proxy = self._proxy(name) if s.proxy else None
        self.alert_topics: dict[str, Alerting] = {}
        self.dashboard: Optional[Dashboard] = None
        self.observability: Optional[Observability] = None
        if s.alarms.enabled:
            # Named like the platform: its children keep the names they had under the platform.
            self.observability = Observability(name, wiring.observability_args(
                s,
                targets=wiring.monitored_targets(s, self.database, self.secondary),
                keys={s.region: self.keys.key_arn,
                      **({s.dr_region: self.dr_keys.key_arn} if self.dr_keys and s.dr_region else {})},
                account_id=self._account_id,
                proxy_name=self.proxy.proxy_name if self.proxy else None,
                global_database=self.global_cluster is not None,
            ), opts=self._child)
            self.alert_topics, self.dashboard = self.observability.topics, self.observability.dashboard

        # Where reads go: each replica's endpoint, or a cluster's reader endpoint.
        self.reader_endpoints: dict[str, pulumi.Output[str]] = (
            {"reader": self.database.reader_endpoint} if isinstance(self.database, DatabaseCluster)
            else {r.identifier: r.endpoint for r in self.replicas})
        self.endpoint = self.database.endpoint
        self.address = self.database.address
        self.port = self.database.port
        self.master_secret_arn = self.secret_arn
        self.kms_key_arn = self.keys.key_arn
        self.security_group_id = self.network.security_group_id
        self.subnet_group_name = self.network.subnet_group_name
        # from_input unwraps the Outputs inside a dict; its type cannot say so.
        self.replica_endpoints = pulumi.Output.from_input(self.reader_endpoints)  # type: ignore[arg-type]
        self.proxy_endpoint = self.proxy.endpoint if self.proxy else None
        self.alarm_topic_arns = pulumi.Output.from_input(
            {region: a.topic_arn for region, a in self.alert_topics.items()})  # type: ignore[misc]  # as above
        self.dashboard_name = self.dashboard.dashboard_name if self.dashboard else None
        self.register_outputs({
            "endpoint": self.database.endpoint,
            "secret_arn": self.secret_arn,
        })

    # --- regional building blocks ----------------------------------------------------------------

    def _keys(self, name: str, dr: bool) -> Keys:
        args = wiring.keys_args(self._settings, dr=dr, account_id=self._account_id, partition=self._partition)
        return Keys(f"{name}-keys", args, opts=self._child)

    def _network(self, name: str, dr: bool) -> Network:
        return Network(f"{name}-network", wiring.network_args(self._settings, dr=dr), opts=self._child)

    # --- the databases -----------------------------------------------------------------------------

    def _database(self, name: str) -> Database:
        args = wiring.database_args(self._settings, keys=self.keys, network=self.network,
                                    credentials=self.credentials.instance_args)
        return Database(f"{name}-db", args, opts=self._child)

    def _cluster(self, name: str) -> DatabaseCluster:
        s = self._settings
        basics = wiring.database_basics(s, identifier=s.identifier, region=s.region, keys=self.keys,
                                        network=self.network)
        option = AuroraCluster if s.is_aurora else MultiAzCluster
        return option(
            f"{name}-db",
            wiring.cluster_args(
                s, basics, global_cluster_identifier=self.global_cluster.id if self.global_cluster else None,
                credentials=self.credentials.cluster_args, db_name=s.db_name,
                reader_auto_scaling=wiring.reader_auto_scaling_args(s), password_rotated=s.rotates_secret,
                import_id=s.import_ids.database, instance_import_ids=dict(s.import_ids.instances),
            ),
            opts=self._child,
        )

    def _global_cluster(self, name: str) -> aws.rds.GlobalCluster:
        a = wiring.global_cluster_args(self._settings)
        return aws.rds.GlobalCluster(
            f"{name}-global",
            region=a.region,
            global_cluster_identifier=a.global_cluster_identifier,
            engine=a.engine.name,
            # Members leave their version to this one (the provider upgrades them, and asks RDS for
            # AllowMajorVersionUpgrade itself); the floor is what the primary cluster runs.
            engine_version=upgrades.checked_version(
                kind="cluster", identifier=a.primary_identifier, region=a.region, engine=a.engine,
                target_version=a.engine_version, invoke=pulumi.InvokeOutputOptions(provider=self.provider)),
            storage_encrypted=True,
            deletion_protection=a.deletion_protection,
            engine_lifecycle_support=a.lifecycle_support,
            opts=self._child.merge(pulumi.ResourceOptions(protect=a.protect)),
        )

    def _secondary_cluster(self, name: str) -> DatabaseCluster:
        """The global database's secondary in the DR region: its own key, network and TLS group."""
        s = self._settings
        assert s.disaster_recovery and self.dr_keys and self.dr_network
        assert isinstance(self.database, DatabaseCluster)
        basics = wiring.database_basics(s, identifier=f"{s.identifier}-dr", region=s.disaster_recovery.region,
                                        keys=self.dr_keys, network=self.dr_network)
        return AuroraCluster(
            f"{name}-dr-db",
            wiring.cluster_args(
                s, basics, global_cluster_identifier=self.global_cluster.id if self.global_cluster else None,
                depends_on=[self.database.cluster, *self.database.instances],
            ),
            opts=self._child,
        )

    def _replica(self, name: str, replica: ReplicaSettings) -> ReadReplica:
        s = self._settings
        cross_region = s.is_cross_region(replica)
        keys, network = (self.dr_keys, self.dr_network) if cross_region else (self.keys, self.network)
        assert keys is not None and network is not None  # settings refuse a replica without them
        assert isinstance(self.database, Database)  # settings refuse replicas of a cluster
        return ReadReplica(
            f"{name}-replica-{replica.name}",
            wiring.replica_args(s, replica, keys=keys, network=network, primary=self.database),
            opts=self._child,
        )

    def _rotation(self, name: str) -> SecretRotation:
        assert self.credentials.secret is not None and self.credentials.connection is not None
        return SecretRotation(
            f"{name}-rotation",
            wiring.rotation_args(self._settings, secret=self.credentials.secret,
                                 first_value=self.credentials.connection, keys=self.keys,
                                 network=self.network, account_id=self._account_id,
                                 partition=self._partition),
            opts=self._child,
        )

    def _proxy(self, name: str) -> Proxy:
        return Proxy(
            f"{name}-proxy",
            wiring.proxy_args(self._settings, database=self.database, secret_arn=self.secret_arn,
                              keys=self.keys, network=self.network),
            opts=self._child,
        )
