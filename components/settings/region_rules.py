"""Rules across keys about other copies: read replicas and the disaster-recovery region."""

from __future__ import annotations

import ipaddress
from typing import Optional

from components import catalog
from components.settings import regions
from components.settings.base import config_key
from components.settings.model import Settings

# AWS whitepaper "AWS Fault Isolation Boundaries" -> Partitions: "Some AWS services are designed
# to provide cross-Region functionality ... These types of capabilities are only supported
# between Regions in the same partition. You cannot use IAM credentials from one partition to
# interact with resources in a different partition." Per feature:
# - RDS UG "Replicating automated backups to another AWS Region" -> AWS Region support: the
#   destinations of China (Beijing) and China (Ningxia) are each other only, those of
#   AWS GovCloud (US-East) and (US-West) each other only; no source lists another partition.
# - RDS UG "Creating a read replica in a different AWS Region" -> Cross-Region replication
#   considerations: "You can replicate between the AWS GovCloud (US-East) and AWS GovCloud
#   (US-West) Regions, but not into or out of AWS GovCloud".
# - Aurora: AWS GovCloud (US) UG "Amazon Aurora ... in AWS GovCloud (US)" -> How Amazon Aurora
#   differs: no cross-Region read replicas or snapshot copies into or out of GovCloud (US); the
#   Aurora UG's global database limitations do not name partitions, so the whitepaper is the source.
PARTITIONS_DOC = "https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html"
BACKUPS_DOC = ("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html, "
               "AWS Region support")
REPLICAS_DOC = ("https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html, "
                "Cross-Region replication considerations")


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
        if storage and storage < catalog.least_max_storage(s.allocated_storage):
            problems.append(
                f"{where}.maxAllocatedStorage = {storage}: must be at least {catalog.MAX_STORAGE_HEADROOM_PERCENT} % above "
                f"allocatedStorage "
                f"({s.allocated_storage}), so {catalog.least_max_storage(s.allocated_storage)}, or 0 to turn storage "
                f"autoscaling off (AWS refuses less: {catalog.MAX_STORAGE_DOC})"
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


def partition_problems(s: Settings) -> list[str]:
    """The DR region and every replica region are in aws:region's partition (aws, aws-cn, ...)."""
    home = _partition(s.region)
    if home is None:
        return []  # aws:region itself is refused by reading.parse
    problems: list[str] = []
    dr = s.disaster_recovery
    if dr is not None and _partition(dr.region) not in (None, home):
        crossing = []
        if s.is_aurora:
            crossing.append("the Aurora global database's secondary cluster")
        if dr.replicate_backups and not s.is_cluster:
            crossing.append("replicated automated backups")
        names = [r.name for r in s.replicas if s.replica_region(r) == dr.region]
        if names:
            crossing.append(f"cross-region read replicas {names}")
        doc = (BACKUPS_DOC if dr.replicate_backups and not s.is_cluster else REPLICAS_DOC if names else None)
        problems.append(_crossing(f"{config_key('disasterRecovery')}.region", dr.region, s,
                                  crossing + ["this stack's KMS key and network"], doc))
    for i, replica in enumerate(s.replicas):
        region = s.replica_region(replica)
        if _partition(region) not in (None, home):
            problems.append(_crossing(f"{config_key('replicas')}.{i} ({replica.name}).region", region, s,
                                      ["a cross-region read replica"], REPLICAS_DOC))
    return problems


def _partition(region: str) -> Optional[str]:
    """The partition of an RDS region; None for names `regions.region_problems` refuses anyway."""
    return regions.partition_of(region) if region in regions.rds_regions() else None


def _crossing(key: str, region: str, s: Settings, what: list[str], doc: Optional[str]) -> str:
    """One problem line: the key and region, the primary's partition, what cannot cross, what is allowed."""
    home, there = _partition(s.region), _partition(region)
    same = sorted((r for r in regions.rds_regions() if _partition(r) == home and r != s.region),
                  key=lambda r: (r.split("-")[0] != s.region.split("-")[0], r))
    allowed = (f"choose a region of the {home} partition, e.g. {', '.join(same[:3])}" if same else
               f"the {home} partition has no other RDS region; remove it")
    docs = f"{PARTITIONS_DOC}; {doc}" if doc else PARTITIONS_DOC
    listed = what[0] if len(what) == 1 else f"{', '.join(what[:-1])} and {what[-1]}"
    return (f"{key} = {region!r} ({there} partition) with aws:region = {s.region!r} ({home} partition): "
            f"AWS does not replicate across partitions, and an account of one cannot create resources in the "
            f"other, so {listed} cannot be created in {region}; {allowed} (see {docs})")
