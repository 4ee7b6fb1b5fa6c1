"""audit: the policy pack's controls on the live databases of a region (no second copy of the rules).

Reads instances, clusters, manual snapshots (and who may restore them), proxies, the parameter
groups, security groups and KMS keys they use, alarms and event subscriptions (live.py), then
calls `rds_guardrails.evaluate` -- the same checks the pack runs on a plan. Levels and
thresholds come from the pack's per-stack config (--policy-config), else every control is
mandatory ({"all": "mandatory"}, default thresholds). Exit 1 when a mandatory control fails.
The same file's exceptions (rds_guardrails/waivers.py) waive findings as the pack does: a waived
finding is listed with its exception and never counts as mandatory; an expired one fails.

Credential rotation is a stack control: in a plan, a SecretRotation of the stack covers its
databases. A region holds many stacks, so a rotated secret counts only for the databases of its
own stack -- those carrying the same Environment and Project tags (the program's default tags) --
and the rule is asked again for each such database with its own rotations.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any, Mapping

from operations.errors import RunbookError
from operations.runbook import Context

HELP = "the policy pack's controls on the live databases, snapshots, proxies, security groups and keys of a region"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """--policy-config."""
    p.add_argument("--policy-config", metavar="FILE",
                   help="the pack's per-stack config JSON (e.g. policies/config/prod.json); default: every control mandatory")
    p.add_argument("--compliance", metavar="FILE",
                   help="also write the compliance report (JSON, per Security Hub RDS control; docs/compliance.md)")
    p.add_argument("--compliance-markdown", metavar="FILE", help="also write the compliance report as Markdown")


EVERY_CONTROL_MANDATORY = {"all": "mandatory"}


def _config(path: str | None) -> dict[str, Any]:
    from operations.pack import levels_from_config

    if not path:
        return EVERY_CONTROL_MANDATORY
    try:
        config = json.loads(open(path, encoding="utf-8").read())
    except OSError as exc:
        raise RunbookError(f"--policy-config {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise RunbookError(f"--policy-config {path} is not JSON: {exc}") from None
    except UnicodeDecodeError:
        raise RunbookError(f"--policy-config {path} is not UTF-8 text (a JSON file)") from None
    if not isinstance(config, dict):
        raise RunbookError(f"--policy-config {path} must hold a JSON object")
    try:
        levels_from_config(config)
    except ValueError as exc:
        raise RunbookError(f"--policy-config {path}: {exc}") from None
    return config


def _own_rotations(findings: list[Any], resources: list[Any], rotations: list[Any], resource_type: Any, config: Any) -> list[Any]:
    """Re-judge rds-credentials-rotate per database with the rotated secrets of its own stack."""
    from operations.lookup import stack_of
    from operations.pack import evaluate

    by_name = {r.name: r for r in resources}
    kept = []
    for f in findings:
        db = by_name.get(f.resource)
        stack = stack_of(db.props.get("tags") or {}) if db else None
        mine = [resource_type(type=t, name=n, props=p) for t, n, p in rotations
                if stack is not None and stack_of(p["tags"]) == stack]
        if f.policy != "rds-credentials-rotate" or not mine or db is None:
            kept.append(f)
            continue
        kept += [g for g in evaluate([db, *mine], config, _stack) if g.policy == f.policy and g.resource == f.resource]
    return kept


def run(ctx: Context) -> int:
    """Judge the region's live resources with the pack's rules; exit 1 on a mandatory finding."""
    # The pack (and the Pulumi SDK it reads values with) loads only for the audit.
    from operations import live
    from operations.pack import Resource, evaluate, stale_exceptions

    args, clients, out = ctx.args, ctx.clients, ctx.out
    config = _config(args.policy_config)
    resources = live.collect(clients, Resource)
    findings = _own_rotations(evaluate(resources, config, _stack), resources, live.rotations(clients), Resource, config)
    for f in sorted(findings, key=lambda f: (f.waiver is not None, f.level != "mandatory", f.resource, f.policy)):
        out.finding(f.resource, f.policy, f.level, f.message, f.waiver.to_json() if f.waiver else None)
    stale = stale_exceptions(resources, config, _stack)
    for w in stale:
        out.note(f"stale exception {w.id} of {w.policy} (owner {w.owner}, until {w.expires}) covers no resource "
                 f"of the region: remove it", exception=w.to_json())
    levels = Counter(f.level for f in findings if f.waiver is None)
    kinds = Counter(r.type.split(":")[-1] for r in resources)
    _write_compliance(args, clients.region, resources, findings, config)
    out.result(region=clients.region, resources=len(resources), resource_types=dict(sorted(kinds.items())),
               findings=len(findings), mandatory=levels.get("mandatory", 0), advisory=levels.get("advisory", 0),
               waived=sum(f.waiver is not None for f in findings), stale_exceptions=[w.id for w in stale],
               policy_config=args.policy_config)
    return 1 if levels.get("mandatory") else 0


def _write_compliance(args: Any, region: str, resources: list[Any], findings: list[Any], config: dict[str, Any]) -> None:
    """--compliance / --compliance-markdown: the pack's report builder on the live estate."""
    if not (args.compliance or args.compliance_markdown):
        return
    from operations.pack import POLICY_DIR, compliance, levels_from_config

    levels = {name: level for name, (level, _) in levels_from_config(config).items()}
    judged = [compliance.Judged(f.policy, f.resource, f.message, f.level, getattr(f, "waiver", None)) for f in findings]
    stack = compliance.stack_report(f"live:{region}", resources, judged, levels, config, args.policy_config)
    report = compliance.report([stack], "operations audit", compliance.current_commit(POLICY_DIR.parent))
    for path, text in ((args.compliance, json.dumps(report, indent=1, sort_keys=True) + "\n"),
                       (args.compliance_markdown, compliance.to_markdown(report))):
        if path:
            try:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise RunbookError(f"cannot write {path}: {exc.strerror or exc}") from None


def _stack(resource: Any) -> str | None:
    """The stack of a live resource, for an exception's `stacks`: its Environment tag (the program's
    default tags name the stack there), None without one."""
    tags = resource.props.get("tags") if isinstance(resource.props, Mapping) else None
    value = tags.get("Environment") if isinstance(tags, Mapping) else None
    return value if isinstance(value, str) and value else None
