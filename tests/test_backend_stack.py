"""The operation's stack in the backend (automation/backend_stack.py): a stack this operation did
not create is never removed, and a removal that fails is named whatever stopped the operation."""

import json

import pytest
from pulumi.automation import CommandResult
from pulumi.automation.errors import create_command_error

from automation import CliUnusableError, Deployer, OperationFailedError, PolicyViolationError
from automation.__main__ import main as cli_main
from tests.fake_pulumi import FakePulumi, Script, project_copy

MULTI_AZ_OFF = Script(policy_events=[("rds-multi-az", "mandatory", "appdb-prod-db-instance", "Multi-AZ is off")])
OVERRIDE = {"instanceClass": "db.r7g.xlarge"}


class _ConfigFails(FakePulumi):
    """A backend where `pulumi config set-all` fails (the CLI's error, or the CLI cannot run)."""

    def __init__(self, failure, **kwargs):
        super().__init__(**kwargs)
        self.failure = failure

    def run(self, args, cwd, additional_env, on_output=None, on_error=None):
        if "set-all" in args:
            self.calls.append(list(args))
            raise self.failure
        return super().run(args, cwd, additional_env, on_output, on_error)


def _stack_commands(fake):
    return [(w[1], w[2]) for w in ([a for a in c if not a.startswith("--")] for c in fake.calls)
            if w[:1] == ["stack"] and w[1:2] in (["select"], ["init"], ["rm"])]


def _deployer(tmp_path, fake):
    return Deployer(work_dir=project_copy(tmp_path / "project"), pulumi_command=fake, sleep=lambda _: None)


def test_an_up_refused_on_a_stack_the_backend_already_had_does_not_remove_it(tmp_path):
    fake = FakePulumi(MULTI_AZ_OFF, stacks={"prod"})
    with pytest.raises(PolicyViolationError):
        _deployer(tmp_path, fake).up("prod")
    assert _stack_commands(fake) == [("select", "prod")] and fake.stacks == {"prod"}


def test_a_stack_that_cannot_be_removed_is_not_said_to_hold_no_resources(tmp_path, capsys):
    fake = FakePulumi(MULTI_AZ_OFF, stacks=set(), rm_error="error: the backend is unreachable")
    assert cli_main(["up", "--stack", "prod"], _deployer(tmp_path, fake)) == 1
    message = json.loads(capsys.readouterr().out.splitlines()[-1])["message"]
    assert "if it holds no resources, remove it with `pulumi stack rm prod`" in message
    assert "it holds no resources:" not in message


def test_a_failed_config_set_keeps_its_exit_code_and_names_the_stack_left_behind(tmp_path, capsys):
    failure = create_command_error(CommandResult("", "error: could not write the config: disk full", 255))
    fake = _ConfigFails(failure, stacks=set(), rm_error="error: the backend is unreachable")
    deployer = _deployer(tmp_path, fake)
    with pytest.raises(OperationFailedError) as failed:
        deployer.up("prod", config=OVERRIDE)
    lines = str(failed.value).splitlines()
    assert lines[0] == "stack prod: error: could not write the config: disk full"
    assert "could not remove it again (error: the backend is unreachable)" in lines[1]
    assert fake.stacks == {"prod"}
    assert cli_main(["up", "--stack", "prod", "--config", "instanceClass=db.r7g.xlarge"], deployer) == 5
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["error"] == "OperationFailedError"


def test_a_cli_that_cannot_run_keeps_its_exit_code_and_names_the_stack_left_behind(tmp_path):
    fake = _ConfigFails(PermissionError(13, "Permission denied", "/usr/bin/pulumi"), stacks=set(),
                        rm_error="error: the backend is unreachable")
    with pytest.raises(CliUnusableError) as failed:
        _deployer(tmp_path, fake).up("prod", config=OVERRIDE)
    assert failed.value.exit_code == 4 and "Permission denied" in str(failed.value)
    assert "could not remove it again (error: the backend is unreachable)" in str(failed.value)
