"""A control as data: which resources, when it applies, what AWS does when unset, the check.

Checks are pure functions over a normalised `Resource` (Pulumi type token, name, camelCase
properties, options), so the same rule judges a planned resource (the policy pack, `pack.py`)
and a live one (the audit runbook, `evaluate.py`). A resource check is
(properties, config, options) -> a problem sentence or None; a stack check is
(resources, config) -> the problems it found. The rule adds the resource and the fix to every
message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple, Optional, Sequence

from rds_guardrails.values import UNKNOWN, get

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"

ADVISORY, MANDATORY, DISABLED = "advisory", "mandatory", "disabled"

# The tags a policy may carry (Pulumi Cloud filters and groups policies by them).
TAGS = ("encryption", "network", "backup", "availability", "deployability", "cost")


@dataclass(frozen=True)
class Resource:
    """One resource as every control sees it, planned or live."""

    type: str
    name: str
    props: Mapping[str, Any]
    urn: str = ""
    # Resource options (protect, ...); None when not known (live resources): controls that
    # read options give no verdict then.
    options: Optional[Mapping[str, Any]] = None
    # URNs this resource depends on (planned resources; empty for live ones).
    dependencies: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How messages name it: the type's last segment and the name, e.g. Instance 'db1'."""
        return f"{self.type.split(':')[-1]} '{self.name}'"


# check(props, config, options) -> a sentence saying what is wrong, or None.
Check = Callable[[Any, dict[str, Any], Any], Optional[str]]


class Problem(NamedTuple):
    """What a stack check found on one resource; `fix` overrides the rule's fix when given."""

    resource: Resource
    what: str
    fix: Optional[str] = None


StackCheck = Callable[[Sequence[Resource], dict[str, Any]], list[Problem]]


def _describe(description: str, source: str, anchors: str) -> str:
    return f"{description}{f' (source: {source})' if source else ''} [{anchors or 'no peer check'}]"


def _defaults(config: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    return {k: v["default"] for k, v in config.items() if "default" in v}


@dataclass(frozen=True)
class Rule:
    """One per-resource control (docs/controls.md)."""

    name: str
    description: str
    types: tuple[str, ...]
    check: Check
    # The property a person sets to fix it (named in every message).
    fix: str
    # What AWS does when the property is unset; shown in docs/reference/policies.md.
    unset_means: str
    anchors: str = ""
    severity: str = "high"
    applies: Callable[[Any], bool] = lambda props: True
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    # None: the pack's level (mandatory).
    enforcement_level: Optional[str] = None
    # The check reads resource options, which live resources do not have.
    needs_options: bool = False
    # The AWS page and section (or pulumi-aws docstring) an AWS rule comes from.
    source: str = ""
    # Metadata (docs/compliance.md): tags from TAGS; the section's tag is added by controls.py.
    tags: tuple[str, ...] = ()

    @property
    def full_description(self) -> str:
        """The pack's description: the control, its AWS source, and its anchors in other scanners."""
        return _describe(self.description, self.source, self.anchors)

    def defaults(self) -> dict[str, Any]:
        """The config schema's defaults (the thresholds when no config is given)."""
        return _defaults(self.config)

    def applies_to(self, resource: Resource) -> bool:
        """Whether the rule judges this resource at all (its type, and `applies`)."""
        return resource.type in self.types and bool(self.applies(resource.props))

    def judge(self, resource: Resource, config: Optional[Mapping[str, Any]] = None) -> Optional[str]:
        """The violation message for this resource, or None (not applicable, or compliant)."""
        if resource.type not in self.types or not self.applies(resource.props):
            return None
        if self.needs_options and resource.options is None:
            return None
        # The CLI sends schema defaults; a direct caller may not, so fall back to them.
        problem = self.check(resource.props, {**self.defaults(), **(config or {})}, resource.options)
        if not problem:
            return None
        return f"{resource.label}: {problem}. Fix: {self.fix}."


@dataclass(frozen=True)
class StackRule:
    """One control (docs/controls.md) that looks across resources (AnalyzeStack sees every output)."""

    name: str
    description: str
    check: StackCheck
    fix: str
    anchors: str = ""
    severity: str = "high"
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    enforcement_level: Optional[str] = None
    source: str = ""
    tags: tuple[str, ...] = ()
    # The types whose presence makes the rule apply to a stack (the compliance report's "not
    # applicable" when none is present); the problems name resources of these types.
    types: tuple[str, ...] = (INSTANCE, CLUSTER)
    # Which of those it judges (e.g. primaries only), as Rule.applies: the report's resources.
    applies: Callable[[Any], bool] = lambda props: True

    def applies_to(self, resource: Resource) -> bool:
        """Whether the resource is one this rule judges (a stack without any: not applicable)."""
        return resource.type in self.types and bool(self.applies(resource.props))

    @property
    def full_description(self) -> str:
        """The pack's description: the control, its AWS source, and its anchors in other scanners."""
        return _describe(self.description, self.source, self.anchors)

    def defaults(self) -> dict[str, Any]:
        """The config schema's defaults (the thresholds when no config is given)."""
        return _defaults(self.config)

    def judge(self, resources: Sequence[Resource], config: Optional[Mapping[str, Any]] = None) -> list[tuple[Resource, str]]:
        """Each resource found at fault, with its violation message."""
        found = self.check(resources, {**self.defaults(), **(config or {})})
        return [(p.resource, f"{p.resource.label}: {p.what}. Fix: {p.fix or self.fix}.") for p in found]


def must_be_true(prop: str, what: str, unset: bool = False) -> Check:
    """A boolean that must be on; `unset` is the value AWS assumes when it is not set."""

    def check(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
        value = get(props, prop, unset)
        if value is UNKNOWN or value is True:
            return None
        return f"{what} is off ({prop} is {str(value).lower()}{' by default' if get(props, prop) is None else ''})"

    return check


def must_not_be_true(prop: str, what: str, unset: bool = False) -> Check:
    """A boolean that must be off; `unset` is the value AWS assumes when it is not set."""

    def check(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
        value = get(props, prop, unset)
        if value is UNKNOWN or value is not True:
            return None
        return f"{what} ({prop} is true{' by default' if get(props, prop) is None else ''})"

    return check
