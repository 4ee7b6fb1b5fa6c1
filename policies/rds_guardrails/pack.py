"""The pulumi-policy front end: each rule as a Resource/StackValidationPolicy calling its own check."""

from __future__ import annotations

from typing import Any, Optional, Union

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from rds_guardrails import metadata, waivers
from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.rule import Resource, Rule, StackRule
from rds_guardrails.waived_level import report_waived

def _options(opts: Any) -> dict[str, Any]:
    # Only what a control reads; the SDK always passes the options of a planned resource.
    return {"protect": bool(getattr(opts, "protect", False)),
            "ignoreChanges": list(getattr(opts, "ignore_changes", None) or [])}


def _level(rule: Union[Rule, StackRule]) -> Optional[EnforcementLevel]:
    return EnforcementLevel(rule.enforcement_level) if rule.enforcement_level else None


def _schema(rule: Union[Rule, StackRule]) -> PolicyConfigSchema:
    # Every policy takes exceptions (waivers.py); some also thresholds.
    return PolicyConfigSchema(properties={**rule.config, **waivers.SCHEMA_PROPERTIES})


def _report(report: ReportViolation, policy: str, config: Any, message: str, resource: Resource,
            urn: Optional[str]) -> None:
    """Report a violation (at `urn`); one an exception of the policy covers is reported at advisory
    level with a note naming it, one whose exception has expired as usual with a note saying so."""
    try:
        waiver = waivers.find(waivers.parse_policy(policy, config), resource.urn, resource.name)
    except waivers.WaiverError as exc:  # the gate refuses such a file first; under the CLI, fail closed
        report(f"[exceptions not applied: {exc}] {message}", urn)
        return
    if waiver is None:
        report(message, urn)
    elif waiver.expired():
        report(f"{waiver.expired_note()} {message}", urn)
    else:
        report_waived(report, f"{waiver.waived_note()} {message}", urn)


def _metadata(rule: Union[Rule, StackRule]) -> dict[str, Any]:
    """The policy's structured metadata (metadata.py) as the SDK's keyword arguments."""
    framework = metadata.framework(rule)
    return {"display_name": metadata.display_name(rule), "url": metadata.url(rule),
            "remediation_steps": metadata.remediation(rule), "tags": metadata.tags(rule),
            "framework": PolicyComplianceFramework(**framework) if framework else None,
            "severity": Severity(rule.severity)}


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    """The rule as a ResourceValidationPolicy (Analyze, on each resource's inputs)."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in rule.types:
            return  # before building anything: most resources are not this rule's
        resource = Resource(args.resource_type, args.name, args.props, args.urn, _options(args.opts))
        if not rule.applies(resource.props):
            # One of its types, but not judged (a replica, another engine): the run records it.
            args.not_applicable(f"{rule.name} does not judge this {resource.type.split(':')[-1]} ({rule.description})")
        config = args.get_config()
        message = rule.judge(resource, config)
        if message:
            # The SDK's reporter defaults urn to None; its type says it is required.
            _report(report, rule.name, config, message, resource, None)

    return ResourceValidationPolicy(name=rule.name, description=rule.full_description, validate=validate,
                                    enforcement_level=_level(rule), config_schema=_schema(rule), **_metadata(rule))


def stack_policy(rule: StackRule) -> StackValidationPolicy:
    """The rule as a StackValidationPolicy (AnalyzeStack, on every resource's outputs)."""

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [Resource(r.resource_type, r.name, r.props, r.urn, _options(r.opts),
                              tuple(d.urn for d in (r.dependencies or []))) for r in args.resources]
        if not any(rule.applies_to(r) for r in resources):
            args.not_applicable(f"the stack has no {', '.join(t.split(':')[-1] for t in rule.types)}")
        config = args.get_config()
        for resource, message in rule.judge(resources, config):
            _report(report, rule.name, config, message, resource, resource.urn)

    return StackValidationPolicy(name=rule.name, description=rule.full_description, validate=validate,
                                 enforcement_level=_level(rule), config_schema=_schema(rule), **_metadata(rule))


def all_policies() -> list[Policy]:
    """Every policy of the pack, resource policies first."""
    return [resource_policy(r) for r in RESOURCE_RULES] + [stack_policy(r) for r in STACK_RULES]
