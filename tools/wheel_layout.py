"""The installed layout: the checkout's fixed top-level packages under one `rdsplatform` package.

The checkout keeps the layout the Pulumi CLI and `python -m preview` need (`components/`,
`plan/`, ... beside `__main__.py`). Installed under those names they would shadow a consumer's
own `plan` or `operations`, so the wheel holds them as `rdsplatform.<name>` with every absolute
import of them rewritten. The project files the tooling finds beside its packages (Pulumi.yaml,
the stack files, `policies/`) sit at the package's root, so `PROJECT_DIR` (two levels above
`plan/stack_config.py`) is the installed project as it is the checkout.

Only import statements are rewritten, located with `ast` so that strings, comments and names
that merely look like a package are left alone; line numbers stay as in the checkout.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

PACKAGE = "rdsplatform"
# The checkout's top-level packages of ours, installed as rdsplatform.<name>.
PACKAGES = ("components", "plan", "preview", "automation", "operations")
# Project files copied as they are (the pack is run by the Pulumi CLI from its own folder and
# imports only its own `rds_guardrails`, which stays off the consumer's sys.path).
PROJECT_FILES = ("Pulumi.yaml", "policies")
PROGRAM = "__main__.py"
# In the checkout the program runs in .venv and the pack in policies/venv; installed, both run in
# the interpreter that holds the package (python3 on PATH, or PULUMI_PYTHON_CMD).
_VENV_OPTION = re.compile(r"^\s+virtualenv: \.?venv\n", re.MULTILINE)
# `options:` left with nothing under it (the next line is no deeper) goes too.
_EMPTY_OPTIONS = re.compile(r"^( +)options:\n(?!\1 )", re.MULTILINE)
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "venv", "node_modules")
# `make ops-demo` seeds a local moto server: a checkout's tool whose moto is a test dependency.
LEFT_OUT = ("operations/demo.py", "operations/demo_server.py")


class LayoutError(Exception):
    """The checkout cannot be laid out as the installed package."""


def _is_ours(dotted: str) -> bool:
    return dotted.split(".")[0] in PACKAGES


def _rewrite_import(segment: str) -> str:
    """`import a.b as c, d` with each of our dotted names prefixed (never an `as` name)."""
    keyword, rest = segment[:6], segment[6:]
    items = []
    for item in rest.split(","):
        match = re.match(r"(\s*(?:\\\n\s*)?)([\w.]+)(.*)", item, re.DOTALL)
        if match is None:
            raise LayoutError(f"cannot read import item {item!r}")
        lead, dotted, tail = match.groups()
        items.append(f"{lead}{PACKAGE}.{dotted}{tail}" if _is_ours(dotted) else item)
    return keyword + ",".join(items)


def rewrite_imports(source: str, filename: str = "<source>") -> str:
    """The source with every absolute import of our packages prefixed with `rdsplatform.`."""
    tree = ast.parse(source, filename=filename)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # (line index, start col, end col, replacement)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _is_ours(node.module):
            line = lines[node.lineno - 1]
            start = _byte_col(line, node.col_offset)
            match = re.compile(r"from(\s+)" + re.escape(node.module)).match(line, start)
            if match is None:
                raise LayoutError(f"{filename}:{node.lineno}: cannot locate `from {node.module}`")
            edits.append((node.lineno - 1, start, match.end(), f"from{match.group(1)}{PACKAGE}.{node.module}"))
        elif isinstance(node, ast.Import) and any(_is_ours(a.name) for a in node.names):
            if node.lineno != node.end_lineno:
                raise LayoutError(f"{filename}:{node.lineno}: a multi-line `import` statement")
            line = lines[node.lineno - 1]
            assert node.end_col_offset is not None  # ast.parse sets every statement's end
            start, end = _byte_col(line, node.col_offset), _byte_col(line, node.end_col_offset)
            edits.append((node.lineno - 1, start, end, _rewrite_import(line[start:end])))
    for index, start, end, text in sorted(edits, reverse=True):
        lines[index] = lines[index][:start] + text + lines[index][end:]
    rewritten = "".join(lines)
    _check(rewritten, filename)
    return rewritten


def _byte_col(line: str, offset: int) -> int:
    """ast's column offsets count UTF-8 bytes; the string index of that offset."""
    return len(line.encode()[:offset].decode())


def _check(source: str, filename: str) -> None:
    """No absolute import of a bare package of ours is left."""
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        left = [n for n in names if _is_ours(n)]
        if left:
            raise LayoutError(f"{filename}:{node.lineno}: import of {left[0]} not rewritten")


def lay_out(checkout: Path, target: Path) -> Path:
    """Write the installed package `rdsplatform/` under `target`, from the checkout; its path."""
    package = target / PACKAGE
    if package.exists():
        raise LayoutError(f"{package} exists already")
    package.mkdir(parents=True)
    for name in PACKAGES:
        shutil.copytree(checkout / name, package / name, ignore=_IGNORED)
    for relative in LEFT_OUT:
        (package / relative).unlink()
    for name in PROJECT_FILES:
        source = checkout / name
        if source.is_dir():
            shutil.copytree(source, package / name, ignore=_IGNORED)
        else:
            shutil.copy2(source, package / name)
    for stack_file in sorted(checkout.glob("Pulumi.*.yaml")):
        shutil.copy2(stack_file, package / stack_file.name)
    for project_file in ("Pulumi.yaml", "policies/PulumiPolicy.yaml"):
        text = (package / project_file).read_text()
        without_venv, count = _VENV_OPTION.subn("", text)
        if count != 1:
            raise LayoutError(f"{project_file}: expected one `virtualenv:` runtime option")
        without_venv = _EMPTY_OPTIONS.sub("", without_venv)
        (package / project_file).write_text(without_venv)
    shutil.copy2(checkout / PROGRAM, package / PROGRAM)
    rewritten = [package / PROGRAM] + [p for name in PACKAGES for p in sorted((package / name).rglob("*.py"))]
    for path in rewritten:
        path.write_text(rewrite_imports(path.read_text(), str(path.relative_to(target))))
    (package / "__init__.py").write_text(
        '"""rdsplatform, installed: the Pulumi program, its policy pack and tooling as one package."""\n')
    return package
