"""A control as data: which resources, when it applies, what AWS does when unset, the check.

Each control becomes one pulumi-policy `ResourceValidationPolicy`. Checks are pure functions
of (properties, config) returning a problem sentence or None, so they are easy to read and to
test; the wrapper adds the resource name and the property to set to every message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from pulumi_policy import (
    Severity,
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from rds_guardrails.values import UNKNOWN, get

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"

# check(props, config, opts) -> a sentence saying what is wrong, or None.
Check = Callable[[Any, dict, Any], Optional[str]]


@dataclass(frozen=True)
class Rule:
    """One control of CONTROLS.md."""

    name: str
    description: str
    types: tuple[str, ...]
    check: Check
    # The property a person sets to fix it (named in every message).
    fix: str
    # What AWS does when the property is unset; shown in the README table.
    unset_means: str
    anchors: str = ""
    severity: str = "high"
    applies: Callable[[Any], bool] = lambda props: True
    config: dict[str, dict] = field(default_factory=dict)
    enforcement_level: Optional[EnforcementLevel] = None

    def defaults(self) -> dict[str, Any]:
        return {k: v["default"] for k, v in self.config.items() if "default" in v}

    def policy(self) -> ResourceValidationPolicy:
        def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
            if args.resource_type not in self.types or not self.applies(args.props):
                return
            # The CLI sends schema defaults; a direct caller may not, so fall back to them.
            config = {**self.defaults(), **(args.get_config() or {})}
            problem = self.check(args.props, config, args.opts)
            if problem:
                kind = args.resource_type.split(":")[-1]
                report(f"{kind} '{args.name}': {problem}. Fix: {self.fix}.")

        return ResourceValidationPolicy(
            name=self.name,
            description=f"{self.description} [{self.anchors or 'no peer check'}]",
            validate=validate,
            enforcement_level=self.enforcement_level,
            config_schema=PolicyConfigSchema(properties=self.config) if self.config else None,
            severity=Severity(self.severity),
        )


def must_be_true(prop: str, what: str, unset: bool = False) -> Check:
    """A boolean that must be on; `unset` is the value AWS assumes when it is not set."""

    def check(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
        value = get(props, prop, unset)
        if value is UNKNOWN or value is True:
            return None
        return f"{what} is off ({prop} is {str(value).lower()}{' by default' if get(props, prop) is None else ''})"

    return check


def must_not_be_true(prop: str, what: str, unset: bool = False) -> Check:
    def check(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
        value = get(props, prop, unset)
        if value is UNKNOWN or value is not True:
            return None
        return f"{what} ({prop} is true{' by default' if get(props, prop) is None else ''})"

    return check
