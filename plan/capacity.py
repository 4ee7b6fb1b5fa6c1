"""A plan's database capacity in RDS's normalized instance units and provisioned storage.

Units are the size-flexibility factors of reserved DB instances (RDS UG, *Reserved DB instances
for Amazon RDS* → Size-flexible reserved DB instances): micro 0.5, small 1, medium 2, large 4,
xlarge 8, and N × 8 for an Nxlarge; a Multi-AZ DB instance counts twice (primary and standby).
A Multi-AZ DB cluster counts its three DB instances; an Aurora cluster each cluster instance once.
Aurora Serverless v2 (db.serverless) has no units: its ACU range is reported beside them.
Storage is the allocated GiB of each DB instance and Multi-AZ DB cluster (a read replica's
follows its source's when the plan does not set it); Aurora storage is not provisioned.
"""

from __future__ import annotations

import dataclasses

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
_FACTORS = {"nano": 0.25, "micro": 0.5, "small": 1, "medium": 2, "large": 4, "xlarge": 8}
_NX = re.compile(r"^(\d+)xlarge$")


def units_of(instance_class: Any) -> Optional[float]:
    """Normalized units of one DB instance class (db.r7g.2xlarge -> 16), None when the size is not sized."""
    if not isinstance(instance_class, str):
        return None
    size = instance_class.rsplit(".", 1)[-1]
    if size in _FACTORS:
        return _FACTORS[size]
    match = _NX.match(size)
    return int(match.group(1)) * 8 if match else None


@dataclass
class Capacity:
    """Compute units, provisioned GiB, Serverless v2 ACU ranges and what could not be sized."""

    units: float = 0
    storage_gib: float = 0
    acu: list[tuple[float, float]] = field(default_factory=list)
    unsized: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"units": self.units, "storageGiB": self.storage_gib,
                "serverlessAcu": [{"min": lo, "max": hi} for lo, hi in self.acu], "unsized": self.unsized}


def _with_storage(r: Any, gib: Optional[float]) -> Any:
    if gib is None:
        return r
    return dataclasses.replace(r, inputs={**r.inputs, "allocatedStorage": gib})


def _num(value: Any) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def capacity(resources: Iterable[Any], storage: Optional[dict[str, float]] = None) -> Capacity:
    """The capacity of the RDS resources among `resources` (Registrations: urn, type, name, inputs);
    `storage` overrides allocatedStorage by URN (the deployed value where the plan's is ignored)."""
    result = Capacity()
    resources = [_with_storage(r, (storage or {}).get(r.urn)) for r in resources
                 if r.type in (INSTANCE, CLUSTER, CLUSTER_INSTANCE)]
    storage_by_handle: dict[str, float] = {}
    for r in resources:
        if r.type == INSTANCE and _num(r.inputs.get("allocatedStorage")):
            for handle in (r.inputs.get("identifier"), (r.outputs or {}).get("arn")):
                if isinstance(handle, str):
                    storage_by_handle[handle] = _num(r.inputs["allocatedStorage"])
    # A cluster instance names its cluster by the cluster's id (the identifier once deployed).
    clusters = {h: r for r in resources if r.type == CLUSTER for h in (r.inputs.get("clusterIdentifier"), r.id) if h}
    for r in resources:
        i = r.inputs
        if r.type == INSTANCE:
            units = units_of(i.get("instanceClass"))
            if units is None:
                result.unsized.append(r.name)
            else:
                result.units += units * (2 if i.get("multiAz") else 1)
            source = i.get("replicateSourceDb")
            own = _num(i.get("allocatedStorage"))
            result.storage_gib += own or storage_by_handle.get(source, 0) if isinstance(source, str) else own
        elif r.type == CLUSTER and i.get("dbClusterInstanceClass"):
            units = units_of(i.get("dbClusterInstanceClass"))
            if units is None:
                result.unsized.append(r.name)
            else:
                result.units += 3 * units
            result.storage_gib += _num(i.get("allocatedStorage"))
        elif r.type == CLUSTER_INSTANCE:
            if i.get("instanceClass") == "db.serverless":
                cluster = clusters.get(i.get("clusterIdentifier"))
                scaling = (cluster.inputs if cluster else {}).get("serverlessv2ScalingConfiguration") or {}
                result.acu.append((_num(scaling.get("minCapacity")), _num(scaling.get("maxCapacity"))))
                continue
            units = units_of(i.get("instanceClass"))
            if units is None:
                result.unsized.append(r.name)
            else:
                result.units += units
    return result


def _amount(value: float) -> str:
    return f"{value:g}"


def summary(before: Capacity, after: Capacity) -> str:
    """'compute 8 → 16 units (+100 %), storage 400 → 800 GiB', and the Serverless v2 instances' ACU
    ranges when there are some ('5 × 0.5–16')."""
    change = ""
    if before.units and before.units != after.units:
        change = f" ({(after.units - before.units) / before.units * 100:+.0f} %)"
    parts = [f"compute {_amount(before.units)} → {_amount(after.units)} units{change}",
             f"storage {_amount(before.storage_gib)} → {_amount(after.storage_gib)} GiB"]
    if before.acu or after.acu:
        def acu(c: Capacity) -> str:
            counts = Counter(c.acu)
            return " + ".join(f"{'' if n == 1 else f'{n} × '}{_amount(lo)}–{_amount(hi)}"
                              for (lo, hi), n in sorted(counts.items())) or "none"
        parts.append(f"Serverless v2 {acu(before)} → {acu(after)} ACU")
    unsized = sorted(set(before.unsized) | set(after.unsized))
    if unsized:
        parts.append(f"not sized (class without a size factor): {', '.join(unsized)}")
    return ", ".join(parts)
