"""The settings package's shape: its modules import each other without a cycle and share only
public names, so each module can be read (and changed) on its own."""

import ast
from pathlib import Path

from plan.stack_config import PROJECT_DIR
from tests.import_graph import find_cycle

PACKAGE = "components.settings"
MODULES = {p.stem: p for p in sorted((PROJECT_DIR / "components" / "settings").glob("*.py"))}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import in a file, with relative imports resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = f"{PACKAGE}.{module}".rstrip(".")
            found.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return found


def _package_edges() -> dict[str, set[str]]:
    """Which package module imports which; a name taken from the package itself (not one of
    its modules) is an import of `__init__`."""
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = set()
        for module, names in _imports(path):
            if module == PACKAGE:
                targets |= {n if n in MODULES else "__init__" for n in names}
            elif module.startswith(PACKAGE + "."):
                targets.add(module.removeprefix(PACKAGE + ".").split(".")[0])
        edges[name] = targets
    return edges



def test_the_package_has_its_modules():
    assert {"__init__", "base", "model", "reading", "rules"} <= set(MODULES)


def test_no_module_imports_a_private_name_of_another():
    imported = [(name, n) for name, path in MODULES.items() for _, names in _imports(path) for n in names]
    assert imported, "the package's modules import names"
    assert [(name, n) for name, n in imported if n.startswith("_")] == []


def test_modules_import_each_other_without_a_cycle():
    edges = _package_edges()
    assert edges["rules"] and edges["reading"], "the rules and the reader import their concerns"
    # Only the package's front door re-exports; no module imports it (that would be a cycle).
    assert [n for n, targets in edges.items() if "__init__" in targets] == []
    assert find_cycle(edges) == []


def test_only_the_wiring_reads_settings():
    """Components take their own arguments dataclasses; only the platform and its builders
    (components/wiring.py) turn settings into them."""
    modules = sorted((PROJECT_DIR / "components").glob("*.py"))
    assert len(modules) > 10, "the components are where this test looks"
    readers = sorted(p.name for p in modules
                     if any(m == PACKAGE or m.startswith(PACKAGE + ".") for m, _ in _imports(p)))
    assert readers == ["platform.py", "wiring.py"]
