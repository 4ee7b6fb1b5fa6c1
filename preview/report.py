"""Reports of an offline check: JSON for machines, Markdown (with a Mermaid diagram) for people.

SARIF for code scanning lives in preview/sarif.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional, cast

from plan.registration import SECRET_TEXT, UNKNOWN_TEXT, Plan, masked
from preview.analyzer import Violation, Waiver
from preview.diff import Change, PlanDiff, ValueChange
from preview.hints import shown_message
from preview.mermaid import mermaid
from preview.policy_change import PolicyChange


@dataclass
class StackResult:
    """Everything known about one stack after the check."""

    stack: str
    plan: Optional[Plan] = None
    violations: list[Violation] = field(default_factory=list)
    error: Optional[str] = None
    diff: Optional[PlanDiff] = None
    policy_checked: bool = True
    # The baseline the program's lookups of deployed databases were answered from (None: nothing
    # deployed was assumed, preview/deployed.py).
    deployed_from: Optional[str] = None
    # What `error` is about: "plan" (config or program), "policy config" or "baseline".
    error_kind: str = "plan"
    # The run's --config overrides (key as typed -> value): a hint names the one that set its key.
    overrides: dict[str, str] = field(default_factory=dict)
    # With trusted rules (preview/trusted.py): where they came from, each verdict, what changed.
    rules_from: Optional[str] = None
    trusted_violations: list[Violation] = field(default_factory=list)
    head_violations: list[Violation] = field(default_factory=list)
    policy_changes: list[PolicyChange] = field(default_factory=list)
    policy_change_approved: bool = False
    # The policy config's exceptions for this stack that cover none of its resources.
    stale_exceptions: list[Waiver] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    @property
    def weakened(self) -> list[PolicyChange]:
        """The changes that weaken the trusted rules (approved or not)."""
        return [c for c in self.policy_changes if c.weaker]

    @property
    def weakened_unapproved(self) -> bool:
        return bool(self.weakened) and not self.policy_change_approved

    @property
    def waived(self) -> list[Violation]:
        """Violations an exception waived: listed with it, never counted as advisory or mandatory."""
        return [v for v in self.violations if v.waiver is not None]

    @property
    def unwaived(self) -> list[Violation]:
        return [v for v in self.violations if v.waiver is None]


# --- deployed state ---------------------------------------------------------------------------------

def lookups_line(result: StackResult) -> Optional[str]:
    """What the program's lookups of deployed databases found, and from where; None if it made none."""
    lookups = result.plan.lookups if result.plan else []
    if not lookups:
        return None
    looked = ", ".join(f"{x['kind']} {x['identifier']} ({x['region']})" for x in lookups)
    if result.deployed_from is None:
        return (f"no baseline: the lookups of deployed databases were assumed to find nothing, as on a first "
                f"deploy: {looked}. A major upgrade plans allowMajorVersionUpgrade only against a baseline "
                "(--baseline FILE|git:REF)")
    found = ", ".join(f"{x['kind']} {x['identifier']} ({x['region']}) "
                      f"{x['engineVersion'] or 'not deployed'}" for x in lookups)
    return f"lookups of deployed databases answered from the baseline {result.deployed_from}: {found}"
# How a reviewer accepts a replacement or deletion of stateful resources (exit 3).
APPROVAL = ("label the pull request `approve-data-replacement`, or run the check with `--allow-replacement`")
# The verdict of a stack whose check stopped, by what stopped it (StackResult.error_kind).
ERROR_VERDICT = {"plan": "the plan could not be built", "policy config": "the policy config is not valid",
                 "baseline": "the baseline could not be read",
                 "adoption": "the adoption record (adoption/<stack>.json) could not be read"}


# How a reviewer accepts a change that weakens the trusted rules (exit 5).
POLICY_APPROVAL = ("label the pull request `approve-policy-change`, or run the check with `--allow-policy-change`")


def verdict_difference(result: StackResult) -> list[tuple[str, str, Optional[str], Optional[str]]]:
    """(policy, urn, trusted level, head level) where the two rule sets judge a resource differently
    (None: that set reports nothing)."""
    def levels_of(violations: list[Violation]) -> dict[tuple[str, str], str]:
        return {(v.policy, v.urn): v.level for v in violations}

    trusted, head = levels_of(result.trusted_violations), levels_of(result.head_violations)
    return [(policy, urn, trusted.get((policy, urn)), head.get((policy, urn)))
            for policy, urn in sorted(set(trusted) | set(head)) if trusted.get((policy, urn)) != head.get((policy, urn))]


def policy_change_lines(result: StackResult) -> list[str]:
    """The text report's policy-change section (empty without trusted rules)."""
    if result.rules_from is None:
        return []
    weaker = len(result.weakened)
    state = ("" if not weaker else "; approved (--allow-policy-change): the head's rules judge"
             if result.policy_change_approved else f"; not approved: {POLICY_APPROVAL.replace('`', '')}")
    lines = [f"policy changes of {result.stack} against the trusted rules {result.rules_from} "
             f"({weaker} weaker, {len(result.policy_changes) - weaker} stricter{state}):"]
    lines += [f"  {c.text()}" for c in result.policy_changes] or ["  none"]
    difference = verdict_difference(result)
    if difference:
        lines.append("  the trusted rules and the head's judge differently:")
        lines += [f"    {policy} {_resource_name(urn)}: trusted {t or 'no violation'}, head {h or 'no violation'}"
                  for policy, urn, t, h in difference]
    return lines


def _policy_changes_json(result: StackResult) -> Optional[dict[str, Any]]:
    if result.rules_from is None:
        return None
    return {"rulesFrom": result.rules_from, "approved": result.policy_change_approved,
            "weaker": len(result.weakened), "changes": [c.to_json() for c in result.policy_changes],
            "verdictDifference": [{"policy": p, "urn": u, "trusted": t, "head": h}
                                  for p, u, t, h in verdict_difference(result)]}


# --- JSON -------------------------------------------------------------------------------------------

def to_json(result: StackResult) -> dict[str, Any]:
    """Each resource as the analyzer sees it (inputs; outputs for the stack check), plus diagnostics."""
    plan = result.plan
    return {
        "stack": result.stack,
        "error": result.error,
        "resources": [r.to_dict() for r in plan.resources] if plan else [],
        "outputs": {k: (SECRET_TEXT if v["secret"] else masked(v["value"]) if v["known"] else UNKNOWN_TEXT)
                    for k, v in (plan.outputs if plan else {}).items()},
        "policyChecked": result.policy_checked,
        "deployedState": {"from": result.deployed_from, "lookups": plan.lookups if plan else []},
        "diagnostics": [{"policy": v.policy, "level": v.level, "urn": v.urn, "message": v.message}
                        for v in result.unwaived],
        "waived": [{"policy": v.policy, "urn": v.urn, "message": v.message, "waiver": v.waiver.to_json()}
                   for v in result.waived if v.waiver is not None],
        "staleExceptions": [w.to_json() for w in result.stale_exceptions],
        "diff": None if result.diff is None else _diff_json(result.diff),
        "policyChanges": _policy_changes_json(result),
    }


def _value_json(v: ValueChange) -> dict[str, Any]:
    effect = None if v.effect is None else {"outcome": v.effect.outcome, "text": v.effect.text,
                                            "source": v.effect.source}
    return {"property": v.property, "before": v.before, "after": v.after, "text": v.text, "effect": effect}


def _change_json(c: Change) -> dict[str, Any]:
    return {"urn": c.urn, "type": c.type, "name": c.name, "action": c.action,
            "properties": list(c.properties), "unknown": list(c.unknown),
            "protected": c.protected, "retained": c.retained, "atRisk": c.at_risk,
            "refused": bool(c.refusals), "imported": c.imported, "values": [_value_json(v) for v in c.values]}


def _diff_json(d: PlanDiff) -> dict[str, Any]:
    return {"baseline": d.baseline, "changes": [_change_json(c) for c in d.changes],
            "secretsNotCompared": list(d.uncompared),
            "live": {"source": d.live_source, "unknown": list(d.live_unknown)},
            "capacity": {"before": d.capacity_before.to_dict(), "after": d.capacity_after.to_dict(),
                         "text": d.capacity}}


def live_line(d: PlanDiff, quote: Any = str) -> str:
    """What the imports are compared with: adopt's record, or nothing (their changes unknown)."""
    imports = [c for c in d.changes if c.imported]
    if not imports:
        return ""
    if d.live_unknown:
        return (f"Imported without live values (no adoption record for them: their first-up changes are not known "
                f"offline; `pulumi preview` shows them): {', '.join(quote(n) for n in d.live_unknown)}")
    return (f"Imports compared with the live values in {quote(d.live_source)}: each change listed is one the first "
            "`up` makes on the live resource")


# --- Markdown ---------------------------------------------------------------------------------------

# Every user-supplied string (stack, names, types, regions, tags, messages, the baseline label,
# errors) reaches the Markdown only inside a code span or a fenced block, where CommonMark
# interprets nothing: no links, autolinks, HTML, emphasis or entities (CommonMark 0.31,
# "Code spans" and "Fenced code blocks"). A span's fence is longer than any backtick run inside
# it, and a `|` is escaped as `\|`, which GFM tables honour inside code spans too (GFM spec,
# "Tables (extension)").


def code(text: str) -> str:
    """`text` as an inline code span that nothing inside can end."""
    text = " ".join(str(text).split())  # one line: a newline would end a table row
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    """A code span for a table cell: `|` escaped so it cannot split the row."""
    return code(text).replace("|", "\\|")


def fenced(text: str) -> list[str]:
    """A fenced code block for multi-line text, its fence longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, text, fence]


def _resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


_MARKS = {"DATA AT RISK": "⚠️ data at risk", "REFUSED BY AWS": "⛔ refused by AWS"}


def to_markdown(result: StackResult) -> str:
    """A PR comment / job summary: verdict, counts, violations, the diff, the component diagram."""
    lines = [f"## Offline check: stack {code(result.stack)}", ""]
    if result.error:
        return "\n".join(lines + [f"**Verdict: {ERROR_VERDICT.get(result.error_kind, ERROR_VERDICT['plan'])}.**", "",
                                   *fenced(result.error), ""])
    counts = Counter(v.level for v in result.unwaived)
    risks = result.diff.risks if result.diff else []
    refusals = result.diff.refusals if result.diff else []
    verdict = "❌ refused" if result.mandatory or risks or refusals or result.weakened_unapproved else "✅ passes"
    plan = cast(Plan, result.plan)  # a result without an error has its plan
    lines.append(f"**Verdict: {verdict}** — {sum(r.custom for r in plan.resources)} resources, "
                 f"{counts['mandatory']} mandatory, {counts['advisory']} advisory violation(s)"
                 + (f", {len(result.waived)} waived by an exception" if result.waived else "")
                 + (f", {len(risks)} stateful resource(s) at risk" if result.diff else "")
                 + (f", {len(refusals)} resource(s) with a change AWS refuses" if refusals else "") + ".")
    if not result.policy_checked:
        lines.append("")
        lines.append("_The policy pack was not run (--no-policy)._")
    lines.append("")
    lines += ["| level | count |", "|---|---|"]
    lines += [f"| {level} | {counts[level]} |" for level in ("mandatory", "advisory")]
    note = lookups_line(result)
    if note:
        lines += ["", f"_Deployed state:_ {code(note)}"]
    if result.unwaived:
        lines += ["", "### Violations", "", "| level | policy | resource | message |", "|---|---|---|---|"]
        for v in sorted(result.unwaived, key=lambda v: (v.level != "mandatory", v.urn, v.policy)):
            lines.append(f"| {v.level} | {_cell(v.policy)} | {_cell(_resource_name(v.urn))} | "
                         f"{_cell(shown_message(v, result.stack, overrides=result.overrides))} |")
    lines += _policy_changes_markdown(result)
    lines += _exceptions_markdown(result)
    if result.diff is not None:
        lines += ["", f"### Plan diff against {code(result.diff.baseline)}", ""]
        d = result.diff
        no_effect = f", {len(d.of('no-effect'))} with no effect" if d.of("no-effect") else ""
        lines.append(f"{len(d.of('import'))} to import, " * bool(d.of("import"))
                     + f"{len(d.of('create'))} to create, {len(d.of('update'))} to update, "
                     f"{len(d.of('replace'))} to replace, {len(d.of('delete'))} to delete{no_effect}.")
        lines += ["", f"Capacity: {code(d.capacity)}"]
        if live := live_line(d, code):
            lines += ["", live]
        if d.changes:
            lines += ["", "| | action | type | resource | properties |", "|---|---|---|---|---|"]
            for c in d.changes:
                mark = "; ".join(_MARKS.get(m, m) for m in c.marks)
                props = ", ".join(c.properties + tuple(f"{p} (unknown)" for p in c.unknown))
                lines.append(f"| {mark} | {c.action} | {_cell(c.type)} | {_cell(c.name)} | {_cell(props) if props else ''} |")
        values = [(c, v) for c in d.changes for v in c.values]
        if values:
            lines += ["", "#### What changes, and what AWS does with it", "",
                      "| resource | property | change | what AWS does |", "|---|---|---|---|"]
            for c, value in values:
                lines.append(f"| {_cell(c.name)} | {_cell(value.property)} | {_cell(value.text)} | "
                             f"{_cell(value.effect.text) if value.effect else '_not in the table_'} |")
        if d.uncompared:
            lines += ["", "Secrets not compared (a saved baseline holds no secret; a `git:` baseline compares "
                      f"them): {', '.join(code(u) for u in d.uncompared)}"]
        if risks:
            lines += ["", f"To accept losing this data: {APPROVAL}."]
    lines += ["", "### Components", "", "```mermaid", mermaid(plan), "```", ""]
    return "\n".join(lines)


def _policy_changes_markdown(result: StackResult) -> list[str]:
    if result.rules_from is None:
        return []
    lines = ["", f"### Policy changes against the trusted rules {code(result.rules_from)}", ""]
    if not result.policy_changes:
        return lines + ["None: the head's rules are the trusted ones."]
    lines += ["| | change | subject | old | new |", "|---|---|---|---|---|"]
    for c in result.policy_changes:
        mark = "⚠️ weaker" if c.weaker else "stricter"
        lines.append(f"| {mark} | {c.kind} | {_cell(c.subject)} | {_cell(c.old) if c.old is not None else ''} | "
                     f"{_cell(c.new) if c.new is not None else ''} |")
    difference = verdict_difference(result)
    if difference:
        lines += ["", "| policy | resource | trusted rules | head's rules |", "|---|---|---|---|"]
        lines += [f"| {_cell(p)} | {_cell(_resource_name(u))} | {t or 'no violation'} | {h or 'no violation'} |"
                  for p, u, t, h in difference]
    if result.weakened:
        lines += ["", "Approved (`--allow-policy-change`): the head's rules judge." if result.policy_change_approved
                  else f"To accept weakening the rules: {POLICY_APPROVAL}."]
    return lines


def _exceptions_markdown(result: StackResult) -> list[str]:
    """The waived violations with their exceptions, and the stale exceptions."""
    lines = []
    if result.waived:
        lines += ["", "### Waived by an exception", "",
                  "| policy | resource | exception | owner | reason | expires | ticket |", "|---|---|---|---|---|---|---|"]
        for v in sorted(result.waived, key=lambda v: (v.urn, v.policy)):
            w = v.waiver
            if w is not None:
                lines.append(f"| {_cell(v.policy)} | {_cell(_resource_name(v.urn))} | {_cell(w.id)} | {_cell(w.owner)} | "
                             f"{_cell(w.reason)} | {_cell(w.expires)} | {_cell(w.ticket) if w.ticket else ''} |")
    if result.stale_exceptions:
        lines += ["", "### Stale exceptions", "", "These cover no resource of the stack: remove them.", "",
                  "| policy | exception | owner | resources | expires |", "|---|---|---|---|---|"]
        for w in result.stale_exceptions:
            lines.append(f"| {_cell(w.policy)} | {_cell(w.id)} | {_cell(w.owner)} | {_cell(', '.join(w.resources))} | "
                         f"{_cell(w.expires)} |")
    return lines
