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
    name: str = Field("appdb", pattern=r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$",
        description="Prefix of every name; the RDS identifier is <name>-<stack>.")

    # Engine and size.
    # instance: one RDS instance (+ replicas); multi-az-cluster: a writer and two readable
    # standbys in three AZs; aurora: an Aurora cluster (provisioned or Serverless v2).
    deployment_option: Literal["instance", "multi-az-cluster", "aurora"] = Field("instance",
        description=("instance (one RDS instance and its replicas), multi-az-cluster (a writer and two readable standbys "
                     "in three AZs) or aurora."))
    engine: Literal["postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"] = Field("postgres",
        description=("postgres, mysql or mariadb (instance); postgres or mysql (multi-az-cluster); aurora-postgresql or "
                     "aurora-mysql (aurora)."))
    engine_version: Optional[str] = Field(None,
        description=("Engine major version (16, 8.0, 10.11), or a full version with autoMinorVersionUpgrade off; empty "
                     "picks the catalog default."))
    instance_class: str = Field("db.t4g.micro",
        description="RDS instance class, db.<family>.<size>.")
    storage_type: Literal["gp2", "gp3", "io1", "io2"] = Field("gp3",
        description="gp2, gp3, io1 or io2.")
    allocated_storage: int = Field(20, ge=1,
        description="Initial storage in GiB (gp2/gp3 at least 20, io1/io2 at least 100).")
    # 0 turns storage autoscaling off; any other value is the ceiling it may grow to.
    max_allocated_storage: int = Field(100, ge=0,
        description="Storage autoscaling ceiling in GiB; 0 turns autoscaling off.")
    iops: Optional[int] = Field(None, ge=1,
        description="Provisioned IOPS (io1/io2, or gp3 from 400 GiB); 0 leaves it unset.")
    storage_throughput: Optional[int] = Field(None, ge=1,
        description="gp3 throughput in MiB/s (from 400 GiB); 0 leaves it unset.")

    # Database access.
    db_name: str = Field("app", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$",
        description="Name of the database created in the instance.")
    master_username: str = Field("dbadmin", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$",
        description="Master user name; default names (admin, postgres, root...) are refused.")
    port: Optional[int] = Field(None, ge=1150, le=65535,
        description="Database port; 0 picks the engine default (5432 or 3306).")
    credentials_mode: Literal["managed", "generated"] = Field("managed",
        description=("managed (RDS-managed secret, rotated by RDS) or generated (random password in Secrets Manager). Read"
                     " replicas and Aurora global databases need generated."))
    # Generated mode: Secrets Manager rotates the password with AWS's single-user rotation
    # function every this many days (components/rotation.py); 0 turns rotation off.
    secret_rotation_days: int = Field(30, ge=0, le=365,
        description=("Generated mode, days between rotations by AWS's single-user rotation function (0 turns rotation "
                     "off)."))
    secret_recovery_window_days: int = Field(30, ge=7, le=30,
        description="Days a deleted generated secret can still be restored (7-30).")
    iam_auth: bool = Field(True,
        description="IAM database authentication.")

    # Availability, backups and data safety.
    multi_az: bool = Field(True,
        description="A synchronous standby in another availability zone.")
    backup_retention_days: int = Field(7, ge=1, le=35,
        description="Days of automated backups (1-35).")
    backup_window: str = Field("03:00-04:00",
        description="Daily backup window, hh24:mi-hh24:mi UTC, at least 30 minutes.")
    maintenance_window: str = Field("sun:05:00-sun:06:00",
        description="Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC; must not overlap the backup window.")
    deletion_protection: bool = Field(True,
        description="RDS refuses to delete the instance while this is on.")
    # protect=True and retain_on_delete=True on the database and its key: a `pulumi destroy`
    # or an accidental replacement must not delete production data.
    protect_resources: bool = Field(True,
        description="Pulumi protect and retain-on-delete on the database and its key.")
    apply_immediately: bool = Field(False,
        description="Apply changes now instead of in the maintenance window.")
    auto_minor_version_upgrade: bool = Field(True,
        description="Let RDS apply minor engine versions in the maintenance window.")
    blue_green_update: bool = Field(False,
        description="Use an RDS blue/green deployment for updates that support it (needs credentialsMode generated).")
    # RDS Extended Support past the end of standard support (paid). Unset: disabled, so no
    # database is billed for it without a stack deciding so; MariaDB has none (settings refuse it).
    engine_lifecycle_support: Optional[Literal["open-source-rds-extended-support",
                                               "open-source-rds-extended-support-disabled"]] = Field(None,
        description=("RDS Extended Support past the engine's end of standard support, open-source-rds-extended-support "
                     "(paid) or open-source-rds-extended-support-disabled; empty means disabled. Not for mariadb. See "
                     "docs/extended-support.md."))

    # Observability.
    monitoring_interval: int = Field(60,
        description="Enhanced monitoring interval in seconds (0, 1, 5, 10, 15, 30, 60).")
    performance_insights: bool = Field(True,
        description="Performance Insights, encrypted with the platform key.")
    performance_insights_retention_days: int = Field(7,
        description="Performance Insights retention (7, a multiple of 31, or 731).")
    # CloudWatch Database Insights mode (pulumi-aws `database_insights_mode`); unset leaves
    # the AWS default. advanced needs Performance Insights kept >= 465 days (insights_rules).
    database_insights: Optional[Literal["standard", "advanced"]] = Field(None,
        description=("CloudWatch Database Insights mode, standard or advanced (advanced needs performanceInsights and a "
                     "retention of at least 465 days); empty leaves the AWS default."))
    log_retention_days: int = Field(30,
        description="Retention of the engine log groups, in a value CloudWatch Logs accepts.")

    # Network: either an existing VPC's private subnets, or a small isolated VPC of our own.
    vpc_id: Optional[str] = Field(None, pattern=r"^vpc-[0-9a-f]{8,17}$",
        description="Existing VPC of subnetIds; empty builds an isolated VPC.")
    subnet_ids: tuple[str, ...] = Field((), description="At least 2 private subnets of vpcId; empty builds an isolated VPC.")
    vpc_cidr: str = Field("10.42.0.0/16",
        description="CIDR of the isolated VPC built when no subnets are given (private, /16 to /24).")
    # Unset: 3 for a Multi-AZ DB cluster (its subnet group must cover three AZs), else 2.
    az_count: Optional[int] = Field(None, ge=2, le=3,
        description=("Availability zones of the isolated VPC (2 or 3); 0 picks 3 for multi-az-cluster (its subnet group "
                     "must cover three AZs), else 2."))
    allowed_cidrs: tuple[str, ...] = Field((), description="Private CIDRs (IPv4/IPv6) that may reach the database port; public ranges are refused.")
    allowed_security_group_ids: tuple[str, ...] = Field((), description="Security groups that may reach the database port (needs vpcId).")

    tags: dict[str, str] = Field({}, description="Extra default tags (Environment, Project, ManagedBy are set by the platform).")
    # Secret keys (components/settings/secrets.py): their values reach every resource as secrets.
    parameters: dict[str, str] = Field({},
        description=("Secret. Extra DB parameters of the engine (name -> value); the TLS parameter cannot be switched off."))
    alarm_https_endpoints: tuple[str, ...] = Field((),
        description="Secret. https webhook URLs subscribed to the alarm topics (they usually carry a token).")

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
