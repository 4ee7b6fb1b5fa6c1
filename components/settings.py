"""Stack settings: the one place `pulumi.Config` is read, validated and frozen.

Every other module receives a `Settings`. Validation happens before the first resource is
declared and reports every problem at once — the config key, the value and what is allowed —
so a bad stack file never leaves a half-created plan behind.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Literal, Optional

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from components import alarm_catalog, catalog

PROJECT = "rdsplatform"


class SettingsError(Exception):
    """Raised with every problem of a stack's config, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid stack configuration ({len(problems)} problem(s)):\n{lines}")


class _Model(BaseModel):
    # Frozen so no component can change what the stack file said; extra keys are refused so
    # a typo (multiAZ for multiAz) fails loudly instead of silently using a default.
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"


def _check_instance_class(v: str) -> str:
    match = re.fullmatch(catalog.INSTANCE_CLASS_PATTERN, v)
    if not match:
        raise ValueError("must look like db.<family>.<size>, e.g. db.t4g.micro or db.r7g.large")
    if match.group("family") not in catalog.INSTANCE_FAMILIES:
        allowed = ", ".join(sorted(catalog.INSTANCE_FAMILIES))
        raise ValueError(f"family {match.group('family')!r} is not offered; allowed: {allowed}")
    return v


class ReplicaSettings(_Model):
    """One read replica. Unset fields follow the primary."""

    # Suffix of the replica's identifier: <name>-<stack>-<replica name>.
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,14}[a-z0-9]$")
    # Unset: the primary's region. Another region must be the disasterRecovery region, where
    # the replica gets that region's key, subnet group and security group.
    region: Optional[str] = Field(None, pattern=REGION_PATTERN)
    instance_class: Optional[str] = None
    multi_az: bool = False
    # Unset: the primary's maxAllocatedStorage; 0 turns storage autoscaling off.
    max_allocated_storage: Optional[int] = Field(None, ge=0)
    performance_insights: bool = True
    monitoring_interval: int = 60
    tags: dict[str, str] = {}

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else _check_instance_class(v)

    @field_validator("monitoring_interval")
    @classmethod
    def _monitoring_interval(cls, v: int) -> int:
        return _one_of(v, catalog.MONITORING_INTERVALS)


class DisasterRecoverySettings(_Model):
    """The second region: its own key and network, cross-region replicas, replicated backups."""

    region: str = Field(pattern=REGION_PATTERN)
    # The network there: an isolated VPC of our own (vpcCidr) or existing private subnets.
    vpc_cidr: Optional[str] = None
    az_count: int = Field(2, ge=2, le=3)
    vpc_id: Optional[str] = Field(None, pattern=r"^vpc-[0-9a-f]{8,17}$")
    subnet_ids: tuple[str, ...] = ()
    allowed_cidrs: tuple[str, ...] = ()
    # Copy the primary's automated backups (and transaction logs) to this region.
    replicate_backups: bool = True
    backup_retention_days: int = Field(7, ge=1, le=35)

    @field_validator("subnet_ids")
    @classmethod
    def _subnet_ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _check_subnet_ids(v)

    @field_validator("allowed_cidrs")
    @classmethod
    def _allowed_cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _cidrs(v)

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else _check_vpc_cidr(v)

    @property
    def has_network(self) -> bool:
        return self.vpc_cidr is not None or bool(self.subnet_ids)


class ProxySettings(_Model):
    """RDS Proxy in front of the primary: connection pooling and faster failover."""

    # Seconds a client connection may idle before the proxy closes it.
    idle_client_timeout: int = 1800
    # Percent of the database's max_connections the proxy may open / keep idle.
    max_connections_percent: int = 90
    max_idle_connections_percent: int = 50
    # Seconds a client waits for a pooled connection before an error.
    connection_borrow_timeout: int = 120
    # Clients authenticate with IAM tokens instead of the database password.
    iam_auth: bool = True

    @field_validator("idle_client_timeout")
    @classmethod
    def _idle(cls, v: int) -> int:
        return _within(v, catalog.PROXY_IDLE_CLIENT_TIMEOUT_SECONDS, "seconds")

    @field_validator("connection_borrow_timeout")
    @classmethod
    def _borrow(cls, v: int) -> int:
        return _within(v, catalog.PROXY_BORROW_TIMEOUT_SECONDS, "seconds")

    @field_validator("max_connections_percent")
    @classmethod
    def _max(cls, v: int) -> int:
        return _within(v, catalog.PROXY_CONNECTIONS_PERCENT, "percent")

    @field_validator("max_idle_connections_percent")
    @classmethod
    def _idle_pct(cls, v: int) -> int:
        return _within(v, catalog.PROXY_IDLE_CONNECTIONS_PERCENT, "percent")


class AlarmSettings(_Model):
    """CloudWatch alarms, the SNS topic they notify, RDS event subscription and dashboard."""

    enabled: bool = True
    emails: tuple[str, ...] = ()
    https_endpoints: tuple[str, ...] = ()
    # Overrides of the defaults in components/alarm_catalog.py, by key (e.g. cpuUtilizationPercent).
    thresholds: dict[str, float] = {}
    dashboard: bool = True

    @field_validator("emails")
    @classmethod
    def _emails(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [e for e in v if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}", e)]
        if bad:
            raise ValueError(f"{bad} are not email addresses")
        return v

    @field_validator("https_endpoints")
    @classmethod
    def _https(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [u for u in v if not re.fullmatch(r"https://[^\s/]+(/\S*)?", u)]
        if bad:
            raise ValueError(f"{bad} are not https:// URLs (SNS refuses plain http for alarms here)")
        return v

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(alarm_catalog.BY_KEY))
        if unknown:
            raise ValueError(f"unknown {unknown}; allowed: {', '.join(alarm_catalog.BY_KEY)}")
        negative = sorted(k for k, t in v.items() if t < 0)
        if negative:
            raise ValueError(f"{negative} must not be negative")
        return v


class ReaderAutoScalingSettings(_Model):
    """Aurora readers added and removed by Application Auto Scaling on average reader CPU."""

    min_readers: int = Field(1, ge=0, le=15)
    max_readers: int = Field(3, ge=1, le=15)
    target_cpu_percent: float = Field(70, gt=0, le=100)


class ClusterSettings(_Model):
    """Cluster options: Aurora readers, Serverless v2, backtrack; ignored for instances."""

    # Aurora reader instances beside the writer (promotion tier 1, before autoscaled readers).
    readers: int = Field(1, ge=0, le=15)
    # Unset: instanceClass. Ignored with Serverless v2 (every instance is db.serverless).
    reader_instance_class: Optional[str] = None
    # Both set: Aurora Serverless v2 with this capacity range in ACUs.
    serverless_min_acu: Optional[float] = None
    serverless_max_acu: Optional[float] = None
    # Aurora MySQL only: how far back the cluster can be rewound in place.
    backtrack_hours: int = 0
    # aurora (pay per I/O) or aurora-iopt1 (I/O-Optimized).
    storage_type: Literal["aurora", "aurora-iopt1"] = "aurora"
    reader_auto_scaling: Optional[ReaderAutoScalingSettings] = None

    @field_validator("reader_instance_class")
    @classmethod
    def _reader_class(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else _check_instance_class(v)

    @property
    def serverless(self) -> bool:
        return self.serverless_min_acu is not None or self.serverless_max_acu is not None


class RestoreSettings(_Model):
    """Create the primary from a snapshot or a point in time of another instance (creation only)."""

    snapshot_identifier: Optional[str] = None
    source_db_instance_identifier: Optional[str] = None
    # ISO 8601 UTC, e.g. 2026-11-20T03:30:00Z; or the latest restorable time.
    restore_time: Optional[str] = None
    use_latest_restorable_time: bool = False

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


class Settings(_Model):
    """Typed, validated settings of one stack. Field names map to camelCase config keys."""

    # Identity. `environment` and `region` come from the stack name and aws:region.
    environment: str = Field(exclude=True)
    region: str = Field(exclude=True)
    name: str = Field("appdb", pattern=r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")

    # Engine and size.
    # instance: one RDS instance (+ replicas); multi-az-cluster: a writer and two readable
    # standbys in three AZs; aurora: an Aurora cluster (provisioned or Serverless v2).
    deployment_option: Literal["instance", "multi-az-cluster", "aurora"] = "instance"
    engine: Literal["postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"] = "postgres"
    engine_version: Optional[str] = None
    instance_class: str = "db.t4g.micro"
    storage_type: Literal["gp2", "gp3", "io1", "io2"] = "gp3"
    allocated_storage: int = Field(20, ge=1)
    # 0 turns storage autoscaling off; any other value is the ceiling it may grow to.
    max_allocated_storage: int = Field(100, ge=0)
    iops: Optional[int] = Field(None, ge=1)
    storage_throughput: Optional[int] = Field(None, ge=1)

    # Database access.
    db_name: str = Field("app", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
    master_username: str = Field("dbadmin", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$")
    port: Optional[int] = Field(None, ge=1150, le=65535)
    credentials_mode: Literal["managed", "generated"] = "managed"
    secret_recovery_window_days: int = Field(30, ge=7, le=30)
    iam_auth: bool = True

    # Availability, backups and data safety.
    multi_az: bool = True
    backup_retention_days: int = Field(7, ge=1, le=35)
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:05:00-sun:06:00"
    deletion_protection: bool = True
    # protect=True and retain_on_delete=True on the database and its key: a `pulumi destroy`
    # or an accidental replacement must not delete production data.
    protect_resources: bool = True
    apply_immediately: bool = False
    auto_minor_version_upgrade: bool = True
    blue_green_update: bool = False

    # Observability.
    monitoring_interval: int = 60
    performance_insights: bool = True
    performance_insights_retention_days: int = 7
    log_retention_days: int = 30

    # Network: either an existing VPC's private subnets, or a small isolated VPC of our own.
    vpc_id: Optional[str] = Field(None, pattern=r"^vpc-[0-9a-f]{8,17}$")
    subnet_ids: tuple[str, ...] = ()
    vpc_cidr: str = "10.42.0.0/16"
    az_count: int = Field(2, ge=2, le=3)
    allowed_cidrs: tuple[str, ...] = ()
    allowed_security_group_ids: tuple[str, ...] = ()

    tags: dict[str, str] = {}
    parameters: dict[str, str] = {}

    # Production pieces: replicas, the DR region, the proxy, alarms; restore on creation.
    replicas: tuple[ReplicaSettings, ...] = ()
    disaster_recovery: Optional[DisasterRecoverySettings] = None
    proxy: Optional[ProxySettings] = None
    alarms: AlarmSettings = AlarmSettings()
    restore: Optional[RestoreSettings] = None
    cluster: ClusterSettings = ClusterSettings()

    # --- single-field rules -----------------------------------------------------------------

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if "--" in v:
            raise ValueError("RDS identifiers cannot contain two hyphens in a row")
        return v

    @field_validator("subnet_ids")
    @classmethod
    def _subnet_ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _check_subnet_ids(v)

    @field_validator("allowed_security_group_ids")
    @classmethod
    def _sg_ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [s for s in v if not re.fullmatch(r"sg-[0-9a-f]{8,17}", s)]
        if bad:
            raise ValueError(f"{bad} are not security group ids (sg-0123abcd...)")
        return v

    @field_validator("allowed_cidrs")
    @classmethod
    def _private_cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _cidrs(v)

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, v: str) -> str:
        return _check_vpc_cidr(v)

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, v: str) -> str:
        return _check_instance_class(v)

    @field_validator("monitoring_interval")
    @classmethod
    def _monitoring_interval(cls, v: int) -> int:
        return _one_of(v, catalog.MONITORING_INTERVALS)

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi_retention(cls, v: int) -> int:
        if v not in catalog.PERFORMANCE_INSIGHTS_RETENTION_DAYS:
            raise ValueError("must be 7, a multiple of 31 up to 713, or 731")
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _log_retention(cls, v: int) -> int:
        return _one_of(v, catalog.LOG_RETENTION_DAYS)

    @field_validator("backup_window")
    @classmethod
    def _backup_window(cls, v: str) -> str:
        _daily_window(v)
        return v

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, v: str) -> str:
        _weekly_window(v)
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        reserved = [k for k in v if k.lower().startswith("aws:") or k in DEFAULT_TAG_KEYS]
        if reserved:
            raise ValueError(f"{reserved} are set by the platform or reserved by AWS")
        return v

    # --- derived values ----------------------------------------------------------------------

    @property
    def engine_spec(self) -> catalog.EngineSpec:
        return catalog.ENGINES[self.engine]

    @property
    def version(self) -> str:
        return self.engine_version or self.engine_spec.default_version

    @property
    def db_port(self) -> int:
        return self.port or self.engine_spec.default_port

    @property
    def parameter_group_family(self) -> str:
        return self.engine_spec.parameter_group_family(self.version)

    @property
    def identifier(self) -> str:
        """The RDS identifier; deterministic so the plan is the same on every run."""
        return f"{self.name}-{self.environment}"

    @property
    def default_tags(self) -> dict[str, str]:
        return {
            "Environment": self.environment,
            "Project": PROJECT,
            "ManagedBy": "pulumi",
            **self.tags,
        }

    @property
    def uses_own_vpc(self) -> bool:
        return not self.subnet_ids

    def replica_identifier(self, replica: ReplicaSettings) -> str:
        return f"{self.identifier}-{replica.name}"

    def replica_region(self, replica: ReplicaSettings) -> str:
        return replica.region or self.region

    def is_cross_region(self, replica: ReplicaSettings) -> bool:
        return self.replica_region(replica) != self.region

    @property
    def dr_region(self) -> Optional[str]:
        return self.disaster_recovery.region if self.disaster_recovery else None

    @property
    def is_cluster(self) -> bool:
        return self.deployment_option != "instance"

    @property
    def is_aurora(self) -> bool:
        return self.deployment_option == "aurora"

    @property
    def major_version(self) -> str:
        return self.engine_spec.major_of(self.version) or self.version


DEFAULT_TAG_KEYS = ("Environment", "Project", "ManagedBy")


def _check_subnet_ids(v: tuple[str, ...]) -> tuple[str, ...]:
    bad = [s for s in v if not re.fullmatch(r"subnet-[0-9a-f]{8,17}", s)]
    if bad:
        raise ValueError(f"{bad} are not subnet ids (subnet-0123abcd...)")
    return v


def _cidrs(v: tuple[str, ...]) -> tuple[str, ...]:
    for cidr in v:
        _require_private_cidr(cidr)
    return v


def _check_vpc_cidr(v: str) -> str:
    net = _require_private_cidr(v)
    if not 16 <= net.prefixlen <= 24:
        raise ValueError(f"{v} must be between /16 and /24 so that each AZ gets a subnet")
    return v


def _within(value: int, bounds: tuple[int, int], unit: str) -> int:
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"must be {bounds[0]}..{bounds[1]} {unit}")
    return value


def _one_of(value: int, allowed: tuple[int, ...]) -> int:
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(map(str, allowed))}")
    return value


def _require_private_cidr(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        net = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        raise ValueError(f"{cidr!r} is not a CIDR block ({exc})") from None
    # is_private is also true for loopback and link-local ranges, which are never clients.
    if not net.is_private or net.is_loopback or net.is_link_local or net.prefixlen == 0:
        raise ValueError(f"{cidr} is not a private range (10/8, 172.16/12, 192.168/16, fc00::/7)")
    return net


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_MINUTES = 24 * 60
_WEEK_MINUTES = 7 * _DAY_MINUTES


def _clock(text: str) -> int:
    hours, minutes = int(text[:2]), int(text[3:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a time of day")
    return hours * 60 + minutes


def _daily_window(text: str) -> tuple[int, int]:
    """Parse hh24:mi-hh24:mi into (start, length) in minutes; RDS wants at least 30."""
    if not re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", text):
        raise ValueError("must be hh24:mi-hh24:mi in UTC, e.g. 03:00-04:00")
    start, end = _clock(text[:5]), _clock(text[6:])
    length = (end - start) % _DAY_MINUTES
    if length < 30:
        raise ValueError("must be at least 30 minutes long")
    return start, length


def _weekly_window(text: str) -> tuple[int, int]:
    """Parse ddd:hh24:mi-ddd:hh24:mi into (start-of-week minute, length)."""
    match = re.fullmatch(r"([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)", text.lower())
    if not match or match.group(1) not in _DAYS or match.group(3) not in _DAYS:
        raise ValueError("must be ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. sun:05:00-sun:06:00")
    start = _DAYS.index(match.group(1)) * _DAY_MINUTES + _clock(match.group(2))
    end = _DAYS.index(match.group(3)) * _DAY_MINUTES + _clock(match.group(4))
    length = (end - start) % _WEEK_MINUTES
    if length < 30:
        raise ValueError("must be at least 30 minutes long")
    return start, length


def _windows_overlap(backup: str, maintenance: str) -> bool:
    b_start, b_len = _daily_window(backup)
    m_start, m_len = _weekly_window(maintenance)
    for day in range(7):
        start = day * _DAY_MINUTES + b_start
        # Compare on a circle of one week: two arcs overlap if either starts inside the other.
        if (start - m_start) % _WEEK_MINUTES < m_len or (m_start - start) % _WEEK_MINUTES < b_len:
            return True
    return False


def _key(name: str) -> str:
    return f"{PROJECT}:{name}"


def _describe_pydantic_error(error: dict[str, Any]) -> str:
    loc = error["loc"]
    key = _key(".".join(str(p) for p in loc)) if loc else PROJECT
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown setting (check the spelling against Pulumi.yaml)"
    if error["type"] == "missing":
        return f"{key}: required"
    return f"{key} = {json.dumps(error['input'], default=str)}: {message}"


_UNSET = {"engineVersion": "", "vpcId": "", "iops": 0, "storageThroughput": 0, "port": 0}


def parse(raw: dict[str, Any], *, environment: str, region: Optional[str]) -> Settings:
    """Build Settings from raw camelCase config values, or raise SettingsError with every problem."""
    if not region:
        raise SettingsError(["aws:region: required; set it with `pulumi config set aws:region <region>`"])
    # Pulumi.yaml declares "unset" as "" or 0 (project config needs a default of the key's type).
    raw = {k: v for k, v in raw.items() if _UNSET.get(k, object()) != v}
    try:
        settings = Settings.model_validate({**raw, "environment": environment, "region": region})
    except pydantic.ValidationError as exc:
        raise SettingsError([_describe_pydantic_error(e) for e in exc.errors()]) from None
    # The rules that involve several keys live in their own module (they import these models).
    from components.settings_rules import cross_field_problems

    problems = cross_field_problems(settings)
    if problems:
        raise SettingsError(problems)
    return settings


# Keys whose values are structured (objects or lists); pulumi.Config hands them over as JSON.
_STRUCTURED = frozenset({
    "subnetIds", "allowedCidrs", "allowedSecurityGroupIds", "tags", "parameters",
    "replicas", "disasterRecovery", "proxy", "alarms", "restore", "cluster",
})


def _project_config_keys() -> list[str]:
    """Every key set in this project's namespace: the stack file's and PULUMI_CONFIG's."""
    from pulumi.runtime import config as runtime_config

    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env() or {})
    prefix = f"{PROJECT}:"
    return sorted(k[len(prefix):] for k in keys if k.startswith(prefix))


def parse_config_text(values: dict[str, str], *, environment: str) -> Settings:
    """Validate config as the CLI hands it to a program: "<namespace>:<key>" -> text.

    Used by `load()` inside the program and by the Automation API entry point, so a
    deployment service's overrides are judged by exactly the same rules.
    """
    raw: dict[str, Any] = {}
    problems: list[str] = []
    prefix = f"{PROJECT}:"
    for full_key, text in sorted(values.items()):
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        try:
            structured = key in _STRUCTURED or (_looks_scalar_json(text) and not _is_text(key))
            raw[key] = json.loads(text) if structured else text
        except json.JSONDecodeError:
            problems.append(f"{_key(key)} = {text!r}: not valid JSON for a structured setting")
    if problems:
        raise SettingsError(problems)
    return parse(raw, environment=environment, region=values.get("aws:region"))


def load() -> Settings:
    """Read this stack's config (the only `pulumi.Config` reader) and validate it.

    Raises `pulumi.RunError`, which the Pulumi CLI prints as a plain message, no traceback.
    """
    import pulumi

    config = pulumi.Config(PROJECT)
    values = {f"{PROJECT}:{key}": config.get(key) for key in _project_config_keys()}
    values = {k: v for k, v in values.items() if v is not None}
    region = pulumi.Config("aws").get("region")
    if region is not None:
        values["aws:region"] = region
    try:
        return parse_config_text(values, environment=pulumi.get_stack())
    except SettingsError as exc:
        raise pulumi.RunError(str(exc)) from None


def _is_text(key: str) -> bool:
    """Settings typed as text ("16" is a version, not a number)."""
    for name, info in Settings.model_fields.items():
        if info.alias == key or to_camel(name) == key:
            return info.annotation in (str, Optional[str])
    return False


def _looks_scalar_json(text: str) -> bool:
    # Stack files hold numbers and booleans; Pulumi hands them over as strings.
    return text in ("true", "false") or re.fullmatch(r"-?\d+", text) is not None
