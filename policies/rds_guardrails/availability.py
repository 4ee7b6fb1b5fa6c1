"""Availability, monitoring and hygiene (docs/controls.md): per resource. (Credential rotation,
alarms, event subscriptions and tags look across resources: stack_controls.py.)"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Optional

from rds_guardrails.facts import lifecycle, limit
from rds_guardrails.facts.engine_version import EngineVersion
from rds_guardrails.rule import ADVISORY, CLUSTER, CLUSTER_INSTANCE, INSTANCE, Rule, must_be_true
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


# The intervals that turn Enhanced Monitoring on (limits.json monitoringIntervals, without 0).
_INTERVALS_ON = tuple(i for i in limit("monitoringIntervals") if i)


def _monitoring(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    interval, role = get(props, "monitoringInterval", 0), get(props, "monitoringRoleArn")
    if interval is UNKNOWN or role is UNKNOWN:
        return None
    if int(interval) not in _INTERVALS_ON:
        return f"enhanced monitoring is off (monitoringInterval is {int(interval)})"
    if not role:
        return "enhanced monitoring has no role (monitoringRoleArn unset)"
    return None


# A Multi-AZ DB cluster (an rds.Cluster with dbClusterInstanceClass) has no option groups,
# so RDS for MySQL there has no audit log to export.
MULTI_AZ_CLUSTER_LOGS = {"postgres": ["postgresql"], "mysql": ["error", "general", "slowquery"]}


def _log_exports(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    engine, exports = get(props, "engine"), get(props, "enabledCloudwatchLogsExports")
    table = MULTI_AZ_CLUSTER_LOGS if get(props, "dbClusterInstanceClass") is not None else ENGINE_LOGS
    if engine is UNKNOWN or exports is UNKNOWN or engine not in table:
        return None
    missing = [log for log in table[engine] if log not in items(exports)]
    if missing:
        return f"{engine} logs not exported to CloudWatch: {', '.join(missing)} (enabledCloudwatchLogsExports)"
    return None


def _username(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    name = get(props, "username") or get(props, "masterUsername")
    if isinstance(name, str) and name.lower() in [u.lower() for u in config["forbidden"]]:
        return f"the master user name '{name}' is a well-known default"
    return None


# RDS API CreateDBInstance / CreateDBCluster / CreateGlobalCluster, EngineLifecycleSupport: unset
# is open-source-rds-extended-support, "which enrolls your DB instance into Amazon RDS Extended
# Support" (paid) at the end of standard support. Instances: RDS for MySQL and PostgreSQL only;
# global clusters: Aurora PostgreSQL only, so the member clusters are judged, not the global
# cluster. A read replica cannot state it (CreateDBInstanceReadReplica has no such parameter).
EXTENDED_SUPPORT_SOURCE = ("RDS API Reference, CreateDBInstance / CreateDBCluster / CreateGlobalCluster, "
                           "EngineLifecycleSupport; RDS User Guide, 'Amazon RDS Extended Support' "
                           "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html); "
                           "release calendars in rds_guardrails/facts/calendar.json")


def _lifecycle_applies(props: Any) -> bool:
    """Databases that state their own lifecycle: not instance read replicas, engines with Extended Support."""
    engine, source = get(props, "engine"), get(props, "replicateSourceDb")
    if source not in (None, "") or engine is UNKNOWN:
        return False
    return lifecycle.has_extended_support(str(engine))


def _states_a_version(props: Any) -> bool:
    """Databases whose own engine version counts: not instance read replicas (they follow their source)."""
    engine, source = get(props, "engine"), get(props, "replicateSourceDb")
    return source in (None, "") and engine is not UNKNOWN


def _end_phrase(engine: str, version: Any) -> str:
    end = lifecycle.standard_support_end(engine, version)
    major = lifecycle.major_of(engine, version)
    return f"; standard support of {engine} {major} ends on {end.isoformat()}" if end and major else ""


def _extended_support(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    value, engine, version = get(props, "engineLifecycleSupport"), get(props, "engine"), get(props, "engineVersion")
    if value is UNKNOWN or value == lifecycle.EXTENDED_SUPPORT_DISABLED:
        return None
    if value is None:
        return ("engineLifecycleSupport is unset, so RDS enrols it in paid RDS Extended Support at the end of "
                f"standard support{_end_phrase(str(engine), version)}")
    if value == lifecycle.EXTENDED_SUPPORT:
        return f"it is enrolled in paid RDS Extended Support (engineLifecycleSupport is {value})" \
               f"{_end_phrase(str(engine), version)}"
    return f"engineLifecycleSupport is {value!r}, not one of {', '.join(lifecycle.LIFECYCLE_VALUES)}"


def today(config: dict[str, Any]) -> date:
    """The policy's notion of today: the config's `today` (YYYY-MM-DD), else the current UTC date."""
    given = config.get("today") or ""
    return date.fromisoformat(given) if given else datetime.now(timezone.utc).date()


def _standard_support_ending(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    engine, version, value = get(props, "engine"), get(props, "engineVersion"), get(props, "engineLifecycleSupport")
    if UNKNOWN in (engine, version, value):
        return None
    now = today(config)
    days = lifecycle.days_to_standard_support_end(str(engine), version, now)
    if days is None or days > int(config["warningDays"]):
        return None
    major, end = lifecycle.major_of(str(engine), version), lifecycle.standard_support_end(str(engine), version)
    assert end is not None
    disabled = value == lifecycle.EXTENDED_SUPPORT_DISABLED
    # RDS UG 'Amazon RDS Extended Support': with it disabled, creating a database past the end
    # of standard support fails (CreateDBInstance, EngineLifecycleSupport) and RDS upgrades an
    # existing one's major version; enabled (or unset), RDS bills Extended Support. RDS for MariaDB
    # has none (calendar.json).
    if not lifecycle.has_extended_support(str(engine)):
        then = f"{engine} {major} has no RDS Extended Support"
    elif disabled:
        then = "RDS refuses to create it and upgrades an existing one to a supported major version"
    else:
        then = "RDS bills Extended Support for it"
    # No day count in the message: a plan's verdict stays the same text from one day to the next.
    if days < 0:
        return f"standard support of {engine} {major} ended on {end.isoformat()}: {then} (engineVersion)"
    warning = int(config["warningDays"])
    return f"standard support of {engine} {major} ends on {end.isoformat()}, within the {warning}-day warning: " \
           f"after that {then} (engineVersion)"


FSBP_PAGE = "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html"

# Security Hub RDS.19-22 (rds-controls.html, read 2026-12-07): an event subscription of each
# source type carries at least these categories; with no EventCategories a subscription gets
# every event of its source type (RDS API Reference, CreateEventSubscription: "you are notified of
# all the db-instance events for the specified source").
CRITICAL_EVENT_CATEGORIES = {
    "db-cluster": ("maintenance", "failure"),                                  # RDS.19
    "db-instance": ("maintenance", "configuration change", "failure"),        # RDS.20
    "db-parameter-group": ("configuration change",),                           # RDS.21
    "db-security-group": ("configuration change", "failure"),                  # RDS.22
}


def _event_categories(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    source_type, categories, enabled = get(props, "sourceType"), get(props, "eventCategories"), get(props, "enabled", True)
    if UNKNOWN in (source_type, categories, enabled) or source_type not in CRITICAL_EVENT_CATEGORIES:
        return None
    if enabled is False:
        return "the subscription is disabled (enabled is false)"
    given = items(categories)
    if UNKNOWN in given or not given:
        return None  # every category
    missing = [c for c in CRITICAL_EVENT_CATEGORIES[source_type] if c not in given]
    if missing:
        return f"{source_type} events of the categories {', '.join(missing)} are not forwarded (eventCategories)"
    return None


# Security Hub RDS.51: its fixed parameters, with their source (limits.json).
_GLOBAL_VERSIONS: dict[str, Any] = limit("globalAuroraMysqlSupportedVersions")
GLOBAL_AURORA_MYSQL_MINIMUM: str = _GLOBAL_VERSIONS["minimum"]
GLOBAL_AURORA_MYSQL_LTS: tuple[str, ...] = tuple(_GLOBAL_VERSIONS["longTermSupport"])


def _global_version(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    engine, version = get(props, "engine"), get(props, "engineVersion")
    if engine != "aurora-mysql" or not isinstance(version, str) or version in GLOBAL_AURORA_MYSQL_LTS:
        return None
    parsed, minimum = EngineVersion.parse(engine, version), EngineVersion.parse(engine, GLOBAL_AURORA_MYSQL_MINIMUM)
    # A major alone ("8.0") lets AWS pick the version: no verdict.
    if parsed is None or minimum is None or not parsed.minor_numbers or parsed.numbers >= minimum.numbers:
        return None
    return f"engineVersion {version} is below {GLOBAL_AURORA_MYSQL_MINIMUM} and not a long-term support release"


def _multi_az_cluster(props: Any) -> bool:
    """A Multi-AZ DB cluster (an rds.Cluster with dbClusterInstanceClass), not an Aurora cluster."""
    return get(props, "dbClusterInstanceClass") not in (None, UNKNOWN)


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
         anchors="CKV_AWS_129, RDS.9, RDS.34, RDS.36, RDS.37, RDS.40, RDS.42", severity="medium", applies=is_primary),
    Rule("rds-auto-minor-version-upgrade", "Minor engine versions are applied automatically",
         (INSTANCE, CLUSTER_INSTANCE), must_be_true("autoMinorVersionUpgrade", "automatic minor upgrades", unset=True),
         fix="set autoMinorVersionUpgrade: true", unset_means="true", anchors="CKV_AWS_226, RDS.13",
         severity="medium"),
    Rule("rds-cluster-auto-minor-version-upgrade", "Multi-AZ DB clusters apply minor engine versions automatically",
         (CLUSTER,), must_be_true("autoMinorVersionUpgrade", "automatic minor upgrades", unset=True),
         fix="set autoMinorVersionUpgrade: true", unset_means="true", anchors="RDS.35", severity="medium",
         applies=_multi_az_cluster, source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.35; pulumi-aws "
         "Cluster.auto_minor_version_upgrade (defaults to true)"),
    Rule("rds-event-subscription-categories", "RDS event subscriptions forward the critical categories of their "
         "source type", ("aws:rds/eventSubscription:EventSubscription",), _event_categories,
         fix="add the missing categories to eventCategories (or leave it unset for every category) and set enabled: true",
         unset_means="every category; enabled", anchors="RDS.19, RDS.20, RDS.21, RDS.22", severity="low",
         source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.19-RDS.22"),
    Rule("rds-global-cluster-supported-version", "Aurora MySQL global clusters run a supported engine version",
         ("aws:rds/globalCluster:GlobalCluster",), _global_version,
         fix=f"set engineVersion to {GLOBAL_AURORA_MYSQL_MINIMUM} or later (or a 3.04 long-term support release)",
         unset_means="the engine's default version", anchors="RDS.51", severity="high",
         source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.51"),
    Rule("rds-copy-tags-to-snapshot", "Tags are copied to snapshots", (INSTANCE, CLUSTER),
         must_be_true("copyTagsToSnapshot", "copying tags to snapshots"), fix="set copyTagsToSnapshot: true",
         unset_means="false", anchors="CKV2_AWS_60, RDS.16, RDS.17, RDS.47, RDS.48", severity="low",
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
    Rule("rds-extended-support-disabled", "Databases are not enrolled in paid RDS Extended Support",
         (INSTANCE, CLUSTER), _extended_support,
         fix=f"set engineLifecycleSupport: {lifecycle.EXTENDED_SUPPORT_DISABLED} and upgrade before the end of "
             "standard support", unset_means="open-source-rds-extended-support (enrolled, billed after the end "
         "of standard support)", severity="medium", applies=_lifecycle_applies, enforcement_level=ADVISORY,
         source=EXTENDED_SUPPORT_SOURCE, tags=("cost",)),
    Rule("rds-standard-support-ending", "The engine's major version is not within warningDays of the end of "
         "standard support", (INSTANCE, CLUSTER), _standard_support_ending,
         fix="upgrade to a major version in standard support (engineVersion)",
         unset_means="the catalog's default version", severity="medium", applies=_states_a_version,
         enforcement_level=ADVISORY, source=EXTENDED_SUPPORT_SOURCE, tags=("cost",),
         config={"warningDays": {"type": "integer", "minimum": 0, "default": 180,
                                 "description": "Warn this many days before the end of standard support"},
                 "today": {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", "default": "",
                           "description": "Judge as of this day (YYYY-MM-DD); empty: the current UTC date"}}),
]
