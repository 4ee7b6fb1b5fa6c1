"""Cluster settings: Aurora readers, reader autoscaling, Serverless v2, backtrack."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, field_validator

from components.settings import checks
from components.settings.base import SettingsModel


class ReaderAutoScalingSettings(SettingsModel):
    """Aurora readers added and removed by Application Auto Scaling on average reader CPU."""

    min_readers: int = Field(1, ge=0, le=15)
    max_readers: int = Field(3, ge=1, le=15)
    target_cpu_percent: float = Field(70, gt=0, le=100)


class ClusterSettings(SettingsModel):
    """Cluster options: Aurora readers, Serverless v2, backtrack; ignored for instances."""

    # Aurora reader instances beside the writer (promotion tier 1, before autoscaled readers).
    readers: int = Field(1, ge=0, le=15)
    # Unset: instanceClass. Ignored with Serverless v2 (every instance is db.serverless).
    reader_instance_class: Optional[str] = None
    # Both set: Aurora Serverless v2 with this capacity range in ACUs.
    serverless_min_acu: Optional[float] = None
    serverless_max_acu: Optional[float] = None
    # Aurora MySQL only: how far back the cluster can be rewound in place.
    backtrack_hours: int = 0
    # aurora (pay per I/O) or aurora-iopt1 (I/O-Optimized).
    storage_type: Literal["aurora", "aurora-iopt1"] = "aurora"
    reader_auto_scaling: Optional[ReaderAutoScalingSettings] = None

    @field_validator("reader_instance_class")
    @classmethod
    def _reader_class(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else checks.instance_class(v)

    @property
    def serverless(self) -> bool:
        return self.serverless_min_acu is not None or self.serverless_max_acu is not None
