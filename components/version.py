"""The project version, in one importable place (`from components.version import version`)."""

from __future__ import annotations

import importlib.metadata
import tomllib
from functools import cache
from pathlib import Path

DISTRIBUTION = "rdsplatform"


@cache
def version() -> str:
    """pyproject.toml's [project] version in a checkout; the installed distribution's once installed."""
    # Installed, this module is rdsplatform.components.version and pyproject.toml is not shipped;
    # in a checkout an installed copy (of any version) must not answer for the checkout.
    if __name__.startswith(f"{DISTRIBUTION}."):
        return importlib.metadata.version(DISTRIBUTION)
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    checkout_version: str = tomllib.loads(pyproject.read_text())["project"]["version"]
    return checkout_version
