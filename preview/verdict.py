"""The last line of the offline check: what happened to one stack, and under which policy config."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from preview.report import StackResult


def policy_config_note(config_path: Optional[Path], advisory_by_default: list[str]) -> str:
    """Which policy config the verdict used; a stack without one gets the pack's own levels."""
    if config_path is not None:
        return f"policy config {config_path.as_posix()}"
    note = "no policy config: every control mandatory"
    if len(advisory_by_default) == 1:
        note += f" except {advisory_by_default[0]} (advisory by default)"
    elif advisory_by_default:
        note += f" except {len(advisory_by_default)} advisory by default"
    return note


def verdict_line(result: StackResult, passed: bool, policy_note: str) -> str:
    """One line: stack, resources, mandatory/advisory counts, data at risk, PASS/FAIL, policy config."""
    if result.error:
        return f"verdict: stack {result.stack}: the plan could not be built: FAIL"
    parts = [f"stack {result.stack}", f"{sum(r.custom for r in result.plan.resources)} resources"]
    if result.policy_checked:
        levels = [v.level for v in result.violations]
        parts += [f"{levels.count('mandatory')} mandatory", f"{levels.count('advisory')} advisory"]
    else:
        parts.append("policy pack not run (--no-policy)")
    parts.append(f"{len(result.diff.risks)} data at risk" if result.diff is not None
                 else "data at risk not checked (no --baseline)")
    if result.diff is not None and result.diff.refusals:
        parts.append(f"{len(result.diff.refusals)} resource(s) with a change AWS refuses")
    line = f"verdict: {', '.join(parts)}: {'PASS' if passed else 'FAIL'}"
    return line + (f" ({policy_note})" if result.policy_checked else "")
