"""Finding the Pulumi CLI, reading its errors, and asking it to stop."""

from __future__ import annotations

import re
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from pulumi import automation as auto
from pulumi.automation.errors import CommandError, InvalidVersionError
from semver import VersionInfo

from automation.errors import CliNotFoundError, CliUnusableError

# Event streaming over gRPC and current policy-pack handling in the engine.
MIN_CLI_VERSION = VersionInfo(3, 181, 0)
INSTALL_HINT = ("install the Pulumi CLI {min} or newer (https://www.pulumi.com/docs/install/, e.g. "
                "`curl -fsSL https://get.pulumi.com | sh`) and put it on PATH")


def pulumi_cli(root: Optional[str] = None) -> auto.PulumiCommand:
    """The installed Pulumi CLI, checked against MIN_CLI_VERSION, or one clear error."""
    hint = INSTALL_HINT.format(min=MIN_CLI_VERSION)
    try:
        return auto.PulumiCommand(root=root, version=MIN_CLI_VERSION)
    except FileNotFoundError:
        # With a root, the SDK runs <root>/bin/pulumi and nothing else: name the path it tried.
        where = f" at {Path(root) / 'bin' / 'pulumi'} (--pulumi-root {root})" if root else " on PATH"
        raise CliNotFoundError(f"the Pulumi CLI was not found{where}: {hint}") from None
    except InvalidVersionError as exc:
        if "Could not parse" in str(exc):
            raise CliUnusableError(f"`pulumi version` did not answer with a version: {hint}") from None
        raise CliNotFoundError(f"the Pulumi CLI is too old ({exc}): {hint}") from None
    except OSError as exc:
        # PermissionError (not executable), ENOEXEC (built for another architecture)...
        raise cli_unusable(exc) from None
    except (subprocess.CalledProcessError, ValueError) as exc:
        raise CliUnusableError(f"`pulumi version` did not answer with a version ({exc}): {hint}") from None


def cli_unusable(exc: OSError) -> CliUnusableError:
    """The error for a `pulumi` that exists but cannot be run."""
    where = f" ({exc.filename})" if exc.filename else ""
    return CliUnusableError(f"the Pulumi CLI cannot be executed{where}: {exc.strerror or exc}; "
                            + INSTALL_HINT.format(min=MIN_CLI_VERSION))


def first_error_line(exc: CommandError) -> str:
    """The CLI's own first `error:` line (stdout and stderr are both in the exception)."""
    text = str(exc)
    found = re.search(r"error: .*", text)
    if found:
        return found.group(0).strip()
    return " ".join(text.split())[:300] or "the Pulumi CLI failed"


@contextmanager
def cancellation(s: auto.Stack, cancel: Optional[threading.Event]) -> Iterator[threading.Event]:
    """While an operation runs, a set `cancel` asks the engine to stop (`pulumi cancel`)."""
    cancelled = threading.Event()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if cancel is not None and cancel.wait(0.05):
                cancelled.set()
                try_cancel(s)
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


def try_cancel(s: auto.Stack) -> None:
    """`pulumi cancel`, when something is still running."""
    try:
        s.cancel()
    except (CommandError, OSError):
        pass  # nothing was running any more, or the CLI is gone
