"""Fresh-clone start-up, measured: git clone, then `make preview STACK=prod` with empty package caches.

    python -m benchmarks.setup_time [--before REF] [--after REF] [--runs N]

Each run clones REF into a new folder and points every package cache (pip's, uv's) at a new
empty folder, so each install downloads everything, as on a new machine. It then runs
`make setup` in the same clone: what `make test` adds for the test tools. Prints the seconds
from the start of the clone to each point (cloned, first verdict, tests ready), the machine's
load average, and the after/before ratios. A measurement, not a test: the figures depend on the
network and on what else the machine is doing; docs/install.md records the last ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The commit before make used uv and a preview-only set.
BEFORE = "79ad3ad"


def _timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    run = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd} ({run.returncode}):\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    return elapsed


def measure(ref: str) -> dict[str, float]:
    """Seconds from the start of the clone to: cloned, the first preview verdict, the tests ready."""
    with tempfile.TemporaryDirectory(prefix="setup-time-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env.update(XDG_CACHE_HOME=f"{tmp}/cache", PIP_NO_CACHE_DIR="1", UV_NO_CACHE="1")
        clone = Path(tmp) / "clone"
        start = time.perf_counter()
        _timed(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], Path(tmp), env)
        _timed(["git", "checkout", "--quiet", ref], clone, env)
        cloned = time.perf_counter() - start
        _timed(["make", "preview", "STACK=prod"], clone, env)
        verdict = time.perf_counter() - start
        _timed(["make", "setup"], clone, env)
        ready = time.perf_counter() - start
        return {"cloned": cloned, "first verdict": verdict, "tests ready": ready}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.setup_time", description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help=f"git ref measured as before (default {BEFORE})")
    parser.add_argument("--after", default="HEAD", help="git ref measured as after (default HEAD)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each, the median is shown (default 1)")
    args = parser.parse_args(argv)
    results = {}
    for label, ref in (("before", args.before), ("after", args.after)):
        runs = [measure(ref) for _ in range(args.runs)]
        results[label] = {step: statistics.median(r[step] for r in runs) for step in runs[0]}
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{label} ({ref}): " + ", ".join(f"{k} {v:.1f} s" for k, v in results[label].items())
              + f" (load average {load} on {os.cpu_count()} cores)", flush=True)
    for step in results["before"]:
        print(f"{step}: after/before = {results['after'][step] / results['before'][step]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
