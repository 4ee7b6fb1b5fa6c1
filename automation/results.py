"""Typed results of an operation, and reading them off the engine's events."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable, Mapping, Optional

from pulumi.automation import EngineEvent, OutputValue

from automation.masking import Masker
from plan.registration import masked
from plan.replacements import is_stateful

# Steps that remove a resource's current incarnation, and with it its data.
DESTRUCTIVE_OPS = {"replace", "create-replacement", "delete-replaced", "delete"}


@dataclass(frozen=True)
class PolicyFinding:
    policy: str
    level: str
    resource: str
    message: str


@dataclass(frozen=True)
class PlannedChange:
    """One destructive step the engine planned for a resource."""

    op: str
    urn: str
    type: str
    protected: bool

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def at_risk(self) -> bool:
        return self.protected or is_stateful(self.type)


@dataclass(frozen=True)
class Output:
    """A stack output; a secret's value is never carried (`value` is None, `secret` True)."""

    value: Any
    secret: bool

    def __repr__(self) -> str:
        return "Output([secret])" if self.secret else f"Output({self.value!r})"


@dataclass
class OperationResult:
    """What a deployment service gets back from every operation."""

    stack: str
    operation: str
    # Resource counts per engine operation, e.g. {"create": 3, "same": 80}.
    changes: dict[str, int] = field(default_factory=dict)
    policy_findings: list[PolicyFinding] = field(default_factory=list)
    destructive: list[PlannedChange] = field(default_factory=list)
    outputs: dict[str, Output] = field(default_factory=dict)


@dataclass
class DriftResult(OperationResult):
    """The result of a read-only refresh: every drifted property (automation/drift.py), masked."""

    drifted: list[Any] = field(default_factory=list)


class EventCollector:
    """Keeps what the results need from the event stream and forwards every event, masked.

    Masked twice over: values the engine marks secret, and plain strings equal to (or, when
    long enough, containing) a secret value the Deployer knows (`mask`).
    """

    def __init__(self, forward: Optional[Callable[[dict[str, Any]], None]] = None,
                 mask: Optional[Masker] = None) -> None:
        self.forward = forward
        self.mask = mask or Masker()
        self.findings: list[PolicyFinding] = []
        self.destructive: dict[str, PlannedChange] = {}
        self.summary: Optional[dict[str, int]] = None

    def __call__(self, event: EngineEvent) -> None:
        if event.policy_event is not None:
            p = event.policy_event
            message = p.message.strip().splitlines()[-1] if p.message and p.message.strip() else ""
            self.findings.append(PolicyFinding(p.policy_name, str(p.enforcement_level), p.resource_urn or "",
                                               self.mask.text(message)))
        if event.resource_pre_event is not None:
            m = event.resource_pre_event.metadata
            op = m.op.value if isinstance(m.op, Enum) else str(m.op)
            if op in DESTRUCTIVE_OPS and m.urn not in self.destructive:
                protected = bool(m.old is not None and m.old.protect)
                self.destructive[m.urn] = PlannedChange(op, m.urn, m.type, protected)
        if event.summary_event is not None:
            self.summary = {str(k.value if isinstance(k, Enum) else k): v
                            for k, v in (event.summary_event.resource_changes or {}).items()}
        if self.forward is not None:
            self.forward(self.mask(event_to_dict(event)))

    @property
    def mandatory(self) -> list[PolicyFinding]:
        return [f for f in self.findings if f.level == "mandatory"]

    @property
    def at_risk(self) -> list[PlannedChange]:
        return [c for c in self.destructive.values() if c.at_risk]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def event_to_dict(obj: Any) -> Any:
    """An engine event as the JSON the engine wrote (camelCase, unset fields left out)."""
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, dict):
        return masked({str(event_to_dict(k)): event_to_dict(v) for k, v in obj.items()})
    if isinstance(obj, (list, tuple)):
        return [event_to_dict(v) for v in obj]
    if hasattr(obj, "__dict__"):
        return {_camel(k): event_to_dict(v) for k, v in vars(obj).items() if v is not None}
    return obj


def outputs_from(stack_outputs: Mapping[str, OutputValue], mask: Optional[Masker] = None) -> dict[str, Output]:
    """The stack outputs without secret values (engine secrets and known secret strings)."""
    mask = mask or Masker()
    return {k: Output(None if v.secret else mask(v.value), v.secret) for k, v in sorted(stack_outputs.items())}
