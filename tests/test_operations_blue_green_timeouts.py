"""The blue-green runbook's timeouts and unseen switchovers, on recorded stubs (moto finishes every
step at once).
"""

import json

import pytest
from botocore.stub import Stubber

from operations import blue_green, blue_green_steps
from operations.cli import Context, parser
from operations.clients import Clients
from operations.output import Output


# --- timeouts and failures (recorded stubs: moto finishes every step at once) ------------------

def _stubbed(*argv: str) -> tuple[Context, Stubber]:
    """A Context whose RDS client answers from a Stubber queue (no endpoint is called)."""
    args = parser().parse_args([*argv, "--region", "eu-west-1", "--wait-timeout", "0.3"])
    clients = Clients(args.region, None)
    rds = clients.rds()
    return Context(args, clients, Output(as_json=True)), Stubber(rds)


DEPLOYMENT = {"BlueGreenDeploymentIdentifier": "bgd-stub", "BlueGreenDeploymentName": "appdb-20261205",
              "Source": "arn:aws:rds:eu-west-1:123456789012:db:appdb",
              "Target": "arn:aws:rds:eu-west-1:123456789012:db:appdb-green-abcdef",
              "SwitchoverDetails": [{"SourceMember": "arn:aws:rds:eu-west-1:123456789012:db:appdb",
                                     "TargetMember": "arn:aws:rds:eu-west-1:123456789012:db:appdb-green-abcdef",
                                     "Status": "PROVISIONING"}]}


@pytest.fixture
def fast_polls(monkeypatch):
    monkeypatch.setenv("OPS_POLL_SECONDS", "0.05")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_green_that_never_becomes_available_times_out_naming_what_was_created(fast_polls, capsys):
    """Stands in for RDS while it provisions green (PROVISIONING for longer than --wait-timeout)."""
    ctx, stub = _stubbed("blue-green", "--deployment", "bgd-stub")
    for _ in range(200):
        stub.add_response("describe_blue_green_deployments", {"BlueGreenDeployments": [{**DEPLOYMENT, "Status": "PROVISIONING"}]},
                          {"BlueGreenDeploymentIdentifier": "bgd-stub"})
    with stub:
        code = blue_green.run(ctx)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert "waiting for: green environment of bgd-stub available" in lines[-2]["message"]
    assert lines[-1]["created"] == {"deployment": "bgd-stub", "name": "appdb-20261205", "green": ["appdb-green-abcdef"]}
    assert lines[-1]["switched"] is False


@pytest.mark.parametrize("status, message", [
    ("SWITCHOVER_IN_PROGRESS", "RDS accepted the switchover but it was not confirmed: gave up after"),
    ("SWITCHOVER_FAILED", "switchover SWITCHOVER_FAILED: guardrail; RDS rolled the changes back, blue still serves"),
])
def test_a_switchover_not_seen_completing_is_reported_not_guessed(fast_polls, capsys, status, message):
    """Stands in for RDS during a switchover that outlasts --wait-timeout (SWITCHOVER_IN_PROGRESS)
    or that its guardrails roll back (SWITCHOVER_FAILED), which moto never does."""
    ctx, stub = _stubbed("blue-green", "--deployment", "bgd-stub", "--switchover", "--confirm", "appdb")
    stub.add_response("describe_db_instances", {"DBInstances": [{"DBInstanceIdentifier": "appdb", "Engine": "postgres",
                                                                 "EngineVersion": "16.4", "TagList": []}]})
    stub.add_response("switchover_blue_green_deployment", {"BlueGreenDeployment": DEPLOYMENT},
                      {"BlueGreenDeploymentIdentifier": "bgd-stub", "SwitchoverTimeout": 300})
    for _ in range(200):
        stub.add_response("describe_blue_green_deployments",
                          {"BlueGreenDeployments": [{**DEPLOYMENT, "Status": status, "StatusDetails": "guardrail"}]})
    with stub:
        code = blue_green_steps.switchover(ctx, {**DEPLOYMENT, "Status": "AVAILABLE"}, {"engine_version": "17.2"})
    out = capsys.readouterr().out
    assert code == 1 and message in out
    assert '"switched": true' not in out
