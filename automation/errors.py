"""Every way an operation is refused or fails, each with a message a service can show as is.

Each class carries the exit code of `python -m automation` (docs/reference/exit-codes.md); 0 is
success and INTERNAL_ERROR anything this package did not expect.
"""

from __future__ import annotations

from typing import Any, Callable
INTERNAL_ERROR = 8


class AutomationError(Exception):
    """Base of everything this package raises on purpose."""

    exit_code = INTERNAL_ERROR

    def masked_with(self, mask: Callable[[str], str]) -> "AutomationError":
        """The same error with its message passed through `mask` (known secret values hidden)."""
        self.args = (mask(str(self)),)
        return self


class GuardRailRefusedError(AutomationError):
    """A guard rail refused the operation before anything changed."""

    exit_code = 1


class BadInputError(AutomationError):
    """The request itself is wrong: unknown stack, bad name, bad key or value, malformed override."""

    exit_code = 2


class ConfigRejectedError(BadInputError):
    """Config overrides that the stack's settings refuse (same rules as the program)."""


class UnknownStackError(BadInputError):
    """No Pulumi.<stack>.yaml for the stack, or a name Pulumi does not accept."""


class DataLossRefusedError(AutomationError):
    """The preview would replace or delete a stateful or protected resource."""

    exit_code = 3

    def __init__(self, stack: str, changes: list[Any]) -> None:
        self.changes = changes
        lines = "\n".join(f"  - {c.op} {c.type} {c.name}" for c in changes)
        super().__init__(f"stack {stack}: refused, the update would replace or delete data-bearing or "
                         f"protected resources (pass allow_replacement=True to accept):\n{lines}")


class CliUnusableError(AutomationError):
    """The Pulumi CLI cannot be used: missing, too old, or it cannot execute."""

    exit_code = 4


class CliNotFoundError(CliUnusableError):
    """The Pulumi CLI is missing or too old."""


class OperationFailedError(AutomationError):
    """The Pulumi CLI or the engine reported an error (not a conflict, not a policy refusal)."""

    exit_code = 5


class StackBusyError(AutomationError):
    """Another operation holds the stack: the lock here, or (after retries) the backend's."""

    exit_code = 6


class OperationCancelledError(AutomationError):
    """The caller cancelled; the engine was asked to stop."""

    exit_code = 7


class DriftFoundError(AutomationError):
    """Drift found: live resources differ from the stack's state (drift only; nothing was written)."""

    exit_code = 9

    def __init__(self, stack: str, drifted: list[Any]) -> None:
        self.drifted = drifted
        resources = sorted({d.name for d in drifted})
        super().__init__(f"stack {stack}: {len(drifted)} drifted propert{'y' if len(drifted) == 1 else 'ies'} on "
                         f"{len(resources)} resource(s): {', '.join(resources)}; the next up sets the program's "
                         "values back (see the drift lines), a refresh records the live ones")


class PolicyViolationError(GuardRailRefusedError):
    """The preview found mandatory policy violations; nothing was changed."""

    def __init__(self, stack: str, findings: list[Any]) -> None:
        self.findings = findings
        lines = "\n".join(f"  - {f.policy} on {f.resource}: {f.message}" for f in findings)
        super().__init__(f"stack {stack}: refused, {len(findings)} mandatory policy violation(s):\n{lines}")


class DestroyRefusedError(GuardRailRefusedError):
    """Destroying a production stack without naming it."""
