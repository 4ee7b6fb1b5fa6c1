"""The FSBP mapping (policies/rds_guardrails/fsbp.json): every Security Hub RDS control has exactly one
answer, every policy it names exists, and every policy's anchors claim exactly the controls it answers."""

import re

import pytest

from rds_guardrails import fsbp
from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES

RULES = {r.name: r for r in RESOURCE_RULES + STACK_RULES}
CONTROLS = fsbp.controls()


def _number(control_id):
    return int(control_id.split(".")[1])


def test_the_table_lists_each_control_once_in_the_pages_order():
    ids = [c["id"] for c in CONTROLS]
    assert len(ids) >= 48 and all(re.fullmatch(r"RDS\.\d+", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert [_number(i) for i in ids] == sorted(_number(i) for i in ids)
    assert all(c["title"] and c["severity"] in ("low", "medium", "high", "critical") for c in CONTROLS)


def test_the_standard_holds_the_38_controls_the_issue_counts():
    # The FSBP standard's RDS controls (fsbp-standard.html, read 2026-12-07): 38 of the page's controls.
    assert sum(1 for c in CONTROLS if c["fsbp"] is True) == 38
    assert {c["id"] for c in CONTROLS if c["fsbp"] is False} >= {"RDS.26", "RDS.31"}


@pytest.mark.parametrize("control", CONTROLS, ids=[c["id"] for c in CONTROLS])
def test_every_control_has_exactly_one_answer_with_its_substance(control):
    kind = fsbp.answer(control)
    if kind == "policies":
        assert control["policies"] and set(control["policies"]) <= set(RULES), control["policies"]
    else:
        assert len(control[kind]) > 40  # a reason a reader can check, not a label


@pytest.mark.parametrize("broken, message", [
    ({"id": "RDS.99", "policies": ["rds-multi-az"], "notApplicable": "x"}, "has \\['policies', 'notApplicable'\\]"),
    ({"id": "RDS.99"}, "has none"),
])
def test_a_control_with_two_answers_or_none_is_refused(broken, message):
    with pytest.raises(ValueError, match=message):
        fsbp.answer(broken)


@pytest.mark.parametrize("name", sorted(RULES))
def test_a_policy_claims_exactly_the_controls_that_name_it(name):
    assert fsbp.claimed(RULES[name].anchors) == fsbp.controls_of(name)


def test_the_issues_missing_controls_are_enforced_now():
    answered = {c["id"]: c.get("policies", []) for c in CONTROLS}
    for control in ("RDS.4", "RDS.14", "RDS.15", "RDS.23", "RDS.45", "RDS.46", "RDS.26", "RDS.35"):
        assert answered[control], control
