"""The faster paths give the verdicts the plain ones give: streaming to the pack, parallel stacks."""

from preview.analyzer import PolicyPackProcess, load_policy_config
from preview.harness import run_program
from preview.stream import PackStream


def test_every_registration_reaches_the_callback_as_it_is_recorded():
    seen = []
    plan = run_program("prod", on_register=seen.append)
    assert len(plan.resources) > 50
    assert sorted(r.urn for r in seen) == [r.urn for r in plan.resources]


def test_streamed_verdict_equals_the_whole_plan_verdict():
    overrides = {"backupRetentionDays": "1", "multiAz": "false"}  # mandatory and advisory findings
    with PolicyPackProcess() as pack:
        pack.configure(load_policy_config("dev"))
        whole = pack.check_plan(run_program("dev", overrides))
        stream = PackStream(pack, load_policy_config("dev"))
        streamed = stream.finish(run_program("dev", overrides, on_register=stream))
    assert {v.level for v in whole} == {"mandatory", "advisory"}
    assert streamed == whole


def test_a_stream_sends_before_the_plan_is_finished():
    with PolicyPackProcess() as pack:
        stream = PackStream(pack, load_policy_config("prod"))
        plan = run_program("prod", on_register=stream)
        stream.close()  # the sender has sent what the program registered, without the plan
        assert stream.sent == sum(1 for r in plan.resources if r.custom and "providers" not in r.type)
