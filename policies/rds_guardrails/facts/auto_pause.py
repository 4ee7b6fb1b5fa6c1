"""Which Aurora engine versions can scale to 0 ACUs (auto-pause), from `auto_pause.json`."""

from __future__ import annotations

from typing import Optional

from rds_guardrails.facts import load
from rds_guardrails.facts.engine_version import EngineVersion

_DATA = load("auto_pause.json")
SOURCE: str = _DATA["source"]
DOC = SOURCE.rsplit(", ", 1)[-1]
POSTGRES_MINORS: dict[int, int] = {int(k): v for k, v in _DATA["aurora-postgresql"]["minimumMinor"].items()}
_POSTGRES_ANY_FROM: int = _DATA["aurora-postgresql"]["everyMinorFromMajor"]
_MYSQL_FLOOR: str = _DATA["aurora-mysql"]["minimumAurora"]
AURORA_MYSQL_MINIMUM: tuple[int, ...] = tuple(int(n) for n in _MYSQL_FLOOR.split("."))
# The floors in words: "Aurora PostgreSQL 16.3, 15.7, 14.12, 13.15 or Aurora MySQL 3.08.0".
FLOORS_TEXT = ("Aurora PostgreSQL " + ", ".join(f"{major}.{minor}" for major, minor in sorted(POSTGRES_MINORS.items(),
                                                                                          reverse=True))
               + f" or Aurora MySQL {_MYSQL_FLOOR}")
_MYSQL_UNSUPPORTED = frozenset(_DATA["aurora-mysql"]["unsupportedMajors"])


def supported(engine: object, version: object) -> Optional[bool]:
    """Whether the engine version can scale to 0 ACUs; None when it cannot be told (not Aurora, unreadable).

    A major-only version lets AWS pick its latest minor: supported from the first major with a floor.
    """
    if engine not in ("aurora-postgresql", "aurora-mysql"):
        return None
    parsed = EngineVersion.parse(engine, version)
    if parsed is None:
        return None
    if engine == "aurora-postgresql":
        first = parsed.numbers[0]
        if parsed.is_major_only or first >= _POSTGRES_ANY_FROM:
            return first >= min(POSTGRES_MINORS)
        floor = POSTGRES_MINORS.get(first)
        return floor is not None and parsed.numbers[1] >= floor
    if parsed.major in _MYSQL_UNSUPPORTED:
        return False
    aurora = parsed.minor_numbers if "mysql_aurora" in parsed.text else ()
    return not aurora or aurora >= AURORA_MYSQL_MINIMUM
