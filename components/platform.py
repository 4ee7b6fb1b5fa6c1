"""The whole database platform of one stack, wired from its settings."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.credentials import Credentials, CredentialsArgs
from components.database import Database, DatabaseArgs
from components.keys import Keys, KeysArgs
from components.network import Network, NetworkArgs
from components.settings import Settings


class DatabasePlatform(pulumi.ComponentResource):
    """Keys, network, credentials and the database for one environment."""

    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:DatabasePlatform", name, None, opts)
        s = settings

        # One provider for every region: pulumi-aws 7 takes `region=` per resource, so these
        # default tags reach the DR region too.
        self.provider = aws.Provider(
            f"{name}-aws",
            region=s.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=s.default_tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, providers={"aws": self.provider})
        invoke = pulumi.InvokeOutputOptions(provider=self.provider)
        identity = aws.get_caller_identity_output(opts=invoke)
        partition = aws.get_partition_output(opts=invoke)

        self.keys = Keys(
            f"{name}-keys",
            KeysArgs(
                region=s.region,
                account_id=identity.account_id,
                partition=partition.partition,
                description=f"{s.identifier}: storage, secrets, logs, Performance Insights, alarms",
                protect=s.protect_resources,
            ),
            opts=child,
        )
        self.network = Network(
            f"{name}-network",
            NetworkArgs(
                region=s.region,
                port=s.db_port,
                vpc_id=s.vpc_id,
                subnet_ids=s.subnet_ids,
                vpc_cidr=s.vpc_cidr,
                az_count=s.az_count,
                allowed_cidrs=s.allowed_cidrs,
                allowed_security_group_ids=s.allowed_security_group_ids,
                description=f"{s.identifier} database",
            ),
            opts=child,
        )
        self.credentials = Credentials(
            f"{name}-credentials",
            CredentialsArgs(
                mode=s.credentials_mode,
                username=s.master_username,
                engine=s.engine,
                db_name=s.db_name,
                kms_key_arn=self.keys.key_arn,
                region=s.region,
                recovery_window_days=s.secret_recovery_window_days,
            ),
            opts=child,
        )
        self.database = Database(
            f"{name}-db",
            DatabaseArgs(
                identifier=s.identifier,
                region=s.region,
                engine=s.engine_spec,
                engine_version=s.version,
                parameter_group_family=s.parameter_group_family,
                instance_class=s.instance_class,
                storage_type=s.storage_type,
                allocated_storage=s.allocated_storage,
                max_allocated_storage=s.max_allocated_storage,
                iops=s.iops,
                storage_throughput=s.storage_throughput,
                db_name=s.db_name,
                port=s.db_port,
                credentials=self.credentials.instance_args,
                kms_key_arn=self.keys.key_arn,
                subnet_group_name=self.network.subnet_group_name,
                security_group_ids=[self.network.security_group_id],
                multi_az=s.multi_az,
                backup_retention_days=s.backup_retention_days,
                backup_window=s.backup_window,
                maintenance_window=s.maintenance_window,
                deletion_protection=s.deletion_protection,
                protect=s.protect_resources,
                apply_immediately=s.apply_immediately,
                auto_minor_version_upgrade=s.auto_minor_version_upgrade,
                blue_green_update=s.blue_green_update,
                iam_auth=s.iam_auth,
                monitoring_interval=s.monitoring_interval,
                performance_insights=s.performance_insights,
                performance_insights_retention_days=s.performance_insights_retention_days,
                log_retention_days=s.log_retention_days,
                parameters=s.parameters,
            ),
            opts=child,
        )
        self.credentials.store_connection_document(self.database.address, self.database.port)

        self.secret_arn = (
            self.credentials.secret.arn if self.credentials.secret else self.database.managed_secret_arn
        )
        self.register_outputs({
            "endpoint": self.database.endpoint,
            "secret_arn": self.secret_arn,
        })
