"""The Makefile as a first-time user meets it."""

import shutil
import subprocess

import pytest

from plan.stack_config import PROJECT_DIR


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_first_make_preview_says_what_it_installs_before_pip_runs(tmp_path):
    dry = subprocess.run(["make", "-n", "-C", str(PROJECT_DIR), "preview", f"VENV={tmp_path / 'fresh'}"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    pip = next(i for i, line in enumerate(dry) if "pip install" in line)
    said = [i for i, line in enumerate(dry) if line.startswith("echo ") and "installing" in line]
    assert said and said[0] < pip, dry
