"""The project's own files as git sees them, for the tests that scan the tree.

A user's documented steps leave things in the checkout that are not the project's: the pack's
venv (`policies/venv`, docs/deploy.md), `.venv-bench` (`make bench`), `node_modules`, `site/`
(`mkdocs build`). Git ignores them (.gitignore), and so does every test that lists files here.
Without git (an exported tree), the walk skips every venv (a folder holding `pyvenv.cfg`),
`node_modules`, `__pycache__` and dot folder instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _git(root: Path, *args: str) -> list[str] | None:
    if shutil.which("git") is None or not (root / ".git").exists():
        return None
    done = subprocess.run(["git", "ls-files", "-z", *args], cwd=root, capture_output=True, text=True)
    return [p for p in done.stdout.split("\0") if p] if done.returncode == 0 else None


def _walk(root: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__")
                         and not (Path(folder) / d / "pyvenv.cfg").exists())
        found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
    return found


def project_files(root: Path = ROOT, suffix: str = "") -> list[Path]:
    """Files of the project: tracked, or new and not ignored (a module about to be committed),
    ending in `suffix`; never what .gitignore names."""
    listed = _git(root, "--cached", "--others", "--exclude-standard")
    names = _walk(root) if listed is None else listed
    return sorted(root / n for n in set(names) if n.endswith(suffix) and (root / n).is_file())


def tracked_files(root: Path = ROOT) -> list[str]:
    """Paths (relative) of the files git tracks that exist in the working tree."""
    listed = _git(root, "--cached")
    names = _walk(root) if listed is None else listed
    return sorted(n for n in set(names) if os.path.lexists(root / n))
