"""Read replicas and the disaster-recovery region they (and replicated backups) live in."""

from __future__ import annotations

from typing import Optional

from pydantic import Field, field_validator

from components import catalog
from components.settings import checks
from components.settings.base import REGION_PATTERN, SettingsModel


class ReplicaSettings(SettingsModel):
    """One read replica. Unset fields follow the primary."""

    # Suffix of the replica's identifier: <name>-<stack>-<replica name>.
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,14}[a-z0-9]$")
    # Unset: the primary's region. Another region must be the disasterRecovery region, where
    # the replica gets that region's key, subnet group and security group.
    region: Optional[str] = Field(None, pattern=REGION_PATTERN)
    instance_class: Optional[str] = None
    multi_az: bool = False
    # Unset: the primary's maxAllocatedStorage; 0 turns storage autoscaling off.
    max_allocated_storage: Optional[int] = Field(None, ge=0)
    performance_insights: bool = True
    monitoring_interval: int = 60
    tags: dict[str, str] = {}

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else checks.instance_class(v)

    @field_validator("monitoring_interval")
    @classmethod
    def _monitoring_interval(cls, v: int) -> int:
        return checks.one_of(v, catalog.MONITORING_INTERVALS)


class DisasterRecoverySettings(SettingsModel):
    """The second region: its own key and network, cross-region replicas, replicated backups."""

    region: str = Field(pattern=REGION_PATTERN)
    # The network there: an isolated VPC of our own (vpcCidr) or existing private subnets.
    vpc_cidr: Optional[str] = None
    az_count: int = Field(2, ge=2, le=3)
    vpc_id: Optional[str] = Field(None, pattern=r"^vpc-[0-9a-f]{8,17}$")
    subnet_ids: tuple[str, ...] = ()
    allowed_cidrs: tuple[str, ...] = ()
    # Copy the primary's automated backups (and transaction logs) to this region.
    replicate_backups: bool = True
    backup_retention_days: int = Field(7, ge=1, le=35)

    @field_validator("subnet_ids")
    @classmethod
    def _subnet_ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return checks.subnet_ids(v)

    @field_validator("allowed_cidrs")
    @classmethod
    def _allowed_cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return checks.private_cidrs(v)

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else checks.vpc_cidr(v)

    @property
    def has_network(self) -> bool:
        return self.vpc_cidr is not None or bool(self.subnet_ids)
