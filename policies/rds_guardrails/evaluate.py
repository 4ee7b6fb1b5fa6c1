"""Every control on a list of resources, without the policy SDK: one rule, two front ends.

The policy pack (pack.py) judges planned resources; the audit runbook builds the same
`Resource` description from live `describe_*` output and calls `evaluate`. Both call each
rule's own check, so they agree on the same resource. Levels and thresholds come from the
pack's per-stack config file (policies/config/<stack>.json), read as the CLI reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from rds_guardrails import waivers
from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.levels import DISABLED, REMEDIATE, resolve_rules
from rds_guardrails.rule import ADVISORY, MANDATORY, Resource, Rule, StackRule
from rds_guardrails.waivers import Waiver

__all__ = ["Finding", "Resource", "Waiver", "evaluate", "levels_from_config", "stale_exceptions"]


@dataclass(frozen=True)
class Finding:
    """One violation: which policy, at which level, on which resource, and the message."""

    policy: str
    level: str
    resource: str
    message: str
    # The exception that waives it (then `level` is advisory and the message names it), as the pack does.
    waiver: Optional[Waiver] = None


def _rules() -> list[Union[Rule, StackRule]]:
    return [*RESOURCE_RULES, *STACK_RULES]


def levels_from_config(config: Optional[Mapping[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per policy (level, config) from the pack's config JSON; None: every default (levels.py)."""
    # A WaiverError (a ValueError) names the exception and the key.
    waivers.parse_config(config, [r.name for r in _rules()])
    return resolve_rules(_rules(), config)


# The stack a resource belongs to, for an exception's `stacks`: the URN's by default.
StackOf = Callable[[Resource], Optional[str]]


def _urn_stack(resource: Resource) -> Optional[str]:
    return waivers.stack_of(resource.urn)


def _finding(policy: str, level: str, settings: Mapping[str, Any], resource: Resource, message: str,
             stack_of: StackOf) -> Finding:
    """The finding as the pack reports it (pack.py): waived by an active exception, or naming an expired one."""
    waiver = waivers.find(waivers.parse_policy(policy, settings), resource.urn, resource.name, stack_of(resource))
    if waiver is None:
        return Finding(policy, level, resource.name, message)
    if waiver.expired():
        return Finding(policy, level, resource.name, f"{waiver.expired_note()} {message}")
    return Finding(policy, ADVISORY, resource.name, f"{waiver.waived_note()} {message}", waiver)


def evaluate(resources: Sequence[Resource], config: Optional[Mapping[str, Any]] = None,
             stack_of: StackOf = _urn_stack) -> list[Finding]:
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
                findings.append(_finding(rule.name, level, settings, resource, message, stack_of))
    for stack_rule in STACK_RULES:
        level, settings = levels[stack_rule.name]
        if level == DISABLED:
            continue
        level = MANDATORY if level == REMEDIATE else level
        findings += [_finding(stack_rule.name, level, settings, r, message, stack_of)
                     for r, message in stack_rule.judge(resources, settings)]
    return findings


def stale_exceptions(resources: Sequence[Resource], config: Optional[Mapping[str, Any]] = None,
                     stack_of: StackOf = _urn_stack) -> list[Waiver]:
    """The exceptions of the config that cover none of the resources (of their stacks)."""
    by_policy = waivers.parse_config(config, [r.name for r in _rules()])
    return [w for found in by_policy.values() for w in found
            if not any(w.covers(r.urn, r.name, stack_of(r)) for r in resources)]
