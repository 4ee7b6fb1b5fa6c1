"""Restore settings: create the primary from a snapshot or a point in time (creation only)."""

from __future__ import annotations

import re
from typing import Optional

from pydantic import Field, field_validator

from components.settings.base import SettingsModel


class RestoreSettings(SettingsModel):
    """Create the primary from a snapshot or a point in time of another instance (creation only)."""

    snapshot_identifier: Optional[str] = Field(None, description="Restore from this DB snapshot (name or ARN).")
    source_db_instance_identifier: Optional[str] = Field(None, description="Or restore this instance to a point in time.")
    # ISO 8601 UTC, e.g. 2026-11-20T03:30:00Z; or the latest restorable time.
    restore_time: Optional[str] = Field(None, description="That point in time, e.g. 2026-11-20T03:30:00Z (or useLatestRestorableTime).")
    use_latest_restorable_time: bool = Field(False, description="Restore to the latest restorable time instead of restoreTime.")

    @field_validator("snapshot_identifier")
    @classmethod
    def _snapshot(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.fullmatch(
                r"(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:)?[a-zA-Z][a-zA-Z0-9:-]{0,254}", v):
            raise ValueError("must be a DB snapshot name or ARN")
        return v

    @field_validator("restore_time")
    @classmethod
    def _time(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v):
            raise ValueError("must be UTC in ISO 8601, e.g. 2026-11-20T03:30:00Z")
        return v

    @property
    def mode(self) -> str:
        return "snapshot" if self.snapshot_identifier else "point-in-time"
