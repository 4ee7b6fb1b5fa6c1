"""Every way an operation is refused or fails, each with a message a service can show as is."""

from __future__ import annotations


class AutomationError(Exception):
    """Base of everything this package raises on purpose."""


class CliNotFoundError(AutomationError):
    """The Pulumi CLI is missing or too old."""


class ConfigRejectedError(AutomationError):
    """Config overrides that the stack's settings refuse (same rules as the program)."""


class PolicyViolationError(AutomationError):
    """The preview found mandatory policy violations; nothing was changed."""

    def __init__(self, stack: str, findings: list) -> None:
        self.findings = findings
        lines = "\n".join(f"  - {f.policy} on {f.resource}: {f.message}" for f in findings)
        super().__init__(f"stack {stack}: refused, {len(findings)} mandatory policy violation(s):\n{lines}")


class DataLossRefusedError(AutomationError):
    """The preview would replace or delete a stateful or protected resource."""

    def __init__(self, stack: str, changes: list) -> None:
        self.changes = changes
        lines = "\n".join(f"  - {c.op} {c.type} {c.name}" for c in changes)
        super().__init__(f"stack {stack}: refused, the update would replace or delete data-bearing or "
                         f"protected resources (pass allow_replacement=True to accept):\n{lines}")


class DestroyRefusedError(AutomationError):
    """Destroying a production stack without naming it."""


class StackBusyError(AutomationError):
    """Another operation on the same stack is running, here or (after retries) elsewhere."""


class OperationCancelledError(AutomationError):
    """The caller cancelled; the engine was asked to stop."""


class OperationFailedError(AutomationError):
    """The Pulumi CLI reported an error (not a conflict, not a policy refusal)."""
