"""Every control on a list of resources, without the policy SDK: one rule, two front ends.

The policy pack (pack.py) judges planned resources; the audit runbook builds the same
`Resource` description from live `describe_*` output and calls `evaluate`. Both call each
rule's own check, so they agree on the same resource. Levels and thresholds come from the
pack's per-stack config file (policies/config/<stack>.json), read as the CLI reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Union

from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.levels import DISABLED, REMEDIATE, resolve_rules
from rds_guardrails.rule import MANDATORY, Resource, Rule, StackRule

__all__ = ["Finding", "Resource", "evaluate", "levels_from_config"]


@dataclass(frozen=True)
class Finding:
    """One violation: which policy, at which level, on which resource, and the message."""

    policy: str
    level: str
    resource: str
    message: str


def _rules() -> list[Union[Rule, StackRule]]:
    return [*RESOURCE_RULES, *STACK_RULES]


def levels_from_config(config: Optional[Mapping[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per policy (level, config) from the pack's config JSON; None: every default (levels.py)."""
    return resolve_rules(_rules(), config)


def evaluate(resources: Sequence[Resource], config: Optional[Mapping[str, Any]] = None) -> list[Finding]:
    """Every resource control on every resource, then every stack control on the whole list."""
    levels = levels_from_config(config)
    findings = []
    for rule in RESOURCE_RULES:
        level, settings = levels[rule.name]
        if level == DISABLED:
            continue
        # No rule of the pack remediates: pulumi-policy reports a remediate-level violation as mandatory.
        level = MANDATORY if level == REMEDIATE else level
        for resource in resources:
            message = rule.judge(resource, settings)
            if message:
                findings.append(Finding(rule.name, level, resource.name, message))
    for stack_rule in STACK_RULES:
        level, settings = levels[stack_rule.name]
        if level == DISABLED:
            continue
        level = MANDATORY if level == REMEDIATE else level
        findings += [Finding(stack_rule.name, level, r.name, message)
                     for r, message in stack_rule.judge(resources, settings)]
    return findings
