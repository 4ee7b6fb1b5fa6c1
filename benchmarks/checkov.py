"""The offline check of prod beside Checkov scanning the reference Terraform (an RDS module).

Checkov runs from its own venv (`make bench` builds `.venv-bench` from
benchmarks/requirements.txt, so its pins never meet the program's). The reference is the root
module of terraform-aws-modules/terraform-aws-rds, vendored under benchmarks/reference/ (see
its SOURCE.md); `--reference DIR` scans another directory, e.g. a checkout's example.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.measure import BYTECODE_NOTE, TABLE_HEAD, alternate, figures
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
    ours = [sys.executable, "-m", "preview", "--stack", "prod", "--quiet"]
    # Checkov exits 1 when it finds failing checks (the module's defaults fail some).
    pair = alternate(ours, checkov_command(checkov, reference), PROJECT_DIR, runs)
    wall, cpu = pair.ratio("wall"), pair.ratio("cpu")
    return [*TABLE_HEAD,
            figures("`python -m preview --stack prod --quiet`", pair.a),
            figures(f"`checkov -d {_shown(reference)} --framework terraform`", pair.b),
            f"\nOffline check of prod / Checkov, median of {runs} back-to-back pairs: wall {wall:.2f}x, "
            f"CPU {cpu:.2f}x (target <= {TARGET}x wall: {'met' if wall <= TARGET else 'NOT MET'}). {BYTECODE_NOTE}"]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)
