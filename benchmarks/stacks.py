"""`--all` over many stacks beside one stack: the stacks are planned in parallel processes.

A throw-away project holds N copies of the prod stack file (the program and Pulumi.yaml are
linked, not copied); `python -m preview --all` checks all of them, `--stack` one of them.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import TABLE_HEAD, alternate, figures, target
from plan.stack_config import PROJECT_DIR


def fleet_project(target: Path, count: int) -> list[str]:
    """A project in `target` with `count` stacks shaped like prod; returns their names."""
    for name in ("__main__.py", "Pulumi.yaml", "components"):
        (target / name).symlink_to(PROJECT_DIR / name)
    names = [f"fleet{i:03d}" for i in range(count)]
    for name in names:
        shutil.copyfile(PROJECT_DIR / "Pulumi.prod.yaml", target / f"Pulumi.{name}.yaml")
    return names


def all_stacks(count: int, runs: int) -> list[str]:
    """Wall time of `--all` over `count` stacks against `count` times one stack."""
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        names = fleet_project(Path(tmp), count)
        base = [sys.executable, "-m", "preview", "--quiet", "--project-dir", tmp]
        pair = alternate(base + ["--all"], base + ["--stack", names[0]], PROJECT_DIR, runs)
    share = pair.median("a", "wall") / (count * pair.median("b", "wall"))
    return [*TABLE_HEAD,
            figures(f"`python -m preview --all` ({count} stacks)", pair.a),
            figures("`python -m preview --stack <one of them>`", pair.b),
            f"\n{count} stacks take {share:.2f}x the wall time of {count} x one stack "
            f"({os.cpu_count()} cores; CPU {pair.median('a', 'cpu') / (count * pair.median('b', 'cpu')):.2f}x; "
            f"target <= 0.6x: {target(f'--all / {count} x one stack', share, 0.6)})."]
