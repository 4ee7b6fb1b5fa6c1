"""Each policy's structured metadata, as pulumi-policy 1.21.0 carries it (docs/compliance.md).

Display name, a URL to the policy's row in the docs, remediation steps (the rule's fix, apart
from the violation message), tags, the compliance framework (FSBP control IDs from fsbp.json,
and Checkov IDs from the rule's anchors) and severity. The pack (pack.py) and the compliance
report (compliance.py) read them from here.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Optional, Union

from rds_guardrails import (availability, controls, data_safety, deployability, deployability_stack, encryption, fsbp,
                            network, retention, stack_controls)
from rds_guardrails.rule import TAGS, Rule, StackRule

# Where the documentation site (mkdocs.yml) is published, and the repository: one place each. The
# project publishes neither yet, so these name the reserved .invalid domain until it does.
DOCS_SITE = "https://rdsplatform.invalid/"
REPOSITORY = "https://rdsplatform.invalid/rdsplatform.git"

# The tag of each section of docs/controls.md; stack_controls' rules carry their own.
SECTION_TAGS: dict[ModuleType, str] = {
    encryption: "encryption", network: "network", data_safety: "backup", retention: "backup",
    availability: "availability", deployability: "deployability", deployability_stack: "deployability",
}

AnyRule = Union[Rule, StackRule]

# The pack's own description (PulumiPolicy.yaml says the same for `pulumi policy publish`).
PACK_DESCRIPTION = ("Encryption, private access, deletion protection, retention and monitoring guard rails for RDS "
                    "on AWS, mapped to Security Hub's RDS controls (AWS Foundational Security Best Practices).")


def pack_readme() -> str:
    """The pack's README as Pulumi Cloud shows it: what it checks and where each control is answered."""
    answered = [c for c in fsbp.controls() if "policies" in c]
    return "\n".join([
        "# rds-guardrails", "",
        PACK_DESCRIPTION, "",
        f"{len(all_rules())} policies; {len(answered)} of the {len(fsbp.controls())} Security Hub RDS controls are "
        f"enforced by them ({fsbp.table()['source']['controls']}, read {fsbp.table()['source']['read']}).",
        f"Every control and its answer: {DOCS_SITE}reference/fsbp/. Every policy: {DOCS_SITE}controls/.",
    ]) + "\n"


def _section(rule: AnyRule) -> Optional[ModuleType]:
    for module in (*SECTION_TAGS, stack_controls):
        if any(r is rule for r in module.RULES):
            return module
    return None


def tags(rule: AnyRule) -> list[str]:
    """The rule's section tag, then its own; every one from rule.TAGS."""
    section = SECTION_TAGS.get(_section(rule))  # type: ignore[arg-type]
    found = list(dict.fromkeys(([section] if section else []) + list(rule.tags)))
    unknown = [t for t in found if t not in TAGS]
    if unknown:
        raise ValueError(f"{rule.name}: tags {unknown} are not among {', '.join(TAGS)}")
    return found


def display_name(rule: AnyRule) -> str:
    return rule.description


def url(rule: AnyRule) -> str:
    """The policy's row in docs/controls.md (each row carries an anchor named after the policy)."""
    return f"{DOCS_SITE}controls/#{rule.name}"


def remediation(rule: AnyRule) -> str:
    return rule.fix[:1].upper() + rule.fix[1:] + "."


def framework(rule: AnyRule) -> Optional[dict[str, str]]:
    """The FSBP controls the rule enforces (reference), Checkov IDs after them; None for neither."""
    ids, checkov = fsbp.controls_of(rule.name), fsbp.checkov(rule.anchors)
    if not ids and not checkov:
        return None
    named = fsbp.table()["framework"]
    reference = ", ".join(ids) + (f"; Checkov: {', '.join(checkov)}" if checkov else "")
    if ids:
        return {"name": named["name"], "version": named["version"], "reference": reference.lstrip("; "),
                "specification": fsbp.table()["source"]["controls"]}
    return {"name": "Checkov", "reference": ", ".join(checkov)}


def all_rules() -> list[AnyRule]:
    return [*controls.RESOURCE_RULES, *controls.STACK_RULES]


def of(rule: AnyRule) -> dict[str, Any]:
    """Every metadata field of a rule, as JSON."""
    return {"name": rule.name, "displayName": display_name(rule), "url": url(rule), "remediationSteps": remediation(rule),
            "tags": tags(rule), "framework": framework(rule), "severity": rule.severity}
