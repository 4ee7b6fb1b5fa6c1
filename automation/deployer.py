"""preview, up, refresh and destroy of this project's stacks through the Automation API.

Guard rails, in the order they act:
1. Config overrides are validated by components/settings/ (the program's own rules)
   before anything touches the stack.
2. One operation per stack at a time inside this process (a lock keyed by stack name).
3. preview and up always run policies/ with policies/config/<stack>.json; there is no switch.
4. up previews first and refuses mandatory policy violations, and any plan that replaces or
   deletes a stateful (plan/replacements.py) or protected resource, unless
   allow_replacement=True.
5. destroy of a production stack (one whose settings keep deletion protection on, the
   default) needs confirm_stack equal to the stack's name.
6. A conflict with another update (ConcurrentUpdateError) is retried with bounded, growing
   waits; every other error is raised at once.
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
from pulumi.automation.errors import CommandError, ConcurrentUpdateError, InvalidVersionError
from semver import VersionInfo

from automation.errors import (
    CliNotFoundError,
    ConfigRejectedError,
    DataLossRefusedError,
    DestroyRefusedError,
    OperationCancelledError,
    OperationFailedError,
    PolicyViolationError,
    StackBusyError,
)
from automation.results import EventCollector, OperationResult, outputs_from
from components.settings import SettingsError, parse_config_text
from plan.stack_config import PROJECT_DIR, StackConfigError, stack_config

# Event streaming over gRPC and current policy-pack handling in the engine.
MIN_CLI_VERSION = VersionInfo(3, 181, 0)
INSTALL_HINT = ("install the Pulumi CLI {min} or newer (https://www.pulumi.com/docs/install/, e.g. "
                "`curl -fsSL https://get.pulumi.com | sh`) and put it on PATH")

EventSink = Callable[[dict], None]

_locks_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}


def _stack_lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def pulumi_cli(root: Optional[str] = None) -> auto.PulumiCommand:
    """The installed Pulumi CLI, checked against MIN_CLI_VERSION, or one clear error."""
    hint = INSTALL_HINT.format(min=MIN_CLI_VERSION)
    try:
        return auto.PulumiCommand(root=root, version=MIN_CLI_VERSION)
    except FileNotFoundError:
        raise CliNotFoundError(f"the Pulumi CLI was not found: {hint}") from None
    except InvalidVersionError as exc:
        raise CliNotFoundError(f"the Pulumi CLI is too old ({exc}): {hint}") from None


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
    lock_timeout_seconds: float = 0.0
    sleep: Callable[[float], None] = time.sleep

    # --- operations ----------------------------------------------------------------------------

    def preview(self, stack: str, *, config: Optional[Mapping[str, Any]] = None,
                on_event: Optional[EventSink] = None,
                cancel: Optional[threading.Event] = None) -> OperationResult:
        """The plan and the policy verdict; changes nothing. Mandatory violations raise."""
        with self._locked(stack):
            s = self._select(stack, config)
            collector = self._preview(s, stack, on_event, cancel)
            return OperationResult(stack, "preview", collector.summary or {}, collector.findings,
                                   list(collector.destructive.values()))

    def up(self, stack: str, *, config: Optional[Mapping[str, Any]] = None, allow_replacement: bool = False,
           on_event: Optional[EventSink] = None, cancel: Optional[threading.Event] = None) -> OperationResult:
        """Preview, refuse what the guard rails refuse, then update with the same policy pack."""
        with self._locked(stack):
            s = self._select(stack, config)
            planned = self._preview(s, stack, on_event, cancel)
            if planned.at_risk and not allow_replacement:
                raise DataLossRefusedError(stack, planned.at_risk)
            collector = EventCollector(on_event)
            self._run(stack, cancel, s, lambda: s.up(on_event=collector, color="never", **self._policy(stack)))
            return OperationResult(stack, "up", collector.summary or {}, collector.findings,
                                   list(planned.destructive.values()), outputs_from(s.outputs()))

    def refresh(self, stack: str, *, on_event: Optional[EventSink] = None,
                cancel: Optional[threading.Event] = None) -> OperationResult:
        """Read the real state of every resource into the stack's state."""
        with self._locked(stack):
            s = self._select(stack, None)
            collector = EventCollector(on_event)
            self._run(stack, cancel, s, lambda: s.refresh(on_event=collector, color="never"))
            return OperationResult(stack, "refresh", collector.summary or {}, outputs=outputs_from(s.outputs()))

    def destroy(self, stack: str, *, confirm_stack: Optional[str] = None, on_event: Optional[EventSink] = None,
                cancel: Optional[threading.Event] = None) -> OperationResult:
        """Delete every resource of the stack. A production stack must be named in confirm_stack."""
        if self._is_production(stack) and confirm_stack != stack:
            raise DestroyRefusedError(
                f"stack {stack} is a production stack (deletion protection on): destroying it needs "
                f"confirm_stack={stack!r} (CLI: --confirm-destroy {stack}); protected resources stay "
                "protected and must be unprotected in the program first")
        with self._locked(stack):
            s = self._select(stack, None)
            collector = EventCollector(on_event)
            self._run(stack, cancel, s, lambda: s.destroy(on_event=collector, color="never"))
            return OperationResult(stack, "destroy", collector.summary or {})

    # --- guard rails ---------------------------------------------------------------------------

    def validated_config(self, stack: str, config: Optional[Mapping[str, Any]]) -> dict[str, str]:
        """The overrides as config text, after the stack file plus overrides pass settings."""
        overrides = {(k if ":" in k else f"rdsplatform:{k}"): v for k, v in (config or {}).items()}
        try:
            merged = stack_config(stack, overrides, self.work_dir)
            parse_config_text(merged, environment=stack)
        except (SettingsError, StackConfigError) as exc:
            raise ConfigRejectedError(f"stack {stack}: {exc}") from None
        return {k: merged[k] for k in overrides}

    def _is_production(self, stack: str) -> bool:
        try:
            return parse_config_text(stack_config(stack, None, self.work_dir), environment=stack).deletion_protection
        except (SettingsError, StackConfigError):
            return True  # cannot tell: treat as production

    def _policy(self, stack: str) -> dict[str, list[str]]:
        config = self.work_dir / "policies" / "config" / f"{stack}.json"
        return {"policy_packs": [str(self.work_dir / "policies")],
                "policy_pack_configs": [str(config)] if config.exists() else []}

    # --- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _locked(self, stack: str) -> Iterator[None]:
        lock = _stack_lock(f"{self.work_dir}:{stack}")
        if self.lock_timeout_seconds > 0:
            acquired = lock.acquire(timeout=self.lock_timeout_seconds)
        else:
            acquired = lock.acquire(blocking=False)
        if not acquired:
            raise StackBusyError(f"stack {stack}: another operation on it is running in this service; "
                                 "wait for it to finish")
        try:
            yield
        finally:
            lock.release()

    def _command(self) -> auto.PulumiCommand:
        if self.pulumi_command is None:
            self.pulumi_command = pulumi_cli()
        return self.pulumi_command

    def _select(self, stack: str, config: Optional[Mapping[str, Any]]) -> auto.Stack:
        overrides = self.validated_config(stack, config)
        workspace = auto.LocalWorkspaceOptions(work_dir=str(self.work_dir), pulumi_command=self._command(),
                                               env_vars=dict(self.env))
        try:
            s = auto.create_or_select_stack(stack, work_dir=str(self.work_dir), opts=workspace)
            if overrides:
                # Saved to the stack's settings, as `pulumi config set` would.
                s.set_all_config({k: auto.ConfigValue(v) for k, v in overrides.items()})
        except CommandError as exc:
            raise OperationFailedError(f"stack {stack}: could not select it: {_first_error_line(exc)}") from None
        return s

    def _preview(self, s: auto.Stack, stack: str, on_event: Optional[EventSink],
                 cancel: Optional[threading.Event]) -> EventCollector:
        collector = EventCollector(on_event)
        try:
            self._run(stack, cancel, s, lambda: s.preview(on_event=collector, color="never", **self._policy(stack)))
        except OperationFailedError:
            if collector.mandatory:
                raise PolicyViolationError(stack, collector.mandatory) from None
            raise
        if collector.mandatory:
            raise PolicyViolationError(stack, collector.mandatory)
        return collector

    def _run(self, stack: str, cancel: Optional[threading.Event], s: auto.Stack, operation: Callable[[], Any]) -> Any:
        """Run with retries on update conflicts and the caller's cancellation watched."""
        for attempt in range(1, self.attempts + 1):
            with _cancellation(s, cancel) as cancelled:
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
                    raise OperationFailedError(f"stack {stack}: {_first_error_line(exc)}") from None
                except KeyboardInterrupt:
                    _try_cancel(s)
                    raise _cancelled(stack) from None
            self.sleep(self.first_wait_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")


@contextmanager
def _cancellation(s: auto.Stack, cancel: Optional[threading.Event]) -> Iterator[threading.Event]:
    """While an operation runs, a set `cancel` asks the engine to stop (`pulumi cancel`)."""
    cancelled = threading.Event()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if cancel is not None and cancel.wait(0.05):
                cancelled.set()
                _try_cancel(s)
                return

    watcher = threading.Thread(target=watch, daemon=True) if cancel is not None else None
    if watcher:
        watcher.start()
    try:
        yield cancelled
    finally:
        done.set()
        if watcher:
            watcher.join(timeout=5)


def _try_cancel(s: auto.Stack) -> None:
    try:
        s.cancel()
    except CommandError:
        pass  # nothing was running any more


def _cancelled(stack: str) -> OperationCancelledError:
    return OperationCancelledError(
        f"stack {stack}: cancelled. The engine stopped at a safe point; resources it was changing may "
        f"be half-done: run refresh (python -m automation refresh --stack {stack}) before the next update")


def _first_error_line(exc: CommandError) -> str:
    """The CLI's own first `error:` line (stdout and stderr are both in the exception)."""
    text = str(exc)
    found = re.search(r"error: .*", text)
    if found:
        return found.group(0).strip()
    return " ".join(text.split())[:300] or "the Pulumi CLI failed"


_default = Deployer()


def preview(stack: str, **kwargs: Any) -> OperationResult:
    return _default.preview(stack, **kwargs)


def up(stack: str, **kwargs: Any) -> OperationResult:
    return _default.up(stack, **kwargs)


def refresh(stack: str, **kwargs: Any) -> OperationResult:
    return _default.refresh(stack, **kwargs)


def destroy(stack: str, **kwargs: Any) -> OperationResult:
    return _default.destroy(stack, **kwargs)
