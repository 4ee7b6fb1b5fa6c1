"""Every runbook module, in the order of `python -m operations --help`; typed as `Runbook`, so the
strict type check (pyproject.toml) holds each module to the interface."""

from __future__ import annotations

from operations import (adopt, audit, blue_green, failover_drill, metrics, promote_replica, restore_drill, rightsizing,
                        rotate_credentials, snapshot, sync_connection, upgrade_check)
from operations.runbook import Runbook

RUNBOOKS: dict[str, Runbook] = {
    "audit": audit, "snapshot": snapshot, "restore_drill": restore_drill, "failover_drill": failover_drill,
    "promote_replica": promote_replica, "metrics": metrics, "rightsizing": rightsizing,
    "rotate_credentials": rotate_credentials, "sync_connection": sync_connection, "blue_green": blue_green,
    "upgrade_check": upgrade_check, "adopt": adopt,
}
