"""What RDS does with a change to one input of a stateful resource, with the page that says so.

The table is data, `policies/rds_guardrails/facts/change_effects.json`: per Pulumi type and input, the outcome (`in-place`,
`downtime`, `reboot`, `no-effect`; `parameters` for a parameter group's list, judged per
parameter), when AWS applies it (`immediately`, or `apply-immediately`: now with the resource's
applyImmediately, else in the next maintenance window), a note, and a key of `_sources`.
Replacement comes from policies/rds_guardrails/facts/forcenew.json (the provider), not from this table. A few rules need
both values and are code here: storage that shrinks or grows by less than AWS's minimum step,
an instance made a replica, a cluster joining or moving between global clusters, backtracking
turned on later (all refused); a major engine upgrade, backups turned on or off, promotions.
Rows keyed `prop@aurora` / `prop@multi-az` apply to that kind of aws:rds/cluster:Cluster.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Optional

from rds_guardrails.facts import DATA_DIR, limit
from rds_guardrails.facts.engine_version import major_of

TABLE_FILE = DATA_DIR / "change_effects.json"
# A note may quote a limit of limits.json as {limit:NAME}: the number has one home.
_TABLE: dict[str, Any] = json.loads(re.sub(r"\{limit:(\w+)\}", lambda m: str(limit(m.group(1))), TABLE_FILE.read_text()))
SOURCES: dict[str, str] = _TABLE["_sources"]
TYPES: dict[str, dict[str, dict[str, str]]] = {t: rows for t, rows in _TABLE.items() if not t.startswith("_")}

OUTCOMES = ("in-place", "downtime", "reboot", "replacement", "refused", "no-effect")
_LABEL = {"in-place": "in place", "downtime": "downtime", "reboot": "takes effect at the next reboot",
          "replacement": "replacement", "refused": "REFUSED by AWS", "no-effect": "no effect"}
# limits.json allocatedStorageMinIncrease (10 percent), as an exact fraction.
STORAGE_MIN_STEP = Fraction(str(limit("allocatedStorageMinIncrease")))
AUTOSCALING_OWNS = ("storage autoscaling owns it (raise maxAllocatedStorage, or set maxAllocatedStorage "
                    "to 0 to size storage by allocatedStorage)")


@dataclass(frozen=True)
class Effect:
    """One change's outcome in AWS, said in words, and where that was read."""

    outcome: str
    text: str
    source: str

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"


def _when(when: str, apply_immediately: bool) -> str:
    if when == "apply-immediately" and not apply_immediately:
        return "applied in the next maintenance window"
    return "applied immediately"


def _say(outcome: str, when: Optional[str], note: str, source: str, apply_immediately: bool,
         prefix: str = "") -> Effect:
    parts = [prefix] if prefix else []
    parts.append(_LABEL[outcome])
    if when and outcome not in ("refused", "no-effect", "replacement"):
        parts.append(_when(when, apply_immediately))
    text = ", ".join(parts) + (f": {note}" if note else "")
    return Effect(outcome, text, SOURCES.get(source, source))


def is_judged(type_: str) -> bool:
    """True for the stateful RDS types the table covers."""
    return type_ in TYPES


def replacement(source: str, type_: str = "", prop: str = "", inputs: Optional[dict[str, Any]] = None) -> Effect:
    """A force-new input: a new resource is created and the old one deleted (policies/rds_guardrails/facts/forcenew.json).

    Where AWS itself would change the input in place (a `replacement` row of the table for `prop`),
    both are said: what the provider does and what AWS does, with the AWS page.
    """
    row = row_for(type_, prop, inputs or {}) if type_ else None
    if row is not None and row["outcome"] == "replacement":
        return Effect("replacement", f"replacement: {row['note']}", cite(row))
    return Effect("replacement", "replacement: a new resource is created and this one deleted", source)


def ignored(type_: str, prop: str, inputs: dict[str, Any]) -> Effect:
    """An input the program ignores after create (ignoreChanges): the change reaches nothing."""
    if (type_ == "aws:rds/instance:Instance" and prop == "allocatedStorage"
            and _number(inputs.get("maxAllocatedStorage")) > 0):
        return Effect("no-effect", f"no effect: {AUTOSCALING_OWNS}", SOURCES["autoscaling"])
    return Effect("no-effect", "no effect: the program ignores changes to it after create (ignoreChanges)",
                  "the resource's ignoreChanges option")


def _number(value: Any) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def major_version(engine: str, version: str) -> str:
    """The major part of an RDS engine version: '16' of PostgreSQL 16.4 (10 and later), '8.0' of MySQL 8.0.39."""
    return major_of(engine, version) or str(version)


def effect(type_: str, prop: str, before: Any, after: Any, inputs: dict[str, Any],
           before_inputs: Optional[dict[str, Any]] = None) -> Optional[Effect]:
    """What AWS does when `prop` of a `type_` goes from `before` to `after` (`inputs`: the new inputs,
    `before_inputs`: the baseline's, when known), or None when the table does not say."""
    rows = TYPES.get(type_)
    if rows is None:
        return None
    now = bool(inputs.get("applyImmediately", False))
    row = row_for(type_, prop, inputs)
    rule = {"aws:rds/instance:Instance": _instance_rule, "aws:rds/cluster:Cluster": _cluster_rule,
            "aws:rds/globalCluster:GlobalCluster": _global_rule}.get(type_)
    special = rule(prop, before, after, inputs, now, row, before_inputs) if rule else None
    if special is not None:
        return special
    if row is None or row["outcome"] == "parameters":
        return None
    return _say(row["outcome"], row["when"], row["note"], cite(row), now)


def cite(row: dict[str, str]) -> str:
    """A row's source in words: the page (from `_sources`) and, when the row names one, its section."""
    page = SOURCES.get(row["source"], row["source"])
    return f"{page} → {row['section']}" if row.get("section") else page


def row_for(type_: str, prop: str, inputs: dict[str, Any]) -> Optional[dict[str, str]]:
    """The table's row for `prop` of this resource (its kind's row first), or None."""
    rows = TYPES.get(type_, {})
    return rows.get(f"{prop}@{_kind(type_, inputs)}") or rows.get(prop)


def _kind(type_: str, inputs: dict[str, Any]) -> str:
    """Rows keyed `prop@aurora` or `prop@multi-az` apply to that kind of cluster only."""
    if type_ != "aws:rds/cluster:Cluster":
        return ""
    return "aurora" if str(inputs.get("engine", "")).startswith("aurora") else "multi-az"


def _cluster_rule(prop: str, before: Any, after: Any, inputs: dict[str, Any], now: bool,
                  row: Optional[dict[str, str]], before_inputs: Optional[dict[str, Any]]) -> Optional[Effect]:
    if prop == "globalClusterIdentifier":
        if before and after:
            return _say("refused", None, "an existing cluster cannot move to another global cluster", "provider-cluster", now)
        if after:
            return _say("refused", None, "an existing cluster cannot join a global cluster: a secondary is created "
                        "into it", "provider-cluster", now)
        return _say("in-place", "immediately", "the cluster leaves the global cluster: it becomes a standalone "
                    "read/write cluster, stops replicating and cannot rejoin", "provider-cluster", now)
    if prop == "replicationSourceIdentifier" and before and not after:
        return _say("downtime", "immediately", "the replica cluster is promoted to a standalone cluster, for good",
                    "provider-cluster", now)
    if prop == "masterUserSecretKmsKeyId" and _managed_before_and_after(inputs, before_inputs):
        return _say("refused", None, "the key of the secret RDS manages cannot be changed while RDS manages the "
                    "master password", "modify-cluster", now)
    if prop == "backtrackWindow" and not _number(before) and _number(after) > 0:
        return _say("refused", None, "backtracking can only be turned on when the cluster is created (or restored "
                    "or cloned), and never again once set to 0", "backtrack", now)
    return None


def _global_rule(prop: str, before: Any, after: Any, inputs: dict[str, Any], now: bool,
                 row: Optional[dict[str, str]], before_inputs: Optional[dict[str, Any]]) -> Optional[Effect]:
    if prop == "engineVersion" and isinstance(before, str) and isinstance(after, str) and row:
        engine = str(inputs.get("engine", ""))
        if major_version(engine, before) != major_version(engine, after):
            return _say(row["outcome"], row["when"], row["note"], cite(row), now, prefix="major upgrade")
        minor = TYPES["aws:rds/globalCluster:GlobalCluster"].get(f"engineVersion:minor-{engine}")
        if minor is not None:
            return _say(minor["outcome"], minor["when"], minor["note"], cite(minor), now, prefix="minor upgrade")
    return None


def _instance_rule(prop: str, before: Any, after: Any, inputs: dict[str, Any], now: bool,
                   row: Optional[dict[str, str]], before_inputs: Optional[dict[str, Any]]) -> Optional[Effect]:
    if prop == "allocatedStorage" and _number(before) > 0 and _number(after) > 0:
        if after < before:
            return _say("refused", None, f"allocated storage cannot shrink ({before} → {after} GiB)",
                        "storage", now)
        least = math.ceil(Fraction(before) * (1 + STORAGE_MIN_STEP))  # exact: 400 GiB needs 440, not 441
        if after < least:
            return _say("refused", None, f"an increase must be at least {STORAGE_MIN_STEP * 100} % ({before} GiB → at "
                        f"least {least} GiB)",
                        "storage", now)
    if prop == "engineVersion" and isinstance(before, str) and isinstance(after, str) and row:
        engine = str(inputs.get("engine", ""))
        major = major_version(engine, before) != major_version(engine, after)
        note = row["note"] + ("; the program allows it when it finds the deployed database on the older "
                              "major version" if major else "")
        return _say(row["outcome"], row["when"], note, cite(row), now,
                    prefix="major upgrade" if major else "minor upgrade")
    if prop == "storageType" and isinstance(before, str) and isinstance(after, str) and "standard" in (before, after):
        magnetic = TYPES["aws:rds/instance:Instance"]["storageType:magnetic"]
        return _say(magnetic["outcome"], magnetic["when"], magnetic["note"], cite(magnetic), now)
    if prop == "backupRetentionPeriod" and isinstance(before, int) and isinstance(after, int):
        if (before == 0) != (after == 0):
            return _say("downtime", "apply-immediately", "an outage occurs when automated backups are turned "
                        + ("on" if before == 0 else "off"), "retention", now)
    if prop == "replicateSourceDb":
        if before and not after:
            return _say("downtime", "immediately", "the read replica is promoted to a standalone DB instance, for "
                        "good: replication stops and it reboots", "read-replicas", now)
        return _say("refused", None, "an existing DB instance cannot become (or change the source of) a read "
                    "replica: a replica can only be created new", "read-replicas", now)
    if prop == "masterUserSecretKmsKeyId" and _managed_before_and_after(inputs, before_inputs):
        return _say("refused", None, "the key of the secret RDS manages cannot be changed while RDS manages the "
                    "master password", "modify-instance", now)
    return None


def _managed_before_and_after(inputs: dict[str, Any], before_inputs: Optional[dict[str, Any]]) -> bool:
    """RDS managed the master password before the change and still does: the secret's key is fixed.
    ModifyDBInstance / ModifyDBCluster, MasterUserSecretKmsKeyId: valid only while turning
    ManageMasterUserPassword on; an unknown baseline counts as managed (the cautious answer)."""
    was = True if before_inputs is None else bool(before_inputs.get("manageMasterUserPassword"))
    return bool(inputs.get("manageMasterUserPassword")) and was


def parameter_effect(type_: str, apply_method: str, inputs: dict[str, Any]) -> Optional[Effect]:
    """One parameter of a parameter group set, changed or reset, with its applyMethod."""
    row = TYPES.get(type_, {}).get("parameters")
    if row is None:
        return None
    if apply_method == "pending-reboot":
        return Effect("reboot", "takes effect at the next reboot of each DB instance using the group "
                      "(applyMethod pending-reboot)", SOURCES[row["source"]])
    return Effect("in-place", "applied immediately (applyMethod immediate; dynamic parameters only)",
                  SOURCES[row["source"]])
