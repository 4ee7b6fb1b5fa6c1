"""The project's first-party import graph, read from the source with `ast` (nothing is imported).

Every `import` and `from ... import` counts, also those inside functions: a lazy import is an
arrow all the same. The policy pack's own package (`rds_guardrails`) lives in `policies/`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Folders whose modules are first-party code, by the room they belong to.
ROOMS = ("components", "provider", "policies", "plan", "preview", "automation", "operations", "benchmarks", "tests")
# Import roots of modules that live under another name on sys.path.
PACKAGE_ROOM = {"rds_guardrails": "policies"}


def module_name(path: Path) -> str:
    """The dotted name a file is imported as (policies/rds_guardrails/x.py -> rds_guardrails.x)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "policies" and len(parts) > 1 and parts[1] == "rds_guardrails":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def room_of(module: str) -> str | None:
    """The room (top folder) a first-party module belongs to, or None for a third-party one."""
    top = module.split(".")[0]
    if top in PACKAGE_ROOM:
        return PACKAGE_ROOM[top]
    return top if top in ROOMS else ("program" if module == "__main__" else None)


def _resolve(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path) -> set[str]:
    """Every name a file imports: `import m` gives m; `from m import n` gives m.n (narrowed to m
    by graph() when m.n is no module)."""
    importer, is_package = module_name(path), path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node, importer, is_package)
            found |= {f"{module}.{a.name}" if module else a.name for a in node.names}
    return {m for m in found if m}


def first_party_files() -> list[Path]:
    """The program and every module of a room (not a venv or node_modules left in one: see
    tests/project_files.py)."""
    from tests.project_files import project_files

    return [ROOT / "__main__.py"] + [p for p in project_files(ROOT, ".py") if p.relative_to(ROOT).parts[0] in ROOMS]


def graph() -> dict[str, set[str]]:
    """module -> the first-party modules it imports (names narrowed to modules that exist)."""
    files = first_party_files()
    modules = {module_name(p) for p in files}
    edges: dict[str, set[str]] = {}
    for path in files:
        targets = set()
        for imported in imports_of(path):
            # `from package import name` names a module only when that module exists.
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and room_of(imported):
                targets.add(imported)
        edges[module_name(path)] = targets - {module_name(path)}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path (first node repeated at the end), or [] if there is none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return []
        for target in sorted(edges.get(node, ())):
            cycle = visit(target, path + [node])
            if cycle:
                return cycle
        done.add(node)
        return []

    for name in sorted(edges):
        cycle = visit(name, [])
        if cycle:
            return cycle
    return []
