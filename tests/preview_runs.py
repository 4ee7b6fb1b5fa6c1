"""Running `python -m preview` in a copy of the project that is a git repository of its own
(tests/conftest.py's committed_copy), for the tests of git: baselines."""

import json
import subprocess
import sys


def git(repo, *args):
    """A git command in `repo`, as a test user (no identity of this machine is needed)."""
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
                   check=True, capture_output=True)


def preview_in(repo, out, *args):
    """`python -m preview` run in `repo`: its own program against a ref of its own history."""
    run = subprocess.run([sys.executable, "-m", "preview", "--stack", "dev", "--no-policy", "--quiet",
                          "--json", str(out), *args], cwd=repo, capture_output=True, text=True)
    return run.returncode, json.loads(out.read_text()) if out.exists() else None
