"""Engine version text as blue-green compares it: the one place its version parsing lives."""

from __future__ import annotations

from typing import Any

def version_key(version: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in version.replace("-", ".").split("."))


def major_of(engine: str, version: str) -> str:
    """The major version as the stack's engineVersion takes it: PostgreSQL '16', MySQL/MariaDB '8.0'."""
    parts = version.split(".")
    return parts[0] if "postgres" in engine else ".".join(parts[:2])
