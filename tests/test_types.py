"""The strict type check (mypy, configured in pyproject.toml) over all the Python code: every shipped
package (components/, policies/, plan/, operations/ (the runbooks: the code that deletes databases),
automation/, provider/ and preview/ (the pull-request gate)), tools/ and benchmarks/, and the root
__main__.py (the Pulumi program)."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from plan.stack_config import PROJECT_DIR


# The Pulumi program, checked in a run of its own with the same configuration: mypy names a file
# outside a package after its file, so this one and the pack's policies/__main__.py are both the
# module `__main__`, and one run refuses two modules of one name.
PROGRAM = "__main__.py"


def _mypy(cwd: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    # A cache of its own per run: xdist workers never share one, and a stale one never answers.
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), *args], cwd=cwd,
                          capture_output=True, text=True)


# The project's own cache (.mypy_cache, git-ignored), kept between runs: checking from nothing
# parses the typed provider SDK, about 75 s and 2.4 GB of memory on 2 cores; from the cache, 2 s
# and 120 MB. mypy checks each cached module's source hash, so a stale entry is never used, and it
# writes each cache file atomically. Only this test uses it; the others keep a cache of their own.
PROJECT_CACHE = PROJECT_DIR / ".mypy_cache"


def test_mypy_strict_finds_nothing():
    # One after the other in one test: the program's run reuses the cache the first one built.
    for args in ((), (PROGRAM,)):
        run = _mypy(PROJECT_DIR, PROJECT_CACHE, *args)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Success: no issues found" in run.stdout, run.stdout


def test_the_configuration_checks_the_packages_strictly():
    config = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    assert set(config["files"]) == {"components", "policies/__main__.py", "policies/rds_guardrails", "plan", "operations",
                                    "automation", "provider", "preview", "tools/*.py", "benchmarks/*.py"}


def test_the_projects_configuration_refuses_untyped_code_in_each_package(tmp_path):
    shutil.copy(PROJECT_DIR / "pyproject.toml", tmp_path / "pyproject.toml")
    checked = ("components/untyped.py", "plan/untyped.py", "policies/rds_guardrails/untyped.py", "automation/untyped.py",
               "provider/untyped.py", "operations/untyped.py", "preview/untyped.py", "tools/untyped.py",
               "benchmarks/untyped.py")
    untyped = "def f(x):\n    return x\n\n\ndef g() -> dict:\n    return {}\n"
    for path in checked:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        if (PROJECT_DIR / path).parent.joinpath("__init__.py").exists():  # tools/ is no package
            (tmp_path / path).parent.joinpath("__init__.py").write_text("")
        (tmp_path / path).write_text(untyped)
    (tmp_path / "policies" / "__main__.py").write_text("")
    (tmp_path / PROGRAM).write_text(untyped)
    for run, paths in ((_mypy(tmp_path, tmp_path / "cache"), checked),
                       (_mypy(tmp_path, tmp_path / "cache", PROGRAM), (PROGRAM,))):
        assert run.returncode == 1, run.stdout + run.stderr
        for path in paths:
            assert f"{path}:1: error: Function is missing a type annotation  [no-untyped-def]" in run.stdout, run.stdout
            assert f"{path}:5: error: Missing type arguments for generic type \"dict\"  [type-arg]" in run.stdout, run.stdout
