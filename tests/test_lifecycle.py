"""The end-of-support table (rds_guardrails.facts.lifecycle): version parsing, look-ups, phases."""

from datetime import date, timedelta

import pytest

from rds_guardrails.facts import lifecycle
from rds_guardrails.facts.lifecycle import (
    TABLE, days_to_standard_support_end, extended_support_end, has_extended_support, major_of, phase,
    standard_support_end,
)


@pytest.mark.parametrize(
    ("engine", "version", "major"),
    [
        ("postgres", "16", "16"),
        ("postgres", "16.4", "16"),
        ("postgres", "11.22-rds.20240208", "11"),
        ("aurora-postgresql", "15.8", "15"),
        ("mysql", "8.0", "8.0"),
        ("mysql", "8.0.39", "8.0"),
        ("mysql", "5.7.44-rds.20240408", "5.7"),
        ("aurora-mysql", "8.0.mysql_aurora.3.08.0", "8.0"),
        ("aurora-mysql", "5.7.mysql_aurora.2.11.2", "5.7"),
        ("mariadb", "10.11.8", "10.11"),
        # Not a version AWS accepts for the engine: no guess.
        ("mysql", "8", None),
        ("postgres", "latest", None),
        ("postgres", "", None),
        ("postgres", None, None),
        ("oracle-ee", "19.0.0.0.ru-2024-01.rur-2024-01.r1", None),
    ],
)
def test_major_of(engine, version, major):
    assert major_of(engine, version) == major


@pytest.mark.parametrize(
    ("engine", "version", "standard", "extended"),
    [
        # One row per engine, read from the AWS calendars named in the module.
        ("postgres", "13.15", date(2026, 2, 28), date(2029, 2, 28)),
        ("postgres", "16", date(2029, 2, 28), date(2032, 2, 29)),
        ("mysql", "8.0.39", date(2026, 7, 31), date(2029, 7, 31)),
        ("mysql", "8.4", date(2029, 7, 31), date(2032, 7, 31)),
        ("aurora-postgresql", "14.12", date(2027, 2, 28), date(2030, 2, 28)),
        ("aurora-mysql", "8.0.mysql_aurora.3.08.0", date(2028, 4, 30), date(2029, 7, 31)),
        ("aurora-mysql", "5.7.mysql_aurora.2.12.1", date(2024, 10, 31), date(2029, 6, 30)),
        # Announced standard end, Extended Support date not yet published.
        ("aurora-mysql", "8.4", date(2032, 4, 1), None),
        # MySQL 5.7: Extended Support ends before Aurora MySQL version 2's.
        ("mysql", "5.7.44-rds.20240408", date(2024, 2, 29), date(2027, 2, 28)),
        # MariaDB: standard support only ("February 2028" taken as its first day).
        ("mariadb", "10.11", date(2028, 2, 1), None),
        ("mariadb", "10.6.22", date(2026, 12, 31), None),
        # A major the table does not list: unknown.
        ("postgres", "99", None, None),
        ("mariadb", "10.4", None, None),
    ],
)
def test_support_dates(engine, version, standard, extended):
    assert standard_support_end(engine, version) == standard
    assert extended_support_end(engine, version) == extended


@pytest.mark.parametrize(
    ("engine", "offered"),
    [("postgres", True), ("mysql", True), ("aurora-postgresql", True), ("aurora-mysql", True),
     ("mariadb", False), ("sqlserver-ee", False)],
)
def test_has_extended_support(engine, offered):
    assert has_extended_support(engine) is offered


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 7, 30), "standard"),
        (date(2026, 7, 31), "standard"),  # the last day of standard support
        (date(2026, 8, 1), "extended"),
        (date(2029, 7, 31), "extended"),  # the last day of Extended Support
        (date(2029, 8, 1), "ended"),
    ],
)
def test_phase_boundaries(today, expected):
    assert phase("mysql", "8.0.39", today) == expected


def test_phase_without_announced_extended_end_stays_extended():
    assert phase("aurora-mysql", "8.4", date(2040, 1, 1)) == "extended"
    assert phase("mariadb", "10.11", date(2026, 1, 1)) == "standard"
    assert phase("mariadb", "10.6", date(2027, 1, 1)) == "ended"  # no Extended Support to fall into
    assert phase("sqlserver-ee", "16.00", date(2026, 1, 1)) is None


def test_days_to_standard_support_end_counts_from_today():
    assert days_to_standard_support_end("postgres", "16", date(2029, 2, 27)) == 1
    assert days_to_standard_support_end("postgres", "16", date(2029, 3, 2)) == -2
    assert days_to_standard_support_end("mariadb", "10.6", date(2026, 12, 7)) == 24
    assert days_to_standard_support_end("sqlserver-ee", "16.00", date(2029, 3, 2)) is None


def test_table_is_ordered_and_sourced():
    rows = [(engine, major, row) for engine, majors in TABLE.items() for major, row in majors.items()]
    assert len(rows) >= 20
    for engine, major, row in rows:
        assert engine in lifecycle.SOURCES, engine
        assert major_of(engine, major) == major, (engine, major)
        if row.extended_end is not None:
            # Extended Support runs three years past standard support, longer for MySQL 5.7 (to June
            # 2029); a swapped or mistyped column shows as a negative or an out-of-range gap.
            gap = row.extended_end - row.standard_end
            assert timedelta(days=365) < gap <= timedelta(days=366 * 5 + 31 * 4), (engine, major, gap)
    assert lifecycle.AS_OF <= date.today()
