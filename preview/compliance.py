"""`--compliance FILE` / `--compliance-markdown FILE`: the compliance report of the checked stacks.

The report itself is the pack's (policies/rds_guardrails/compliance.py), so the live audit writes
the same one; this module only hands it the plan's resources and the pack's violations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Sequence

from preview.analyzer import POLICY_DIR, is_analyzed, load_policy_config, policy_config_path
from preview.report import StackResult

SCHEMA_PATH = "policies/rds_guardrails/compliance-report.schema.json"


def _pack() -> Any:
    import sys

    if str(POLICY_DIR) not in sys.path:
        sys.path.insert(0, str(POLICY_DIR))
    from rds_guardrails import compliance, evaluate

    return compliance, evaluate


def stack_entry(result: StackResult, config_file: Optional[Path], project_dir: Path) -> dict[str, Any]:
    """One stack's part of the report (its error alone when it was not judged)."""
    compliance, evaluate = _pack()
    if result.error or result.plan is None or not result.policy_checked:
        return {"stack": result.stack, "error": result.error or "the policy pack did not run"}
    path = config_file or policy_config_path(result.stack)
    config = load_policy_config(result.stack, config_file)
    levels = {name: level for name, (level, _) in evaluate.levels_from_config(config).items()}
    resources = [evaluate.Resource(r.type, r.name, r.outputs or r.inputs, r.urn) for r in result.plan.resources
                 if is_analyzed(r)]
    findings = [compliance.Judged(v.policy, v.urn, v.message.splitlines()[-1], v.level, getattr(v, "waiver", None))
                for v in result.violations]
    shown = str(path.resolve().relative_to(project_dir.resolve())) if path and path.resolve().is_relative_to(
        project_dir.resolve()) else (str(path) if path else None)
    entry: dict[str, Any] = compliance.stack_report(result.stack, resources, findings, levels, config, shown)
    return entry


def build(results: Sequence[StackResult], config_file: Optional[Path], project_dir: Path) -> dict[str, Any]:
    compliance, _ = _pack()
    stacks = [stack_entry(r, config_file, project_dir) for r in results]
    report: dict[str, Any] = compliance.report(stacks, "preview", compliance.current_commit(project_dir))
    return report


def texts(report: dict[str, Any]) -> tuple[str, str]:
    """The JSON and the Markdown form of a report."""
    compliance, _ = _pack()
    return json.dumps(report, indent=1, sort_keys=True) + "\n", compliance.to_markdown(report)


def summary_line(path: str) -> str:
    """The pull-request summary's pointer to the report and its schema."""
    return (f"Compliance evidence: `{path}` (per Security Hub RDS control and stack; JSON schema "
            f"[{SCHEMA_PATH}]({SCHEMA_PATH}), docs/compliance.md).\n")
