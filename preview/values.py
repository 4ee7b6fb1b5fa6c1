"""An input's change in words: `old → new` for a value, what was added and removed for a list or
a map, and a secret only as changed, never as a value.

Values arrive normalized by preview/diff.py: a secret is a `Secret` (its keyed fingerprint, or
None when the baseline cannot be compared), so equality here is the diff's equality.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from plan.registration import SECRET_TEXT, UNKNOWN, UNKNOWN_TEXT

_LONG = 80  # a longer value is shortened in a line; the JSON report keeps it whole


@dataclass(frozen=True)
class Secret:
    """A secret in a compared plan: equal to another when their fingerprints are, or when either has none."""

    fingerprint: Optional[str]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return False
        return self.fingerprint is None or other.fingerprint is None or self.fingerprint == other.fingerprint

    def __hash__(self) -> int:
        return 0


def show(value: Any) -> str:
    """One value for a line of text: secrets as [secret], unknowns named, long ones shortened."""
    if isinstance(value, Secret):
        return SECRET_TEXT
    if value is None:
        return "(unset)"
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(_plain(value), sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= _LONG else text[:_LONG - 1] + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, Secret):
        return SECRET_TEXT
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _document(value: Any) -> Any:
    """A JSON object or array carried as a string (a provider's defaultTags, a policy), else None."""
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _named(items: list[Any]) -> Optional[dict[str, dict[str, Any]]]:
    """A list of maps each with a distinct `name` (parameters, options) as a map by name."""
    if not items or not all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items):
        return None
    by_name = {i["name"]: i for i in items}
    return by_name if len(by_name) == len(items) else None


def describe(before: Any, after: Any) -> str:
    """The change from `before` to `after` in words ('14 → 21', '+ b; - a', '[secret] changed')."""
    if isinstance(before, Secret) and isinstance(after, Secret):
        return f"{SECRET_TEXT} changed"
    old, new = _document(before), _document(after)
    if old is not None and new is not None:
        return describe(old, new)
    if isinstance(before, dict) and isinstance(after, dict):
        return "; ".join(_map_lines(before, after)) or "unchanged"
    if isinstance(before, list) and isinstance(after, list):
        old, new = _named(before), _named(after)
        if old is not None and new is not None:
            return "; ".join(_map_lines(old, new, named=True)) or "unchanged"
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if not added and not removed:
            return "same items, another order"
        return "; ".join([f"+ {show(v)}" for v in added] + [f"- {show(v)}" for v in removed])
    return f"{show(before)} → {show(after)}"


def _map_lines(before: dict[str, Any], after: dict[str, Any], named: bool = False) -> list[str]:
    lines = []
    for key in sorted(after.keys() - before.keys()):
        lines.append(f"+ {key}" if named else f"+ {key}={show(after[key])}")
    for key in sorted(before.keys() - after.keys()):
        lines.append(f"- {key}" if named else f"- {key}={show(before[key])}")
    for key in sorted(before.keys() & after.keys()):
        if before[key] != after[key]:
            lines.append(f"{key}: {describe(before[key], after[key])}")
    return lines
