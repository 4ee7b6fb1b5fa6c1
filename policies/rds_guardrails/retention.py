"""Retention (docs/controls.md): how long backups and logs are kept. (Cross-region backups of every
primary look across resources: stack_controls.py.)"""

from __future__ import annotations

from typing import Any, Optional

from rds_guardrails.facts import limit
from rds_guardrails.rule import CLUSTER, INSTANCE, Rule
from rds_guardrails.values import UNKNOWN, get, is_primary


_MOST_DAYS: int = limit("backupRetentionDays")[1]


def _backup_retention(prop: str, unset: int) -> Any:
    def check(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
        days = get(props, prop, unset)
        if days is UNKNOWN:
            return None
        days = int(days)
        if days < config["minimumDays"]:
            shown = f"{days}{' by default' if get(props, prop) is None else ''}"
            return f"backups are kept {shown} day(s), below the minimum of {config['minimumDays']:g} ({prop})"
        if days > _MOST_DAYS:
            return f"{prop} is {days}; RDS keeps automated backups at most {_MOST_DAYS} days"
        return None

    return check


_MIN_RETENTION = {"minimumDays": {"type": "integer", "minimum": 1, "maximum": _MOST_DAYS, "default": 7,
                                  "description": "Fewest days of automated backups"}}


def _log_retention(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    days = get(props, "retentionInDays", 0)
    if days is UNKNOWN or int(days) == 0:
        return None  # 0/unset keeps logs forever, which meets any minimum
    if int(days) < config["minimumDays"]:
        return f"logs are kept {int(days)} day(s), below the minimum of {config['minimumDays']:g} (retentionInDays)"
    return None


RULES = [
    Rule("rds-backup-retention", "Automated backups are kept at least the minimum number of days",
         (INSTANCE, CLUSTER), _backup_retention("backupRetentionPeriod", 1),
         fix=f"set backupRetentionPeriod between the minimum and {_MOST_DAYS}", unset_means="1 day (the API default)",
         anchors="CKV_AWS_133, RDS.11, RDS.50, AG, CP", applies=is_primary, config=_MIN_RETENTION),
    Rule("rds-backup-replication-retention", "Replicated backups are kept at least the minimum number of days",
         ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",),
         _backup_retention("retentionPeriod", 7), fix=f"set retentionPeriod between the minimum and {_MOST_DAYS}",
         unset_means="7 days", anchors="no peer check", config=_MIN_RETENTION),
    Rule("log-group-retention", "CloudWatch log groups keep logs at least the minimum number of days",
         ("aws:cloudwatch/logGroup:LogGroup",), _log_retention, fix="raise retentionInDays",
         unset_means="never expire", anchors="CKV_AWS_338",
         config={"minimumDays": {"type": "integer", "minimum": 1, "default": 30,
                                 "description": "Fewest days a log group keeps its logs"}}),
]
