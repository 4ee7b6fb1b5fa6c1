"""What every database of the platform is told alike, instance or cluster, primary or copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi

from components.catalog import EngineSpec


@dataclass
class DatabaseBasics:
    """Identity, placement, engine, safety and monitoring of one instance or cluster (already
    validated by settings). Instances and clusters each add what only they have."""

    identifier: str
    region: str
    engine: EngineSpec
    parameter_group_family: str
    instance_class: str
    port: int
    # A key of the database's own region.
    kms_key_arn: pulumi.Input[str]
    subnet_group_name: pulumi.Input[str]
    security_group_ids: Sequence[pulumi.Input[str]]
    maintenance_window: str
    deletion_protection: bool
    protect: bool
    apply_immediately: bool
    auto_minor_version_upgrade: bool
    iam_auth: bool
    monitoring_interval: int
    performance_insights: bool
    performance_insights_retention_days: int
    log_retention_days: int
    # The stack's own engine parameters (TLS is enforced on top of them).
    # Secrets (components/settings/secrets.py): each value a secret Output.
    parameters: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    # CloudWatch Database Insights mode (standard, advanced) or None for the AWS default.
    database_insights: Optional[str] = None
    # EngineLifecycleSupport (RDS Extended Support), or None where AWS takes none (MariaDB).
    engine_lifecycle_support: Optional[str] = None
