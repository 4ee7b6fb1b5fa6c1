"""The operation's stack in the backend: selected, created only by an operation that needs it,
and removed again when that operation stops before `pulumi up` could create anything.

Every check that needs no engine (stack name, config, the destroy confirmation, the lock) runs
before the first CLI call (automation/deployer.py), so those refusals leave no trace in the
backend. The policy pack's verdict needs the engine, and `pulumi preview` needs a stack: on a
stack the backend has never seen, preview and up must run `pulumi stack init` first. A stack
created here for a preview, or for an up that is refused or fails before `pulumi up` starts, is
removed again with `pulumi stack rm --yes --preserve-config` (without --force the CLI refuses to
remove a stack that holds resources), and the stack file stays. When that removal fails the error
says so, whatever stopped the operation: the CLI's failure keeps its own exit code. refresh and
destroy never create a stack: one the backend has never seen is an UnknownStackError.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

from pulumi import automation as auto
from pulumi.automation.errors import CommandError, StackNotFoundError

from automation.cli_seam import cli_unusable, first_error_line
from automation.errors import AutomationError, CliUnusableError, OperationFailedError, UnknownStackError


@dataclass
class BackendStack:
    """The selected stack, and whether this operation created it (so it may remove it again)."""

    stack: auto.Stack
    created: bool


def open_stack(name: str, work_dir: str, opts: auto.LocalWorkspaceOptions, *, create: bool) -> BackendStack:
    """Select the stack; create it only when `create` and the backend has none of that name."""
    try:
        return BackendStack(auto.select_stack(name, work_dir=work_dir, opts=opts), created=False)
    except StackNotFoundError:
        if not create:
            raise UnknownStackError(
                f"stack {name} has never been deployed to this backend (no stack of that name): there is "
                "nothing to refresh or destroy; run preview or up to create it") from None
    return BackendStack(auto.create_stack(name, work_dir=work_dir, opts=opts), created=True)


@contextmanager
def removed_unless_kept(backend: Optional[BackendStack], *, keep_on_success: bool) -> Iterator[None]:
    """Remove a stack this operation created when the block raises, and after it unless kept."""
    try:
        yield
    except BaseException as exc:
        problem = _remove(backend)
        if not problem:
            raise
        assert backend is not None  # _remove found a problem: there was a stack to remove
        if isinstance(exc, AutomationError):
            exc.args = (f"{exc}\n{problem}",)
            raise
        # The exit codes deployer._cli gives these failures, with the removal problem kept.
        if isinstance(exc, CommandError):
            raise OperationFailedError(f"stack {backend.stack.name}: {first_error_line(exc)}\n{problem}") from exc
        if isinstance(exc, OSError):
            raise CliUnusableError(f"{cli_unusable(exc)}\n{problem}") from exc
        if isinstance(exc, (ValueError, KeyError)):  # JSON the CLI should have written
            raise OperationFailedError(f"stack {backend.stack.name}: unexpected answer from the Pulumi CLI "
                                       f"({exc})\n{problem}") from exc
        raise
    if not keep_on_success:
        problem = _remove(backend)
        if problem:
            raise OperationFailedError(problem)


def _remove(backend: Optional[BackendStack]) -> Optional[str]:
    """`pulumi stack rm` of a stack this operation created; what went wrong, or None."""
    if backend is None or not backend.created:
        return None
    name = backend.stack.name
    try:
        backend.stack.workspace.remove_stack(name, preserve_config=True)
    except CommandError as exc:
        reason = first_error_line(exc)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        backend.created = False
        return None
    return (f"stack {name}: this operation created the stack and could not remove it again ({reason}); "
            f"if it holds no resources, remove it with `pulumi stack rm {name}`")
