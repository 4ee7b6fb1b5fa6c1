"""Pieces every RDS instance needs in its own region: a TLS-only parameter group, log groups.

Shared by the primary and the read replicas, so a cross-region replica gets exactly what the
primary has, built in its region with that region's key.
"""

from __future__ import annotations

from typing import Mapping

import pulumi
import pulumi_aws as aws

from components.catalog import EngineSpec


def parameter_values(engine: EngineSpec, custom: Mapping[str, str]) -> dict[str, str]:
    """Engine parameters: logs worth exporting, then the stack's own, then TLS enforced."""
    values = dict(engine.log_parameters)
    values.update(custom)
    # Last, so no custom parameter can switch TLS off (settings refuses that too).
    name, value = engine.tls_parameter
    values[name] = value
    return dict(sorted(values.items()))


def parameter_group(name: str, *, region: str, family: str, identifier: str, engine: EngineSpec,
                    parameters: Mapping[str, str], parent: pulumi.Resource) -> aws.rds.ParameterGroup:
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
               parent: pulumi.Resource) -> list[aws.cloudwatch.LogGroup]:
    """The instance's log groups, created before it: otherwise RDS creates them itself,
    unencrypted and kept forever."""
    return [
        aws.cloudwatch.LogGroup(
            f"{name}-log-{log}",
            region=region,
            name=f"/aws/rds/instance/{identifier}/{log}",
            retention_in_days=retention_days,
            kms_key_id=kms_key_arn,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for log in exports
    ]
