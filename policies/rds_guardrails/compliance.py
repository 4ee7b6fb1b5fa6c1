"""The compliance report: per FSBP control and per stack, its result and the resources behind it.

One builder for both front ends: the offline gate (`python -m preview --compliance`) gives it a
plan's resources and the pack's violations, `operations audit --compliance` the live estate's
resources and `evaluate`'s findings. The report says, for every control of fsbp.json: pass, fail,
waived or notApplicable, each judged resource with its own result (and a waiver's owner, reason
and expiry), the pack's version, the policy config's hash and the commit. Its JSON schema is
compliance-report.schema.json beside this module (docs/compliance.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

from rds_guardrails import fsbp
from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.rule import DISABLED, Resource, Rule, StackRule

SCHEMA = Path(__file__).with_name("compliance-report.schema.json")
SCHEMA_ID = "compliance-report/1"
PACK_NAME = "rds-guardrails"
RESULTS = ("pass", "fail", "waived", "notApplicable")


@dataclass(frozen=True)
class Judged:
    """One violation as the report needs it, from either front end. `resource` is a URN or a name."""

    policy: str
    resource: str
    message: str
    level: str
    # The waiver (exception) that covers it: an object with id, owner, reason, expires, ticket and
    # to_json(), or None.
    waiver: Any = None


def pack_version(policy_dir: Optional[Path] = None) -> str:
    """The pack's version from PulumiPolicy.yaml (the one version the CLI publishes)."""
    text = ((policy_dir or Path(__file__).resolve().parent.parent) / "PulumiPolicy.yaml").read_text(encoding="utf-8")
    found = re.search(r"^version:\s*['\"]?([^'\"\s]+)", text, flags=re.M)
    return found.group(1) if found else "0.0.0"


def config_hash(config: Optional[Mapping[str, Any]]) -> str:
    """sha256 of the policy config as canonical JSON (keys sorted): the same config, the same hash."""
    canonical = json.dumps(dict(config or {}), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def current_commit(directory: Path) -> Optional[str]:
    """The commit checked out in `directory` (with "+dirty" when files differ), or None outside git."""
    def git(*args: str) -> Optional[str]:
        try:
            done = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    if not head:
        return None
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def _rules() -> dict[str, Union[Rule, StackRule]]:
    rules: list[Union[Rule, StackRule]] = [*RESOURCE_RULES, *STACK_RULES]
    return {r.name: r for r in rules}


# Security Hub's resource types (fsbp.json) and the pulumi-aws types that declare them.
AWS_TYPES = {
    "AWS::RDS::DBInstance": ("aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"),
    "AWS::RDS::DBCluster": ("aws:rds/cluster:Cluster",),
    "AWS::RDS::DBSnapshot": ("aws:rds/snapshot:Snapshot", "aws:rds/snapshotCopy:SnapshotCopy"),
    "AWS::RDS::DBClusterSnapshot": ("aws:rds/clusterSnapshot:ClusterSnapshot",
                                    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"),
    "AWS::RDS::EventSubscription": ("aws:rds/eventSubscription:EventSubscription",),
    "AWS::RDS::DBProxy": ("aws:rds/proxy:Proxy",),
    "AWS::RDS::DBSubnetGroup": ("aws:rds/subnetGroup:SubnetGroup",),
    "AWS::RDS::GlobalCluster": ("aws:rds/globalCluster:GlobalCluster",),
    "AWS::RDS::DBSecurityGroup": (),
}


def in_scope(control: Mapping[str, Any], resource: Resource) -> bool:
    """Whether the resource is of the control's resource types and, where it names engines, of one of them."""
    types = {t for aws in control.get("resourceTypes", ()) for t in AWS_TYPES.get(aws, ())}
    if resource.type not in types:
        return False
    engines = control.get("engines")
    if not engines:
        return True
    engine = resource.props.get("engine") if hasattr(resource.props, "get") else None
    return isinstance(engine, str) and any(engine == e or engine.startswith(e + "-") for e in engines)


def _judged_by(rule: Union[Rule, StackRule], resources: Sequence[Resource]) -> list[Resource]:
    return [r for r in resources if rule.applies_to(r)]


def _entry(resource: Resource, policy: str, result: str, finding: Optional[Judged] = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"urn": resource.urn, "name": resource.name, "type": resource.type, "policy": policy,
                             "result": result}
    if finding is not None:
        entry["message"], entry["level"] = finding.message, finding.level
        if finding.waiver is not None:
            entry["waiver"] = finding.waiver.to_json()
    return entry


def control_result(control: Mapping[str, Any], resources: Sequence[Resource], findings: Sequence[Judged],
                   levels: Mapping[str, str]) -> dict[str, Any]:
    """One control's result on one stack, with every resource its policies judged."""
    out: dict[str, Any] = {"id": control["id"], "title": control["title"], "severity": control["severity"],
                           "fsbp": control["fsbp"]}
    kind = fsbp.answer(control)
    if kind != "policies":
        reason = control[kind] if kind == "notApplicable" else f"checked by `operations audit` only: {control[kind]}"
        return {**out, "policies": [], "result": "notApplicable", "reason": reason, "resources": []}
    rules, names = _rules(), list(control["policies"])
    out["policies"] = names
    active = [n for n in names if levels.get(n) != DISABLED]
    if not active:
        return {**out, "result": "notApplicable", "reason": f"{', '.join(names)} disabled by the policy config",
                "resources": []}
    entries: list[dict[str, Any]] = []
    scoped = [r for r in resources if in_scope(control, r)]
    keys = {r.urn for r in scoped} | {r.name for r in scoped}
    for name in active:
        rule = rules[name]
        found = [f for f in findings if f.policy == name and f.resource in keys]
        for resource in _judged_by(rule, scoped):
            mine = [f for f in found if f.resource in (resource.urn, resource.name)]
            failing = [f for f in mine if f.waiver is None]
            if failing:
                entries += [_entry(resource, name, "fail", f) for f in failing]
            elif mine:
                entries += [_entry(resource, name, "waived", f) for f in mine]
            else:
                entries.append(_entry(resource, name, "pass"))
        # A finding on an in-scope resource the rule's `applies` skipped (a stack rule's problem).
        judged = {e["urn"] for e in entries if e["policy"] == name}
        for resource in scoped:
            if resource.urn not in judged:
                mine = [f for f in found if f.resource in (resource.urn, resource.name)]
                entries += [_entry(resource, name, "fail" if f.waiver is None else "waived", f) for f in mine]
    results = {e["result"] for e in entries}
    if "fail" in results:
        result = "fail"
    elif "waived" in results:
        result = "waived"
    elif entries:
        result = "pass"
    else:
        return {**out, "result": "notApplicable", "resources": [],
                "reason": "no resource of the stack is one its policies judge"}
    return {**out, "result": result, "resources": entries}


def stack_report(stack: str, resources: Sequence[Resource], findings: Sequence[Judged], levels: Mapping[str, str],
                 config: Optional[Mapping[str, Any]], config_path: Optional[str]) -> dict[str, Any]:
    """Every control's result on one stack (or one live account and region)."""
    controls = [control_result(c, resources, findings, levels) for c in fsbp.controls()]
    summary = {r: sum(1 for c in controls if c["result"] == r) for r in RESULTS}
    return {"stack": stack, "policyConfig": {"path": config_path, "hash": config_hash(config)},
            "summary": summary, "controls": controls}


def report(stacks: Sequence[Mapping[str, Any]], source: str, commit: Optional[str],
           version: Optional[str] = None) -> dict[str, Any]:
    """The whole report: what was judged by whom, against which framework, and each stack."""
    table = fsbp.table()
    return {"schema": SCHEMA_ID, "source": source,
            "framework": {**table["framework"], "controls": table["source"]["controls"], "read": table["source"]["read"]},
            "pack": {"name": PACK_NAME, "version": version or pack_version()}, "commit": commit,
            "stacks": list(stacks)}


_SHOWN = {"pass": "pass", "fail": "**fail**", "waived": "waived", "notApplicable": "not applicable"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(data: Mapping[str, Any]) -> str:
    """The report for people: per stack, a table of controls and what failed or was waived."""
    lines = [f"# Compliance evidence: {data['framework']['name']}", "",
             f"Pack {data['pack']['name']} {data['pack']['version']}, commit `{data['commit'] or 'unknown'}`, "
             f"from {data['source']}. Controls: {data['framework']['controls']} (read {data['framework']['read']}).", ""]
    for stack in data["stacks"]:
        lines += [f"## {stack['stack']}", ""]
        if "error" in stack:
            lines += [f"Not judged: {_cell(stack['error'])}", ""]
            continue
        s = stack["summary"]
        lines += [f"Policy config `{stack['policyConfig']['path'] or 'none (every control mandatory)'}` "
                  f"({stack['policyConfig']['hash']}): {s['pass']} pass, {s['fail']} fail, {s['waived']} waived, "
                  f"{s['notApplicable']} not applicable.", "",
                  "| control | title | result | resources | detail |", "|---|---|---|---|---|"]
        for c in stack["controls"]:
            shown = [e for e in c["resources"] if e["result"] != "pass"]
            detail = "; ".join(
                f"{e['name']}: {e.get('message', '')}" + (
                    f" (waived by {e['waiver']['id']}: {e['waiver']['reason']}; owner {e['waiver']['owner']}, "
                    f"expires {e['waiver']['expires']})" if "waiver" in e else "")
                for e in shown) or c.get("reason", "")
            names = sorted({e["name"] for e in c["resources"]})
            lines.append(f"| {c['id']} | {_cell(c['title'])} | {_SHOWN[c['result']]} | {_cell(', '.join(names)) or '-'} "
                         f"| {_cell(detail) or '-'} |")
        lines.append("")
    return "\n".join(lines)
