"""Exceptions (waivers): reviewed records in the pack's own per-policy config, with an owner and an end.

An exception lives under its policy's entry of the pack's config (`policies/config/<stack>.json`,
the file `pulumi preview --policy-pack-config`, a Pulumi Cloud policy group, the offline gate,
the Automation entry and `operations audit` all read):

    "rds-multi-az": {"exceptions": [{"id": "dev-reporting-single-az",
                                     "resources": ["reporting-*"], "stacks": ["dev"],
                                     "reason": "...", "owner": "data-platform@example.com",
                                     "expires": "2027-03-31", "ticket": "OPS-1234"}]}

Each policy's config schema declares `exceptions` (SCHEMA_PROPERTIES), so the CLI checks the
shape; what a schema cannot say (a real date, the horizon, a pattern that compiles, ids unique
in the file) is checked here. One logic, every front end: the pack (pack.py) waives a violation
by reporting it at advisory level with a note naming the exception; `evaluate` (the audit) does
the same to a Finding; the offline gate validates the file before it runs (exit 2) and lists
each waived violation with its exception.

- `expires` is the last day (UTC) the exception holds; from the next day it is *expired*: the
  violation is reported as if there were no exception, and its message names the exception and
  its expiry. An expiry further than the horizon ahead is refused (`exceptionHorizonDays`,
  a property of the policy's entry, DEFAULT_HORIZON_DAYS when unset, at most MAX_HORIZON_DAYS).
- A pattern is an fnmatch glob: one starting with `urn:` matches the resource's URN (as it is, or
  with its type alone: `urn:pulumi:dev::*::aws:rds/instance:Instance::reporting-*` matches a
  child of a component too), any other its name. `stacks` (default: every stack) is matched against the stack part of the URN.
- Pure Python, no SDK: the audit imports it without the policy SDK.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Optional, Sequence

EXCEPTIONS_KEY = "exceptions"
HORIZON_KEY = "exceptionHorizonDays"
# How far ahead an exception may expire when the policy's entry does not say, and the most it may say.
DEFAULT_HORIZON_DAYS = 90
MAX_HORIZON_DAYS = 365
REQUIRED = ("id", "resources", "reason", "owner", "expires")
OPTIONAL = ("stacks", "ticket")
_ID = r"^[a-z0-9][a-z0-9._-]*$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Pulumi stack names: letters, digits, '-', '_' and '.'.
_STACK = r"^[A-Za-z0-9_.-]+$"

# What each policy's config schema declares (pack.py); the CLI validates the shape with it.
SCHEMA_PROPERTIES: dict[str, dict[str, Any]] = {
    EXCEPTIONS_KEY: {
        "type": "array",
        "description": "Reviewed exceptions to this policy: each names the resources (name or URN glob), "
                       "optionally the stacks, the reason, the owner and the last day it holds (docs/policies.md).",
        "items": {
            "type": "object",
            "required": list(REQUIRED),
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": _ID},
                "resources": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                "stacks": {"type": "array", "items": {"type": "string", "pattern": _STACK}},
                "reason": {"type": "string", "minLength": 1},
                "owner": {"type": "string", "minLength": 1},
                "expires": {"type": "string", "pattern": _DATE},
                "ticket": {"type": "string", "minLength": 1},
            },
        },
    },
    HORIZON_KEY: {
        "type": "integer", "minimum": 1, "maximum": MAX_HORIZON_DAYS,
        "description": f"How many days ahead an exception of this policy may expire (default {DEFAULT_HORIZON_DAYS}).",
    },
}


class WaiverError(ValueError):
    """An exception record the pack cannot accept; the message names the exception, its policy and the key."""


@dataclass(frozen=True)
class Waiver:
    """One exception to one policy."""

    id: str
    policy: str
    resources: tuple[str, ...]
    stacks: tuple[str, ...]
    reason: str
    owner: str
    expires: str
    ticket: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        """The record as reports carry it."""
        return {"id": self.id, "policy": self.policy, "resources": list(self.resources), "stacks": list(self.stacks),
                "reason": self.reason, "owner": self.owner, "expires": self.expires, "ticket": self.ticket}

    @property
    def expiry(self) -> date:
        return date.fromisoformat(self.expires)

    def expired(self, on: Optional[date] = None) -> bool:
        """True from the day after `expires` (UTC)."""
        return (on or today()) > self.expiry

    def applies_to_stack(self, stack: Optional[str]) -> bool:
        """Every stack when `stacks` is empty; else only those named (an unknown stack: none)."""
        return not self.stacks or stack in self.stacks

    def covers(self, urn: str, name: str, stack: Optional[str] = None) -> bool:
        """This exception names the resource (by URN or name glob) in its stack."""
        if not self.applies_to_stack(stack if stack is not None else stack_of(urn)):
            return False
        urns = (urn, unqualified(urn))
        return any(any(fnmatch.fnmatchcase(u, p) for u in urns) if p.startswith("urn:") else fnmatch.fnmatchcase(name, p)
                   for p in self.resources)

    @property
    def justification(self) -> str:
        """Why the violation is accepted, in one line (SARIF's suppression justification)."""
        return f"{self.reason} (owner {self.owner}, until {self.expires}, id {self.id})"

    def waived_note(self) -> str:
        """The note a waived violation's message starts with: the exception, its owner, reason and end."""
        ticket = f", ticket {self.ticket}" if self.ticket else ""
        return (f"[waived by exception {self.id}: owner {self.owner}, until {self.expires}{ticket}, "
                f"reason: {self.reason}]")

    def expired_note(self) -> str:
        """The note of a violation whose exception has expired: it is not waived."""
        return f"[exception {self.id} expired on {self.expires} (owner {self.owner}): not waived]"


def today() -> date:
    """Today in UTC: the day every front end judges expiry against."""
    return datetime.now(timezone.utc).date()


def stack_of(urn: str) -> Optional[str]:
    """The stack part of a URN (urn:pulumi:<stack>::<project>::<type>::<name>), None without one."""
    if not urn.startswith("urn:pulumi:"):
        return None
    return urn[len("urn:pulumi:"):].split("::", 1)[0] or None


def unqualified(urn: str) -> str:
    """The URN with its type alone, without the parents' types (`Parent$aws:rds/instance:Instance`
    -> `aws:rds/instance:Instance`), as a person writes it in a pattern."""
    parts = urn.split("::")
    if len(parts) < 4:
        return urn
    return "::".join([*parts[:2], parts[2].rsplit("$", 1)[-1], *parts[3:]])


def _problem(policy: str, ident: Any, key: str, what: str) -> WaiverError:
    named = f"exception {ident!r}" if isinstance(ident, str) and ident else "an exception without an id"
    return WaiverError(f"policy config: {named} of policy {policy}: {key}: {what}")


def _pattern_problem(pattern: Any) -> Optional[str]:
    """Why `pattern` is not a resource name or URN glob, or None."""
    if not isinstance(pattern, str) or not pattern.strip():
        return f"{pattern!r} is not a pattern: expected a resource name or URN glob, e.g. 'reporting-*'"
    if pattern != pattern.strip() or any(c in pattern for c in "\r\n\t"):
        return f"{pattern!r} has surrounding or embedded whitespace, which no resource name or URN holds"
    classes = re.sub(r"\[!?\]?[^\]]*\]", "", pattern)  # fnmatch's [...] classes ([]] and [!]] included)
    if "[" in classes or "]" in classes:
        return f"{pattern!r} has an unbalanced '[' or ']': a character class is [abc] or [!abc]"
    if pattern.startswith("urn:"):
        parts = pattern.split("::")
        if not pattern.startswith("urn:pulumi:") or len(parts) < 4 or not all(parts):
            return (f"{pattern!r} is not a URN pattern: expected "
                    "urn:pulumi:<stack>::<project>::<type>::<name>, each part a glob")
    try:
        re.compile(fnmatch.translate(pattern))
    except re.error as exc:
        return f"{pattern!r} does not compile as a glob: {exc}"
    return None


def _text(policy: str, ident: Any, record: Mapping[str, Any], key: str, what: str) -> str:
    value = record.get(key)
    if key not in record:
        raise _problem(policy, ident, key, f"is missing: {what}")
    if not isinstance(value, str) or not value.strip():
        raise _problem(policy, ident, key, f"{value!r} is empty or not text: {what}")
    return value.strip()


def _horizon(policy: str, entry: Mapping[str, Any]) -> int:
    value = entry.get(HORIZON_KEY, DEFAULT_HORIZON_DAYS)
    if isinstance(value, float) and value.is_integer():  # a protobuf Struct (Configure) carries every number as a double
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HORIZON_DAYS:
        raise WaiverError(f"policy config: policy {policy}: {HORIZON_KEY}: {value!r} is not a whole number of "
                          f"days from 1 to {MAX_HORIZON_DAYS}")
    return value


def parse_record(policy: str, record: Any, on: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> Waiver:
    """One exception record of `policy`, checked; WaiverError names the exception, policy and key.
    An expiry already past is accepted here: such an exception is *expired* (the violation fails)."""
    if not isinstance(record, Mapping):
        raise WaiverError(f"policy config: policy {policy}: {EXCEPTIONS_KEY}: {record!r} is not an object with "
                          f"{', '.join(REQUIRED)}")
    ident = record.get("id")
    if not isinstance(ident, str) or not re.match(_ID, ident):
        raise _problem(policy, ident, "id", f"{ident!r} is missing or not a slug (lower-case letters, digits, "
                                            "'.', '_', '-'; e.g. dev-reporting-single-az)")
    unknown = sorted(set(record) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        close = difflib.get_close_matches(unknown[0], REQUIRED + OPTIONAL, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise _problem(policy, ident, unknown[0], f"is not a key of an exception{hint}: allowed "
                                                  f"{', '.join(REQUIRED + OPTIONAL)}")
    reason = _text(policy, ident, record, "reason", "say why the violation is accepted")
    owner = _text(policy, ident, record, "owner", "name the team or person who owns it (e.g. an e-mail)")
    expires = _text(policy, ident, record, "expires", "the last day it holds, as YYYY-MM-DD")
    try:
        if not re.match(_DATE, expires):
            raise ValueError
        expiry = date.fromisoformat(expires)
    except ValueError:
        raise _problem(policy, ident, "expires", f"{expires!r} is not a date YYYY-MM-DD") from None
    limit = on + timedelta(days=horizon_days)
    if expiry > limit:
        raise _problem(policy, ident, "expires", f"{expires} is beyond the horizon of {horizon_days} days "
                                                 f"(at most {limit.isoformat()}); a longer one needs "
                                                 f"{HORIZON_KEY} in the policy's entry (at most {MAX_HORIZON_DAYS})")
    resources = record.get("resources")
    if not isinstance(resources, list) or not resources:
        raise _problem(policy, ident, "resources", f"{resources!r} is missing or empty: a list of resource "
                                                   "names or URN globs")
    for pattern in resources:
        problem = _pattern_problem(pattern)
        if problem:
            raise _problem(policy, ident, "resources", problem)
    stacks = record.get("stacks", [])
    if not isinstance(stacks, list) or not all(isinstance(s, str) and re.match(_STACK, s) for s in stacks):
        raise _problem(policy, ident, "stacks", f"{stacks!r} is not a list of stack names "
                                                "(letters, digits, '-', '_', '.')")
    ticket = record.get("ticket")
    if ticket is not None and (not isinstance(ticket, str) or not ticket.strip()):
        raise _problem(policy, ident, "ticket", f"{ticket!r} is empty or not text")
    return Waiver(id=ident, policy=policy, resources=tuple(resources), stacks=tuple(stacks), reason=reason,
                  owner=owner, expires=expires, ticket=ticket.strip() if ticket else None)


def parse_policy(policy: str, entry: Optional[Mapping[str, Any]], on: Optional[date] = None) -> list[Waiver]:
    """The exceptions of one policy's config entry (its properties, as the pack gets them)."""
    entry = entry or {}
    records = entry.get(EXCEPTIONS_KEY)
    if records is None:
        return []
    if not isinstance(records, list):
        raise WaiverError(f"policy config: policy {policy}: {EXCEPTIONS_KEY}: {records!r} is not a list of "
                          "exception records")
    on = on or today()
    horizon = _horizon(policy, entry)
    return [parse_record(policy, record, on, horizon) for record in records]


def parse_config(config: Optional[Mapping[str, Any]], policies: Iterable[str],
                 on: Optional[date] = None) -> dict[str, list[Waiver]]:
    """Every exception of a whole policy config file, by policy; WaiverError for the first bad one
    (an exception under an unknown policy or "all", a duplicate id, any bad record)."""
    known = sorted(policies)
    result: dict[str, list[Waiver]] = {}
    seen: dict[str, str] = {}
    for name, entry in (config or {}).items():
        if not isinstance(entry, Mapping) or (EXCEPTIONS_KEY not in entry and HORIZON_KEY not in entry):
            continue
        records = entry.get(EXCEPTIONS_KEY) or []
        first = records[0].get("id") if isinstance(records, list) and records and isinstance(records[0], Mapping) else None
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            what = ("exceptions belong under a policy's own entry, not under 'all'" if name == "all"
                    else f"{name} is not a policy of the pack{hint}")
            raise _problem(name, first, EXCEPTIONS_KEY if EXCEPTIONS_KEY in entry else HORIZON_KEY, what)
        waivers = parse_policy(name, entry, on)
        for waiver in waivers:
            if waiver.id in seen:
                raise _problem(name, waiver.id, "id", f"is also the id of an exception of policy {seen[waiver.id]}: "
                                                      "each id is unique in the file")
            seen[waiver.id] = name
        result[name] = waivers
    return result


def check_new(waiver: Waiver, on: Optional[date] = None) -> None:
    """An exception being added (not in the trusted rules) may not start expired."""
    on = on or today()
    if waiver.expired(on):
        raise _problem(waiver.policy, waiver.id, "expires", f"{waiver.expires} is already past (today is "
                                                            f"{on.isoformat()}): a new exception must end in the future")


def find(waivers: Sequence[Waiver], urn: str, name: str, stack: Optional[str] = None,
         on: Optional[date] = None) -> Optional[Waiver]:
    """The exception covering this resource: an active one before an expired one; None when none does."""
    covering = [w for w in waivers if w.covers(urn, name, stack)]
    on = on or today()
    active = [w for w in covering if not w.expired(on)]
    first = active or covering
    return first[0] if first else None


def stale(waivers: Iterable[Waiver], resources: Iterable[tuple[str, str]], stack: Optional[str]) -> list[Waiver]:
    """The exceptions for `stack` that cover none of its resources ((urn, name) pairs)."""
    resources = list(resources)
    return [w for w in waivers if w.applies_to_stack(stack)
            and not any(w.covers(urn, name, stack) for urn, name in resources)]
