"""The last line of the offline check: what happened to one stack, and under which policy config."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, cast

from plan.registration import Plan
from preview.report import ERROR_VERDICT, StackResult


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
        return f"verdict: stack {result.stack}: {ERROR_VERDICT.get(result.error_kind, ERROR_VERDICT['plan'])}: FAIL"
    parts = [f"stack {result.stack}", f"{sum(r.custom for r in cast(Plan, result.plan).resources)} resources"]
    if result.policy_checked:
        levels = [v.level for v in result.unwaived]
        parts += [f"{levels.count('mandatory')} mandatory", f"{levels.count('advisory')} advisory"]
        if result.waived:
            parts.append(f"{len(result.waived)} waived")
    else:
        parts.append("policy pack not run (--no-policy)")
    parts.append(f"{len(result.diff.risks)} data at risk" if result.diff is not None
                 else "data at risk not checked (no --baseline)")
    if result.diff is not None and result.diff.refusals:
        parts.append(f"{len(result.diff.refusals)} resource(s) with a change AWS refuses")
    if result.rules_from is not None:
        approved = " (approved)" if result.weakened and result.policy_change_approved else ""
        parts.append(f"{len(result.weakened)} weaker policy change(s){approved} against {result.rules_from}")
    line = f"verdict: {', '.join(parts)}: {'PASS' if passed else 'FAIL'}"
    return line + (f" ({policy_note})" if result.policy_checked else "")


# The exit codes of `python -m preview` and what each means: the JSON report's `verdict`, the
# generated reference (docs/reference/exit-codes.md) and the CLI read this one table. With
# several problems the run exits with the first of PRECEDENCE found: an error first (nothing
# else is known for sure), then weakened rules (the verdict below depends on which rules
# judge: a reviewer decides that first), then a mandatory violation, a change AWS refuses,
# data at risk.
EXIT_CLEAN, EXIT_MANDATORY, EXIT_ERROR, EXIT_AT_RISK, EXIT_REFUSED, EXIT_POLICY_WEAKENED = 0, 1, 2, 3, 4, 5
# A shell reports a process killed by SIGPIPE as 128 + 13; Python turns SIGPIPE into BrokenPipeError.
EXIT_READER_LEFT = 141
PRECEDENCE = (EXIT_ERROR, EXIT_POLICY_WEAKENED, EXIT_MANDATORY, EXIT_REFUSED, EXIT_AT_RISK)
EXIT_CODES = {
    EXIT_CLEAN: "clean: no mandatory policy violation, no stateful resource at risk (or accepted)",
    EXIT_MANDATORY: "a mandatory policy violation",
    EXIT_ERROR: "the check could not be completed: bad config, policy config or baseline, or a program error "
                "(one message listing every problem)",
    EXIT_AT_RISK: "a stateful resource would be replaced or deleted; accept with --allow-replacement "
                  "(the pull-request label approve-data-replacement)",
    EXIT_REFUSED: "(with --baseline) a change AWS refuses after create, e.g. shrinking storage; "
                  "--allow-replacement does not accept it",
    EXIT_POLICY_WEAKENED: "(with --rules or --baseline git:REF) the change weakens the trusted rules (a level, "
                          "setting, policy, exception, config file or the pack's code); accept with "
                          "--allow-policy-change (the pull-request label approve-policy-change)",
    EXIT_READER_LEFT: "the reader of the output left before the end (`| head`, as a shell reports SIGPIPE)",
}


def verdict_json(code: int) -> dict[str, Any]:
    """The JSON report's verdict of one stack: pass or fail, its exit code, what that code means."""
    return {"result": "pass" if code == 0 else "fail", "exitCode": code, "meaning": EXIT_CODES[code]}
