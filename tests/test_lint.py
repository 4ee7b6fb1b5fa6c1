"""Static checks that catch dead imports, unused names and undefined ones before review does."""

import subprocess
import sys

from plan.stack_config import PROJECT_DIR

CHECKED = ["__main__.py", "components", "plan", "preview", "automation", "operations", "benchmarks", "tests", "tools",
           "policies/__main__.py", "policies/rds_guardrails"]


def test_pyflakes_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "pyflakes", *CHECKED], cwd=PROJECT_DIR,
                         capture_output=True, text=True)
    assert run.stdout + run.stderr == "", run.stdout + run.stderr
