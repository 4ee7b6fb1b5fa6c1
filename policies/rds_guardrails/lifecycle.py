"""End of RDS/Aurora standard support and of RDS Extended Support per engine major version.

On the end-of-standard-support date RDS enrols a database in RDS Extended Support, which is paid,
unless it was created with EngineLifecycleSupport=open-source-rds-extended-support-disabled (RDS User
Guide, "Using Amazon RDS Extended Support"; Aurora User Guide, same title). The dates below are
copied from AWS's release calendars, checked on AS_OF:

- RDS for PostgreSQL: Amazon RDS for PostgreSQL Release Notes, "Release calendars for Amazon RDS for
  PostgreSQL", https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html
- RDS for MySQL: RDS User Guide, "MySQL on Amazon RDS versions" -> "Supported MySQL major versions on
  Amazon RDS", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html
- Aurora PostgreSQL: Aurora PostgreSQL Release Notes, "Release calendar for Aurora PostgreSQL major
  versions", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html
- Aurora MySQL: Aurora MySQL Release Notes, "Release calendar for Aurora MySQL major versions",
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraMySQLReleaseNotes/AuroraMySQL.release-calendars.html

RDS for MariaDB has no Extended Support: DescribeDBMajorEngineVersions returns only
open-source-rds-standard-support for it (RDS API Reference, "SupportedEngineLifecycle").

The same dates are live in `aws rds describe-db-major-engine-versions` (SupportedEngineLifecycles);
a tool with AWS access should prefer those and use this table offline. Every function is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

# The day the table was last compared with the AWS pages above.
AS_OF = date(2026, 12, 5)

# EngineLifecycleSupport values (RDS API Reference, CreateDBInstance / CreateDBCluster /
# CreateGlobalCluster, EngineLifecycleSupport). Unset means enabled: RDS enrols and bills.
EXTENDED_SUPPORT = "open-source-rds-extended-support"
EXTENDED_SUPPORT_DISABLED = "open-source-rds-extended-support-disabled"
LIFECYCLE_VALUES = (EXTENDED_SUPPORT, EXTENDED_SUPPORT_DISABLED)


@dataclass(frozen=True)
class Support:
    """One major version's end of standard support and, when announced, of Extended Support."""

    standard_end: date
    extended_end: Optional[date]


SOURCES = {
    "postgres": "https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html",
    "mysql": "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/MySQL.Concepts.VersionMgmt.html",
    "aurora-postgresql": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html",
    "aurora-mysql": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraMySQLReleaseNotes/AuroraMySQL.release-calendars.html",
}

_D = date
TABLE: dict[str, dict[str, Support]] = {
    "postgres": {
        "11": Support(_D(2024, 2, 29), _D(2027, 3, 31)),
        "12": Support(_D(2025, 2, 28), _D(2028, 2, 29)),
        "13": Support(_D(2026, 2, 28), _D(2029, 2, 28)),
        "14": Support(_D(2027, 2, 28), _D(2030, 2, 28)),
        "15": Support(_D(2028, 2, 29), _D(2031, 2, 28)),
        "16": Support(_D(2029, 2, 28), _D(2032, 2, 29)),
        "17": Support(_D(2030, 2, 28), _D(2033, 2, 28)),
        "18": Support(_D(2031, 2, 28), _D(2034, 2, 28)),
    },
    "mysql": {
        "5.7": Support(_D(2024, 2, 29), _D(2029, 6, 30)),
        "8.0": Support(_D(2026, 7, 31), _D(2029, 7, 31)),
        "8.4": Support(_D(2029, 7, 31), _D(2032, 7, 31)),
    },
    "aurora-postgresql": {
        "11": Support(_D(2024, 2, 29), _D(2027, 3, 31)),
        "12": Support(_D(2025, 2, 28), _D(2028, 2, 29)),
        "13": Support(_D(2026, 2, 28), _D(2029, 2, 28)),
        "14": Support(_D(2027, 2, 28), _D(2030, 2, 28)),
        "15": Support(_D(2028, 2, 29), _D(2031, 2, 28)),
        "16": Support(_D(2029, 2, 28), _D(2032, 2, 28)),
        "17": Support(_D(2030, 2, 28), _D(2033, 2, 28)),
        "18": Support(_D(2031, 2, 28), _D(2034, 2, 28)),
    },
    # Aurora major versions as the engine version string carries them: "5.7.mysql_aurora.2.x" is
    # Aurora MySQL version 2, "8.0.mysql_aurora.3.x" version 3.
    "aurora-mysql": {
        "5.7": Support(_D(2024, 10, 31), _D(2029, 6, 30)),
        "8.0": Support(_D(2028, 4, 30), _D(2029, 7, 31)),
        # The calendar gives "April 2032" and no Extended Support date yet; the month's first day
        # errs towards warning early.
        "8.4": Support(_D(2032, 4, 1), None),
    },
}

_MAJOR = {
    # PostgreSQL 10 and later: the first number ("16", "16.4", "11.22-rds.20240208").
    "postgres": re.compile(r"^(?P<major>\d+)(?:[.-]|$)"),
    # MySQL: X.Y ("8.0", "8.0.39", "5.7.44-rds.20240408"); Aurora MySQL: "8.0.mysql_aurora.3.08.0".
    "mysql": re.compile(r"^(?P<major>\d+\.\d+)(?:[.-]|$)"),
}
_MAJOR["aurora-postgresql"] = _MAJOR["postgres"]
_MAJOR["aurora-mysql"] = _MAJOR["mysql"]
_MAJOR["mariadb"] = _MAJOR["mysql"]


def has_extended_support(engine: str) -> bool:
    """Whether AWS offers RDS Extended Support for the engine (not MariaDB, not commercial engines)."""
    return engine in TABLE


def major_of(engine: str, version: object) -> Optional[str]:
    """The major version AWS's calendars list ("16", "8.0"), or None when it cannot be read."""
    pattern = _MAJOR.get(engine)
    if pattern is None or not isinstance(version, str):
        return None
    match = pattern.match(version.strip())
    return match.group("major") if match else None


def support(engine: str, version: object) -> Optional[Support]:
    """The table's row for the engine's major version, None when the table has none."""
    major = major_of(engine, version)
    return TABLE.get(engine, {}).get(major) if major else None


def standard_support_end(engine: str, version: object) -> Optional[date]:
    """Last day of RDS/Aurora standard support for the major version, None when unknown."""
    row = support(engine, version)
    return row.standard_end if row else None


def extended_support_end(engine: str, version: object) -> Optional[date]:
    """Last day of RDS Extended Support for the major version, None when unknown or unannounced."""
    row = support(engine, version)
    return row.extended_end if row else None


def days_to_standard_support_end(engine: str, version: object, today: date) -> Optional[int]:
    """Days from `today` to the end of standard support (negative once past), None when unknown."""
    end = standard_support_end(engine, version)
    return (end - today).days if end else None


def phase(engine: str, version: object, today: date) -> Optional[str]:
    """"standard", "extended" (paid, or upgrade forced if disabled) or "ended"; None when unknown."""
    row = support(engine, version)
    if row is None:
        return None
    if today <= row.standard_end:
        return "standard"
    if row.extended_end is None or today <= row.extended_end:
        return "extended"
    return "ended"
