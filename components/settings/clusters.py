"""Cluster settings: Aurora readers, reader autoscaling, Serverless v2, backtrack."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, field_validator

from components.settings import checks
from components.settings.base import SettingsModel


class ReaderAutoScalingSettings(SettingsModel):
    """Aurora readers added and removed by Application Auto Scaling on average reader CPU."""

    min_readers: int = Field(1, ge=0, le=15, description="Fewest readers Application Auto Scaling keeps.")
    max_readers: int = Field(3, ge=1, le=15, description="Most readers Application Auto Scaling adds.")
    target_cpu_percent: float = Field(70, gt=0, le=100, description="Average reader CPU the scaling aims for.")


class ClusterSettings(SettingsModel):
    """Cluster options: Aurora readers, Serverless v2, backtrack; ignored for instances."""

    # Aurora reader instances beside the writer (promotion tier 1, before autoscaled readers).
    readers: int = Field(1, ge=0, le=15, description="Aurora reader instances beside the writer.")
    # Unset: instanceClass. Ignored with Serverless v2 (every instance is db.serverless).
    reader_instance_class: Optional[str] = Field(None, description="Unset: the writer's instanceClass.")
    # Both set: Aurora Serverless v2 with this capacity range in ACUs.
    serverless_min_acu: Optional[float] = Field(None, description="With serverlessMaxAcu: Serverless v2 (0-256 ACU, steps of 0.5); every instance is db.serverless.")
    serverless_max_acu: Optional[float] = Field(None, description="Serverless v2 maximum, at least 1 ACU.")
    # Aurora MySQL only: how far back the cluster can be rewound in place.
    backtrack_hours: int = Field(0, description="Aurora MySQL backtrack window, 0-72 hours; not with a global database.")
    # aurora (pay per I/O) or aurora-iopt1 (I/O-Optimized).
    storage_type: Literal["aurora", "aurora-iopt1"] = Field("aurora", description="aurora (Standard) or aurora-iopt1 (I/O-Optimized).")
    reader_auto_scaling: Optional[ReaderAutoScalingSettings] = Field(None, description="Application Auto Scaling of the readers on their average CPU.")

    @field_validator("reader_instance_class")
    @classmethod
    def _reader_class(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else checks.instance_class(v)

    @property
    def instance_roles(self) -> tuple[str, ...]:
        """The roles of the Aurora instances the program declares (components/aurora.py), each
        named <identifier>-<role>: the writer, then reader-1..readers."""
        return ("writer", *(f"reader-{i + 1}" for i in range(self.readers)))

    @property
    def serverless(self) -> bool:
        return self.serverless_min_acu is not None or self.serverless_max_acu is not None
