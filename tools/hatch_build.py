"""Hatchling build hook: the wheel holds the checkout laid out as `rdsplatform` (tools/wheel_layout.py)."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _layout_module() -> ModuleType:
    # Hooks are loaded from their file, not as a package: load the sibling module the same way.
    path = Path(__file__).with_name("wheel_layout.py")
    spec = importlib.util.spec_from_file_location("rdsplatform_wheel_layout", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LayoutHook(BuildHookInterface[BuilderConfig]):
    """Stages the rewritten package and force-includes it as `rdsplatform/`."""

    PLUGIN_NAME = "rdsplatform-layout"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Lay out the package before the wheel is written."""
        if self.target_name != "wheel":
            return
        if version == "editable":
            # An editable install would put the checkout's generic names on sys.path.
            raise RuntimeError("rdsplatform has no editable install: run the checkout in place "
                               "(make preview, python -m automation) or install the wheel")
        self._staging = tempfile.mkdtemp(prefix="rdsplatform-wheel-")
        lay_out: Callable[[Path, Path], Path] = _layout_module().lay_out  # wheel_layout.lay_out
        package = lay_out(Path(self.root), Path(self._staging))
        build_data["force_include"][str(package)] = "rdsplatform"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the staging folder."""
        staging = getattr(self, "_staging", None)
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
