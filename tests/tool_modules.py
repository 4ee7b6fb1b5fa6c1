"""The project's tools (tools/*.py are scripts, not a package), loaded by file path for the tests."""

import importlib.util
from pathlib import Path
from types import ModuleType

from plan.stack_config import PROJECT_DIR


def load_tool(name: str, root: Path = PROJECT_DIR) -> ModuleType:
    """tools/<name>.py of `root` (the checkout by default, or a copy of it) as a module."""
    spec = importlib.util.spec_from_file_location(name, root / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
