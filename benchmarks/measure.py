"""Whole-process timing: wall and CPU seconds and peak memory of a command, and two commands
timed in turn (A B A B ...) so both see the same machine load."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the children it waited for
    rss_kib: int  # peak resident set of the largest process of the run
    code: int


def _environment() -> dict[str, str]:
    """This environment with Python's bytecode cache on, as on a developer's machine or a CI
    runner. Where PYTHONDONTWRITEBYTECODE is set (this project's build machine sets it), the
    project's own modules would be compiled from source on every run while an installed tool's
    come compiled by pip; the cache goes to a directory of its own, not into the checkout."""
    env = dict(os.environ)
    if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "rdsplatform-bench-pycache"))
    return env


BYTECODE_NOTE = ("Both commands run with Python's bytecode cache on (PYTHONDONTWRITEBYTECODE unset for them, "
                 "cache in the temp dir), as on a developer's machine or a CI runner.")


def child_run(args: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> Run:
    """Run a command to its end, its output thrown away; exit codes outside `ok` stop the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_environment())
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"{' '.join(args)} exited {code}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)


@dataclass(frozen=True)
class Pair:
    a: list[Run]
    b: list[Run]

    def median(self, side: str, figure: str) -> float:
        return statistics.median(getattr(r, figure) for r in getattr(self, side))

    def ratio(self, figure: str) -> float:
        """Median of the pair-by-pair ratios A/B (each pair ran back to back)."""
        return statistics.median(getattr(a, figure) / getattr(b, figure) for a, b in zip(self.a, self.b))


def alternate(a: list[str], b: list[str], cwd: Path, runs: int, ok_b: tuple[int, ...] = (0, 1)) -> Pair:
    """One warm-up of each, then `runs` counted runs of each, in turn."""
    child_run(a, cwd), child_run(b, cwd, ok_b)
    pairs = [(child_run(a, cwd), child_run(b, cwd, ok_b)) for _ in range(runs)]
    return Pair([p[0] for p in pairs], [p[1] for p in pairs])


def figures(name: str, runs: list[Run]) -> str:
    """A Markdown table row: median wall, min-max wall, median CPU, peak RSS."""
    walls = [r.wall for r in runs]
    return (f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f}-{max(walls):.2f} | "
            f"{statistics.median(r.cpu for r in runs):.2f} | {max(r.rss_kib for r in runs) / 1024:.0f} |")


TABLE_HEAD = ["| command | median wall (s) | wall min-max | median CPU (s) | peak RSS (MiB) |",
              "|---|---|---|---|---|"]
