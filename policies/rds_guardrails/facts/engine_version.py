"""One engine-version type for every RDS and Aurora engine the project runs.

A version string is read one way everywhere (program, pack, gate, runbooks):
- the numbers in order, for comparing (16.4 -> (16, 4); 8.0.mysql_aurora.3.08.0 -> (8, 0, 3, 8, 0));
- the major version AWS's calendars and parameter group families use: PostgreSQL 10 and later the
  first number ("16"), before 10 the first two ("9.6"); MySQL, MariaDB and Aurora MySQL the first two
  ("8.0", "10.11"). RDS User Guide, "Amazon RDS DB engine versions"; DescribeDBEngineVersions
  DBParameterGroupFamily (postgres16, mysql8.0, aurora-mysql8.0, mariadb10.11).
- the minor: the number after the major (None for a major-only version such as "16" or "8.0"),
  and for Aurora MySQL the Aurora version after `mysql_aurora.` ("3.08.0").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# The engines whose major is the first number (from PostgreSQL 10 on).
_POSTGRES = frozenset({"postgres", "aurora-postgresql"})
ENGINES = frozenset({"postgres", "aurora-postgresql", "mysql", "aurora-mysql", "mariadb"})
# A version starts with its numbers: "16", "16.4", "11.22-rds.20240208", "8.0.mysql_aurora.3.08.0".
_HEAD = re.compile(r"^(?P<first>\d+)(?:\.(?P<second>\d+))?(?=[.-]|$)")
_AURORA_MYSQL = re.compile(r"mysql_aurora\.(\d+\.\d+\.\d+)")


@dataclass(frozen=True)
class EngineVersion:
    """An engine version as AWS names it, read once."""

    engine: str
    text: str
    major: str
    numbers: tuple[int, ...]

    @classmethod
    def parse(cls, engine: object, text: object) -> Optional[EngineVersion]:
        """The version of `engine`, or None when `text` is not one of its versions (or the engine is not ours)."""
        if not isinstance(engine, str) or engine not in ENGINES or not isinstance(text, str):
            return None
        text = text.strip()
        head = _HEAD.match(text)
        if head is None:
            return None
        first, second = head.group("first"), head.group("second")
        if engine in _POSTGRES and int(first) >= 10:
            major = first
        elif second is None:
            return None
        else:
            major = f"{first}.{second}"
        return cls(engine, text, major, tuple(int(n) for n in re.findall(r"\d+", text)))

    @property
    def is_major_only(self) -> bool:
        """"16" or "8.0": AWS picks the minor (and moves it with automatic minor upgrades)."""
        return self.text == self.major

    @property
    def minor(self) -> Optional[str]:
        """The minor after the major ("4" of 16.4, "39" of 8.0.39; Aurora MySQL: "3.08.0"), None when major-only."""
        aurora = _AURORA_MYSQL.search(self.text)
        if aurora is not None:
            return aurora.group(1)
        rest = self.text[len(self.major):].lstrip(".")
        head = re.match(r"\d+", rest)
        return head.group(0) if head else None

    @property
    def minor_numbers(self) -> tuple[int, ...]:
        """The minor as numbers: (4,) of 16.4, (3, 8, 0) of 8.0.mysql_aurora.3.08.0; () when major-only."""
        minor = self.minor
        return tuple(int(n) for n in minor.split(".")) if minor else ()

    @property
    def family(self) -> str:
        """The DB parameter group family: postgres16, mysql8.0, aurora-mysql8.0, mariadb10.11."""
        return f"{self.engine}{self.major}"

    def is_below(self, deployed: EngineVersion) -> bool:
        """True when asking AWS for this version would be a downgrade of `deployed`.

        A prefix is no downgrade: "16" on 16.8 is what the provider accepts as is (pulumi-aws
        Instance.engine_version: "you can provide a prefix of the version such as 8.0 (for 8.0.36)").
        """
        return self.numbers < deployed.numbers[:len(self.numbers)]

    def same_major(self, other: EngineVersion) -> bool:
        return self.major == other.major


def parse(engine: object, text: object) -> Optional[EngineVersion]:
    """EngineVersion.parse, as a function."""
    return EngineVersion.parse(engine, text)


def major_of(engine: object, text: object) -> Optional[str]:
    """The major version ("16", "8.0"), or None when `text` is not a version of `engine`."""
    version = EngineVersion.parse(engine, text)
    return version.major if version else None


def numbers(text: str) -> tuple[int, ...]:
    """The numbers of a version string in order, for comparing two versions of one engine."""
    return tuple(int(n) for n in re.findall(r"\d+", text))
