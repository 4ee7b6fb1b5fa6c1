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
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,14}[a-z0-9]$", description="The replica's identifier is <name>-<stack>-<replica name>.")
    # Unset: the primary's region. Another region must be the disasterRecovery region, where
    # the replica gets that region's key, subnet group and security group.
    region: Optional[str] = Field(None, pattern=REGION_PATTERN, description="Unset: the primary's region; another region must be disasterRecovery.region.")
    instance_class: Optional[str] = Field(None, description="Unset: the primary's class.")
    multi_az: bool = Field(False, description="A standby for the replica in another availability zone.")
    # Unset: the primary's maxAllocatedStorage; 0 turns storage autoscaling off.
    max_allocated_storage: Optional[int] = Field(None, ge=0, description="Unset: the primary's; 0 turns storage autoscaling off.")
    performance_insights: bool = Field(True, description="Performance Insights on the replica.")
    monitoring_interval: int = Field(60, description="Enhanced monitoring interval in seconds (0, 1, 5, 10, 15, 30, 60).")
    tags: dict[str, str] = Field({}, description="Extra tags (ReplicaOf is set by the platform).")

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

    region: str = Field(pattern=REGION_PATTERN, description="The DR region: not the primary's, in the primary's partition.")
    # The network there: an isolated VPC of our own (vpcCidr) or existing private subnets.
    vpc_cidr: Optional[str] = Field(None, description="CIDR of an isolated VPC built there; must not overlap vpcCidr.")
    az_count: int = Field(2, ge=2, le=3, description="Availability zones of that isolated VPC.")
    vpc_id: Optional[str] = Field(None, pattern=r"^vpc-[0-9a-f]{8,17}$", description="An existing VPC there, with subnetIds.")
    subnet_ids: tuple[str, ...] = Field((), description="Private subnets of vpcId.")
    allowed_cidrs: tuple[str, ...] = Field((), description="Private CIDRs of clients in the DR region.")
    # Copy the primary's automated backups (and transaction logs) to this region.
    replicate_backups: bool = Field(True, description="Replicate the primary's automated backups to the DR region.")
    backup_retention_days: int = Field(7, ge=1, le=35, description="Days the replicated backups are kept.")

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
