"""The one engine-version type (rds_guardrails.facts.engine_version), and no copy of the version facts."""

import re

import pytest

from plan.stack_config import PROJECT_DIR
from rds_guardrails.facts import load
from rds_guardrails.facts.engine_version import EngineVersion, major_of, numbers


@pytest.mark.parametrize("engine, text, major, minor, family", [
    ("postgres", "16", "16", None, "postgres16"),
    ("postgres", "16.4", "16", "4", "postgres16"),
    ("postgres", "11.22-rds.20240208", "11", "22", "postgres11"),
    ("postgres", "9.6.24", "9.6", "24", "postgres9.6"),  # before PostgreSQL 10 the major has two numbers
    ("aurora-postgresql", "15.8", "15", "8", "aurora-postgresql15"),
    ("mysql", "8.0.39", "8.0", "39", "mysql8.0"),
    ("mysql", "8.4", "8.4", None, "mysql8.4"),
    ("mariadb", "10.11.9", "10.11", "9", "mariadb10.11"),
    ("aurora-mysql", "8.0.mysql_aurora.3.08.0", "8.0", "3.08.0", "aurora-mysql8.0"),
])
def test_a_version_is_read_once_the_way_aws_names_it(engine, text, major, minor, family):
    version = EngineVersion.parse(engine, text)
    assert version is not None
    assert (version.major, version.minor, version.family) == (major, minor, family)
    assert version.is_major_only is (minor is None)


@pytest.mark.parametrize("engine, text", [
    ("mysql", "8"), ("postgres", "latest"), ("postgres", ""), ("postgres", None), ("oracle-ee", "19.0.0.0"),
    ("postgres", "16abc"),
])
def test_what_is_no_version_of_the_engine_reads_as_none(engine, text):
    assert EngineVersion.parse(engine, text) is None
    assert major_of(engine, text) is None


@pytest.mark.parametrize("target, deployed, below", [
    ("16.4", "16.8", True), ("16", "16.8", False), ("16.9", "16.8", False), ("15", "16.8", True),
    ("8.0.mysql_aurora.3.05.2", "8.0.mysql_aurora.3.08.0", True), ("8.0", "8.0.mysql_aurora.3.08.0", False),
])
def test_a_downgrade_is_told_from_the_numbers_a_prefix_is_none(target, deployed, below):
    engine = "aurora-mysql" if "aurora" in deployed else "postgres"
    assert EngineVersion.parse(engine, target).is_below(EngineVersion.parse(engine, deployed)) is below
    assert (numbers(target) < numbers(deployed)[:len(numbers(target))]) is below


# No fact is copied out of its data file: the calendar's dates and the auto-pause floors appear in the
# shipped Python only where they are read (facts/), never as literals elsewhere.
SHIPPED = [p for room in ("components", "plan", "preview", "operations", "automation", "policies")
           for p in (PROJECT_DIR / room).rglob("*.py") if "facts" not in p.parts]


def _calendar_dates() -> set[str]:
    engines = load("calendar.json")["engines"].values()
    return {d for e in engines for m in e["majors"].values() for d in (m["standardEnd"], m["extendedEnd"]) if d}


def test_no_calendar_date_is_written_outside_its_data_file():
    dates = _calendar_dates()
    assert "2026-12-31" in dates  # MariaDB 10.6
    literal = {f"date({y}, {int(m)}, {int(d)})" for y, m, d in (x.split("-") for x in dates)} | dates
    found = sorted(f"{p.relative_to(PROJECT_DIR)}: {x}" for p in SHIPPED for x in literal if x in p.read_text())
    assert found == []


def test_no_auto_pause_floor_is_written_outside_its_data_file():
    floors = load("auto_pause.json")["aurora-postgresql"]["minimumMinor"]
    pattern = re.compile(r"\{\s*13\s*:\s*%d\s*,\s*14\s*:\s*%d" % (floors["13"], floors["14"]))
    assert [p for p in SHIPPED if pattern.search(p.read_text())] == []
