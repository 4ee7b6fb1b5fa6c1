"""Which property changes replace a resource, for every type the program registers.

The table is data, `policies/rds_guardrails/facts/forcenew.json`: per Pulumi type, the inputs the provider schema marks
"forces new resource" (Terraform `ForceNew: true` / `RequiresReplace`), the optional inputs the
provider computes when unset (removing one from the program keeps the deployed value), the
conditional replacements a CustomizeDiff adds, and the source file each list was read from
(terraform-provider-aws v6.58.0, terraform-provider-random v3.9.0, both bridged by the pinned
pulumi-aws / pulumi-random). Keep it in step when a provider upgrade adds force-new fields;
tests/test_replacements.py fails when the program registers a type the table does not know.

A replacement of a *stateful* type creates a new, empty (or restored) resource and deletes the
old one with its data; those are the changes a reviewer must approve (STATEFUL_TYPES).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rds_guardrails.facts import DATA_DIR

TABLE_FILE = DATA_DIR / "forcenew.json"


@dataclass(frozen=True)
class ReplacementRule:
    """What replaces one resource type, and where that was read."""

    type: str
    force_new: frozenset[str]
    kept_when_unset: frozenset[str]
    conditional: tuple[str, ...]
    source: str


def _load() -> dict[str, ReplacementRule]:
    table = json.loads(TABLE_FILE.read_text())
    return {t: ReplacementRule(t, frozenset(e["forceNew"]), frozenset(e["keptWhenUnset"]),
                               tuple(e["conditional"]), e["source"]) for t, e in table.items()}


RULES: dict[str, ReplacementRule] = _load()

# Types whose replacement or deletion loses data: databases, their automated backups, the keys
# that decrypt every backup and snapshot, the secrets holding credentials, logs kept for audit.
STATEFUL_TYPES = frozenset({
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:cloudwatch/logGroup:LogGroup",
})


def kept_when_unset(type_: str, prop: str) -> bool:
    """Removing `prop` from the program keeps the deployed value (the provider computes it)."""
    rule = RULES.get(type_)
    return rule is not None and prop in rule.kept_when_unset


def is_stateful(type_: str) -> bool:
    return type_ in STATEFUL_TYPES


def forcing_properties(type_: str, changed: set[str]) -> list[str]:
    """The changed properties that replace a resource of this type (empty if none)."""
    rule = RULES.get(type_)
    return sorted(changed & rule.force_new) if rule else []
