"""Static checks (ruff, configured in pyproject.toml) that catch dead imports, unused and undefined
names and likely bugs before review does."""

import shutil
import subprocess
import sys

from plan.stack_config import PROJECT_DIR


def _ruff(*args: str, cwd=PROJECT_DIR) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_ruff_finds_nothing():
    run = _ruff()
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_runs_with_the_projects_rules(tmp_path):
    shutil.copy(PROJECT_DIR / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "bad.py").write_text("import os\n\n\ndef f(items=[]):\n    return undefined_name\n")
    run = _ruff(cwd=tmp_path)
    assert run.returncode == 1
    assert all(code in run.stdout for code in ("F401", "F821", "B006")), run.stdout
