"""Engine version text as blue-green compares it, through the pack's one engine-version type
(rds_guardrails.facts.engine_version): no parsing of its own."""

from __future__ import annotations

from typing import Any

from operations.pack import engine_version


def version_key(version: str) -> tuple[Any, ...]:
    return tuple(engine_version.numbers(version))


def major_of(engine: str, version: str) -> str:
    """The major version as the stack's engineVersion takes it: PostgreSQL '16', MySQL/MariaDB '8.0'."""
    return engine_version.major_of(engine, version) or version
