"""Shared fixtures: plans of the real program under the mock engine (preview/harness.py)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project, and the pack's package (rds_guardrails) as the policy host puts it on the path.
for path in (ROOT, ROOT / "policies"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from preview.analyzer import PolicyPackProcess  # noqa: E402
from preview.harness import Plan, run_program  # noqa: E402


class _SessionPack(PolicyPackProcess):
    """The running pack; Configure is sent only when a test asks for another config than the
    one in force (reconciling and validating 39 schemas costs ~25 ms a call)."""

    _in_force: Optional[str] = None

    def configure(self, file_config: Optional[dict] = None) -> None:
        wanted = json.dumps(file_config, sort_keys=True)
        if wanted != self._in_force:
            super().configure(file_config)
            self._in_force = wanted


@pytest.fixture(scope="session")
def running_pack():
    """One policy pack process for the whole session (each test configures it: see `pack`)."""
    with _SessionPack() as pack:
        yield pack


@pytest.fixture
def pack(running_pack) -> PolicyPackProcess:
    """The session's pack with no config (every control mandatory, default thresholds); a test
    that needs another config calls pack.configure(...) itself."""
    running_pack.configure(None)
    return running_pack


@pytest.fixture(scope="session")
def dev_plan() -> Plan:
    plan = run_program("dev")
    assert plan.error is None, plan.error
    return plan


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    plan = run_program("prod")
    assert plan.error is None, plan.error
    return plan


@pytest.fixture(scope="session")
def stack_plans(dev_plan, prod_plan) -> dict[str, Plan]:
    return {"dev": dev_plan, "prod": prod_plan}


def plan_with(stack: str = "dev", **overrides) -> Plan:
    """The plan of `stack` with config overrides; fails the test on a settings error."""
    plan = run_program(stack, overrides)
    assert plan.error is None, plan.error
    return plan


def _commit_git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
                   check=True, capture_output=True)


@pytest.fixture
def committed_copy(tmp_path):
    """A copy of the project's tracked files in a repository of its own with one commit, so HEAD
    and the working tree are known exactly (git: baselines)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: no ref to build a baseline from")
    # The tracked files only, as in the working tree: never a venv, .venv-bench, node_modules or
    # a scratch file a user's steps left in the checkout (tests/project_files.py).
    from tests.project_files import tracked_files

    repo = tmp_path / "repo"
    for name in tracked_files(ROOT):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name, follow_symlinks=False)
    _commit_git(repo, "init", "-q")
    _commit_git(repo, "add", "-A")
    _commit_git(repo, "commit", "-q", "-m", "baseline")
    return repo
