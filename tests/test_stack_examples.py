"""The stack examples of docs/configuration.md (one per deployment option): each plans and passes the pack."""

import re

import pytest

from preview.harness import run_program
from tests.stack_cases import EXAMPLES




def test_there_is_an_example_per_deployment_option():
    options = [re.search(r"deploymentOption: (\S+)", e) for e in EXAMPLES]
    assert {m.group(1) for m in options if m} == {"multi-az-cluster", "aurora"}
    assert any(m is None for m in options)  # the instance example uses the default option


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_each_stack_example_plans_and_passes_the_pack(example, tmp_path, pack):
    stack_file = tmp_path / "Pulumi.example.yaml"
    stack_file.write_text(example)
    plan = run_program("example", stack_file=stack_file)
    assert plan.error is None, plan.error
    assert any(r.type in ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster") for r in plan.resources)
    # `pack` has no config: every control mandatory, default thresholds.
    mandatory = [(v.policy, v.message.splitlines()[-1]) for v in pack.check_plan(plan) if v.level == "mandatory"]
    assert mandatory == []
