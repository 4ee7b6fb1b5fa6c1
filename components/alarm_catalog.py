"""The CloudWatch alarms every database gets: metric, direction, default threshold and why.

One table, read by settings (to validate `alarms.thresholds` keys) and by the alarms component.
Thresholds are written in the unit a person thinks in (percent, GiB, MiB, ms, seconds) and
scaled to CloudWatch's unit here. Defaults that depend on the instance (free storage, memory,
connections) are computed from its class and storage so a micro and an r7g get sensible values.

`treat_missing_data` is chosen per metric, deliberately:
- `breaching` for metrics RDS always reports (CPU, free storage, freeable memory) and for
  replica lag: silence there means the instance is down, unreachable or no longer replicating.
- `notBreaching` for load metrics (latency, queue depth, connections, swap, burst balance,
  proxy metrics): RDS and the proxy publish them only while there is work, so silence is idle.
- `notBreaching` for every alarm of an Aurora Serverless v2 cluster whose minimum is 0 ACUs
  (auto-pause), see `AlarmSpec.missing_data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from components import catalog

# What an alarm may be attached to, and the CloudWatch dimension that names it.
# A Multi-AZ DB cluster is watched through its three member instances (MULTI_AZ_MEMBER): RDS
# documents no DBClusterIdentifier dimension for RDS (non-Aurora) metrics (RDS User Guide,
# "Amazon CloudWatch dimensions for Amazon RDS": DBInstanceIdentifier, DatabaseClass, EngineName,
# SourceRegion), and AWS's own replica-lag alarm for these clusters uses the per-instance metrics
# ("Tutorial: Creating an Amazon CloudWatch alarm for Multi-AZ DB cluster replica lag").
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/dimensions.html
PRIMARY, REPLICA, PROXY = "primary", "replica", "proxy"
MULTI_AZ_CLUSTER, AURORA_CLUSTER, AURORA_WRITER, AURORA_READER = (
    "multi-az-cluster", "aurora-cluster", "aurora-writer", "aurora-reader")
MULTI_AZ_MEMBER = "multi-az-cluster-member"
# A reader of an Aurora global database's secondary cluster: whether AuroraReplicaLag ("For an
# Aurora replica, the amount of lag when replicating updates from the primary instance", Aurora UG
# "Amazon CloudWatch metrics for Amazon Aurora") is published there is not documented, so silence
# there is not an alarm (docs/aws-rules.md, limits).
AURORA_SECONDARY_READER = "aurora-secondary-reader"
# The secondary cluster of an Aurora global database, in its own region: alarmed like a cluster,
# plus the global replication lag that only a secondary has.
AURORA_SECONDARY_CLUSTER = "aurora-secondary-cluster"
DIMENSIONS = {PROXY: "ProxyName", MULTI_AZ_CLUSTER: "DBClusterIdentifier", AURORA_CLUSTER: "DBClusterIdentifier",
              AURORA_SECONDARY_CLUSTER: "DBClusterIdentifier"}
AURORA_KINDS = frozenset({AURORA_CLUSTER, AURORA_WRITER, AURORA_READER, AURORA_SECONDARY_READER,
                          AURORA_SECONDARY_CLUSTER})


def dimension(kind: str) -> str:
    return DIMENSIONS.get(kind, "DBInstanceIdentifier")


@dataclass(frozen=True)
class InstanceFacts:
    """What instance-dependent defaults are computed from."""

    engine: catalog.EngineSpec
    memory_gib: float
    allocated_storage_gib: int
    storage_type: str
    serverless: bool = False
    # Serverless v2 with a minimum of 0 ACUs: its instances pause when idle.
    auto_pause: bool = False


Threshold = Union[float, Callable[[InstanceFacts], float]]


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: the config key of its threshold and how CloudWatch evaluates it."""

    key: str
    metric: str
    description: str
    statistic: str
    comparison: str
    unit: str
    default: Threshold
    treat_missing_data: str
    applies_to: frozenset[str]
    # CloudWatch value = config value * scale (e.g. GiB -> bytes, ms -> seconds).
    scale: float = 1.0
    storage_types: frozenset[str] | None = None  # None: every storage type
    serverless_only: bool = False
    period_seconds: int = 300
    evaluation_periods: int = 3
    # (kind, treat_missing_data) where a kind differs from `treat_missing_data`.
    missing_data_by_kind: tuple[tuple[str, str], ...] = ()
    # Engines (catalog names) whose targets get this alarm; None: every engine.
    engines: frozenset[str] | None = None
    # The alarm's name suffix when two alarms watch one metric; "": the metric in kebab case.
    suffix: str = ""
    # False: a fixed threshold that means something by itself (no key in alarms.thresholds).
    configurable: bool = True

    def missing_data(self, kind: str, facts: InstanceFacts | None = None) -> str:
        """How CloudWatch treats missing data for this alarm on this kind of target."""
        value = dict(self.missing_data_by_kind).get(kind, self.treat_missing_data)
        # Aurora UG "Scaling to Zero ACUs with automatic pause and resume for Aurora Serverless v2":
        # with a minimum of 0 ACUs an idle instance "scale[s] down to zero ACUs and automatically
        # pause[s]", with no capacity running. Whether RDS keeps publishing its metrics while paused
        # is not stated on the pages read, so silence there is not proof of a fault: a paused,
        # healthy cluster must not page anyone. Not breaching is right either way (if RDS does publish
        # while paused, the values decide). Failures still reach the topic through the RDS event
        # subscription (components/alerting.py).
        if facts is not None and facts.auto_pause and kind in AURORA_KINDS and value == "breaching":
            return "notBreaching"
        return value

    def threshold(self, facts: InstanceFacts | None, override: float | None = None) -> float:
        """The CloudWatch threshold: the override or the default, in CloudWatch's unit."""
        if override is not None:
            value = override
        elif callable(self.default):
            if facts is None:
                raise ValueError(f"alarm {self.key}: its default threshold depends on the instance, "
                                 "and no instance facts were given")
            value = self.default(facts)
        else:
            value = self.default
        return round(value * self.scale, 6)

    def applies(self, target: str, facts: InstanceFacts | None = None) -> bool:
        if target not in self.applies_to:
            return False
        if self.serverless_only and not (facts and facts.serverless):
            return False
        if self.engines is not None and not (facts and facts.engine.name in self.engines):
            return False
        return self.storage_types is None or (facts is not None and facts.storage_type in self.storage_types)


GREATER, LESS = "GreaterThanThreshold", "LessThanThreshold"
INSTANCES = frozenset({PRIMARY, REPLICA})
# Where each kind of metric exists: RDS instances, Multi-AZ DB clusters (by cluster), Aurora
# (storage and I/O are the cluster's, so per-instance storage alarms do not apply).
COMPUTE = INSTANCES | {MULTI_AZ_MEMBER, AURORA_WRITER, AURORA_READER, AURORA_SECONDARY_READER}
STORAGE = INSTANCES | {MULTI_AZ_MEMBER}
# Aurora clusters (aggregates by DBClusterIdentifier), the global secondary's included.
CLUSTERS = frozenset({AURORA_CLUSTER, AURORA_SECONDARY_CLUSTER})


def _free_storage_gib(f: InstanceFacts) -> float:
    return max(2.0, round(f.allocated_storage_gib * 0.10, 1))


def _freeable_memory_mib(f: InstanceFacts) -> float:
    return round(f.memory_gib * 1024 * 0.10)


def _connections(f: InstanceFacts) -> float:
    return int(f.engine.default_max_connections(f.memory_gib) * 0.8)


ALARMS: tuple[AlarmSpec, ...] = (
    AlarmSpec("cpuUtilizationPercent", "CPUUtilization", "CPU above the threshold for 15 minutes",
              "Average", GREATER, "percent", 80, "breaching", COMPUTE | CLUSTERS),
    AlarmSpec("freeStorageGiB", "FreeStorageSpace", "free storage below the threshold (default 10%)",
              "Minimum", LESS, "GiB", _free_storage_gib, "breaching", STORAGE, scale=2**30),
    AlarmSpec("freeableMemoryMiB", "FreeableMemory", "freeable memory below the threshold (default 10%)",
              "Average", LESS, "MiB", _freeable_memory_mib, "breaching", COMPUTE, scale=2**20),
    AlarmSpec("databaseConnections", "DatabaseConnections",
              "connections above the threshold (default 80% of the engine's max_connections)",
              "Maximum", GREATER, "connections", _connections, "notBreaching", COMPUTE),
    AlarmSpec("readLatencyMs", "ReadLatency", "read latency above the threshold",
              "Average", GREATER, "ms", 20, "notBreaching", STORAGE, scale=0.001),
    AlarmSpec("writeLatencyMs", "WriteLatency", "write latency above the threshold",
              "Average", GREATER, "ms", 20, "notBreaching", STORAGE, scale=0.001),
    AlarmSpec("diskQueueDepth", "DiskQueueDepth", "I/O requests waiting above the threshold",
              "Average", GREATER, "requests", 64, "notBreaching", STORAGE),
    AlarmSpec("burstBalancePercent", "BurstBalance", "gp2 I/O burst credits below the threshold",
              "Minimum", LESS, "percent", 20, "notBreaching", INSTANCES, storage_types=frozenset({"gp2"})),
    AlarmSpec("swapUsageMiB", "SwapUsage", "swap in use above the threshold",
              "Maximum", GREATER, "MiB", 256, "notBreaching", INSTANCES, scale=2**20),
    AlarmSpec("replicaLagSeconds", "ReplicaLag", "replica behind its source by more than the threshold",
              "Maximum", GREATER, "seconds", 300, "breaching", frozenset({REPLICA, MULTI_AZ_MEMBER}),
              # The writer of a Multi-AZ DB cluster publishes no ReplicaLag; silence there is normal.
              missing_data_by_kind=((MULTI_AZ_MEMBER, "notBreaching"),)),
    # RDS UG "Monitoring read replication" (Monitoring replication lag) and "Monitoring MySQL read
    # replication lag" / "Monitoring MariaDB read replicas": for MariaDB and MySQL "If the ReplicaLag
    # metric returns -1, then replication is currently not active. ReplicaLag = -1 is equivalent to
    # Seconds_Behind_Master = NULL." A stopped replica keeps publishing -1, which the lag alarm
    # (> threshold) never sees. Maximum < 0: no sample of the period showed replication running,
    # for three periods in a row, so the -1 of a short network outage or a patch ("Troubleshooting
    # for Amazon RDS", Diagnosing and resolving lag between read replicas) does not page.
    # PostgreSQL is excluded: its ReplicaLag is now() - pg_last_xact_replay_timestamp() (same page),
    # which grows when replay stops, so the lag alarm above catches it; no -1 is documented for it.
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_MySQL.Replication.ReadReplicas.Monitor.html
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_MariaDB.Replication.ReadReplicas.Monitor.html
    AlarmSpec("replicationStopped", "ReplicaLag", "replication not running (ReplicaLag -1) for 15 minutes",
              "Maximum", LESS, "seconds", 0, "notBreaching", frozenset({REPLICA}),
              engines=frozenset({"mysql", "mariadb"}), suffix="replication-stopped", configurable=False),
    AlarmSpec("auroraReplicaLagMs", "AuroraReplicaLag", "Aurora reader behind the writer by more than the threshold",
              "Maximum", GREATER, "ms", 1000, "breaching", frozenset({AURORA_READER, AURORA_SECONDARY_READER}),
              missing_data_by_kind=((AURORA_SECONDARY_READER, "notBreaching"),)),
    AlarmSpec("acuUtilizationPercent", "ACUUtilization",
              "Serverless v2 capacity used above the threshold (of serverlessMaxAcu)",
              "Average", GREATER, "percent", 90, "notBreaching", CLUSTERS, serverless_only=True),
    # Aurora UG "Amazon CloudWatch metrics for Amazon Aurora", cluster-level: AuroraGlobalDBReplicationLag
    # "For an Aurora Global Database, the amount of lag when replicating updates from the primary
    # AWS Region", Aurora MySQL and Aurora PostgreSQL, Milliseconds; "Using switchover or failover
    # in an Amazon Aurora global database": "view the AuroraGlobalDBReplicationLag metric for all
    # secondaries. This metric tells you how far behind (in milliseconds) a secondary is". So it is
    # the secondary cluster's, by DBClusterIdentifier ("A specific Aurora DB cluster", Aurora UG
    # "Amazon CloudWatch dimensions for Aurora"), in the secondary's region. Default 1000 ms: Aurora
    # replicates "with latency typically under a second" (Aurora UG "Using Amazon Aurora Global
    # Database", Overview); an Average above that for 15 minutes is not the typical case. Silence
    # breaches: the secondary stopped reporting the one number that says how much a failover loses.
    # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
    AlarmSpec("auroraGlobalReplicationLagMs", "AuroraGlobalDBReplicationLag",
              "global database secondary behind the primary Region by more than the threshold",
              "Average", GREATER, "ms", 1000, "breaching", frozenset({AURORA_SECONDARY_CLUSTER}),
              suffix="aurora-global-replication-lag"),
    # RDS User Guide, "Monitoring RDS Proxy metrics with Amazon CloudWatch": proxy metrics are
    # published per underlying EC2 instance ("Use CloudWatch statistics to aggregate the values for
    # a proxy across all the associated instances"); ClientConnections "is reported every minute.
    # The most useful statistic for this metric is Sum", valid period 1 minute. A Sum over 5 minutes
    # would add five samples per node, hence 60 s x 5 periods.
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html
    AlarmSpec("proxyClientConnections", "ClientConnections", "client connections to the proxy above the threshold",
              "Sum", GREATER, "connections", 1000, "notBreaching", frozenset({PROXY}),
              period_seconds=60, evaluation_periods=5),
    # Same page: DatabaseConnectionsBorrowLatency, microseconds, statistic Average, 1 minute and above.
    AlarmSpec("proxyBorrowLatencyMs", "DatabaseConnectionsBorrowLatency",
              "time to borrow a database connection from the proxy's pool above the threshold",
              "Average", GREATER, "ms", 100, "notBreaching", frozenset({PROXY}), scale=1000),
)

BY_KEY = {a.key: a for a in ALARMS}
# The keys of rdsplatform:alarms.thresholds.
CONFIGURABLE = {a.key: a for a in ALARMS if a.configurable}
