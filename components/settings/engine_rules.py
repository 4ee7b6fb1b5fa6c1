"""Rules across keys about the engine: versions, user names, windows, TLS, blue/green."""

from __future__ import annotations

from datetime import date, datetime, timezone

from components import catalog
from components.settings import windows
from components.settings.base import config_key
from components.settings.model import Settings
from rds_guardrails.facts import lifecycle

EXTENDED_SUPPORT_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"


def version_problems(s: Settings) -> list[str]:
    """The engine version must be one of the engine's offered majors."""
    problems: list[str] = []
    key = config_key
    spec = s.engine_spec

    if s.engine_version is not None:
        major = spec.major_of(s.engine_version)
        if major is None:
            problems.append(
                f"{key('engineVersion')} = {s.engine_version!r}: not a {s.engine} version "
                f"(e.g. {spec.default_version})"
            )
        elif major not in spec.majors:
            problems.append(
                f"{key('engineVersion')} = {s.engine_version!r}: {s.engine} {major} is not offered; "
                f"allowed major versions: {', '.join(spec.majors)}"
            )
    problems += past_standard_support_problems(s, datetime.now(timezone.utc).date())
    return problems


def past_standard_support_problems(s: Settings, today: date) -> list[str]:
    """A new database on a major past its end of standard support, with Extended Support disabled:
    AWS refuses to create it (CreateDBInstance / CreateDBCluster, EngineLifecycleSupport: "creating the
    DB instance will fail if the DB major version is past its end of standard support date")."""
    end = lifecycle.standard_support_end(s.engine, s.version)
    if s.lifecycle_support != catalog.EXTENDED_SUPPORT_DISABLED or end is None or today <= end:
        return []
    spec = s.engine_spec
    open_majors = [m for m in spec.majors if (lifecycle.standard_support_end(s.engine, m) or today) >= today]
    return [
        f"{config_key('engineVersion')} = {s.version!r}: standard support of {s.engine} {spec.major_of(s.version)} "
        f"ended on {end.isoformat()} and {config_key('engineLifecycleSupport')} is "
        f"{catalog.EXTENDED_SUPPORT_DISABLED!r}, so AWS refuses to create the database (and upgrades an existing "
        f"one); set engineVersion to a major in standard support ({', '.join(open_majors)}) or engineLifecycleSupport "
        f"to {catalog.EXTENDED_SUPPORT!r} (billed; see {EXTENDED_SUPPORT_DOC}, EngineLifecycleSupport)"
    ]


def operation_problems(s: Settings) -> list[str]:
    """User and database names, windows, blue/green, TLS and minor-version pins, per engine."""
    problems: list[str] = []
    key = config_key
    spec = s.engine_spec

    if s.master_username.lower() in spec.reserved_usernames:
        problems.append(
            f"{key('masterUsername')} = {s.master_username!r}: a default or reserved name on "
            f"{s.engine}; choose another (not {', '.join(sorted(spec.reserved_usernames))})"
        )
    if s.engine in ("mysql", "mariadb") and len(s.db_name) > 64:
        problems.append(f"{key('dbName')} = {s.db_name!r}: at most 64 characters on {s.engine}")

    try:
        if windows.windows_overlap(s.backup_window, s.maintenance_window):
            problems.append(
                f"{key('backupWindow')} = {s.backup_window!r} overlaps {key('maintenanceWindow')} = "
                f"{s.maintenance_window!r}: RDS refuses overlapping windows; move one of them"
            )
    except ValueError:
        pass  # already reported by the field validators

    if s.blue_green_update and s.credentials_mode == "managed":
        problems.append(
            f"{key('blueGreenUpdate')} = true with {key('credentialsMode')} = 'managed': RDS "
            "blue/green deployments do not support an RDS-managed master password; use "
            "credentialsMode 'generated' or turn blueGreenUpdate off"
        )
    # RDS User Guide, "Limitations and considerations for Amazon RDS blue/green deployments",
    # General limitations: not supported for "Cascading read replicas; Cross-Region read
    # replicas; ...". RDS Proxy is allowed: "Using RDS Proxy with Blue/Green Deployments" ("RDS
    # Proxy supports Blue/Green Deployments for RDS for PostgreSQL, RDS for MySQL and RDS for
    # MariaDB"), whose one limitation (the instance is a proxy target before the blue/green
    # deployment is created) holds: the target is registered with the instance's creation, and
    # blue/green updates only ever modify an existing instance.
    bg_doc = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/blue-green-deployments-considerations.html"
    cross_region = [r.name for r in s.replicas if s.is_cross_region(r)]
    if s.blue_green_update and cross_region:
        problems.append(f"{key('blueGreenUpdate')} = true with cross-region {key('replicas')} {cross_region}: RDS "
                        f"blue/green deployments do not support cross-Region read replicas (see {bg_doc})")
    if s.blue_green_update and s.backup_retention_days < 1:
        problems.append(f"{key('blueGreenUpdate')} needs automated backups")

    if s.engine_lifecycle_support is not None and s.lifecycle_support is None:
        # RDS API CreateDBInstance, EngineLifecycleSupport: "This setting applies only to RDS for
        # MySQL and RDS for PostgreSQL"; DescribeDBMajorEngineVersions lists only standard
        # support for MariaDB (SupportedEngineLifecycle).
        problems.append(
            f"{key('engineLifecycleSupport')} = {s.engine_lifecycle_support!r} with {key('engine')} = "
            f"{s.engine!r}: RDS for MariaDB has no Extended Support; remove engineLifecycleSupport (see "
            f"{EXTENDED_SUPPORT_DOC})")

    tls_name, _ = spec.tls_parameter
    if tls_name in s.parameters and s.parameters[tls_name] != spec.tls_parameter[1]:
        problems.append(
            f"{key('parameters')}.{tls_name} = {s.parameters[tls_name]!r}: TLS is enforced by the "
            f"platform; {tls_name} must stay {spec.tls_parameter[1]!r} (or be left out)"
        )

    # Aurora UG, Limitations of Amazon Aurora Global Database: "Automatic minor version upgrade doesn't
    # apply to Aurora MySQL and Aurora PostgreSQL clusters that are part of a global database": there,
    # AWS never moves a pinned minor, so the pin is no drift.
    global_database = s.is_aurora and s.disaster_recovery is not None
    if s.engine_version is not None and s.auto_minor_version_upgrade and spec.major_of(s.engine_version) \
            and not spec.is_major_only(s.engine_version) and not global_database:
        major = spec.major_of(s.engine_version)
        problems.append(
            f"{key('engineVersion')} = {s.engine_version!r} pins a minor version while "
            f"{key('autoMinorVersionUpgrade')} is on: RDS moves the minor version in a maintenance "
            f"window and the next plan would try to go back. Set engineVersion to {major!r} "
            "(RDS picks the latest minor) or turn autoMinorVersionUpgrade off"
        )
    return problems
