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


# Each target, as the sections meet it: (figure, met, measured against target). `make bench`
# ends with this list (the regression check) and exits 1 when one is not met.
TARGETS: list[tuple[str, bool, str]] = []


def target(figure: str, value: float, limit: float, at_most: bool = True, unit: str = "x") -> str:
    """Record a target and say whether `value` meets it."""
    met = value <= limit if at_most else value >= limit
    TARGETS.append((figure, met, f"{value:.2f}{unit} ({'<=' if at_most else '>='} {limit}{unit})"))
    return "met" if met else "NOT MET"


def regression_check() -> tuple[list[str], int]:
    lines = ["| figure | measured (target) | |", "|---|---|---|"]
    lines += [f"| {figure} | {measured} | {'met' if met else 'NOT MET'} |" for figure, met, measured in TARGETS]
    failed = [figure for figure, met, _ in TARGETS if not met]
    lines.append(f"\n{len(TARGETS) - len(failed)} of {len(TARGETS)} targets met"
                 + (f"; NOT MET: {', '.join(failed)}." if failed else "."))
    return lines, 1 if failed else 0


def _environment(dont_write_bytecode: bool = False) -> dict[str, str]:
    """This environment with Python's bytecode cache on, as on a developer's machine or a CI
    runner. Where PYTHONDONTWRITEBYTECODE is set (this project's build machine sets it), the
    project's own modules would be compiled from source on every run while an installed tool's
    come compiled by pip; the cache goes to a directory of its own, not into the checkout."""
    env = dict(os.environ)
    if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None or dont_write_bytecode:
        env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "rdsplatform-bench-pycache"))
    if dont_write_bytecode:
        # Python reads the bytecode already there (what `make`'s install step compiled) and writes none.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


BYTECODE_NOTE = ("Both commands run with Python's bytecode cache on (PYTHONDONTWRITEBYTECODE unset for them, "
                 "cache in the temp dir), as on a developer's machine or a CI runner.")


def child_run(args: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1), dont_write_bytecode: bool = False) -> Run:
    """Run a command to its end, its output thrown away; exit codes outside `ok` stop the benchmark."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_environment(dont_write_bytecode))
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
        runs: list[Run] = getattr(self, side)
        values: list[float] = [getattr(r, figure) for r in runs]
        return statistics.median(values)

    def ratio(self, figure: str) -> float:
        """Median of the pair-by-pair ratios A/B (each pair ran back to back)."""
        ratios: list[float] = [getattr(a, figure) / getattr(b, figure) for a, b in zip(self.a, self.b)]
        return statistics.median(ratios)


def alternate(a: list[str], b: list[str], cwd: Path, runs: int, ok_b: tuple[int, ...] = (0, 1),
              a_dont_write_bytecode: bool = False) -> Pair:
    """One warm-up of each (bytecode cache on: it compiles what A imports, as installing does),
    then `runs` counted runs of each, in turn."""
    child_run(a, cwd), child_run(b, cwd, ok_b)
    pairs = [(child_run(a, cwd, dont_write_bytecode=a_dont_write_bytecode), child_run(b, cwd, ok_b))
             for _ in range(runs)]
    return Pair([p[0] for p in pairs], [p[1] for p in pairs])


def figures(name: str, runs: list[Run]) -> str:
    """A Markdown table row: median wall, min-max wall, median CPU, peak RSS."""
    walls = [r.wall for r in runs]
    return (f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f}-{max(walls):.2f} | "
            f"{statistics.median(r.cpu for r in runs):.2f} | {max(r.rss_kib for r in runs) / 1024:.0f} |")


TABLE_HEAD = ["| command | median wall (s) | wall min-max | median CPU (s) | peak RSS (MiB) |",
              "|---|---|---|---|---|"]
