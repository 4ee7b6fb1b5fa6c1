"""The pulumi-policy front end: each rule as a Resource/StackValidationPolicy calling its own check."""

from __future__ import annotations

from typing import Any, Optional, Union

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.rule import Resource, Rule, StackRule

def _options(opts: Any) -> dict[str, Any]:
    # Only what a control reads; the SDK always passes the options of a planned resource.
    return {"protect": bool(getattr(opts, "protect", False)),
            "ignoreChanges": list(getattr(opts, "ignore_changes", None) or [])}


def _level(rule: Union[Rule, StackRule]) -> Optional[EnforcementLevel]:
    return EnforcementLevel(rule.enforcement_level) if rule.enforcement_level else None


def _schema(rule: Union[Rule, StackRule]) -> Optional[PolicyConfigSchema]:
    return PolicyConfigSchema(properties=rule.config) if rule.config else None


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    """The rule as a ResourceValidationPolicy (Analyze, on each resource's inputs)."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in rule.types:
            return  # before building anything: most resources are not this rule's
        resource = Resource(args.resource_type, args.name, args.props, args.urn, _options(args.opts))
        message = rule.judge(resource, args.get_config())
        if message:
            report(message, None)  # the SDK's reporter defaults urn to None; its type says it is required

    return ResourceValidationPolicy(name=rule.name, description=rule.full_description, validate=validate,
                                    enforcement_level=_level(rule), config_schema=_schema(rule),
                                    severity=Severity(rule.severity))


def stack_policy(rule: StackRule) -> StackValidationPolicy:
    """The rule as a StackValidationPolicy (AnalyzeStack, on every resource's outputs)."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [Resource(r.resource_type, r.name, r.props, r.urn, _options(r.opts),
                              tuple(d.urn for d in (r.dependencies or []))) for r in args.resources]
        for resource, message in rule.judge(resources, args.get_config()):
            report(message, resource.urn)

    return StackValidationPolicy(name=rule.name, description=rule.full_description, validate=validate,
                                 enforcement_level=_level(rule), config_schema=_schema(rule),
                                 severity=Severity(rule.severity))


def all_policies() -> list[Policy]:
    """Every policy of the pack, resource policies first."""
    return [resource_policy(r) for r in RESOURCE_RULES] + [stack_policy(r) for r in STACK_RULES]
