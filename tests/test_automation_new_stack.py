"""The Automation API on a stack the backend has never seen: nothing is created before the checks pass."""

import json
import re

import pytest

from automation import (
    ConfigRejectedError,
    DataLossRefusedError,
    Deployer,
    DestroyRefusedError,
    OperationFailedError,
    PolicyViolationError,
    UnknownStackError,
)
from automation.__main__ import main as cli_main
from tests.fake_pulumi import FakePulumi, Script, Step
from tests import automation_work
from tests.automation_work import WORK, _ops

project = automation_work.project  # the autouse fixture: each test on its own copy of the stack files


# --- a stack the backend has never seen: nothing is created before the checks pass ----------------------

def _backend(stacks=(), script=None, rm_error=None):
    fake = FakePulumi(script, stacks=set(stacks), rm_error=rm_error)
    return Deployer(work_dir=WORK["dir"], pulumi_command=fake, sleep=lambda _: None), fake


def _stack_commands(fake):
    """The `stack select/init/rm` calls, as (command, stack)."""
    found = []
    for call in fake.calls:
        words = [a for a in call if not a.startswith("--")]
        if words[:1] == ["stack"] and words[1:2] in (["select"], ["init"], ["rm"]):
            found.append((words[1], words[2]))
    return found


@pytest.mark.parametrize("operation, kwargs, refusal, words", [
    ("up", {"config": {"backupRetentionDays": "0"}}, ConfigRejectedError, "rdsplatform:backupRetentionDays = 0"),
    ("preview", {"config": {"multiAZ": "true"}}, ConfigRejectedError, "rdsplatform:multiAZ: unknown setting"),
    # A DR region in another partition than aws:region (settings' region_rules.partition_problems).
    ("up", {"config": {"disasterRecovery": json.dumps({"region": "cn-north-1", "vpcCidr": "10.61.0.0/16"})}},
     ConfigRejectedError, "rdsplatform:disasterRecovery.region = 'cn-north-1' (aws-cn partition)"),
    ("destroy", {}, DestroyRefusedError, "confirm_stack='prod'"),
])
def test_a_refusal_before_the_engine_touches_no_backend_on_a_new_stack(operation, kwargs, refusal, words):
    deployer, fake = _backend()
    with pytest.raises(refusal, match=re.escape(words)):
        getattr(deployer, operation)("prod", **kwargs)
    assert fake.calls == [] and fake.stacks == set()  # no select, no init, no workspace command at all


@pytest.mark.parametrize("operation, kwargs", [("refresh", {}), ("destroy", {"confirm_stack": "prod"})])
def test_refresh_and_destroy_never_create_a_stack(operation, kwargs):
    deployer, fake = _backend()
    with pytest.raises(UnknownStackError, match="stack prod has never been deployed to this backend"):
        getattr(deployer, operation)("prod", **kwargs)
    assert _stack_commands(fake) == [("select", "prod")] and fake.stacks == set()
    assert _ops(fake) == []


def test_refresh_of_a_new_stack_is_exit_2(capsys):
    deployer, fake = _backend()
    assert cli_main(["refresh", "--stack", "dev"], deployer) == 2
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["error"] == "UnknownStackError"
    assert fake.stacks == set()


@pytest.mark.parametrize("script, refusal", [
    (Script(policy_events=[("rds-multi-az", "mandatory", "appdb-prod-db-instance", "Multi-AZ is off")]),
     PolicyViolationError),
    (Script(steps=[Step("replace", "aws:rds/instance:Instance", "appdb-prod-db-instance", protect=True)]),
     DataLossRefusedError),
    (Script(errors={"preview": "error: the program failed"}), OperationFailedError),
])
def test_an_up_refused_by_the_engines_preview_removes_the_stack_it_created(script, refusal):
    # The pack's verdict needs the engine, and the engine a stack: created, judged, removed again.
    deployer, fake = _backend(script=script)
    with pytest.raises(refusal):
        deployer.up("prod")
    assert _stack_commands(fake) == [("select", "prod"), ("init", "prod"), ("rm", "prod")]
    assert fake.stacks == set() and "up" not in _ops(fake)
    rm = next(c for c in fake.calls if "rm" in c)
    assert "--preserve-config" in rm and "--force" not in rm  # the CLI refuses to remove a stack with resources


def test_an_accepted_up_creates_the_stack_and_keeps_it():
    deployer, fake = _backend()
    deployer.up("prod")
    assert _stack_commands(fake) == [("select", "prod"), ("init", "prod")] and fake.stacks == {"prod"}
    assert _ops(fake) == ["preview", "up"]
    deployer.up("prod")  # now known: selected, not created again
    assert _stack_commands(fake)[2:] == [("select", "prod")]


def test_an_up_that_failed_in_the_engine_keeps_the_stack_it_created():
    # `pulumi up` started: resources may exist, so the stack (their state) must stay.
    deployer, fake = _backend(script=Script(errors={"up": "error: AccessDenied: rds:CreateDBInstance"}))
    with pytest.raises(OperationFailedError, match="AccessDenied"):
        deployer.up("prod")
    assert fake.stacks == {"prod"} and ("rm", "prod") not in _stack_commands(fake)


def test_a_preview_of_a_new_stack_leaves_no_stack_and_an_existing_one_alone():
    deployer, fake = _backend()
    result = deployer.preview("prod")
    assert result.changes == {"same": 1, "update": 1, "create": 1}
    assert _stack_commands(fake) == [("select", "prod"), ("init", "prod"), ("rm", "prod")] and fake.stacks == set()
    deployer, fake = _backend(stacks={"prod"})
    deployer.preview("prod")
    assert _stack_commands(fake) == [("select", "prod")] and fake.stacks == {"prod"}


def test_a_created_stack_that_cannot_be_removed_is_named_in_the_refusal(capsys):
    script = Script(policy_events=[("rds-multi-az", "mandatory", "appdb-prod-db-instance", "Multi-AZ is off")])
    deployer, fake = _backend(script=script, rm_error="error: the backend is unreachable")
    assert cli_main(["up", "--stack", "prod"], deployer) == 1  # still the policy refusal's code
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert line["error"] == "PolicyViolationError"
    assert "could not remove it again (error: the backend is unreachable)" in line["message"]
    assert "`pulumi stack rm prod`" in line["message"] and fake.stacks == {"prod"}
