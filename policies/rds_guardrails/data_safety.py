"""Deletion protection and data safety (docs/controls.md): what survives a delete or a replacement."""

from __future__ import annotations

from typing import Any, Optional

from rds_guardrails.rule import CLUSTER, INSTANCE, Rule, must_be_true, must_not_be_true
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
]
