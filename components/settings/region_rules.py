"""Rules across keys about other copies: read replicas and the disaster-recovery region."""

from __future__ import annotations

import ipaddress

from components.settings.base import config_key
from components.settings.model import Settings


def replica_problems(s: Settings) -> list[str]:
    """How many replicas the engine allows, unique names, and a DR network for cross-region ones."""
    problems: list[str] = []
    key, spec = config_key, s.engine_spec
    if len(s.replicas) > spec.max_read_replicas:
        problems.append(
            f"{key('replicas')}: {len(s.replicas)} replicas; {s.engine} allows at most "
            f"{spec.max_read_replicas} read replicas of one instance"
        )
    names = [r.name for r in s.replicas]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append(f"{key('replicas')}: names {duplicates} are used twice; each replica needs its own")
    for i, replica in enumerate(s.replicas):
        where = f"{key('replicas')}.{i} ({replica.name})"
        if len(s.replica_identifier(replica)) > 63:
            problems.append(f"{where}: identifier {s.replica_identifier(replica)!r} is longer than 63 characters")
        storage = replica.max_allocated_storage
        if storage and storage <= s.allocated_storage:
            problems.append(
                f"{where}.maxAllocatedStorage = {storage}: must be above allocatedStorage "
                f"({s.allocated_storage}) or 0 to turn storage autoscaling off"
            )
        if not s.is_cross_region(replica):
            continue
        region = s.replica_region(replica)
        if not spec.cross_region_replicas:
            problems.append(f"{where}: {s.engine} has no cross-region read replicas")
        if s.disaster_recovery is None or region != s.disaster_recovery.region:
            problems.append(
                f"{where}.region = {region!r}: a cross-region replica needs a key and a network in "
                f"that region; set {key('disasterRecovery')}.region to {region!r} with its vpcCidr "
                "(or vpcId and subnetIds)"
            )
    return problems


def disaster_recovery_problems(s: Settings) -> list[str]:
    """The DR region differs from the primary's and has exactly one network."""
    dr = s.disaster_recovery
    if dr is None:
        return []
    problems: list[str] = []
    key = f"{config_key('disasterRecovery')}"
    if dr.region == s.region:
        problems.append(f"{key}.region = {dr.region!r}: must differ from aws:region ({s.region})")
    if not dr.has_network:
        problems.append(
            f"{key}: no network in {dr.region}; set vpcCidr (an isolated VPC of our own) or vpcId "
            "and subnetIds (existing private subnets)"
        )
    if dr.vpc_cidr and dr.subnet_ids:
        problems.append(f"{key}: set either vpcCidr or vpcId and subnetIds, not both")
    if dr.subnet_ids and (not dr.vpc_id or len(dr.subnet_ids) < 2):
        problems.append(f"{key}.subnetIds needs vpcId and private subnets in at least 2 availability zones")
    if dr.vpc_cidr and s.uses_own_vpc and ipaddress.ip_network(dr.vpc_cidr).overlaps(ipaddress.ip_network(s.vpc_cidr)):
        # Amazon VPC Peering Guide, "Create a VPC peering connection", Prerequisites: "Ensure that
        # the VPCs do not have overlapping IPv4 CIDR blocks. If they overlap, the status of the VPC
        # peering connection immediately goes to failed."
        problems.append(
            f"{key}.vpcCidr = {dr.vpc_cidr!r} overlaps {config_key('vpcCidr')} ({s.vpc_cidr}): choose a range "
            "that does not overlap, so the two VPCs can be peered later"
        )
    if dr.replicate_backups and not s.is_cluster and not s.engine_spec.cross_region_automated_backups:
        problems.append(f"{key}.replicateBackups: {s.engine} cannot replicate automated backups across regions")
    return problems
