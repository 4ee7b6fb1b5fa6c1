"""What every RDS instance of the platform shares: the settings that keep it encrypted,
private and observed, a TLS-only parameter group, and its log groups.

Shared by the primary and the read replicas, so a replica can never drift from the primary
on those, and a cross-region replica gets them built in its region with that region's key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.catalog import CA_CERTIFICATE, FINAL_SNAPSHOT_SUFFIX_BYTES, EngineSpec, final_snapshot_stem
from components.database_basics import DatabaseBasics


@dataclass
class InstanceBasics:
    """What a primary and its replicas take the same way: the database basics, plus the storage
    and Multi-AZ choices only an instance makes (a cluster sets them on itself)."""

    basics: DatabaseBasics
    storage_type: str
    # 0 turns storage autoscaling off.
    max_allocated_storage: int
    iops: Optional[int]
    storage_throughput: Optional[int]
    multi_az: bool


def instance_args(b: InstanceBasics, *, parameter_group_name: pulumi.Input[str],
                  monitoring_role_arn: Optional[pulumi.Input[str]]) -> dict[str, Any]:
    """aws.rds.Instance arguments every instance gets: encrypted with its region's key, never
    public, TLS-only, current CA, monitored, logs exported, tags copied to snapshots."""
    d = b.basics
    pi = d.performance_insights
    return dict(
        region=d.region,
        identifier=d.identifier,
        engine=d.engine.name,
        instance_class=d.instance_class,
        storage_type=b.storage_type,
        iops=b.iops,
        storage_throughput=b.storage_throughput,
        max_allocated_storage=b.max_allocated_storage if b.max_allocated_storage > 0 else None,
        storage_encrypted=True,
        kms_key_id=d.kms_key_arn,
        port=d.port,
        db_subnet_group_name=d.subnet_group_name,
        vpc_security_group_ids=list(d.security_group_ids),
        publicly_accessible=False,
        ca_cert_identifier=CA_CERTIFICATE,
        parameter_group_name=parameter_group_name,
        multi_az=b.multi_az,
        maintenance_window=d.maintenance_window,
        copy_tags_to_snapshot=True,
        deletion_protection=d.deletion_protection,
        monitoring_interval=d.monitoring_interval,
        monitoring_role_arn=monitoring_role_arn if d.monitoring_interval else None,
        performance_insights_enabled=pi,
        performance_insights_kms_key_id=d.kms_key_arn if pi else None,
        performance_insights_retention_period=d.performance_insights_retention_days if pi else None,
        # pulumi-aws Instance.database_insights_mode ("standard", "advanced"); settings check the
        # class and, for advanced, PI on with >= 465 days (components/settings/insights_rules.py).
        database_insights_mode=d.database_insights,
        # pulumi-aws Instance.engine_lifecycle_support: MySQL and PostgreSQL only (None for MariaDB).
        engine_lifecycle_support=d.engine_lifecycle_support,
        enabled_cloudwatch_logs_exports=list(d.engine.log_exports),
        iam_database_authentication_enabled=d.iam_auth,
        auto_minor_version_upgrade=d.auto_minor_version_upgrade,
        apply_immediately=d.apply_immediately,
    )


def final_snapshot_identifier(name: str, identifier: str, *, kind: str,
                              replaced_by: Mapping[str, pulumi.Input[str]],
                              parent: pulumi.Resource) -> pulumi.Output[str]:
    """`<identifier>-final-<8 hex>`: a suffix kept across updates, renewed with every new database.

    `replaced_by` are the inputs whose change replaces the database: as the RandomId's keepers,
    a replacement of the database replaces the suffix too, and a destroy then up creates a new one.
    """
    # A DB snapshot identifier is unique in the account and Region, and a final snapshot outlives
    # its database: with a fixed name the second delete or replacement of a database of the same
    # name fails (terraform-aws-modules/terraform-aws-rds#82). terraform-aws-modules/rds suffixes
    # it with `random_id.snapshot_identifier` (byte_length 4, keepers = the identifier).
    suffix = random.RandomId(
        f"{name}-final-snapshot", byte_length=FINAL_SNAPSHOT_SUFFIX_BYTES,
        keepers=dict(sorted(replaced_by.items())), opts=pulumi.ResourceOptions(parent=parent),
    )
    stem = final_snapshot_stem(identifier, kind)
    return suffix.hex.apply(lambda hex_: f"{stem}-{hex_}")


def service_trust_policy(service: str) -> str:
    """An IAM trust policy that lets one AWS service, and nothing else, assume the role."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}],
    })


def monitoring_role(name: str, identifier: str, parent: pulumi.Resource) -> aws.iam.Role:
    """The role RDS enhanced monitoring assumes to publish OS metrics (IAM is global)."""
    role = aws.iam.Role(
        f"{name}-monitoring",
        description=f"Enhanced monitoring of {identifier}",
        assume_role_policy=service_trust_policy("monitoring.rds.amazonaws.com"),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.iam.RolePolicyAttachment(
        f"{name}-monitoring-policy",
        role=role.name,
        policy_arn="arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return role


def parameter_values(engine: EngineSpec, custom: Mapping[str, pulumi.Input[str]]) -> dict[str, pulumi.Input[str]]:
    """Engine parameters: logs worth exporting, then the stack's own, then TLS enforced."""
    values: dict[str, pulumi.Input[str]] = dict(engine.log_parameters)
    values.update(custom)
    # Last, so no custom parameter can switch TLS off (settings refuses that too).
    name, value = engine.tls_parameter
    values[name] = value
    return dict(sorted(values.items()))


def parameter_group(name: str, *, region: str, family: str, identifier: str, engine: EngineSpec,
                    parameters: Mapping[str, pulumi.Input[str]], parent: pulumi.Resource) -> aws.rds.ParameterGroup:
    """A parameter group that refuses unencrypted connections.

    Auto-named on purpose: a major upgrade changes the family, which replaces the group, and
    Pulumi then creates the new group first, moves the instance to it, and deletes the old
    one last. A fixed name would force delete-before-create while the instance still uses it.
    """
    return aws.rds.ParameterGroup(
        name,
        region=region,
        family=family,
        description=f"{identifier}: TLS required",
        parameters=[
            # pending-reboot works for static and dynamic parameters alike.
            aws.rds.ParameterGroupParameterArgs(name=k, value=v, apply_method="pending-reboot")
            for k, v in parameter_values(engine, parameters).items()
        ],
        opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=False),
    )


def log_groups(name: str, *, region: str, identifier: str, exports: tuple[str, ...],
               retention_days: int, kms_key_arn: pulumi.Input[str],
               parent: pulumi.Resource, kind: str = "instance") -> list[aws.cloudwatch.LogGroup]:
    """The instance's (or cluster's) log groups, created before it: otherwise RDS creates them
    itself, unencrypted and kept forever."""
    return [
        aws.cloudwatch.LogGroup(
            f"{name}-log-{log}",
            region=region,
            name=f"/aws/rds/{kind}/{identifier}/{log}",
            retention_in_days=retention_days,
            kms_key_id=kms_key_arn,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for log in exports
    ]
