"""Availability, monitoring and hygiene (docs/controls.md): per resource. (Credential rotation,
alarms, event subscriptions and tags look across resources: stack_controls.py.)"""

from __future__ import annotations

from typing import Any, Optional

from rds_guardrails.rule import CLUSTER, CLUSTER_INSTANCE, INSTANCE, Rule, must_be_true
from rds_guardrails.values import UNKNOWN, get, is_primary, items


ENGINE_LOGS = {
    "postgres": ["postgresql", "upgrade"],
    "aurora-postgresql": ["postgresql"],
    "mysql": ["audit", "error", "general", "slowquery"],
    "mariadb": ["audit", "error", "general", "slowquery"],
    "aurora-mysql": ["audit", "error", "general", "slowquery"],
    "oracle-ee": ["alert", "audit", "trace", "listener"],
    "oracle-se2": ["alert", "audit", "trace", "listener"],
    "sqlserver-ee": ["error", "agent"],
    "sqlserver-se": ["error", "agent"],
    "sqlserver-ex": ["error"],  # Express has no SQL Server Agent
    "sqlserver-web": ["error", "agent"],
}
DEFAULT_USERNAMES = ["admin", "administrator", "postgres", "root", "sa", "master", "mysql", "user", "rdsadmin"]


def _monitoring(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    interval, role = get(props, "monitoringInterval", 0), get(props, "monitoringRoleArn")
    if interval is UNKNOWN or role is UNKNOWN:
        return None
    if int(interval) not in (1, 5, 10, 15, 30, 60):
        return f"enhanced monitoring is off (monitoringInterval is {int(interval)})"
    if not role:
        return "enhanced monitoring has no role (monitoringRoleArn unset)"
    return None


# A Multi-AZ DB cluster (an rds.Cluster with dbClusterInstanceClass) has no option groups,
# so RDS for MySQL there has no audit log to export.
MULTI_AZ_CLUSTER_LOGS = {"postgres": ["postgresql"], "mysql": ["error", "general", "slowquery"]}


def _log_exports(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    engine, exports = get(props, "engine"), get(props, "enabledCloudwatchLogsExports")
    table = MULTI_AZ_CLUSTER_LOGS if get(props, "dbClusterInstanceClass") is not None else ENGINE_LOGS
    if engine is UNKNOWN or exports is UNKNOWN or engine not in table:
        return None
    missing = [log for log in table[engine] if log not in items(exports)]
    if missing:
        return f"{engine} logs not exported to CloudWatch: {', '.join(missing)} (enabledCloudwatchLogsExports)"
    return None


def _username(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    name = get(props, "username") or get(props, "masterUsername")
    if isinstance(name, str) and name.lower() in [u.lower() for u in config["forbidden"]]:
        return f"the master user name '{name}' is a well-known default"
    return None


RULES = [
    Rule("rds-multi-az", "Primary instances run Multi-AZ", (INSTANCE,),
         must_be_true("multiAz", "Multi-AZ"), fix="set multiAz: true", unset_means="false",
         anchors="CKV_AWS_157, RDS.5, AG", applies=is_primary),
    Rule("rds-enhanced-monitoring", "Enhanced monitoring is on with a role",
         (INSTANCE, CLUSTER_INSTANCE), _monitoring, fix="set monitoringInterval (1-60) and monitoringRoleArn",
         unset_means="0 (off)", anchors="CKV_AWS_118, RDS.6", severity="medium", applies=is_primary),
    Rule("rds-performance-insights", "Performance Insights is on", (INSTANCE, CLUSTER_INSTANCE),
         must_be_true("performanceInsightsEnabled", "Performance Insights"),
         fix="set performanceInsightsEnabled: true", unset_means="false", anchors="CKV_AWS_353",
         severity="low", applies=is_primary),
    Rule("rds-log-exports", "Engine logs are exported to CloudWatch Logs", (INSTANCE, CLUSTER),
         _log_exports, fix="add the missing logs to enabledCloudwatchLogsExports", unset_means="no exports",
         anchors="CKV_AWS_129, RDS.9", severity="medium", applies=is_primary),
    Rule("rds-auto-minor-version-upgrade", "Minor engine versions are applied automatically",
         (INSTANCE, CLUSTER_INSTANCE), must_be_true("autoMinorVersionUpgrade", "automatic minor upgrades", unset=True),
         fix="set autoMinorVersionUpgrade: true", unset_means="true", anchors="CKV_AWS_226, RDS.13",
         severity="medium"),
    Rule("rds-copy-tags-to-snapshot", "Tags are copied to snapshots", (INSTANCE, CLUSTER),
         must_be_true("copyTagsToSnapshot", "copying tags to snapshots"), fix="set copyTagsToSnapshot: true",
         unset_means="false", anchors="CKV2_AWS_60, RDS.16, RDS.17", severity="low",
         applies=is_primary),
    Rule("rds-iam-authentication", "IAM database authentication is on", (INSTANCE, CLUSTER),
         must_be_true("iamDatabaseAuthenticationEnabled", "IAM database authentication"),
         fix="set iamDatabaseAuthenticationEnabled: true", unset_means="false",
         anchors="CKV_AWS_161, RDS.10, RDS.12", severity="medium", applies=is_primary),
    Rule("rds-no-default-master-username", "The master user name is not a well-known default",
         (INSTANCE, CLUSTER), _username, fix="choose another username / masterUsername",
         unset_means="required for a new database", anchors="RDS.24, RDS.25", severity="medium",
         applies=is_primary,
         config={"forbidden": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_USERNAMES,
                               "description": "User names refused as defaults"}}),
]
