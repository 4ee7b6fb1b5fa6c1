"""What every settings module shares: the project namespace, the error, the frozen base model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

PROJECT = "rdsplatform"
# Tags the platform sets on every resource; a stack's own tags may not override them.
DEFAULT_TAG_KEYS = ("Environment", "Project", "ManagedBy")
REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"


class SettingsError(Exception):
    """Raised with every problem of a stack's config, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid stack configuration ({len(problems)} problem(s)):\n{lines}")


class SettingsModel(BaseModel):
    """Base of every settings model: camelCase keys, unknown keys refused, frozen."""

    # Frozen so no component can change what the stack file said; extra keys are refused so
    # a typo (multiAZ for multiAz) fails loudly instead of silently using a default. NaN and
    # infinities (YAML .nan/.inf) are refused: every comparison with NaN is false, so a NaN
    # threshold would pass every range check and reach an alarm.
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, allow_inf_nan=False
    )


def config_key(name: str) -> str:
    """The full config key of a setting, as a person types it: rdsplatform:<name>."""
    return f"{PROJECT}:{name}"
