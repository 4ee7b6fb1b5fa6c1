"""The typed settings of one stack: every key of the stack file, and what follows from them."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, field_validator

from components import catalog
from components.settings import checks, windows
from components.settings.alarms import AlarmSettings
from components.settings.adoption import ImportIdSettings
from components.settings.base import DEFAULT_TAG_KEYS, PROJECT, SettingsModel
from components.settings.clusters import ClusterSettings
from components.settings.proxy import ProxySettings
from components.settings.replicas import DisasterRecoverySettings, ReplicaSettings
from components.settings.restore import RestoreSettings


class Settings(SettingsModel):
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
    # Generated mode: Secrets Manager rotates the password with AWS's single-user rotation
    # function every this many days (components/rotation.py); 0 turns rotation off.
    secret_rotation_days: int = Field(30, ge=0, le=365)
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
    # RDS Extended Support past the end of standard support (paid). Unset: disabled, so no
    # database is billed for it without a stack deciding so; MariaDB has none (settings refuse it).
    engine_lifecycle_support: Optional[Literal["open-source-rds-extended-support",
                                               "open-source-rds-extended-support-disabled"]] = None

    # Observability.
    monitoring_interval: int = 60
    performance_insights: bool = True
    performance_insights_retention_days: int = 7
    # CloudWatch Database Insights mode (pulumi-aws `database_insights_mode`); unset leaves
    # the AWS default. advanced needs Performance Insights kept >= 465 days (insights_rules).
    database_insights: Optional[Literal["standard", "advanced"]] = None
    log_retention_days: int = 30

    # Network: either an existing VPC's private subnets, or a small isolated VPC of our own.
    vpc_id: Optional[str] = Field(None, pattern=r"^vpc-[0-9a-f]{8,17}$")
    subnet_ids: tuple[str, ...] = Field((), description="At least 2 private subnets of vpcId; empty builds an isolated VPC.")
    vpc_cidr: str = "10.42.0.0/16"
    # Unset: 3 for a Multi-AZ DB cluster (its subnet group must cover three AZs), else 2.
    az_count: Optional[int] = Field(None, ge=2, le=3)
    allowed_cidrs: tuple[str, ...] = Field((), description="Private CIDRs (IPv4/IPv6) that may reach the database port; public ranges are refused.")
    allowed_security_group_ids: tuple[str, ...] = Field((), description="Security groups that may reach the database port (needs vpcId).")

    tags: dict[str, str] = Field({}, description="Extra default tags (Environment, Project, ManagedBy are set by the platform).")
    # Secret keys (components/settings/secrets.py): their values reach every resource as secrets.
    parameters: dict[str, str] = {}
    alarm_https_endpoints: tuple[str, ...] = ()

    # Production pieces: replicas, the DR region, the proxy, alarms; restore on creation.
    replicas: tuple[ReplicaSettings, ...] = ()
    disaster_recovery: Optional[DisasterRecoverySettings] = None
    proxy: Optional[ProxySettings] = None
    alarms: AlarmSettings = AlarmSettings()
    restore: Optional[RestoreSettings] = None
    cluster: ClusterSettings = ClusterSettings()
    # Resources that exist already: the first `up` imports them (components/settings/adoption.py).
    import_ids: ImportIdSettings = ImportIdSettings()

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
        return checks.subnet_ids(v)

    @field_validator("allowed_security_group_ids")
    @classmethod
    def _sg_ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return checks.security_group_ids(v)

    @field_validator("allowed_cidrs")
    @classmethod
    def _private_cidrs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return checks.private_cidrs(v)

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, v: str) -> str:
        return checks.vpc_cidr(v)

    @field_validator("alarm_https_endpoints")
    @classmethod
    def _alarm_https_endpoints(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return checks.https_urls(v)

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, v: str) -> str:
        return checks.instance_class(v)

    @field_validator("monitoring_interval")
    @classmethod
    def _monitoring_interval(cls, v: int) -> int:
        return checks.one_of(v, catalog.MONITORING_INTERVALS)

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi_retention(cls, v: int) -> int:
        if v not in catalog.PERFORMANCE_INSIGHTS_RETENTION_DAYS:
            raise ValueError("must be 7, a multiple of 31 up to 713, or 731")
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _log_retention(cls, v: int) -> int:
        return checks.one_of(v, catalog.LOG_RETENTION_DAYS)

    @field_validator("backup_window")
    @classmethod
    def _backup_window(cls, v: str) -> str:
        windows.daily_window(v)
        return v

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, v: str) -> str:
        windows.weekly_window(v)
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
    def rotates_secret(self) -> bool:
        """A generated password that Secrets Manager rotates (components/rotation.py)."""
        return self.credentials_mode == "generated" and self.secret_rotation_days > 0

    @property
    def effective_az_count(self) -> int:
        """The AZs of the own VPC: azCount, else 3 for a Multi-AZ DB cluster and 2 otherwise."""
        if self.az_count is not None:
            return self.az_count
        return 3 if self.deployment_option == "multi-az-cluster" else 2

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
    def lifecycle_support(self) -> Optional[str]:
        """EngineLifecycleSupport stated on the database; None where AWS takes none (MariaDB)."""
        if self.engine not in catalog.EXTENDED_SUPPORT_ENGINES:
            return None
        return self.engine_lifecycle_support or catalog.EXTENDED_SUPPORT_DISABLED
