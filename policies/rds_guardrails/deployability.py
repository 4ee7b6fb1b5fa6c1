"""Deployability per resource (docs/controls.md): what AWS or the provider would refuse or get wrong.

Each rule cites, in `source` (shown in the pack's description) and beside its check, the AWS
page and section or the pulumi-aws docstring it comes from. Advisory by default; the prod
config makes them mandatory. Rules that relate resources are in deployability_stack.py.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

from rds_guardrails.availability import today
from rds_guardrails.facts import least_max_allocated_storage, lifecycle
from rds_guardrails.facts import limit as aws_limit
from rds_guardrails.rule import ADVISORY, CLUSTER, CLUSTER_INSTANCE, INSTANCE, Check, Rule
from rds_guardrails.values import UNKNOWN, arn_region, get, items

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"

SECRETS_MANAGER_RDS = ("RDS User Guide, 'Password management with Amazon RDS and AWS Secrets Manager', "
                       "Limitations (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html)")


def _is_replica(props: Any) -> bool:
    source = get(props, "replicateSourceDb")
    return isinstance(source, str) and source != ""


def _replica_source_arn(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # pulumi-aws Instance.replicate_source_db: "If specifying the dbSubnetGroupName in the same
    # region, use the arn of the source DB. If replicating an Instance in a different region,
    # use the arn of the source DB." A non-ARN source with a subnet group is wrong either way.
    source, group = get(props, "replicateSourceDb"), get(props, "dbSubnetGroupName")
    if not isinstance(source, str) or group is UNKNOWN or not group or source.startswith("arn:"):
        return None
    return (f"the replica names its source by identifier ('{source}') while dbSubnetGroupName is set; "
            "the provider then needs the source's ARN (replicateSourceDb)")


def _same_region_replica_key(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # CreateDBInstanceReadReplica, KmsKeyId: "If you create an encrypted read replica in the same
    # AWS Region as the source ..., don't specify a value for this parameter." A non-ARN source is
    # same-region by definition (cross-region needs the ARN: replicate_source_db docstring).
    source, key, region = get(props, "replicateSourceDb"), get(props, "kmsKeyId"), get(props, "region")
    if not isinstance(source, str) or not source or UNKNOWN in (key, region) or not key:
        return None
    if source.startswith("arn:") and not (isinstance(region, str) and arn_region(source) == region):
        return None  # cross-region, or no region to compare with: no verdict
    return "a same-region read replica sets kmsKeyId; RDS encrypts it with its source's key and takes no key"


def _replica_credentials(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # pulumi-aws Instance.username: "Cannot be specified for a replica"; a replica's master
    # password is its source's (Secrets Manager page: no managed password on a read replica).
    given = [k for k in ("username", "password", "manageMasterUserPassword")
             if get(props, k) not in (None, False, "", UNKNOWN)]
    if given:
        return f"a read replica sets master credentials of its own ({', '.join(given)})"
    return None


def _replica_final_snapshot(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # pulumi-aws Instance.final_snapshot_identifier: "Must be provided if skip_final_snapshot is
    # set to false ... Must not be provided when deleting a read replica." skipFinalSnapshot
    # defaults to false, so a replica must set it to true or its delete fails.
    final, skip = get(props, "finalSnapshotIdentifier"), get(props, "skipFinalSnapshot", False)
    if final is UNKNOWN or skip is UNKNOWN:
        return None
    if final:
        return f"a read replica names a final snapshot ('{final}'), which RDS does not take of a replica"
    if skip is not True:
        return "a read replica would need a final snapshot on delete (skipFinalSnapshot is false" + \
               (" by default)" if get(props, "skipFinalSnapshot") is None else ")")
    return None


def _global_managed_password(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # Aurora User Guide, Secrets Manager page, Limitations: not supported for "DB clusters that
    # are part of an Aurora global database".
    global_id, managed = get(props, "globalClusterIdentifier"), get(props, "manageMasterUserPassword")
    if global_id is UNKNOWN or not global_id or managed is not True:
        return None
    return f"a member of global database '{global_id}' has an RDS-managed master password (manageMasterUserPassword)"


def _normalise(name: str) -> str:
    return name.replace("_", "").lower()


def _global_ignore_source(props: Any, _config: dict[str, Any], opts: Any = None) -> Optional[str]:
    # pulumi-aws Cluster.replication_source_identifier: "If DB Cluster is part of a Global
    # Cluster, use the ignoreChanges resource option to prevent Pulumi from showing differences
    # for this argument"; removing it "will promote the read replica to a standalone cluster".
    global_id = get(props, "globalClusterIdentifier")
    if global_id is UNKNOWN or not global_id:
        return None
    ignored = {_normalise(str(p)) for p in (get(opts, "ignoreChanges") or [])}
    if "replicationsourceidentifier" in ignored:
        return None
    return (f"a member of global database '{global_id}' does not ignore changes to replicationSourceIdentifier, "
            "which AWS fills in on a secondary: the next update would try to detach it")


# RDS UG / Aurora UG, 'DB engine, Region, and instance class support for Database Insights',
# column 'Instance class restrictions' (same column on the older Performance Insights page).
INSIGHTS_UNSUPPORTED: dict[str, Callable[[str], bool]] = {
    "mysql": lambda c: c in {"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"},
    "mariadb": lambda c: c in {"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro",
                               "db.t4g.small"},
    "aurora-mysql": lambda c: c.startswith(("db.t2.", "db.t3.")) or c in {"db.t4g.micro", "db.t4g.small"},
}


def _insights_class(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    engine = get(props, "engine")
    cls = get(props, "instanceClass") or get(props, "dbClusterInstanceClass")
    pi, mode = get(props, "performanceInsightsEnabled"), get(props, "databaseInsightsMode")
    if UNKNOWN in (engine, cls, pi, mode) or engine not in INSIGHTS_UNSUPPORTED or not isinstance(cls, str):
        return None
    if pi is not True and not mode:
        return None
    if not INSIGHTS_UNSUPPORTED[engine](cls):
        return None
    what = "Performance Insights (performanceInsightsEnabled)" if pi is True else f"Database Insights ({mode})"
    return f"{what} is on for {engine} on {cls}, a class it does not support"


_ADVANCED_DAYS: int = aws_limit("databaseInsightsAdvancedMinRetentionDays")
_IO1_LOW, _IO1_HIGH = aws_limit("io1IopsPerGib")
_INTERVALS: tuple[int, ...] = tuple(aws_limit("monitoringIntervals"))


def _advanced_insights(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # RDS UG, 'Considerations for Database Insights': "To enable the Advanced mode of Database
    # Insights, you must enable Performance Insights and set the Performance Insights retention
    # period to at least 465 days." Unset retention is 7 days (provider default).
    mode = get(props, "databaseInsightsMode")
    pi, days = get(props, "performanceInsightsEnabled"), get(props, "performanceInsightsRetentionPeriod", 7)
    if UNKNOWN in (mode, pi, days) or mode != "advanced":
        return None
    if pi is not True:
        return "Database Insights advanced mode without Performance Insights (performanceInsightsEnabled is not true)"
    if days < _ADVANCED_DAYS:
        return f"Database Insights advanced mode keeps Performance Insights {days:g} days, below {_ADVANCED_DAYS} " \
               "(performanceInsightsRetentionPeriod)"
    return None


def _max_storage_headroom(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # limits.json maxAllocatedStorageMinHeadroom: RDS UG, storage autoscaling, "You must set the
    # maximum storage threshold to at least 10% more than the current allocated storage."
    size, ceiling = get(props, "allocatedStorage"), get(props, "maxAllocatedStorage")
    if UNKNOWN in (size, ceiling) or not isinstance(size, (int, float)) or not isinstance(ceiling, (int, float)) \
            or not ceiling or not size:
        return None
    least = least_max_allocated_storage(size)
    if ceiling < least:
        return (f"maxAllocatedStorage {ceiling:g} GiB is less than {_HEADROOM_PERCENT} % above allocatedStorage "
                f"{size:g} GiB (at least {least}); AWS refuses it")
    return None


_HEADROOM_PERCENT = round(aws_limit("maxAllocatedStorageMinHeadroom") * 100)


def _past_standard_support(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # RDS API CreateDBInstance / CreateDBCluster, EngineLifecycleSupport: with
    # open-source-rds-extended-support-disabled, "creating the DB instance will fail if the DB major
    # version is past its end of standard support date"; RDS UG 'Creating a DB instance or a Multi-AZ
    # DB cluster with Amazon RDS Extended Support': "will always fail". Dates: facts/calendar.json.
    engine, version, value = get(props, "engine"), get(props, "engineVersion"), get(props, "engineLifecycleSupport")
    if UNKNOWN in (engine, version, value) or get(props, "replicateSourceDb") not in (None, ""):
        return None
    if value != lifecycle.EXTENDED_SUPPORT_DISABLED or not lifecycle.has_extended_support(str(engine)):
        return None
    end = lifecycle.standard_support_end(str(engine), version)
    if end is None or today(config) <= end:
        return None
    return (f"standard support of {engine} {lifecycle.major_of(str(engine), version)} ended on {end.isoformat()} and "
            f"Extended Support is disabled (engineLifecycleSupport): AWS refuses to create it, and upgrades an "
            "existing one to a supported major version")


def _io1_ratio(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # CreateDBInstance Iops: "Must be a multiple between .5 and 50 of the storage amount" (1 and 50
    # for SQL Server); RDS UG 'DB instance storage', Provisioned IOPS SSD: with storage
    # autoscaling "the same ratios between IOPS and maximum storage threshold (in GiB) also apply".
    # Unset storageType: io1 when iops is set (Instance.storage_type docstring; Multi-AZ DB
    # cluster default io1).
    iops, engine = get(props, "iops"), get(props, "engine")
    kind = get(props, "storageType", "io1" if iops is not None else "gp2")
    size, ceiling = get(props, "allocatedStorage"), get(props, "maxAllocatedStorage")
    if UNKNOWN in (iops, engine, kind, size, ceiling) or kind != "io1" or not iops or not size:
        return None
    low = 1 if str(engine).startswith("sqlserver") else _IO1_LOW
    if not low <= iops / size <= _IO1_HIGH:
        return (f"io1 with {iops:g} IOPS on {size:g} GiB is {iops / size:g} IOPS per GiB, outside {low:g}-{_IO1_HIGH:g} "
                "(iops)")
    if ceiling and ceiling > size and iops / ceiling < low:
        return (f"io1 with {iops:g} IOPS is {iops / ceiling:g} IOPS per GiB of the autoscaling ceiling "
                f"{ceiling:g} GiB, below {low:g} (maxAllocatedStorage)")
    return None


# CreateDBInstance DBInstanceIdentifier / CreateDBCluster DBClusterIdentifier: "1 to 63 (for
# Aurora DB clusters) or 1 to 52 (for Multi-AZ DB clusters) letters, numbers, or hyphens. First
# character must be a letter. Can't end with a hyphen or contain two consecutive hyphens."
# Final snapshots: Instance.final_snapshot_identifier docstring (same form), 255 at most
# (CreateDBSnapshot DBSnapshotIdentifier).
_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*(?<!-)$")


def _identifier_format(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    cluster_limit = 52 if get(props, "dbClusterInstanceClass") not in (None, UNKNOWN) else 63
    for prop, limit in (("identifier", 63), ("clusterIdentifier", cluster_limit), ("finalSnapshotIdentifier", 255)):
        value = get(props, prop)
        if not isinstance(value, str) or not value:
            continue
        if len(value) > limit:
            return f"{prop} '{value}' is {len(value)} characters, above {limit}"
        if not _NAME.match(value):
            return f"{prop} '{value}' must start with a letter, hold letters, digits and single hyphens, " \
                   "and not end with a hyphen"
    return None


# RDS Proxy monitoring: "RDS publishes these metrics for each underlying Amazon EC2 instance
# associated with a proxy ... Use CloudWatch statistics to aggregate the values for a proxy".
# Metrics whose "most useful statistic ... is Sum", and among them the per-minute gauges whose
# valid period is "1 minute" (a Sum over longer periods adds several samples per node).
PROXY_SUM_METRICS = {
    "ClientConnections", "ClientConnectionsClosed", "ClientConnectionsNoTLS", "ClientConnectionsReceived",
    "ClientConnectionsSetupFailedAuth", "ClientConnectionsSetupSucceeded", "ClientConnectionsTLS",
    "DatabaseConnectionRequests", "DatabaseConnectionRequestsWithTLS", "DatabaseConnections",
    "DatabaseConnectionsCurrentlyBorrowed", "DatabaseConnectionsCurrentlyInTransaction",
    "DatabaseConnectionsCurrentlySessionPinned", "DatabaseConnectionsSetupFailed",
    "DatabaseConnectionsSetupSucceeded", "DatabaseConnectionsWithTLS", "MaxDatabaseConnectionsAllowed",
    "QueryRequests", "QueryRequestsNoTLS", "QueryRequestsTLS",
}
PROXY_ONE_MINUTE_GAUGES = {
    "ClientConnections", "DatabaseConnections", "DatabaseConnectionsCurrentlyBorrowed",
    "DatabaseConnectionsCurrentlyInTransaction", "DatabaseConnectionsCurrentlySessionPinned",
    "DatabaseConnectionsWithTLS", "MaxDatabaseConnectionsAllowed",
}


def _proxy_metric_statistic(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    namespace, metric, dims = get(props, "namespace"), get(props, "metricName"), get(props, "dimensions")
    statistic, period = get(props, "statistic"), get(props, "period")
    if UNKNOWN in (namespace, metric, dims, statistic, period) or namespace != "AWS/RDS":
        return None
    if metric not in PROXY_SUM_METRICS or get(dims or {}, "ProxyName") is None:
        return None
    if statistic != "Sum":
        shown = statistic or f"extendedStatistic {get(props, 'extendedStatistic')}"
        return f"{metric} of a proxy is published per proxy node; {shown} does not give the proxy's total (statistic)"
    if metric in PROXY_ONE_MINUTE_GAUGES and period is not None and period != 60:
        return f"{metric} is a per-minute gauge: a Sum over {period:g} s adds {period / 60:g} samples per node (period)"
    return None


def _monitoring_settings(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # pulumi-aws Instance/Cluster/ClusterInstance.monitoring_interval: "Valid Values: 0, 1, 5, 10,
    # 15, 30, 60"; RDS UG 'Setting up and enabling Enhanced Monitoring': the role is required when
    # it is enabled through the API.
    interval, role = get(props, "monitoringInterval", 0), get(props, "monitoringRoleArn")
    if interval is UNKNOWN or role is UNKNOWN:
        return None
    if interval not in _INTERVALS:
        return f"monitoringInterval {interval:g} is not one of {', '.join(map(str, _INTERVALS))}"
    # Replicas and Multi-AZ DB clusters: what rds-enhanced-monitoring (primaries) does not judge.
    if interval and not role and (_is_replica(props) or get(props, "dbClusterInstanceClass") not in (None, UNKNOWN)):
        return f"Enhanced Monitoring every {interval:g} s has no role (monitoringRoleArn)"
    return None


def _subscription_source_type(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    # pulumi-aws EventSubscription.source_ids: "If specified, a source_type must also be specified."
    ids, kind = get(props, "sourceIds"), get(props, "sourceType")
    if ids is UNKNOWN or kind is UNKNOWN or not items(ids) or kind:
        return None
    return "the subscription names sourceIds but no sourceType"


def _rule(name: str, description: str, types: tuple[str, ...], check: Check, fix: str, unset_means: str, source: str,
          **kw: Any) -> Rule:
    return Rule(name, description, types, check, fix=fix, unset_means=unset_means, source=source,
                enforcement_level=ADVISORY, **kw)


RULES = [
    _rule("rds-replica-source-arn", "A read replica with a DB subnet group names its source by ARN", (INSTANCE,),
          _replica_source_arn, "set replicateSourceDb to the source instance's arn", "no subnet group: same-region "
          "identifier allowed", "pulumi-aws Instance.replicate_source_db docstring"),
    _rule("rds-same-region-replica-no-key", "A same-region read replica sets no kmsKeyId", (INSTANCE,),
          _same_region_replica_key, "remove kmsKeyId from the replica (it uses its source's key)",
          "the source's key", "RDS API Reference, CreateDBInstanceReadReplica, KmsKeyId "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html)"),
    _rule("rds-replica-no-master-credentials", "A read replica sets no master credentials of its own", (INSTANCE,),
          _replica_credentials, "remove username, password and manageMasterUserPassword from the replica",
          "the source's credentials", "pulumi-aws Instance.username docstring; " + SECRETS_MANAGER_RDS,
          applies=_is_replica),
    _rule("rds-replica-skip-final-snapshot", "A read replica skips the final snapshot RDS does not take of replicas",
          (INSTANCE,), _replica_final_snapshot, "set skipFinalSnapshot: true and remove finalSnapshotIdentifier",
          "false: a final snapshot is asked for", "pulumi-aws Instance.final_snapshot_identifier and "
          "skip_final_snapshot docstrings", applies=_is_replica),
    _rule("rds-global-cluster-no-managed-password", "Aurora global database members do not use an RDS-managed "
          "master password", (CLUSTER,), _global_managed_password,
          "set manageMasterUserPassword: false and give masterPassword from a rotated secret", "false",
          "Aurora User Guide, 'Password management with Amazon Aurora and AWS Secrets Manager', Limitations "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html)"),
    _rule("rds-global-cluster-ignores-replication-source", "Aurora global database members ignore changes to "
          "replicationSourceIdentifier", (CLUSTER,), _global_ignore_source,
          "add replicationSourceIdentifier to the cluster's ignoreChanges resource option", "not ignored",
          "pulumi-aws Cluster.replication_source_identifier docstring", needs_options=True),
    _rule("rds-insights-supported-class", "Performance/Database Insights only on engine and class pairs that "
          "support it", (INSTANCE, CLUSTER_INSTANCE, CLUSTER), _insights_class,
          "turn performanceInsightsEnabled / databaseInsightsMode off, or choose a larger instanceClass", "off",
          "RDS User Guide and Aurora User Guide, 'DB engine, Region, and instance class support for Database "
          "Insights', Instance class restrictions "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html)"),
    _rule("rds-database-insights-advanced", "Database Insights advanced mode has Performance Insights on with at "
          f"least {_ADVANCED_DAYS} days", (INSTANCE, CLUSTER), _advanced_insights,
          f"set performanceInsightsEnabled: true and performanceInsightsRetentionPeriod of {_ADVANCED_DAYS} or more",
          "standard mode; retention 7 days", "RDS User Guide, 'Considerations for Database Insights'",
          applies=lambda p: get(p, "engine") not in ("aurora-mysql", "aurora-postgresql", "aurora")),
    _rule("rds-io1-iops-ratio", f"io1 storage keeps {_IO1_LOW:g}-{_IO1_HIGH:g} IOPS per GiB, also against the autoscaling ceiling",
          (INSTANCE, CLUSTER), _io1_ratio, "change iops, allocatedStorage or maxAllocatedStorage",
          "gp2 (io1 when iops is set)", "RDS API Reference, CreateDBInstance, Iops; RDS User Guide, 'Amazon RDS "
          "DB instance storage', Provisioned IOPS SSD storage"),
    _rule("rds-max-allocated-storage-headroom", f"Storage autoscaling's maximum is at least {_HEADROOM_PERCENT} % "
          "above the allocated storage", (INSTANCE,), _max_storage_headroom,
          f"set maxAllocatedStorage to at least allocatedStorage + {_HEADROOM_PERCENT} % (26 % avoids the "
          "approaching-the-threshold event), or 0 to turn storage autoscaling off", "0 (storage autoscaling off)",
          "RDS User Guide, 'Managing capacity automatically with Amazon RDS storage autoscaling' "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html)"),
    _rule("rds-engine-version-past-standard-support", "No new database on a major version past its end of standard "
          "support with Extended Support disabled", (INSTANCE, CLUSTER), _past_standard_support,
          "set engineVersion to a major version in standard support, or engineLifecycleSupport to "
          f"{lifecycle.EXTENDED_SUPPORT} (billed)", "the provider's default version",
          "RDS API Reference, CreateDBInstance / CreateDBCluster, EngineLifecycleSupport; RDS User Guide, 'Creating a "
          "DB instance or a Multi-AZ DB cluster with Amazon RDS Extended Support', Considerations "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support-creating-db-instance.html); "
          "release calendars in rds_guardrails/facts/calendar.json",
          config={"today": {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", "default": "",
                            "description": "Judge as of this day (YYYY-MM-DD); empty: the current UTC date"}}),
    _rule("rds-identifier-format", "RDS identifiers respect AWS's length and character rules",
          (INSTANCE, CLUSTER, CLUSTER_INSTANCE), _identifier_format,
          "rename it: start with a letter, letters, digits and single hyphens, at most 63 characters (52 for a "
          "Multi-AZ DB cluster)", "a provider-generated name", "RDS API Reference, CreateDBInstance "
          "DBInstanceIdentifier, CreateDBCluster DBClusterIdentifier; pulumi-aws Instance.final_snapshot_identifier"),
    _rule("cloudwatch-rds-proxy-metric-statistic", "Alarms on RDS Proxy metrics sum the per-node values over the "
          "period the metric is published in", (METRIC_ALARM,), _proxy_metric_statistic,
          "set statistic: Sum (and period: 60 for the per-minute connection gauges)", "no statistic",
          "RDS User Guide, 'Monitoring RDS Proxy metrics with Amazon CloudWatch' "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html)"),
    _rule("rds-enhanced-monitoring-settings", "Enhanced Monitoring uses a valid interval and, when on, a role",
          (INSTANCE, CLUSTER_INSTANCE, CLUSTER), _monitoring_settings,
          f"set monitoringInterval to {', '.join(map(str, _INTERVALS[:-1]))} or {_INTERVALS[-1]} and monitoringRoleArn "
          "when it is not 0", "0 (off)",
          "pulumi-aws Instance.monitoring_interval docstring; RDS User Guide, 'Setting up and enabling Enhanced "
          "Monitoring'"),
    _rule("rds-event-subscription-source-type", "An RDS event subscription that names sources names their type",
          (EVENT_SUBSCRIPTION,), _subscription_source_type, "set sourceType (db-instance, db-cluster, ...)",
          "every source type", "pulumi-aws EventSubscription.source_ids docstring"),
]
