"""Where a config key is set: the file and line a reviewer (or code scanning) should look at.

A `--config` override of the key when the run had one (the files do not hold the value that
was checked); else the stack file `Pulumi.<stack>.yaml` when it sets the key; otherwise the
key's declaration (its default) in `Pulumi.yaml`; otherwise the stack file's `config:` line,
under which it would be added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

import yaml


@dataclass(frozen=True)
class Source:
    path: str  # relative to the project directory, as code scanning wants it
    line: int  # 1-based
    # The command-line override that set the key's checked value (`--config multiAz=false`), if any.
    override: Optional[str] = None
    # The key is set nowhere: `line` is the stack file's `config:`, under which it is to be added.
    absent: bool = False

    def __str__(self) -> str:
        if self.override:
            return self.override
        return f"add it under config: in {self.path}, line {self.line}" if self.absent else f"{self.path} line {self.line}"


@lru_cache(maxsize=64)
def _config_lines(path: Path, mtime: float) -> dict[str, int]:
    """Each key of the file's `config:` mapping and the 1-based line it is written on."""
    try:
        root = yaml.compose(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value == "config" and isinstance(value, yaml.MappingNode):
            # "" stands for the `config:` line itself (no config key is empty).
            return {"": key.start_mark.line + 1,
                    **{k.value: k.start_mark.line + 1 for k, _ in value.value if isinstance(k, yaml.ScalarNode)}}
    return {}


def _lines(path: Path) -> dict[str, int]:
    return _config_lines(path, path.stat().st_mtime) if path.exists() else {}


def stack_keys(project_dir: Path, stack: str) -> frozenset[str]:
    """The top-level config keys the stack file sets."""
    return frozenset(_lines(project_dir / f"Pulumi.{stack}.yaml")) - {""}


def _touches(given: str, key: str) -> bool:
    """True when an override of `given` sets `key`, a value inside it, or the object around it."""
    return given == key or any(a.startswith(b + sep) for a, b in ((key, given), (given, key)) for sep in ".[")


def _override(key: str, overrides: Mapping[str, str]) -> Optional[str]:
    """The last `--config KEY=VALUE` (as typed) that set the namespaced `key`, or None."""
    project = key.split(":", 1)[0]
    found = None
    for given, value in overrides.items():
        full = given if re.match(r"[A-Za-z0-9_-]+:", given) else f"{project}:{given}"
        if _touches(full, key):
            found = f"--config {given}={value}"
    return found


def config_source(project_dir: Path, stack: str, key: Optional[str],
                  overrides: Optional[Mapping[str, str]] = None) -> Source:
    """Where `key` (namespaced, e.g. rdsplatform:multiAz or rdsplatform:alarms.enabled) is set."""
    stack_file = f"Pulumi.{stack}.yaml"
    if key:
        override = _override(key, overrides or {})
        top = key.split(".", 1)[0]  # a structured key is written as its top-level key
        line = _lines(project_dir / stack_file).get(top)
        if line:
            return Source(stack_file, line, override)
        declared = _lines(project_dir / "Pulumi.yaml")
        line = declared.get(top) or declared.get(top.split(":", 1)[-1])
        if line:
            return Source("Pulumi.yaml", line, override)
        return Source(stack_file, _lines(project_dir / stack_file).get("", 1), override, absent=True)
    return Source(stack_file, 1)
