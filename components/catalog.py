"""What AWS allows, in one table: engines, instance classes and storage types.

Settings validation reads these tables instead of scattering `if`s, so a reader who wants to
know why a stack file was refused — or a maintainer adding an engine version — looks here.
Figures follow the RDS User Guide ("DB instance storage", "DB engine versions",
"Working with read replicas") for RDS for PostgreSQL, MySQL and MariaDB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rds_guardrails.facts import auto_pause, least_max_allocated_storage, limit
from rds_guardrails.facts.engine_version import EngineVersion

# Each engine's default port (limits.json engineDefaultPorts, with its source).
_PORTS: dict[str, int] = limit("engineDefaultPorts")


@dataclass(frozen=True)
class EngineSpec:
    """What one RDS engine needs: versions, port, TLS switch, logs and reserved names."""

    name: str
    default_version: str
    # Major versions AWS offers (the release calendars of rds_guardrails/facts/calendar.json, read
    # 2026-12-07; a major past its end of standard support only with Extended Support enabled,
    # engine_rules.past_standard_support_problems). A version is the major alone ("16", "8.0") or pinned
    # to a minor ("16.4", "8.0.39"); `version_pattern` is the form a stack file may give (the
    # project's choice); reading it is EngineVersion's (rds_guardrails.facts.engine_version).
    majors: tuple[str, ...]
    version_pattern: str
    default_port: int
    # The parameter that refuses unencrypted connections, and the value that turns it on.
    tls_parameter: tuple[str, str]
    # Engine logs that CloudWatch Logs can receive (docs/controls.md, rds-log-exports).
    log_exports: tuple[str, ...]
    # Parameters that make the exported logs carry something (a slow query log export
    # with slow_query_log off is an empty log group).
    log_parameters: tuple[tuple[str, str], ...]
    # Names RDS refuses or that every scanner flags as defaults (Security Hub RDS.24/25).
    reserved_usernames: frozenset[str]
    max_read_replicas: int
    proxy_engine_family: str
    # The engine's default max_connections for a memory size, for the connections alarm.
    bytes_per_connection: int
    max_connections_cap: int
    cross_region_replicas: bool = True
    cross_region_automated_backups: bool = True

    def major_of(self, version: str) -> str | None:
        """The major version ('16', '8.0', '10.11') of a version string, or None if malformed."""
        if re.fullmatch(self.version_pattern, version) is None:
            return None
        parsed = EngineVersion.parse(self.name, version)
        return parsed.major if parsed else None

    def is_major_only(self, version: str) -> bool:
        """True for "16" or "8.0": RDS picks the minor and auto minor upgrades cause no drift."""
        return self.major_of(version) == version

    def default_max_connections(self, memory_gib: float) -> int:
        """max_connections of the default parameter group (DBInstanceClassMemory / N, capped)."""
        return min(int(memory_gib * 2**30 // self.bytes_per_connection), self.max_connections_cap)

    def parameter_group_family(self, version: str) -> str:
        """The DB parameter group family for a version, e.g. postgres16 or mysql8.0."""
        parsed = EngineVersion.parse(self.name, version) if self.major_of(version) else None
        return parsed.family if parsed else f"{self.name}None"


# Every engine's default admin names are refused on every engine: scanners (Security Hub RDS.24/25,
# and this project's pack) flag them whatever the engine, so a program must not pick one.
_COMMON_RESERVED = frozenset({"admin", "administrator", "root", "rdsadmin", "master", "sa", "user",
                              "postgres", "mysql"})

ENGINES: dict[str, EngineSpec] = {
    "postgres": EngineSpec(
        name="postgres",
        default_version="16",
        majors=("13", "14", "15", "16", "17", "18"),
        version_pattern=r"(?P<major>\d+)(?:\.\d+)?",
        default_port=_PORTS["postgres"],
        tls_parameter=("rds.force_ssl", "1"),
        log_exports=("postgresql", "upgrade"),
        log_parameters=(("log_min_duration_statement", "1000"),),
        reserved_usernames=_COMMON_RESERVED | {"postgres", "rds_superuser", "rdsrepladmin"},
        max_read_replicas=15,
        proxy_engine_family="POSTGRESQL",
        # LEAST({DBInstanceClassMemory/9531392}, 5000)
        bytes_per_connection=9531392,
        max_connections_cap=5000,
    ),
    "mysql": EngineSpec(
        name="mysql",
        # 8.0 is past its end of standard support (calendar.json): a new database on it is billed
        # for Extended Support, or refused with Extended Support disabled.
        default_version="8.4",
        majors=("8.0", "8.4"),
        version_pattern=r"(?P<major>\d+\.\d+)(?:\.\d+)?",
        default_port=_PORTS["mysql"],
        tls_parameter=("require_secure_transport", "1"),
        log_exports=("audit", "error", "general", "slowquery"),
        log_parameters=(("general_log", "1"), ("slow_query_log", "1"), ("log_output", "FILE")),
        reserved_usernames=_COMMON_RESERVED | {"mysql", "rdsrepladmin", "mysql.sys"},
        max_read_replicas=15,
        proxy_engine_family="MYSQL",
        # {DBInstanceClassMemory/12582880}
        bytes_per_connection=12582880,
        max_connections_cap=100000,
    ),
    "mariadb": EngineSpec(
        name="mariadb",
        default_version="10.11",
        majors=("10.6", "10.11", "11.4", "11.8", "12.3"),
        version_pattern=r"(?P<major>\d+\.\d+)(?:\.\d+)?",
        default_port=_PORTS["mariadb"],
        tls_parameter=("require_secure_transport", "1"),
        log_exports=("audit", "error", "general", "slowquery"),
        log_parameters=(("general_log", "1"), ("slow_query_log", "1"), ("log_output", "FILE")),
        reserved_usernames=_COMMON_RESERVED | {"mysql", "rdsrepladmin"},
        max_read_replicas=15,
        proxy_engine_family="MYSQL",
        # {DBInstanceClassMemory/12582880}
        bytes_per_connection=12582880,
        max_connections_cap=100000,
    ),
}

# Aurora: the same engines as RDS, except where listed. The cluster owns storage, backups and
# encryption, and its parameters are cluster parameters. Versions as for RDS: the major alone
# lets AWS pick (and move) the minor.
ENGINES["aurora-postgresql"] = replace(
    ENGINES["postgres"],
    name="aurora-postgresql",
    log_exports=("postgresql",),
)
ENGINES["aurora-mysql"] = replace(
    ENGINES["mysql"],
    name="aurora-mysql",
    # Aurora MySQL version 3 (MySQL 8.0) is in Aurora standard support (calendar.json).
    default_version="8.0",
    majors=("8.0",),
    version_pattern=r"(?P<major>\d+\.\d+)(?:\.mysql_aurora\.\d+\.\d+\.\d+)?",
    tls_parameter=("require_secure_transport", "ON"),
    # The audit export is empty unless the server audits, and Advanced Auditing logs nothing
    # unless server_audit_events names events (Aurora UG "Using Advanced Auditing with an Amazon
    # Aurora MySQL DB cluster", server_audit_logging; Security Hub RDS.45 fails it empty): logins
    # and the DDL/DCL statements that change schema and grants.
    log_parameters=ENGINES["mysql"].log_parameters + (("server_audit_logging", "1"),
                                                      ("server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL")),
    max_connections_cap=16000,
    cross_region_replicas=False,
    cross_region_automated_backups=False,
)

# How the database is deployed, and the engines each option runs.
DEPLOYMENT_ENGINES = {
    "instance": ("postgres", "mysql", "mariadb"),
    # One writer and two readable standbys in three AZs (RDS User Guide, "Multi-AZ DB clusters").
    "multi-az-cluster": ("postgres", "mysql"),
    "aurora": ("aurora-postgresql", "aurora-mysql"),
}
# Classes per option where they differ from instances ("Supported DB engines and instance
# classes" for Aurora; "Instance class availability for Multi-AZ DB clusters").
AURORA_FAMILIES = frozenset({"r5", "r6g", "r6i", "r7g", "r7i", "r8g", "x2g", "t3", "t4g"})
AURORA_BURSTABLE_SIZES = frozenset({"medium", "large"})
MULTI_AZ_CLUSTER_FAMILIES = frozenset({"m5d", "m6gd", "m6id", "r5d", "r6gd", "r6id", "x2iedn"})
MULTI_AZ_CLUSTER_STORAGE = ("gp3", "io1", "io2")
# Logs a Multi-AZ DB cluster can export (no option groups there, so no MySQL audit log).
MULTI_AZ_CLUSTER_LOG_EXPORTS = {"postgres": ("postgresql",), "mysql": ("error", "general", "slowquery")}
# Aurora Serverless v2 capacity in ACUs (0 pauses when idle), in steps of 0.5.
SERVERLESS_ACU: tuple[float, float] = tuple(limit("serverlessAcu"))
# Serverless v2 auto-pause (min 0 ACU): the engine versions that support it are facts of the pack
# (rds_guardrails/facts/auto_pause.json, with its source).
AUTO_PAUSE_DOC = auto_pause.DOC
AUTO_PAUSE_FLOORS = auto_pause.FLOORS_TEXT


def auto_pause_supported(engine: str, version: str) -> bool:
    """Whether this engine version can scale to 0 ACUs (major-only versions: AWS picks a later minor)."""
    return auto_pause.supported(engine, version) is True


# Aurora MySQL backtrack window: up to 72 hours.
BACKTRACK_HOURS: tuple[int, int] = tuple(limit("backtrackHours"))


# Instance classes are "db.<family>.<size>". These families run all three engines above;
# older generations (t2, m4, r4) are being retired by AWS and are refused on purpose.
INSTANCE_CLASS_PATTERN = r"db\.(?P<family>[a-z0-9]+)\.(?P<size>[a-z0-9]+)"
INSTANCE_FAMILIES = frozenset(
    {
        "t3", "t4g",
        "m5", "m5d", "m6g", "m6gd", "m6i", "m6id", "m7g", "m7i", "m8g",
        "r5", "r5b", "r5d", "r6g", "r6gd", "r6i", "r6id", "r7g", "r7i", "r8g",
        "x2g", "x2idn", "x2iedn",
    }
)
# Burstable classes: cheap, fine for dev; RDS Proxy and some features care.
BURSTABLE_FAMILIES = frozenset({"t3", "t4g"})

# The sizes RDS offers in each family (RDS User Guide, "Hardware specifications for DB instance
# classes", Concepts.DBInstanceClass.Summary; e.g. "db.m7i.large–db.m7i.48xlarge",
# "db.m6i.large–db.m6i.32xlarge", "db.m5.large–db.m5.24xlarge"), so a typo such as
# db.r7g.lrage is refused before AWS refuses it. Aurora's own subset is AURORA_FAMILIES.
_SIZES_24 = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")
_SIZES_16 = _SIZES_24[:-1]
_SIZES_32 = _SIZES_24 + ("32xlarge",)
_SIZES_48 = _SIZES_24 + ("48xlarge",)
_BURSTABLE_SIZES = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
INSTANCE_SIZES: dict[str, tuple[str, ...]] = {
    "t3": _BURSTABLE_SIZES, "t4g": _BURSTABLE_SIZES,
    "m5": _SIZES_24, "m5d": _SIZES_24, "m6g": _SIZES_16, "m6gd": _SIZES_16, "m6i": _SIZES_32,
    "m6id": _SIZES_32, "m7g": _SIZES_16, "m7i": _SIZES_48, "m8g": _SIZES_48,
    "r5": _SIZES_24, "r5b": _SIZES_24, "r5d": _SIZES_24, "r6g": _SIZES_16, "r6gd": _SIZES_16,
    "r6i": _SIZES_32, "r6id": _SIZES_32, "r7g": _SIZES_16, "r7i": _SIZES_48, "r8g": _SIZES_48,
    "x2g": _SIZES_16, "x2idn": ("16xlarge", "24xlarge", "32xlarge"),
    "x2iedn": ("xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge", "24xlarge", "32xlarge"),
}
INSTANCE_SIZES_SOURCE = ("components/catalog.py INSTANCE_SIZES, from the RDS User Guide's "
                         "\"Hardware specifications for DB instance classes\"")


@dataclass(frozen=True)
class StorageSpec:
    """The allocated-size, IOPS and throughput rules of one EBS storage type on RDS."""

    name: str
    min_gib: int
    max_gib: int = 65536
    iops_settable: bool = False
    iops_required: bool = False
    iops_range: tuple[int, int] | None = None
    # IOPS per GiB of allocated storage (io1 0.5–50, io2 0.5–1000).
    iops_per_gib: tuple[float, float] | None = None
    throughput_settable: bool = False
    throughput_range: tuple[int, int] | None = None
    # gp3 below this size runs at its baseline (3000 IOPS, 125 MiB/s) and refuses both knobs.
    provisioned_from_gib: int | None = None


STORAGE_TYPES: dict[str, StorageSpec] = {
    "gp2": StorageSpec(name="gp2", min_gib=20),
    "gp3": StorageSpec(
        name="gp3",
        min_gib=20,
        iops_settable=True,
        iops_range=(12000, 64000),
        throughput_settable=True,
        throughput_range=(500, 4000),
        provisioned_from_gib=400,
    ),
    "io1": StorageSpec(
        name="io1",
        min_gib=100,
        iops_settable=True,
        iops_required=True,
        iops_range=(1000, 256000),
        # IOPS per GiB: limits.json io1IopsPerGib (the pack's rds-io1-iops-ratio reads the same row).
        iops_per_gib=tuple(limit("io1IopsPerGib")),
    ),
    "io2": StorageSpec(
        name="io2",
        min_gib=100,
        iops_settable=True,
        iops_required=True,
        iops_range=(1000, 256000),
        iops_per_gib=tuple(limit("io2IopsPerGib")),
    ),
}

# RDS Extended Support (RDS API CreateDBInstance / CreateDBCluster / CreateGlobalCluster,
# EngineLifecycleSupport; default open-source-rds-extended-support): the engines it applies to.
# Instances: "only to RDS for MySQL and RDS for PostgreSQL" (MariaDB has none); global clusters:
# "only to Aurora PostgreSQL-based global databases".
EXTENDED_SUPPORT = "open-source-rds-extended-support"
EXTENDED_SUPPORT_DISABLED = "open-source-rds-extended-support-disabled"
EXTENDED_SUPPORT_ENGINES = frozenset({"postgres", "mysql", "aurora-postgresql", "aurora-mysql"})
GLOBAL_CLUSTER_EXTENDED_SUPPORT_ENGINES = frozenset({"aurora-postgresql"})

# Final snapshots: `<identifier>-final-<hex of 4 random bytes>` (components/instance_parts.py).
# DeleteDBInstance / DeleteDBCluster FinalDBSnapshotIdentifier: 1-255 letters, digits, hyphens;
# CreateDBClusterSnapshot DBClusterSnapshotIdentifier: 1-63, so clusters keep to 63.
FINAL_SNAPSHOT_SUFFIX_BYTES = 4
FINAL_SNAPSHOT_LIMITS = {"instance": 255, "cluster": 63}


def final_snapshot_stem(identifier: str, kind: str) -> str:
    """The part before the random suffix: `<identifier>-final`, shortened to fit the kind's limit."""
    room = FINAL_SNAPSHOT_LIMITS[kind] - len("-final-") - 2 * FINAL_SNAPSHOT_SUFFIX_BYTES
    return f"{identifier[:room].rstrip('-')}-final"


def final_snapshot_longest(identifier: str, kind: str) -> str:
    """The final snapshot identifier with the largest suffix, for name checks."""
    return f"{final_snapshot_stem(identifier, kind)}-{'f' * 2 * FINAL_SNAPSHOT_SUFFIX_BYTES}"


# Storage autoscaling: the maximum storage threshold is at least 10 % above the allocated storage
# (limits.json maxAllocatedStorageMinHeadroom, with its source).
MAX_STORAGE_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html"
least_max_storage = least_max_allocated_storage
MAX_STORAGE_HEADROOM_PERCENT = round(limit("maxAllocatedStorageMinHeadroom") * 100)

# gp3: throughput (MiB/s) may be at most a quarter of the provisioned IOPS.
GP3_MAX_THROUGHPUT_PER_IOPS = 0.25

BACKUP_RETENTION_DAYS: tuple[int, int] = tuple(limit("backupRetentionDays"))
MONITORING_INTERVALS: tuple[int, ...] = tuple(limit("monitoringIntervals"))
# Current RDS CA; the engine default may still be the retiring rds-ca-2019 in old accounts.
CA_CERTIFICATE = "rds-ca-rsa2048-g1"
# Performance Insights keeps 7 days free, or whole months (31 days each) up to 2 years.
_PI = limit("performanceInsightsRetentionDays")
PERFORMANCE_INSIGHTS_RETENTION_DAYS: tuple[int, ...] = tuple(
    [_PI["free"]] + [_PI["monthDays"] * m for m in range(_PI["months"][0], _PI["months"][1] + 1)] + [_PI["longest"]])
# The values CloudWatch Logs accepts for a log group's retention.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
# Secrets Manager deletion recovery window; 0 (force delete) is refused on purpose.
SECRET_RECOVERY_WINDOW_DAYS = (7, 30)


# --- Performance Insights and Database Insights ------------------------------------------------
# Classes without Performance Insights / Database Insights, per engine. RDS User Guide, "Amazon
# RDS DB engine, Region, and instance class support for Database Insights", column "Instance
# class restrictions" (MariaDB, MySQL rows; PostgreSQL: none):
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html
# Aurora User Guide, same title (Aurora MySQL: db.t2, db.t3, db.t4g.micro/small not supported;
# Aurora PostgreSQL: none; Serverless v2 supported):
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DatabaseInsights.Engines.html
_SMALL_BURSTABLE = frozenset({"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small",
                              "db.t4g.micro", "db.t4g.small"})
INSIGHTS_DOC = {
    "rds": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Engines.html",
    "aurora": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DatabaseInsights.Engines.html",
}
# Database Insights advanced mode keeps Performance Insights data at least 15 months (RDS/Aurora
# User Guide, "Considerations for Database Insights": "set the Performance Insights retention
# period to at least 465 days").
DATABASE_INSIGHTS_ADVANCED_MIN_RETENTION_DAYS: int = limit("databaseInsightsAdvancedMinRetentionDays")


# The "engine" of a connection secret: what AWS's rotation templates expect (Secrets Manager UG,
# "AWS Secrets Manager rotation function templates", expected SecretString: "engine": "postgres"
# for the PostgreSQL templates, "mysql" for MySQL, "mariadb" for MariaDB; Aurora uses the same
# templates).
SECRET_ENGINE = {"aurora-postgresql": "postgres", "aurora-mysql": "mysql"}


def secret_engine(engine: str) -> str:
    """The engine name a connection secret carries for this engine."""
    return SECRET_ENGINE.get(engine, engine)


def insights_supported(engine: str, instance_class: str) -> bool:
    """Whether Performance Insights / Database Insights run on this engine and class."""
    if instance_class == "db.serverless" or engine in ("postgres", "aurora-postgresql"):
        return True
    if engine in ("mysql", "mariadb"):
        return instance_class not in _SMALL_BURSTABLE
    family = instance_class.split(".")[1] if instance_class.count(".") == 2 else ""
    return family not in ("t2", "t3") and instance_class not in _SMALL_BURSTABLE


# --- instance memory ----------------------------------------------------------------------------
# Memory per vCPU of each family (GiB); sizes give the vCPUs. Burstable classes are listed by
# size. Used for alarm defaults that scale with the instance (freeable memory, connections).
_MEMORY_PER_VCPU_GIB = {"m": 4, "r": 8, "x2g": 16, "x2idn": 16, "x2iedn": 32}
_BURSTABLE_MEMORY_GIB = {"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}


def instance_memory_gib(instance_class: str) -> float:
    """Memory of an instance class, e.g. db.r7g.large -> 16, db.t4g.micro -> 1."""
    match = re.fullmatch(INSTANCE_CLASS_PATTERN, instance_class)
    if not match:
        raise ValueError(f"not an instance class: {instance_class}")
    family, size = match.group("family"), match.group("size")
    if family in BURSTABLE_FAMILIES:
        return _BURSTABLE_MEMORY_GIB.get(size, 1)
    if size == "large":
        vcpus = 2
    elif size == "xlarge":
        vcpus = 4
    else:
        multiple = re.fullmatch(r"(\d+)xlarge", size)
        vcpus = 4 * int(multiple.group(1)) if multiple else 2
    per_vcpu = _MEMORY_PER_VCPU_GIB.get(family, _MEMORY_PER_VCPU_GIB.get(family[0], 4))
    return float(per_vcpu * vcpus)


# --- RDS Proxy ----------------------------------------------------------------------------------
# The API's limits for the proxy settings (seconds and percent of max_connections).
PROXY_IDLE_CLIENT_TIMEOUT_SECONDS = (1, 28800)
PROXY_BORROW_TIMEOUT_SECONDS = (0, 300)
PROXY_CONNECTIONS_PERCENT = (1, 100)
PROXY_IDLE_CONNECTIONS_PERCENT = (0, 100)
