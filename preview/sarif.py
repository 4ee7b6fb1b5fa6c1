"""SARIF 2.1.0 for GitHub code scanning, built from the `sarif-om` object model.

Each policy is a rule (mandatory -> error, advisory -> warning); each violation is a result
located at the line of the config key that fixes it (the stack file, or Pulumi.yaml for a
default; its `config:` line when the key is set nowhere; line 1 when no key of this program
fixes it), with the resource URN
as its logical location. A stateful
resource that the plan diff would replace or delete is a result of the rule
`stateful-resource-at-risk`; a change AWS refuses, of `aws-refuses-change` (error); every other
change of a stateful resource, a note of `stateful-change` saying each value (`old → new`,
secrets only as changed) and what AWS does with it. With trusted rules, each change to them
is a result of `policy-weakened` (error; a warning once approved) or `policy-stricter` (note),
located at the stack's policy config file, or the pack's file that changed.
A violation waived by an exception of the policy config is a result with an `external`
suppression justified by its reason, owner, expiry and id.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Callable, Optional

import attr
import sarif_om as om

from plan import replacements
from preview.analyzer import Violation
from preview.diff import Change
from preview.hints import shown_message
from preview.policy_change import PolicyChange
from preview.report import APPROVAL, POLICY_APPROVAL, StackResult
from preview.sources import Source

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
AT_RISK_RULE = "stateful-resource-at-risk"
REFUSED_RULE = "aws-refuses-change"
STATEFUL_CHANGE_RULE = "stateful-change"
# A change to the trusted rules (preview/policy_change.py): weaker needs approval, stricter is a note.
WEAKENED_RULE, STRICTER_RULE = "policy-weakened", "policy-stricter"
LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none", "remediate": "warning"}


_ALWAYS = {"level", "version"}


def to_dict(obj: Any) -> Any:
    """Serialize sarif-om objects under their SARIF property names, leaving out unset ones
    (None, or the model's default such as -1 for "no index"); `level` is always written."""
    if attr.has(type(obj)):
        out = {}
        for f in attr.fields(type(obj)):
            value = getattr(obj, f.name)
            name = f.metadata["schema_property_name"]
            if value is None or (value == f.default and name not in _ALWAYS):
                continue
            out[name] = to_dict(value)
        return out
    if isinstance(obj, list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def sarif_text(text: str) -> str:
    """Plain message text with user strings made inert.

    SARIF 2.1.0 §3.11.6 (messages with embedded links): `[text](target)` in a plain text
    message is a link, so a literal `[`, `]` or `\\` must be escaped with a backslash. Control
    characters and line breaks (a name cannot bring its own lines) become spaces.
    """
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(text))
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]


def _location(stack: str, urn: str, source: Optional[Source] = None) -> om.Location:
    source = source or Source(f"Pulumi.{stack}.yaml", 1)
    return om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=source.path, uri_base_id="%SRCROOT%"),
            region=om.Region(start_line=source.line),
        ),
        logical_locations=[om.LogicalLocation(fully_qualified_name=urn, name=urn.rsplit("::", 1)[-1],
                                              kind="resource")],
    )


def _diff_result(c: Change) -> tuple[Optional[str], str, str]:
    """(rule, level, message) of one change of the diff; no rule for a change of a stateless resource."""
    values = "; ".join(v.line() for v in c.values)
    if c.at_risk:
        what = "deleted" if c.action == "delete" else f"replaced ({values or ', '.join(c.properties)})"
        return (AT_RISK_RULE, "error", f"{c.type} '{c.name}' would be {what}: its data would be lost. "
                f"To accept it, {APPROVAL.replace('`', '')}; otherwise revert the change.")
    if c.refusals:
        refused = "; ".join(v.line() for v in c.refusals)
        return REFUSED_RULE, "error", f"{c.type} '{c.name}': AWS refuses {refused}. The apply would fail."
    if replacements.is_stateful(c.type) and c.values:
        return STATEFUL_CHANGE_RULE, "note", f"{c.type} '{c.name}' ({c.action}): {values}"
    return None, "", ""


def _policy_change_result(result: StackResult, c: PolicyChange, index: dict[str, int]) -> om.Result:
    rule = WEAKENED_RULE if c.weaker else STRICTER_RULE
    level = "note" if not c.weaker else "warning" if result.policy_change_approved else "error"
    text = f"Stack {result.stack}, against the trusted rules {result.rules_from}: {c.text()}."
    if c.weaker:
        text += (" Approved (--allow-policy-change)." if result.policy_change_approved
                 else f" To accept it, {POLICY_APPROVAL.replace('`', '')}.")
    path = c.subject if c.kind == "code" else f"policies/config/{result.stack}.json"
    return om.Result(
        rule_id=rule, rule_index=index[rule], level=level, message=om.Message(text=sarif_text(text)),
        locations=[om.Location(physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=path, uri_base_id="%SRCROOT%"), region=om.Region(start_line=1)))],
        partial_fingerprints={"resourcePolicy/v1": _fingerprint(result.stack, rule, c.kind, c.subject)},
    )


def _rule(rule_id: str, text: str, level: str) -> om.ReportingDescriptor:
    return om.ReportingDescriptor(id=rule_id, name=rule_id, short_description=om.MultiformatMessageString(text=text),
                                  default_configuration=om.ReportingConfiguration(level=level))


def to_sarif(results: list[StackResult], policies: dict[str, tuple[str, str]], version: str,
             locate: Optional[Callable[[str, Violation], Source]] = None) -> dict[str, Any]:
    """One run per stack. `policies` maps a policy name to (description, default level);
    `locate(stack, violation)` gives the file and line a result points at (preview/hints.py)."""
    rules = [_rule(name, description, LEVEL.get(level, "warning")) for name, (description, level) in sorted(policies.items())]
    rules += [
        _rule(AT_RISK_RULE, "A stateful resource would be replaced or deleted (see plan/replacements.py)", "error"),
        _rule(REFUSED_RULE, "AWS refuses this change: the apply would fail (see plan/change_effects.py)", "error"),
        _rule(STATEFUL_CHANGE_RULE, "A stateful resource changes in place: its values and what AWS does with each",
              "note"),
        _rule(WEAKENED_RULE,
              "The change weakens the trusted rules (a level, setting, policy, exception or the pack's code)", "error"),
        _rule(STRICTER_RULE, "The change makes the trusted rules stricter", "note"),
    ]
    index = {r.id: i for i, r in enumerate(rules)}
    runs = []
    for result in results:
        items = []
        for v in result.violations:
            items.append(om.Result(
                rule_id=v.policy, rule_index=index.get(v.policy, -1), level=LEVEL.get(v.level, "warning"),
                message=om.Message(text=sarif_text(shown_message(v, result.stack, overrides=result.overrides))),
                locations=[_location(result.stack, v.urn, locate(result.stack, v) if locate else None)],
                partial_fingerprints={"resourcePolicy/v1": _fingerprint(result.stack, v.policy, v.urn)},
                # A waived violation stays a result, suppressed by its exception (SARIF 2.1.0 §3.35).
                suppressions=[om.Suppression(kind="external", justification=" ".join(v.waiver.justification.split()))]
                if v.waiver is not None else None,
            ))
        for c in result.diff.changes if result.diff else []:
            rule, level, text = _diff_result(c)
            if rule is None:
                continue
            items.append(om.Result(
                rule_id=rule, rule_index=index[rule], level=level, message=om.Message(text=sarif_text(text)),
                locations=[_location(result.stack, c.urn)],
                partial_fingerprints={"resourcePolicy/v1": _fingerprint(result.stack, rule, c.urn)},
            ))
        items += [_policy_change_result(result, c, index) for c in result.policy_changes]
        runs.append(om.Run(
            tool=om.Tool(driver=om.ToolComponent(
                name="rds-guardrails", semantic_version=version, rules=rules,
                information_uri="https://github.com/pulumi/pulumi-policy")),
            automation_details=om.RunAutomationDetails(id=f"rdsplatform-offline-check/{result.stack}/"),
            results=items,
        ))
    log: dict[str, Any] = to_dict(om.SarifLog(version="2.1.0", schema_uri=SCHEMA, runs=runs))
    return log
