"""Where a config key is set: the file and line a reviewer (or code scanning) should look at.

The stack file `Pulumi.<stack>.yaml` when it sets the key; otherwise the key's declaration
(its default) in `Pulumi.yaml`; otherwise line 1 of the stack file, where it would be added.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml


@dataclass(frozen=True)
class Source:
    path: str  # relative to the project directory, as code scanning wants it
    line: int  # 1-based


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
            return {k.value: k.start_mark.line + 1 for k, _ in value.value if isinstance(k, yaml.ScalarNode)}
    return {}


def _lines(path: Path) -> dict[str, int]:
    return _config_lines(path, path.stat().st_mtime) if path.exists() else {}


def config_source(project_dir: Path, stack: str, key: Optional[str]) -> Source:
    """Where `key` (namespaced, e.g. rdsplatform:multiAz or rdsplatform:alarms.enabled) is set."""
    stack_file = f"Pulumi.{stack}.yaml"
    if key:
        top = key.split(".", 1)[0]  # a structured key is written as its top-level key
        line = _lines(project_dir / stack_file).get(top)
        if line:
            return Source(stack_file, line)
        declared = _lines(project_dir / "Pulumi.yaml")
        line = declared.get(top) or declared.get(top.split(":", 1)[-1])
        if line:
            return Source("Pulumi.yaml", line)
    return Source(stack_file, 1)
