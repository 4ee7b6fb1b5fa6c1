"""preview, up, refresh, drift and destroy of this project's stacks through the Automation API.

Guard rails, in the order they act:
1. The stack must be one of this project's (a Pulumi.<stack>.yaml), else UnknownStackError.
2. One operation per stack at a time, across processes: a file lock beside the workspace
   (automation/stack_guard.py), held for the whole operation.
3. Config overrides are validated by components/settings/ (the program's own rules) with
   the stack file (encrypted values as placeholders) before anything touches the stack.
   They apply to this one operation: the stack file is put back byte for byte after a
   preview and after any refused or failed operation; only a successful up keeps them.
   Overrides of secret keys are written as secrets (`config set-all --secret`).
4. preview and up always run policies/ with policies/config/<stack>.json; there is no switch.
5. up previews first and refuses mandatory policy violations, and any plan that replaces or
   deletes a stateful (plan/replacements.py) or protected resource, unless
   allow_replacement=True.
6. destroy of a production stack (settings keep deletion protection on, the default, or
   settings that cannot be read) needs confirm_stack equal to the stack's name.
7. A conflict with another update (ConcurrentUpdateError, the backend's lock) is retried
   with bounded, growing waits; every other error is raised at once.
8. Nothing is created in the backend before 1-3 (and 6) pass: the stack is selected, and created
   only by preview and up, which need it for the engine's policy verdict; a stack created so is
   removed again after a preview and when an up stops before `pulumi up` (automation/backend_stack.py).
   refresh, drift and destroy of a stack the backend has never seen are UnknownStackError.
Known secret values (secret overrides, the stack's decrypted secret config) are masked in
every event, result and error message.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

from pulumi import automation as auto
from pulumi.automation.errors import CommandError, ConcurrentUpdateError

from automation.backend_stack import BackendStack, open_stack, removed_unless_kept
from automation.cli_seam import cancellation, cli_unusable, first_error_line, pulumi_cli, try_cancel
from automation.drift import DriftCollector
from automation.errors import (
    AutomationError,
    ConfigRejectedError,
    DataLossRefusedError,
    DestroyRefusedError,
    OperationCancelledError,
    OperationFailedError,
    PolicyViolationError,
    StackBusyError,
    UnknownStackError,
)
from automation.masking import Masker
from automation.results import DriftResult, EventCollector, OperationResult, outputs_from
from automation.stack_guard import LOCK_DIR_NAME, StackFileKept, stack_lock
import components.settings as settings
from components.settings import SettingsError, parse_config_text
from plan.stack_config import PROJECT_DIR, StackConfigError, read_stack_config, stack_names

# "Stack names may only contain alphanumeric characters, hyphens, underscores, or periods"
# (Pulumi docs, Concepts > Stacks > Create a stack). The org/ prefix is not taken: the stack
# must be one of this project's Pulumi.<stack>.yaml files.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# A config key as `pulumi config set` takes it: [namespace:]name.
CONFIG_KEY = re.compile(r"([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+")

EventSink = Callable[[dict[str, Any]], None]


@dataclass
class _Operation:
    """What one operation knows while it runs: its stack, the secrets to mask, the stack file."""

    stack: str
    mask: Masker
    kept: StackFileKept
    # The stack in the backend, once selected (or created by this operation).
    backend: Optional[BackendStack] = None


@dataclass
class Deployer:
    """Runs operations on this project's stacks. One per service is enough; it is thread-safe."""

    work_dir: Path = PROJECT_DIR
    # None: the `pulumi` on PATH, version-checked when the first operation needs it.
    pulumi_command: Optional[auto.PulumiCommand] = None
    env: dict[str, str] = field(default_factory=dict)
    # ConcurrentUpdateError: attempts in all, and the first wait (doubled each time).
    attempts: int = 4
    first_wait_seconds: float = 5.0
    # The stack lock: 0 refuses at once when another worker holds it, > 0 waits that long, < 0 forever.
    lock_timeout_seconds: float = 0.0
    # Where the lock files live; None: <work_dir>/.automation-locks.
    lock_dir: Optional[Path] = None
    sleep: Callable[[float], None] = time.sleep

    # --- operations ----------------------------------------------------------------------------

    def preview(self, stack: str, *, config: Optional[Mapping[str, Any]] = None,
                on_event: Optional[EventSink] = None,
                cancel: Optional[threading.Event] = None) -> OperationResult:
        """The plan and the policy verdict; changes nothing. Mandatory violations raise."""
        with self._operation(stack) as op:
            s = self._select(op, config, create=True)
            with removed_unless_kept(op.backend, keep_on_success=False):  # a what-if leaves no stack behind
                collector = self._preview(op, s, on_event, cancel)
            return OperationResult(stack, "preview", collector.summary or {}, collector.findings,
                                   list(collector.destructive.values()))

    def up(self, stack: str, *, config: Optional[Mapping[str, Any]] = None, allow_replacement: bool = False,
           on_event: Optional[EventSink] = None, cancel: Optional[threading.Event] = None) -> OperationResult:
        """Preview, refuse what the guard rails refuse, then update with the same policy pack."""
        with self._operation(stack) as op:
            s = self._select(op, config, create=True)
            with removed_unless_kept(op.backend, keep_on_success=True):
                planned = self._preview(op, s, on_event, cancel)
                if planned.at_risk and not allow_replacement:
                    raise DataLossRefusedError(stack, planned.at_risk)
            # From here `pulumi up` may create resources: the stack stays, whatever happens.
            collector = EventCollector(on_event, op.mask)
            self._run(op, cancel, s, lambda: s.up(on_event=collector, color="never", **self._policy(stack)))
            op.kept.persist()  # the update succeeded: its config is now the stack's
            outputs = self._cli(op, lambda: outputs_from(s.outputs(), op.mask))
            return OperationResult(stack, "up", collector.summary or {}, collector.findings,
                                   list(planned.destructive.values()), outputs)

    def refresh(self, stack: str, *, on_event: Optional[EventSink] = None,
                cancel: Optional[threading.Event] = None) -> OperationResult:
        """Read the real state of every resource into the stack's state."""
        with self._operation(stack) as op:
            s = self._select(op, None, create=False)
            collector = EventCollector(on_event, op.mask)
            self._run(op, cancel, s, lambda: s.refresh(on_event=collector, color="never"))
            outputs = self._cli(op, lambda: outputs_from(s.outputs(), op.mask))
            return OperationResult(stack, "refresh", collector.summary or {}, outputs=outputs)

    def drift(self, stack: str, *, on_event: Optional[EventSink] = None,
              cancel: Optional[threading.Event] = None) -> DriftResult:
        """A read-only refresh (`pulumi refresh --preview-only`): each property whose live value
        differs from the state's. Writes neither the state nor the stack file."""
        with self._operation(stack) as op:
            s = self._select(op, None, create=False)
            collector = DriftCollector(on_event, op.mask)
            self._run(op, cancel, s, lambda: s.preview_refresh(on_event=collector, color="never"))
            return DriftResult(stack, "drift", collector.summary or {}, drifted=collector.drifted)

    def destroy(self, stack: str, *, confirm_stack: Optional[str] = None, on_event: Optional[EventSink] = None,
                cancel: Optional[threading.Event] = None) -> OperationResult:
        """Delete every resource of the stack. A production stack must be named in confirm_stack."""
        with self._operation(stack) as op:
            why = self._production_reason(stack)
            if why and confirm_stack != stack:
                raise DestroyRefusedError(
                    f"stack {stack} is a production stack ({why}): destroying it needs "
                    f"confirm_stack={stack!r} (CLI: --confirm-destroy {stack}); protected resources stay "
                    "protected and must be unprotected in the program first")
            s = self._select(op, None, create=False)
            collector = EventCollector(on_event, op.mask)
            self._run(op, cancel, s, lambda: s.destroy(on_event=collector, color="never"))
            return OperationResult(stack, "destroy", collector.summary or {})

    # --- guard rails ---------------------------------------------------------------------------

    def _checked_overrides(self, stack: str, config: Optional[Mapping[str, Any]],
                           mask: Masker) -> tuple[dict[str, str], frozenset[str]]:
        """The overrides as config text and the stack's secret keys; secret values join `mask`."""
        overrides = {(k if ":" in k else f"rdsplatform:{k}"): v for k, v in (config or {}).items()}
        bad = sorted(k for k in overrides if not CONFIG_KEY.fullmatch(k))
        if bad:
            raise ConfigRejectedError(f"stack {stack}: not a config key: {', '.join(map(repr, bad))} "
                                      "(expected [namespace:]name, e.g. instanceClass or aws:region)")
        try:
            read = read_stack_config(stack, overrides, self.work_dir, placeholders=_placeholders())
        except StackConfigError as exc:
            raise ConfigRejectedError(f"stack {stack}: {exc}") from None
        mask.add(read.values[k] for k in overrides if k in read.secret_keys)
        try:
            parse_config_text(read.values, environment=stack)
        except SettingsError as exc:
            note = (f"\n(encrypted values of {', '.join(sorted(read.encrypted))} were checked with placeholders)"
                    if read.encrypted else "")
            raise ConfigRejectedError(f"stack {stack}: {exc}{note}") from None
        return {k: read.values[k] for k in overrides}, read.secret_keys

    def _production_reason(self, stack: str) -> Optional[str]:
        """Why the stack counts as production, or None when it does not."""
        try:
            read = read_stack_config(stack, None, self.work_dir, placeholders=_placeholders())
            protected = parse_config_text(read.values, environment=stack).deletion_protection
        except (SettingsError, StackConfigError):
            return "its settings cannot be read, so it is treated as one"
        return "deletion protection on" if protected else None

    def _policy(self, stack: str) -> dict[str, Any]:
        config = self.work_dir / "policies" / "config" / f"{stack}.json"
        return {"policy_packs": [str(self.work_dir / "policies")],
                "policy_pack_configs": [str(config)] if config.exists() else []}

    # --- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _operation(self, stack: str) -> Iterator[_Operation]:
        """The stack checked and locked, its file kept; errors leave with known secrets masked."""
        if not isinstance(stack, str) or not STACK_NAME.fullmatch(stack):
            raise UnknownStackError(f"{stack!r} is not a stack name: letters, digits, '-', '_' and '.' only")
        stack_file = self.work_dir / f"Pulumi.{stack}.yaml"
        if not stack_file.is_file():
            known = ", ".join(stack_names(self.work_dir)) or "none"
            raise UnknownStackError(f"stack {stack} is unknown: there is no {stack_file.name} in "
                                    f"{self.work_dir} (stacks: {known})")
        lock_dir = self.lock_dir or self.work_dir / LOCK_DIR_NAME
        mask = Masker()
        try:
            with stack_lock(lock_dir, stack, self.lock_timeout_seconds):
                with StackFileKept(stack_file, lock_dir) as kept:
                    yield _Operation(stack, mask, kept)
        except AutomationError as exc:
            raise exc.masked_with(mask.text) from None

    def _command(self) -> auto.PulumiCommand:
        if self.pulumi_command is None:
            self.pulumi_command = pulumi_cli()
        return self.pulumi_command

    def _cli(self, op: _Operation, call: Callable[[], Any]) -> Any:
        """A short CLI call (select, config, outputs) with its failures turned into our errors."""
        try:
            return call()
        except CommandError as exc:
            raise OperationFailedError(f"stack {op.stack}: {first_error_line(exc)}") from None
        except OSError as exc:
            raise cli_unusable(exc) from None
        except (ValueError, KeyError) as exc:  # JSON the CLI should have written
            raise OperationFailedError(f"stack {op.stack}: unexpected answer from the Pulumi CLI ({exc})") from None

    def _select(self, op: _Operation, config: Optional[Mapping[str, Any]], *, create: bool) -> auto.Stack:
        """The stack in the backend, after the overrides passed settings (nothing is created before)."""
        overrides, secret_keys = self._checked_overrides(op.stack, config, op.mask)
        workspace = auto.LocalWorkspaceOptions(work_dir=str(self.work_dir), pulumi_command=self._command(),
                                               env_vars=dict(self.env))

        def select() -> auto.Stack:
            op.backend = open_stack(op.stack, str(self.work_dir), workspace, create=create)
            s = op.backend.stack
            with removed_unless_kept(op.backend, keep_on_success=True):
                if overrides:
                    # Written to the stack file as `pulumi config set` would; put back unless the up succeeds.
                    s.set_all_config({k: auto.ConfigValue(v, secret=k in secret_keys) for k, v in overrides.items()})
                # The stack's decrypted secrets, only to recognise them if they surface as plain text.
                op.mask.add(v.value for v in s.get_all_config().values() if v.secret)
            return s

        selected: auto.Stack = self._cli(op, select)
        return selected

    def _preview(self, op: _Operation, s: auto.Stack, on_event: Optional[EventSink],
                 cancel: Optional[threading.Event]) -> EventCollector:
        collector = EventCollector(on_event, op.mask)
        try:
            self._run(op, cancel, s, lambda: s.preview(on_event=collector, color="never", **self._policy(op.stack)))
        except OperationFailedError:
            if collector.mandatory:
                raise PolicyViolationError(op.stack, collector.mandatory) from None
            raise
        if collector.mandatory:
            raise PolicyViolationError(op.stack, collector.mandatory)
        return collector

    def _run(self, op: _Operation, cancel: Optional[threading.Event], s: auto.Stack,
             operation: Callable[[], Any]) -> Any:
        """Run with retries on update conflicts and the caller's cancellation watched."""
        stack = op.stack
        for attempt in range(1, self.attempts + 1):
            with cancellation(s, cancel) as cancelled:
                try:
                    return operation()
                except ConcurrentUpdateError:
                    if cancelled.is_set():
                        raise _cancelled(stack) from None
                    if attempt == self.attempts:
                        raise StackBusyError(
                            f"stack {stack}: another update held it through {self.attempts} attempts; "
                            "try again later (or `pulumi cancel` if that update died)") from None
                except CommandError as exc:
                    if cancelled.is_set():
                        raise _cancelled(stack) from None
                    raise OperationFailedError(f"stack {stack}: {first_error_line(exc)}") from None
                except OSError as exc:
                    raise cli_unusable(exc) from None
                except KeyboardInterrupt:
                    try_cancel(s)
                    raise _cancelled(stack) from None
            self.sleep(self.first_wait_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")


def _placeholders() -> dict[str, str]:
    # Valid stand-ins for encrypted values (the settings package's; empty until it has them).
    return dict(getattr(settings, "SECRET_PLACEHOLDERS", {}))


def _cancelled(stack: str) -> OperationCancelledError:
    return OperationCancelledError(
        f"stack {stack}: cancelled. The engine stopped at a safe point; resources it was changing may "
        f"be half-done: run refresh (python -m automation refresh --stack {stack}) before the next update")


_default = Deployer()


def preview(stack: str, **kwargs: Any) -> OperationResult:
    return _default.preview(stack, **kwargs)


def up(stack: str, **kwargs: Any) -> OperationResult:
    return _default.up(stack, **kwargs)


def refresh(stack: str, **kwargs: Any) -> OperationResult:
    return _default.refresh(stack, **kwargs)


def drift(stack: str, **kwargs: Any) -> DriftResult:
    return _default.drift(stack, **kwargs)


def destroy(stack: str, **kwargs: Any) -> OperationResult:
    return _default.destroy(stack, **kwargs)
