"""What a change does to the rules: the trusted rules (a git ref's pack and config) beside the head's.

Each change is classified *stricter* or *weaker*. A weaker one needs its own approval
(`--allow-policy-change`, the pull-request label `approve-policy-change`); a stricter one
needs none. When the direction cannot be read from the values, the change counts as weaker:
- a level: by how much it blocks (levels.STRENGTH: disabled < advisory < mandatory, remediate
  as mandatory); mandatory ↔ remediate counts as weaker (a remediation changes resources);
- a setting: a `minimum…` or `warningDays` number going up, a `maximum…` or
  `exceptionHorizonDays` number going down, a list gaining items, is stricter;
- a policy added is stricter, removed weaker;
- an exception (docs/policies.md) added is weaker, removed stricter; changed: stricter only
  when it expires no later and covers no more resources or stacks than before;
- a config file added or deleted: weaker when any change it makes to the stack's rules is;
- a changed file of the pack's code or requirements (`policies/**` but its config): weaker,
  since code cannot be judged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, cast

from preview.analyzer import levels

EXCEPTIONS = "exceptions"
# Settings whose number blocks more as it grows, or as it shrinks (by name or name prefix).
_HIGHER_IS_STRICTER = ("minimum", "warningDays")
_LOWER_IS_STRICTER = ("maximum", "exceptionHorizonDays")

STRICTER, WEAKER = "stricter", "weaker"


@dataclass(frozen=True)
class PolicyChange:
    """One difference between the trusted rules and the head's."""

    kind: str  # level, setting, policy-added, policy-removed, exception-added, exception-removed,
    #            exception-changed, config-added, config-deleted, code
    subject: str  # the policy, "policy/exception-id", or a file path
    old: Optional[str]
    new: Optional[str]
    direction: str  # STRICTER or WEAKER

    @property
    def weaker(self) -> bool:
        return self.direction == WEAKER

    def text(self) -> str:
        """'rds-multi-az: level mandatory → disabled (weaker)'."""
        what = {"level": "level", "setting": "", "policy-added": "policy added", "policy-removed": "policy removed",
                "exception-added": "exception added", "exception-removed": "exception removed",
                "exception-changed": "exception changed", "config-added": "config file added",
                "config-deleted": "config file deleted", "code": "pack code or requirements changed"}[self.kind]
        values = f"{self.old if self.old is not None else '(none)'} → {self.new if self.new is not None else '(none)'}"
        if self.kind in ("code", "config-added", "config-deleted"):
            values = ""
        return f"{self.subject}: {' '.join(p for p in (what, values) if p)} ({self.direction})"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "old": self.old, "new": self.new,
                "direction": self.direction, "text": self.text()}


def _shown(value: Any) -> str:
    """A setting's value as text; a whole number read back from the pack's schema (a float) as 7, not 7.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _setting_direction(key: str, old: Any, new: Any) -> str:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new))
    if numbers and key.startswith(_HIGHER_IS_STRICTER):
        return STRICTER if new > old else WEAKER
    if numbers and key.startswith(_LOWER_IS_STRICTER):
        return STRICTER if new < old else WEAKER
    if isinstance(old, list) and isinstance(new, list):
        try:
            return STRICTER if set(map(_shown, old)) <= set(map(_shown, new)) else WEAKER
        except TypeError:
            return WEAKER
    return WEAKER


def _covers(old: Sequence[Any], new: Sequence[Any]) -> bool:
    """True when the patterns `new` name nothing beyond `old` (the same patterns or fewer)."""
    return set(map(str, new)) <= set(map(str, old))


def _exception_changes(policy: str, old: Sequence[Any], new: Sequence[Any]) -> list[PolicyChange]:
    def by_id(records: Sequence[Any]) -> dict[str, Mapping[str, Any]]:
        return {str(r.get("id")): r for r in records if isinstance(r, Mapping)}

    before, after = by_id(old), by_id(new)
    changes = []
    for ident in sorted(set(before) | set(after)):
        subject = f"{policy}/{ident}"
        b, a = before.get(ident), after.get(ident)
        if b is None:
            changes.append(PolicyChange("exception-added", subject, None, f"until {cast(Mapping[str, Any], a).get('expires')}", WEAKER))
        elif a is None:
            changes.append(PolicyChange("exception-removed", subject, f"until {b.get('expires')}", None, STRICTER))
        elif dict(a) != dict(b):
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            narrower = (str(a.get("expires", "")) <= str(b.get("expires", ""))
                        and _covers(b.get("resources") or [], a.get("resources") or [])
                        and ("stacks" not in b or ("stacks" in a and _covers(b["stacks"], a["stacks"])))
                        and set(keys) <= {"expires", "resources", "stacks"})
            changes.append(PolicyChange("exception-changed", subject,
                                        "; ".join(f"{k} {_shown(b.get(k))}" for k in keys),
                                        "; ".join(f"{k} {_shown(a.get(k))}" for k in keys),
                                        STRICTER if narrower else WEAKER))
    return changes


def config_changes(trusted: Mapping[str, tuple[str, dict[str, Any]]], head: Mapping[str, tuple[str, dict[str, Any]]],
                   config_file: str, trusted_has_file: bool, head_has_file: bool) -> list[PolicyChange]:
    """The differences between two resolved rule sets (levels.resolve) of one stack."""
    changes: list[PolicyChange] = []
    for name in sorted(set(trusted) | set(head)):
        if name not in trusted:
            changes.append(PolicyChange("policy-added", name, None, head[name][0], STRICTER))
            continue
        if name not in head:
            changes.append(PolicyChange("policy-removed", name, trusted[name][0], None, WEAKER))
            continue
        (old_level, old), (new_level, new) = trusted[name], head[name]
        if old_level != new_level:
            stricter = levels.STRENGTH[new_level] > levels.STRENGTH[old_level]
            changes.append(PolicyChange("level", name, old_level, new_level, STRICTER if stricter else WEAKER))
        for key in sorted((set(old) | set(new)) - {EXCEPTIONS}):
            if old.get(key) != new.get(key):
                changes.append(PolicyChange("setting", f"{name} {key}", _shown(old.get(key)) if key in old else None,
                                            _shown(new.get(key)) if key in new else None,
                                            _setting_direction(key, old.get(key), new.get(key))))
        changes += _exception_changes(name, old.get(EXCEPTIONS) or [], new.get(EXCEPTIONS) or [])
    if trusted_has_file != head_has_file:
        direction = WEAKER if any(c.weaker for c in changes) else STRICTER
        changes.insert(0, PolicyChange("config-added" if head_has_file else "config-deleted", config_file,
                                       None, None, direction))
    return changes


def code_changes(paths: Sequence[str]) -> list[PolicyChange]:
    """Each changed file of the pack's code or requirements: weaker, since code cannot be judged."""
    return [PolicyChange("code", path, None, None, WEAKER) for path in sorted(paths)]
