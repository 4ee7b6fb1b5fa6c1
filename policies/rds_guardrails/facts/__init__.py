"""AWS facts, one home each: the data files beside this module and the code that reads them.

The program (components/), the pack, the gate (plan/, preview/) and the runbooks (operations/)
import these; none copies a fact. Each data file's rows carry their source (page and section, or
the provider file) and the date it was read; docs/aws-rules.md is checked against them
(tests/test_aws_facts.py). The pack stays standalone: this package imports nothing but the
standard library.

- `engine_version.py`: one engine-version type (parse, compare, major, minor, parameter group family).
- `lifecycle.py` + `calendar.json`: end of standard support and of Extended Support per major.
- `auto_pause.py` + `auto_pause.json`: the Aurora Serverless v2 auto-pause version floors.
- `limits.json`: numeric limits (backup retention, monitoring intervals, storage steps, ...).
- `change_effects.json`: what AWS does with a change of each stateful RDS input (read by plan/change_effects.py).
- `forcenew.json`: the inputs the provider replaces a resource for (read by plan/replacements.py).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    """A data file of this package, parsed (`calendar.json`, `limits.json`, ...)."""
    data: dict[str, Any] = json.loads((DATA_DIR / name).read_text())
    return data


def limit(name: str) -> Any:
    """The value of one row of limits.json."""
    return load("limits.json")["limits"][name]["value"]


def least_max_allocated_storage(allocated_gib: float) -> int:
    """The smallest maxAllocatedStorage AWS accepts beside `allocated_gib` (10 % more, exact: 400 -> 440)."""
    return math.ceil(Fraction(str(allocated_gib)) * (1 + Fraction(str(limit("maxAllocatedStorageMinHeadroom")))))
