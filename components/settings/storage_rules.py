"""Rules across keys about storage: sizes, autoscaling, IOPS and throughput per type."""

from __future__ import annotations

from components import catalog
from components.settings.base import config_key
from components.settings.model import Settings

# RDS User Guide, "Amazon RDS DB instance storage" (Provisioned IOPS SSD and gp3 sections): "If
# you're using storage autoscaling, the same ratios between IOPS and maximum storage threshold
# (in GiB) also apply."
STORAGE_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html"
# RDS API CreateDBInstance, Iops: the IOPS-per-GiB ratios (catalog.STORAGE_TYPES).
IOPS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"


def storage_problems(s: Settings) -> list[str]:
    """Allocated and maximum storage within the storage type's limits, then its performance."""
    problems: list[str] = []
    key = config_key

    storage = catalog.STORAGE_TYPES[s.storage_type]
    if not storage.min_gib <= s.allocated_storage <= storage.max_gib:
        problems.append(
            f"{key('allocatedStorage')} = {s.allocated_storage}: {s.storage_type} needs "
            f"{storage.min_gib}..{storage.max_gib} GiB"
        )
    least = catalog.least_max_storage(s.allocated_storage)
    if s.max_allocated_storage and not least <= s.max_allocated_storage <= storage.max_gib:
        problems.append(
            f"{key('maxAllocatedStorage')} = {s.max_allocated_storage}: must be at least "
            f"{catalog.MAX_STORAGE_HEADROOM_PERCENT} % above "
            f"allocatedStorage ({s.allocated_storage}), so {least}, and at most {storage.max_gib}, "
            f"or 0 to turn storage autoscaling off (AWS refuses less: {catalog.MAX_STORAGE_DOC})"
        )
    problems += storage_performance_problems(s, storage)
    return problems


def storage_performance_problems(s: Settings, storage: catalog.StorageSpec) -> list[str]:
    """Provisioned IOPS and throughput only where the storage type takes them, within range."""
    problems: list[str] = []
    key = config_key
    if s.iops is not None and not storage.iops_settable:
        problems.append(f"{key('iops')} = {s.iops}: {s.storage_type} storage has no provisioned IOPS")
    if s.storage_throughput is not None and not storage.throughput_settable:
        problems.append(
            f"{key('storageThroughput')} = {s.storage_throughput}: only gp3 storage takes a throughput"
        )
    if storage.iops_required and s.iops is None:
        assert storage.iops_range is not None, "the catalog gives the range of every type that requires IOPS"
        lo, hi = storage.iops_range
        problems.append(f"{key('iops')} is required for {s.storage_type} storage ({lo}..{hi})")
    if storage.provisioned_from_gib is not None and s.allocated_storage < storage.provisioned_from_gib:
        for name, value in (("iops", s.iops), ("storageThroughput", s.storage_throughput)):
            if value is not None:
                problems.append(
                    f"{key(name)} = {value}: gp3 below {storage.provisioned_from_gib} GiB runs at its "
                    "baseline (3000 IOPS, 125 MiB/s) and takes neither; raise allocatedStorage or "
                    f"remove {name}"
                )
        return problems
    if s.iops is not None and storage.iops_range:
        lo, hi = storage.iops_range
        if not lo <= s.iops <= hi:
            problems.append(f"{key('iops')} = {s.iops}: {s.storage_type} takes {lo}..{hi}")
        if storage.iops_per_gib:
            ratio = s.iops / s.allocated_storage
            rlo, rhi = storage.iops_per_gib
            if not rlo <= ratio <= rhi:
                problems.append(
                    f"{key('iops')} = {s.iops} on {s.allocated_storage} GiB is {ratio:g} IOPS/GiB: "
                    f"{s.storage_type} allows {rlo:g}..{rhi:g} IOPS per GiB (see {IOPS_DOC})"
                )
            ceiling = s.max_allocated_storage
            if ceiling > s.allocated_storage and s.iops / ceiling < rlo:
                problems.append(
                    f"{key('iops')} = {s.iops} with {key('maxAllocatedStorage')} = {ceiling} is "
                    f"{s.iops / ceiling:g} IOPS/GiB at the autoscaling ceiling: {s.storage_type} needs at least "
                    f"{rlo:g} IOPS per GiB of the maximum storage too; raise iops or lower maxAllocatedStorage "
                    f"(see {STORAGE_DOC})"
                )
    if s.storage_throughput is not None and storage.throughput_range:
        lo, hi = storage.throughput_range
        if not lo <= s.storage_throughput <= hi:
            problems.append(f"{key('storageThroughput')} = {s.storage_throughput}: gp3 takes {lo}..{hi} MiB/s")
        if s.iops and s.storage_throughput > s.iops * catalog.GP3_MAX_THROUGHPUT_PER_IOPS:
            problems.append(
                f"{key('storageThroughput')} = {s.storage_throughput}: gp3 allows at most "
                f"{catalog.GP3_MAX_THROUGHPUT_PER_IOPS} MiB/s per provisioned IOPS ({s.iops})"
            )
    return problems
