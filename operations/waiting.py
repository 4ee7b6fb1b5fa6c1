"""Polling until AWS reports a state, with a spinner on a terminal and silence under --json.

The poll interval and the give-up time come from OPS_POLL_SECONDS (default 15) and
--wait-timeout; tests against moto set a short interval.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any, Callable, Optional

from rich.text import Text

from operations.errors import RunbookError
from operations.identifiers import positive_seconds
from operations.output import Output


class WaitTimeout(RunbookError):
    """AWS did not reach the state in time (a RunbookError: exit 2 unless the runbook handles it)."""


def poll_seconds() -> float:
    """The poll interval: OPS_POLL_SECONDS, default 15 seconds."""
    try:
        return max(0.05, positive_seconds(os.environ.get("OPS_POLL_SECONDS", "15")))
    except argparse.ArgumentTypeError:
        raise RunbookError(f"OPS_POLL_SECONDS must be a positive finite number of seconds, "
                           f"not {os.environ['OPS_POLL_SECONDS']!r}") from None


def wait_for(out: Output, what: str, read: Callable[[], Any], done: Callable[[Any], bool],
             timeout: float, describe: Optional[Callable[[Any], str]] = None) -> tuple[Any, float]:
    """Call read() until done(value); return (value, seconds waited). WaitTimeout on timeout."""
    interval, start = poll_seconds(), time.monotonic()
    # Text, not a markup string: `what` and AWS's states may hold "[/...]".
    status = None if out.as_json else out.errors.status(Text(what))
    if status is not None:
        status.start()
    try:
        while True:
            value = read()
            elapsed = time.monotonic() - start
            if done(value):
                return value, elapsed
            if elapsed > timeout:
                raise WaitTimeout(f"gave up after {elapsed:.0f}s waiting for: {what}")
            if status is not None:
                state = describe(value) if describe else ""
                status.update(Text(f"{what} ").append(f"({state}{', ' if state else ''}{elapsed:.0f}s)", style="dim"))
            time.sleep(interval)
    finally:
        if status is not None:
            status.stop()
