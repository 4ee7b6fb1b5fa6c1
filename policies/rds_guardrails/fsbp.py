"""The FSBP mapping (fsbp.json): every control of Security Hub's RDS list and how the pack answers it.

Each control has exactly one answer: the policies that enforce it, "not applicable to what this
pack sees" (with the reason), or "checked by `operations audit` only" (with the reason). The
table was read from the page in its `source`; tests/test_fsbp.py keeps it and the rules' anchors
in step.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

TABLE = Path(__file__).with_name("fsbp.json")
ANSWERS = ("policies", "notApplicable", "auditOnly")
_CONTROL_ID = re.compile(r"\bRDS\.\d+\b")
_CHECKOV_ID = re.compile(r"\bCKV2?_AWS_\d+\b")


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The whole mapping: its source, the framework it names, the controls."""
    data: dict[str, Any] = json.loads(TABLE.read_text(encoding="utf-8"))
    return data


def controls() -> list[dict[str, Any]]:
    """Every control, in the page's order."""
    return list(table()["controls"])


def answer(control: Mapping[str, Any]) -> str:
    """Which of the three answers the control has ("policies", "notApplicable", "auditOnly")."""
    given = [a for a in ANSWERS if a in control]
    if len(given) != 1:
        raise ValueError(f"{control.get('id')}: needs exactly one of {', '.join(ANSWERS)}, has {given or 'none'}")
    return given[0]


def controls_of(policy: str) -> list[str]:
    """The control IDs a policy enforces, in the table's order."""
    return [c["id"] for c in controls() if policy in c.get("policies", ())]


def claimed(anchors: str) -> list[str]:
    """The Security Hub RDS control IDs a rule's anchors name."""
    return _CONTROL_ID.findall(anchors or "")


def checkov(anchors: str) -> list[str]:
    """The Checkov IDs a rule's anchors name."""
    return _CHECKOV_ID.findall(anchors or "")
