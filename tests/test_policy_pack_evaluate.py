"""One rule, two front ends: rds_guardrails.evaluate gives the pack's verdicts on every known case."""

import json

import pytest

from preview.harness import UNKNOWN
from tests.policy_cases import resource as _resource
from tests.policy_cases import stack_baseline as _stack_baseline
from tests.policy_cases import live as _live
from tests.policy_cases import verdicts as _verdicts
from tests.pack_cases import CASES, STACK_CASES


# --- one rule, two front ends: rds_guardrails.evaluate gives the pack's verdicts ------------------

def _has_unknown(value):
    # Unknowns exist only in a plan; the live front end never sees them.
    return UNKNOWN in json.dumps(value)


KNOWN_CASES = [c for c in CASES if not _has_unknown(c[1])]
KNOWN_STACK_CASES = [c for c in STACK_CASES if "unknown" not in c[0]]


@pytest.mark.parametrize("type_, change, expected", KNOWN_CASES,
                         ids=[f"{t.split(':')[-1]}-{c}" for t, c, _ in KNOWN_CASES])
def test_evaluate_gives_the_packs_resource_verdicts(pack, type_, change, expected):
    from rds_guardrails.controls import RESOURCE_RULES
    from rds_guardrails.evaluate import evaluate
    r = _resource(type_, change)
    by_pack = _verdicts(pack.analyze(r))
    per_resource = {rule.name for rule in RESOURCE_RULES}  # evaluate also runs the stack rules
    assert by_pack == _verdicts(f for f in evaluate([_live(r)]) if f.policy in per_resource)
    assert [p for p, _, _ in by_pack] == ([expected] if expected else [])


@pytest.mark.parametrize("change, config, expected", [c[1:] for c in KNOWN_STACK_CASES],
                         ids=[c[0] for c in KNOWN_STACK_CASES])
def test_evaluate_gives_the_packs_stack_verdicts(pack, change, config, expected):
    from rds_guardrails.evaluate import evaluate
    stack = _stack_baseline()
    change(stack)
    resources = list(stack.values())
    assert not any(_has_unknown(r.inputs) for r in resources)
    pack.configure(config)
    by_pack = _verdicts(pack.analyze_many(resources) + pack.analyze_stack(resources))
    assert by_pack == _verdicts(evaluate([_live(r) for r in resources], config))
    assert expected is None or expected in {p for p, _, _ in by_pack}
