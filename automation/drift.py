"""Drift: what differs between a stack's state and the live resources, read without writing.

`pulumi refresh --preview-only` (the Automation API's `Stack.preview_refresh`, SDK 3.272) reads
every resource from the cloud and reports how the state would change, without writing the state:
the read-only refresh Pulumi's own drift detection runs ("Drift detection and remediation",
pulumi.com/docs/deployments/concepts/drift/, "Running drift detection from the CLI", read
2026-12-07). Each refresh step's event carries the resource's state before (`old`, what the last
`up` recorded) and as read (`new`, what is live); a property whose output differs is drifted, a
resource read as gone (no `new`) is drifted as a whole.

Values are masked twice, as every event is (automation/results.py): what the engine marks
secret, and the secret values the Deployer knows (automation/masking.py).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Optional

from pulumi.automation import EngineEvent, StepEventMetadata

from automation.masking import Masker
from automation.results import EventCollector
from plan.registration import masked

# The property named when the whole resource is gone (deleted outside the program).
WHOLE_RESOURCE = "(resource)"


@dataclass(frozen=True)
class DriftedProperty:
    """One property whose live value differs from the state's: old (the state's) → live."""

    urn: str
    type: str
    property: str
    old: Any
    live: Any

    @builtins.property  # the field `property` shadows the builtin in this class body
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


def _op(metadata: StepEventMetadata) -> str:
    return metadata.op.value if isinstance(metadata.op, Enum) else str(metadata.op)


def drifted(metadata: StepEventMetadata, read: bool, mask: Masker) -> list[DriftedProperty]:
    """The drifted properties one refresh step reports. `read`: the step is done (outputs event),
    so a missing `new` means the resource is gone, not yet read."""
    old, new = metadata.old, metadata.new
    if old is None or (old.type or metadata.type).startswith("pulumi:"):
        return []
    if new is None:
        if read or _op(metadata) == "delete":
            return [DriftedProperty(metadata.urn, metadata.type, WHOLE_RESOURCE, "exists", "deleted")]
        return []
    before, after = old.outputs or {}, new.outputs or {}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    changed |= {d.split(".")[0].split("[")[0] for d in metadata.diffs or []}
    return [DriftedProperty(metadata.urn, metadata.type, prop, mask(masked(before.get(prop))),
                            mask(masked(after.get(prop))))
            for prop in sorted(changed) if not prop.startswith("__")]


class DriftCollector(EventCollector):
    """An EventCollector that also keeps each drifted property of a read-only refresh, once."""

    def __init__(self, forward: Optional[Callable[[dict[str, Any]], None]] = None,
                 mask: Optional[Masker] = None) -> None:
        super().__init__(forward, mask)
        self._found: dict[tuple[str, str], DriftedProperty] = {}

    def __call__(self, event: EngineEvent) -> None:
        for found, read in ((event.resource_pre_event, False), (event.res_outputs_event, True)):
            if found is not None:
                for d in drifted(found.metadata, read, self.mask):
                    self._found.setdefault((d.urn, d.property), d)
        super().__call__(event)

    @property
    def drifted(self) -> list[DriftedProperty]:
        return [self._found[k] for k in sorted(self._found)]
