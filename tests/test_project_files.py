"""The suite never depends on what a user's documented steps leave in the checkout: the pack's
venv (docs/deploy.md), .venv-bench (`make bench`), node_modules, a scratch file (tests/project_files.py)."""

import subprocess
import sys
import venv

import pytest

from tests.project_files import project_files, tracked_files

# A module that imports what no dependency provides and crosses every room's arrows.
LEFTOVER = "import leftover_undeclared_distribution\nimport preview.__main__\nimport tests.conftest\n"


def _leave_behind(repo):
    """What following the docs leaves: policies/venv with a package in it, .venv-bench, site/, a
    scratch policy file and a node_modules folder."""
    for where in ("policies/venv", ".venv-bench"):
        venv.create(repo / where, with_pip=False)
        site = repo / where / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
        (site / "leftover.py").write_text(LEFTOVER)
    (repo / "tools" / "actionlint" / "node_modules" / "pkg").mkdir(parents=True)
    (repo / "tools" / "actionlint" / "node_modules" / "pkg" / "leftover.py").write_text(LEFTOVER)
    (repo / "site").mkdir()
    (repo / "site" / "index.html").write_text("<html></html>")
    (repo / "my-policy.json").write_text('{"all": "advisory"}')


def test_the_project_files_leave_out_what_gitignore_names(committed_copy):
    _leave_behind(committed_copy)
    found = {p.relative_to(committed_copy).as_posix() for p in project_files(committed_copy)}
    assert "preview/__main__.py" in found and "policies/rds_guardrails/__init__.py" in found
    assert [f for f in found if f.startswith(("policies/venv/", ".venv-bench/", "site/")) or "node_modules" in f] == []
    assert "my-policy.json" in found  # new and not ignored: the project's as far as git knows
    assert "my-policy.json" not in tracked_files(committed_copy)


def test_the_walk_without_git_leaves_out_venvs_and_node_modules(committed_copy):
    _leave_behind(committed_copy)
    subprocess.run(["rm", "-rf", str(committed_copy / ".git")], check=True)
    found = {p.relative_to(committed_copy).as_posix() for p in project_files(committed_copy, ".py")}
    assert "preview/__main__.py" in found
    assert [f for f in found if "leftover" in f] == []


@pytest.mark.parametrize("test_id", [
    "tests/test_packaging.py::test_every_import_of_the_shipped_code_is_a_declared_dependency",
    "tests/test_architecture.py",
])
def test_the_tests_that_scan_the_tree_pass_with_the_documented_leftovers(committed_copy, test_id):
    _leave_behind(committed_copy)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", test_id],
                         cwd=committed_copy, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]


def test_the_committed_copy_holds_exactly_the_tracked_files(committed_copy):
    copied = sorted(p.relative_to(committed_copy).as_posix() for p in committed_copy.rglob("*")
                    if ".git" not in p.relative_to(committed_copy).parts and (p.is_file() or p.is_symlink()))
    assert copied == tracked_files()
