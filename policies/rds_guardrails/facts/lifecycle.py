"""End of RDS/Aurora standard support and of RDS Extended Support per engine major version.

On the end-of-standard-support date RDS enrols a database in RDS Extended Support, which is paid,
unless it was created with EngineLifecycleSupport=open-source-rds-extended-support-disabled (RDS User
Guide, "Using Amazon RDS Extended Support"; Aurora User Guide, same title). The dates are data,
`calendar.json` beside this module: per engine, the release calendar it was read from and the date
read; per major, the last day of standard and of Extended Support.

The same dates are live in `aws rds describe-db-major-engine-versions` (SupportedEngineLifecycles);
a tool with AWS access should prefer those and use this table offline. Every function is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from rds_guardrails.facts import load
from rds_guardrails.facts.engine_version import major_of as _major_of

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


def _day(text: Optional[str]) -> Optional[date]:
    return date.fromisoformat(text) if text else None


_CALENDAR = load("calendar.json")["engines"]
SOURCES: dict[str, str] = {engine: row["source"] for engine, row in _CALENDAR.items()}
# The day the table was last compared with the AWS pages (the oldest row's date read).
AS_OF = min(date.fromisoformat(row["read"]) for row in _CALENDAR.values())
TABLE: dict[str, dict[str, Support]] = {
    engine: {major: Support(date.fromisoformat(m["standardEnd"]), _day(m["extendedEnd"]))
             for major, m in row["majors"].items()}
    for engine, row in _CALENDAR.items()
}
_EXTENDED = frozenset(engine for engine, row in _CALENDAR.items() if row["extendedSupport"])


def has_extended_support(engine: str) -> bool:
    """Whether AWS offers RDS Extended Support for the engine (not MariaDB, not commercial engines)."""
    return engine in _EXTENDED


def major_of(engine: str, version: object) -> Optional[str]:
    """The major version AWS's calendars list ("16", "8.0"), or None when it cannot be read."""
    return _major_of(engine, version)


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
    if not has_extended_support(engine):  # RDS for MariaDB: no Extended Support after standard support
        return "ended"
    if row.extended_end is None or today <= row.extended_end:
        return "extended"
    return "ended"
