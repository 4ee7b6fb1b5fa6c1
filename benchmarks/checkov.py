"""The offline check of prod beside Checkov scanning the reference Terraform (an RDS module).

Checkov runs from its own venv (`make bench` builds `.venv-bench` from
benchmarks/requirements.txt, so its pins never meet the program's). The reference is the root
module of terraform-aws-modules/terraform-aws-rds, vendored under benchmarks/reference/ (see
its SOURCE.md); `--reference DIR` scans another directory, e.g. a checkout's example.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from benchmarks.measure import BYTECODE_NOTE, TABLE_HEAD, alternate, figures, target
from plan.stack_config import PROJECT_DIR

REFERENCE = PROJECT_DIR / "benchmarks" / "reference" / "terraform-aws-rds"
CHECKOV = PROJECT_DIR / ".venv-bench" / "bin" / "checkov"
TARGET = 0.33


def checkov_command(checkov: Path, reference: Path) -> list[str]:
    # Only the Terraform scanner, no download of platform policies: Checkov's least work.
    return [str(checkov), "-d", str(reference), "--framework", "terraform", "--skip-download", "--quiet", "--compact"]


def versus_checkov(runs: int, checkov: Path = CHECKOV, reference: Path = REFERENCE) -> list[str]:
    """Alternate the two commands `runs` times each and give the ratio of their times."""
    if not checkov.exists():
        return [f"Checkov not found at {checkov}: `make bench` installs it into .venv-bench "
                "(benchmarks/requirements.txt), or pass --checkov PATH."]
    if not reference.is_dir():
        return [f"No Terraform at {reference}: pass --reference DIR (e.g. a checkout of "
                "terraform-aws-modules/terraform-aws-rds)."]
    ours = main_command()
    # Checkov exits 1 when it finds failing checks (the module's defaults fail some).
    pair = alternate(ours, checkov_command(checkov, reference), PROJECT_DIR, runs)
    wall, cpu = pair.ratio("wall"), pair.ratio("cpu")
    # The same where PYTHONDONTWRITEBYTECODE is set (Docker images, CI runners): Python reads the
    # bytecode that installing compiled (the Makefile's first check) and writes none.
    unwritten = alternate(ours, checkov_command(checkov, reference), PROJECT_DIR, runs, a_dont_write_bytecode=True)
    unwritten_wall = unwritten.ratio("wall")
    shown = "make preview STACK=prod" if "make" in ours[0] else "python -m preview --stack prod"
    return [*TABLE_HEAD,
            figures(f"`{shown}`", pair.a),
            figures(f"`checkov -d {_shown(reference)} --framework terraform`", pair.b),
            figures(f"`{shown}`, PYTHONDONTWRITEBYTECODE=1", unwritten.a),
            figures("`checkov ...` (its pair)", unwritten.b),
            f"\nThe main command (prod) / Checkov, median of {runs} back-to-back pairs: wall {wall:.2f}x, "
            f"CPU {cpu:.2f}x (target <= {TARGET}x wall: {target('main command / Checkov', wall, TARGET)}). "
            f"With PYTHONDONTWRITEBYTECODE=1: wall {unwritten_wall:.2f}x, CPU {unwritten.ratio('cpu'):.2f}x "
            f"(target <= {TARGET}x: {target('main command / Checkov, PYTHONDONTWRITEBYTECODE=1', unwritten_wall, TARGET)})."
            f" {BYTECODE_NOTE}"]


def main_command() -> list[str]:
    """The README's main command, `make preview STACK=prod`, as a user runs it once set up (its
    plan printed, not --quiet). `-o` marks the installed venv as up to date: on a checkout set up
    by make it is already, and the benchmark must never reinstall the shared venv."""
    make = shutil.which("make")
    if make is None:
        return [sys.executable, "-m", "preview", "--stack", "prod"]
    installed = Path(sys.prefix) / ".preview-installed"
    return [make, "--no-print-directory", "-s", "-o", str(installed), "preview", "STACK=prod",
            f"VENV={Path(sys.prefix)}"]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)
