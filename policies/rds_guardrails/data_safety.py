"""Deletion protection and data safety (docs/controls.md): what survives a delete or a replacement."""

from __future__ import annotations

from typing import Any, Optional

from rds_guardrails.rule import ADVISORY, CLUSTER, INSTANCE, Rule, must_be_true, must_not_be_true
from rds_guardrails.values import UNKNOWN, get, is_primary


def _protected(props: Any, _config: dict[str, Any], options: Any = None) -> Optional[str]:
    if options and options.get("protect"):
        return None
    return "`pulumi destroy` or a replacement can delete it (resource option protect is not set)"


def _recovery_window(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    days = get(props, "recoveryWindowInDays", 30)
    if days is UNKNOWN:
        return None
    if int(days) == 0:
        return "the secret is deleted at once, with no recovery (recoveryWindowInDays is 0)"
    if int(days) < config["minimumDays"]:
        return f"recoveryWindowInDays is {int(days)}, below the minimum of {config['minimumDays']:g}"
    return None


# Security Hub RDS.14 (rds-controls.html, read 2026-12-07): an Aurora MySQL cluster fails with
# backtracking off; parameter BacktrackWindowInHours (0.1-72, no default). pulumi-aws
# Cluster.backtrack_window: seconds, "Only available for aurora and aurora-mysql", default 0.
def _backtracking(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    window = get(props, "backtrackWindow", 0)
    if window is UNKNOWN:
        return None
    hours = float(config["minimumHours"])
    if int(window) <= 0:
        return f"backtracking is off (backtrackWindow is {int(window)}{' by default' if get(props, 'backtrackWindow') is None else ''})"
    if int(window) < hours * 3600:
        return f"backtrackWindow is {int(window)} seconds, below the minimum of {hours:g} hours"
    return None


def _aurora_mysql_primary(props: Any) -> bool:
    # Not a cross-region read replica cluster: "Backtracking isn't supported with binary log
    # (binlog) replication" (AWS Knowledge Center, "aurora-mysql-cluster-backtrack", read 2026-12-07).
    return get(props, "engine") == "aurora-mysql" and is_primary(props)


RULES = [
    Rule("rds-deletion-protection", "RDS instances and clusters have deletion protection",
         (INSTANCE, CLUSTER), must_be_true("deletionProtection", "deletion protection"),
         fix="set deletionProtection: true", unset_means="false",
         anchors="CKV_AWS_293, CKV_AWS_139, RDS.7, RDS.8", applies=is_primary),
    Rule("rds-final-snapshot", "A final snapshot is taken when the database is deleted",
         (INSTANCE, CLUSTER), must_not_be_true("skipFinalSnapshot", "no final snapshot will be taken"),
         fix="set skipFinalSnapshot: false and a fixed finalSnapshotIdentifier",
         unset_means="false (a final snapshot is taken)", anchors="no peer check", applies=is_primary),
    Rule("rds-keep-automated-backups", "Automated backups are kept after the database is deleted",
         (INSTANCE, CLUSTER), must_not_be_true("deleteAutomatedBackups", "automated backups are deleted with the database", unset=True),
         fix="set deleteAutomatedBackups: false", unset_means="true (backups are deleted)",
         anchors="no peer check", applies=is_primary),
    Rule("rds-protected-resource", "Databases carry Pulumi's protect option",
         (INSTANCE, CLUSTER), _protected, fix="add the resource option protect=True",
         unset_means="not protected", anchors="no peer check", applies=is_primary,
         needs_options=True),
    Rule("secret-recovery-window", "Deleted secrets can be recovered for a while",
         ("aws:secretsmanager/secret:Secret",), _recovery_window, fix="set recoveryWindowInDays (7-30)",
         unset_means="30 days", anchors="no peer check",
         config={"minimumDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 7,
                                 "description": "Shortest recovery window allowed"}}),
    Rule("rds-aurora-mysql-backtracking", "Aurora MySQL clusters can be backtracked (a window of at least "
         "minimumHours)", (CLUSTER,), _backtracking, fix="set backtrackWindow in seconds (up to 259200); it can "
         "only be set when the cluster is created or restored", unset_means="0 (backtracking off)",
         anchors="RDS.14", severity="medium", applies=_aurora_mysql_primary, enforcement_level=ADVISORY,
         source="Security Hub User Guide, https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html, "
                "RDS.14; pulumi-aws Cluster.backtrack_window",
         tags=("cost",),
         config={"minimumHours": {"type": "number", "minimum": 0, "maximum": 72, "default": 0,
                                  "description": "Shortest backtrack window in hours (0: any window)"}}),
]
