"""Plan many stacks at once: one process per core, results handed back in stack order.

Each stack's program runs under its own mock engine in a worker process; the caller checks
each plan with the one policy pack as it arrives (the pack is configured per stack, so its
calls stay in one process and in order). Workers are forked from a process that has already
imported the harness, so each pays only for the program's own imports, once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from plan.registration import Plan
from plan.stack_config import StackConfigError
from preview.harness import run_program


def _plan(stack: str, overrides: dict[str, Any], project_dir: Path, first_preview: bool,
          deployed: Optional[dict[str, str]] = None) -> Union[Plan, str]:
    """One stack's plan, or the message of its config error (exceptions of the program propagate)."""
    try:
        return run_program(stack, overrides, project_dir=project_dir, first_preview=first_preview,
                           deployed=deployed)
    except StackConfigError as exc:
        return str(exc)


def workers_for(count: int) -> int:
    """As many workers as cores, never more than stacks."""
    return max(1, min(count, os.cpu_count() or 1))


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process has one thread: the child starts with the harness imported (spawn
    would import it again, ~0.5 s). With other threads (a gRPC channel's, a test runner's) a
    forked child can inherit a lock held forever, so workers come from a fork server instead:
    a fresh process that imports the harness once and forks each worker from there."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.harness"])
        return context
    return multiprocessing.get_context("spawn")


def plan_stacks(stacks: list[str], overrides: dict[str, Any], project_dir: Path, first_preview: bool,
                deployed: Optional[dict[str, dict[str, str]]] = None) -> Iterator[tuple[str, Union[Plan, str]]]:
    """Yield (stack, plan or config error) in the order of `stacks`, planned in parallel.

    `deployed` gives, per stack, what its lookups find (preview/deployed.py); absent: nothing.

    Call it before opening any gRPC channel: the workers start when the first stack is
    submitted, and a forked child must not inherit a live channel.
    """
    with ProcessPoolExecutor(max_workers=workers_for(len(stacks)), mp_context=_context()) as pool:
        futures = [pool.submit(_plan, stack, overrides, project_dir, first_preview, (deployed or {}).get(stack))
                   for stack in stacks]
        for stack, future in zip(stacks, futures):
            yield stack, future.result()
