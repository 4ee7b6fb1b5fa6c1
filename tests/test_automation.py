"""The Automation API entry point, through the SDK's PulumiCommand seam (tests/fake_pulumi.py)."""

import dataclasses
import json
import re
import shutil
import stat
import threading
from pathlib import Path

import pytest

from automation import (
    CliNotFoundError,
    ConfigRejectedError,
    DataLossRefusedError,
    Deployer,
    DestroyRefusedError,
    OperationCancelledError,
    OperationFailedError,
    PolicyViolationError,
    StackBusyError,
    UnknownStackError,
)
from automation.__main__ import main as cli_main
from automation.deployer import pulumi_cli
from plan.registration import Registration
from preview.analyzer import reconcile_config
from pulumi.runtime.proto import analyzer_pb2
from tests.fake_pulumi import SECRET_OUTPUT, FakePulumi, Script, Step, project_copy

WORK = {}


@pytest.fixture(autouse=True)
def project(tmp_path):
    """Each test works on its own copy of the project's stack files."""
    WORK["dir"] = project_copy(tmp_path / "project")
    yield WORK["dir"]
    WORK.clear()


def _deployer(script=None):
    fake = FakePulumi(script)
    waits = []
    return Deployer(work_dir=WORK["dir"], pulumi_command=fake, sleep=waits.append), fake, waits


def _ops(fake):
    """The engine operations in the recorded argv, in order."""
    return [next(a for a in call if not a.startswith("--")) for call in fake.calls
            if any(a in call for a in ("preview", "up", "refresh", "destroy"))]


def _policy_args(call):
    return call[call.index("--policy-pack") + 1], call[call.index("--policy-pack-config") + 1]


# --- the policy pack is always there -------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_and_up_always_pass_the_pack_and_the_stacks_config(stack):
    deployer, fake, _ = _deployer()
    deployer.up(stack, allow_replacement=True)
    runs = [c for c in fake.calls if "preview" in c or "up" in c]
    assert _ops(fake) == ["preview", "up"]
    for call in runs:
        assert _policy_args(call) == (str(WORK["dir"] / "policies"),
                                      str(WORK["dir"] / "policies" / "config" / f"{stack}.json"))
        assert call[call.index("--stack") + 1] == stack


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_pack_cannot_be_switched_off(stack, pack):
    deployer, fake, _ = _deployer()
    # Nothing to bypass it with: the operations take no policy pack argument.
    with pytest.raises(TypeError, match="policy_packs"):
        deployer.up(stack, policy_packs=[])
    deployer.preview(stack)
    (call,) = [c for c in fake.calls if "preview" in c]
    pack_dir, config_file = _policy_args(call)
    # What the CLI is given is the project's pack folder (this test's copy of the project) under
    # the stack's config; through the analyzer protocol (the session's pack, the same code) that
    # config leaves every policy on and still refuses an unencrypted database.
    assert Path(pack_dir) == WORK["dir"] / "policies" and pack.policy_dir.name == "policies"
    stack_config = json.loads(Path(config_file).read_text())
    levels = reconcile_config(pack.info, stack_config)
    assert len(levels) == len(pack.info.policies) > 0
    assert [name for name, c in levels.items() if c.enforcementLevel == analyzer_pb2.DISABLED] == []
    pack.configure(stack_config)
    unencrypted = Registration("urn:pulumi:x::p::aws:rds/instance:Instance::db", "aws:rds/instance:Instance", "db",
                               True, "", "", {"identifier": "db", "engine": "postgres", "storageEncrypted": False}, {})
    assert ("rds-storage-encrypted", "mandatory") in [(v.policy, v.level) for v in pack.analyze(unencrypted)]


# --- guard rails ---------------------------------------------------------------------------------------

def test_up_refuses_mandatory_violations_and_changes_nothing():
    script = Script(policy_events=[("rds-multi-az", "mandatory", "appdb-prod-db-instance", "Multi-AZ is off"),
                                   ("rds-proxy-iam-auth", "advisory", "appdb-prod-proxy", "IAM auth off")])
    deployer, fake, _ = _deployer(script)
    with pytest.raises(PolicyViolationError, match="1 mandatory policy violation") as refused:
        deployer.up("prod")
    assert [f.policy for f in refused.value.findings] == ["rds-multi-az"]
    assert _ops(fake) == ["preview"]


def test_advisory_findings_are_reported_not_refused():
    script = Script(policy_events=[("rds-proxy-iam-auth", "advisory", "appdb-prod-proxy", "IAM auth off")])
    deployer, fake, _ = _deployer(script)
    result = deployer.up("prod")
    assert _ops(fake) == ["preview", "up"]
    assert [(f.policy, f.level) for f in result.policy_findings] == [("rds-proxy-iam-auth", "advisory")]


@pytest.mark.parametrize("step, refused", [
    (Step("replace", "aws:rds/instance:Instance", "appdb-prod-db-instance", protect=True), True),
    (Step("delete", "aws:kms/key:Key", "appdb-prod-keys-key"), True),               # stateful, unprotected
    (Step("delete", "aws:ec2/vpc:Vpc", "appdb-prod-network-vpc", protect=True), True),  # protected
    (Step("replace", "aws:ec2/securityGroup:SecurityGroup", "appdb-prod-network-sg"), False),
    (Step("update", "aws:rds/instance:Instance", "appdb-prod-db-instance", protect=True), False),
])
def test_up_refuses_data_loss_unless_allowed(step, refused):
    deployer, fake, _ = _deployer(Script(steps=[step]))
    if refused:
        with pytest.raises(DataLossRefusedError, match=step.name):
            deployer.up("prod")
        assert _ops(fake) == ["preview"]
        deployer.up("prod", allow_replacement=True)
        assert _ops(fake) == ["preview", "preview", "up"]
    else:
        deployer.up("prod")
        assert _ops(fake) == ["preview", "up"]


def test_destroying_production_needs_its_name():
    deployer, fake, _ = _deployer()
    for confirm in (None, "dev", "PROD"):
        with pytest.raises(DestroyRefusedError, match="confirm_stack='prod'"):
            deployer.destroy("prod", confirm_stack=confirm)
    assert fake.calls == []  # refused before the CLI is touched
    deployer.destroy("prod", confirm_stack="prod")
    assert _ops(fake) == ["destroy"]


def test_destroying_dev_needs_no_confirmation():
    deployer, fake, _ = _deployer()
    deployer.destroy("dev")  # dev turns deletion protection off
    assert _ops(fake) == ["destroy"]


def test_overrides_are_validated_like_the_stack_file():
    deployer, fake, _ = _deployer()
    with pytest.raises(ConfigRejectedError, match="rdsplatform:backupRetentionDays = 0"):
        deployer.up("prod", config={"backupRetentionDays": "0"})
    with pytest.raises(ConfigRejectedError, match="rdsplatform:multiAZ: unknown setting"):
        deployer.preview("prod", config={"multiAZ": "true"})
    assert fake.calls == []


@pytest.mark.parametrize("operation", ["preview", "up", "refresh", "destroy"])
def test_an_unknown_stack_is_called_unknown_never_production(operation):
    deployer, fake, _ = _deployer()
    with pytest.raises(UnknownStackError, match="stack staging is unknown: there is no Pulumi.staging.yaml") as e:
        getattr(deployer, operation)("staging")
    assert "production" not in str(e.value) and fake.calls == []
    with pytest.raises(UnknownStackError, match="not a stack name"):
        getattr(deployer, operation)("../prod")


def test_accepted_overrides_are_passed_to_the_stack_as_plaintext():
    deployer, fake, _ = _deployer()
    deployer.preview("prod", config={"instanceClass": "db.r7g.xlarge"})
    set_all = next(c for c in fake.calls if "set-all" in c)
    assert set_all[set_all.index("--plaintext") + 1] == "rdsplatform:instanceClass=db.r7g.xlarge"
    assert set_all[set_all.index("--stack") + 1] == "prod"


# --- conflicts, failures, cancellation, concurrency ------------------------------------------------------

def test_update_conflicts_are_retried_with_growing_waits():
    deployer, fake, waits = _deployer(Script(conflicts={"up": 2}))
    deployer.up("prod")
    assert _ops(fake) == ["preview", "up", "up", "up"] and waits == [5.0, 10.0]


def test_retries_are_bounded():
    deployer, fake, waits = _deployer(Script(conflicts={"up": 10}))
    with pytest.raises(StackBusyError, match="through 4 attempts"):
        deployer.up("prod")
    assert _ops(fake).count("up") == 4 and waits == [5.0, 10.0, 20.0]


def test_other_errors_are_not_retried():
    deployer, fake, waits = _deployer(Script(errors={"up": "error: AccessDenied: rds:CreateDBInstance"}))
    with pytest.raises(OperationFailedError, match="error: AccessDenied: rds:CreateDBInstance"):
        deployer.up("prod")
    assert _ops(fake) == ["preview", "up"] and waits == []


def test_cancellation_stops_the_engine_and_says_what_to_do():
    cancel = threading.Event()
    script = Script(errors={"up": "error: update canceled"},
                    on_operation=lambda op: cancel.set() if op == "up" else None)
    deployer, fake, _ = _deployer(script)
    with pytest.raises(OperationCancelledError, match="run refresh"):
        deployer.up("prod", cancel=cancel)
    assert any(c[1] == "cancel" for c in fake.calls)


def test_one_operation_per_stack_at_a_time():
    started, release = threading.Event(), threading.Event()

    def hold(op):
        if op == "preview":
            started.set()
            release.wait(5)

    deployer, fake, _ = _deployer(Script(on_operation=hold))
    worker = threading.Thread(target=deployer.preview, args=("prod",))
    worker.start()
    assert started.wait(5)
    try:
        with pytest.raises(StackBusyError, match="another worker is running an operation on it"):
            deployer.preview("prod")
        other, _, _ = _deployer()
        other.preview("dev")  # another stack is not blocked
    finally:
        release.set()
        worker.join(5)


# --- results and secrets -----------------------------------------------------------------------------------

def test_results_are_typed_and_keep_secrets_secret():
    deployer, _, _ = _deployer()
    result = deployer.up("prod")
    assert result.changes == {"same": 1, "update": 1, "create": 1}
    assert result.outputs["endpoint"].value == "appdb-prod.example:5432"
    assert result.outputs["masterPassword"].secret and result.outputs["masterPassword"].value is None
    assert SECRET_OUTPUT not in repr(result) + json.dumps(dataclasses.asdict(result))


def test_the_cli_streams_json_lines_and_never_a_secret(capsys):
    script = Script(steps=[Step("update", "aws:rds/instance:Instance", "appdb-prod-db-instance")])
    deployer, _, _ = _deployer(script)
    assert cli_main(["up", "--stack", "prod"], deployer) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["type"] for line in lines[:-1]} == {"event"} and lines[-1]["type"] == "result"
    assert lines[-1]["outputs"]["masterPassword"] == {"value": None, "secret": True}
    assert any("resourcePreEvent" in line["event"] for line in lines[:-1])
    assert SECRET_OUTPUT not in json.dumps(lines)


def test_secret_values_in_events_are_masked():
    from automation.results import masked
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "pw"}
    assert masked({"inputs": {"password": secret, "port": 5432}}) == {"inputs": {"password": "[secret]", "port": 5432}}


@pytest.mark.parametrize("argv, code, kind", [
    (["destroy", "--stack", "prod"], 1, "DestroyRefusedError"),
    (["preview", "--stack", "prod", "--config", "engine=db2"], 2, "ConfigRejectedError"),
])
def test_cli_exit_codes_name_the_refusal(capsys, argv, code, kind):
    deployer, _, _ = _deployer()
    assert cli_main(argv, deployer) == code
    out = capsys.readouterr()
    assert json.loads(out.out.splitlines()[-1])["error"] == kind
    assert "Traceback" not in out.err


# --- the CLI itself ------------------------------------------------------------------------------------------

def test_a_missing_cli_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CliNotFoundError, match="install the Pulumi CLI 3.181.0 or newer"):
        pulumi_cli()


def test_a_too_old_cli_is_one_clear_error(monkeypatch, tmp_path):
    fake = tmp_path / "pulumi"
    fake.write_text("#!/bin/sh\necho v3.100.0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK", raising=False)
    with pytest.raises(CliNotFoundError, match="too old"):
        pulumi_cli()


@pytest.mark.skipif(shutil.which("pulumi") is None,
                    reason="the Pulumi CLI is not installed here (it cannot be downloaded in this environment)")
def test_real_cli_previews_dev_with_a_local_backend(tmp_path):
    deployer = Deployer(env={"PULUMI_BACKEND_URL": f"file://{tmp_path}", "PULUMI_CONFIG_PASSPHRASE": "test"})
    result = deployer.preview("dev")
    assert result.changes.get("create", 0) > 0


def test_preview_alone_reports_and_refuses_mandatory_violations():
    script = Script(policy_events=[("rds-storage-encrypted", "mandatory", "appdb-prod-db-instance", "not encrypted")])
    deployer, fake, _ = _deployer(script)
    with pytest.raises(PolicyViolationError, match="rds-storage-encrypted on .*appdb-prod-db-instance"):
        deployer.preview("prod")
    assert _ops(fake) == ["preview"]


def test_refresh_reads_state_and_returns_masked_outputs():
    deployer, fake, _ = _deployer()
    result = deployer.refresh("prod")
    refresh_call = next(c for c in fake.calls if "refresh" in c)
    assert "--policy-pack" not in refresh_call  # the CLI runs policies on preview and update only
    assert result.operation == "refresh" and result.outputs["masterPassword"].value is None


def test_a_stack_file_left_changed_by_a_killed_worker_is_put_back_first(project):
    # A worker killed mid-operation leaves its copy of the stack file beside the lock.
    stack_file = project / "Pulumi.prod.yaml"
    original = stack_file.read_bytes()
    (project / ".automation-locks").mkdir()
    (project / ".automation-locks" / "Pulumi.prod.yaml.before").write_bytes(original)
    stack_file.write_bytes(original.replace(b"rdsplatform:deletionProtection: true",
                                            b"rdsplatform:deletionProtection: false"))
    deployer, fake, _ = _deployer()
    with pytest.raises(DestroyRefusedError, match="deletion protection on"):
        deployer.destroy("prod")
    assert stack_file.read_bytes() == original and fake.calls == []
    assert not (project / ".automation-locks" / "Pulumi.prod.yaml.before").exists()


def test_known_secret_values_are_masked_in_events_results_and_errors():
    script = Script(policy_events=[("rds-x", "advisory", "appdb-prod-db-instance", "token tok-7Hq2mZ leaked")])
    deployer, fake, _ = _deployer(script)
    fake_config = FakePulumi.run

    def run(self, args, cwd, additional_env, on_output=None, on_error=None):
        if "config" in args and "--json" in args:
            from pulumi.automation import CommandResult
            return CommandResult(json.dumps({"aws:secretKey": {"value": "tok-7Hq2mZ", "secret": True}}), "", 0)
        return fake_config(self, args, cwd, additional_env, on_output, on_error)

    fake.run = run.__get__(fake)
    events = []
    result = deployer.preview("prod", on_event=events.append)
    assert [f.message for f in result.policy_findings] == ["token [secret] leaked"]
    assert events and "tok-7Hq2mZ" not in json.dumps(events)
    fake.script.errors = {"preview": "error: the token tok-7Hq2mZ was refused"}
    with pytest.raises(OperationFailedError) as failed:
        deployer.preview("prod")
    assert str(failed.value) == "stack prod: error: the token [secret] was refused"


def test_overrides_of_keys_declared_secret_are_set_as_secrets(project):
    pulumi_yaml = project / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace(
        "  dbName:\n    type: string\n", "  dbName:\n    type: string\n    secret: true\n"))
    deployer, fake, _ = _deployer()
    events = []
    deployer.preview("prod", config={"dbName": "orders_x1", "instanceClass": "db.r7g.xlarge"}, on_event=events.append)
    set_all = next(c for c in fake.calls if "set-all" in c)
    assert set_all[set_all.index("--secret") + 1] == "rdsplatform:dbName=orders_x1"
    assert set_all[set_all.index("--plaintext") + 1] == "rdsplatform:instanceClass=db.r7g.xlarge"


def test_a_refused_secret_override_is_not_echoed(project):
    pulumi_yaml = project / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace(
        "  dbName:\n    type: string\n", "  dbName:\n    type: string\n    secret: true\n"))
    deployer, fake, _ = _deployer()
    with pytest.raises(ConfigRejectedError, match="rdsplatform:dbName") as refused:
        deployer.preview("prod", config={"dbName": "9-not-a-db-name!"})
    assert "9-not-a-db-name!" not in str(refused.value) and "[secret]" in str(refused.value)
    assert fake.calls == []


def test_a_worker_queues_for_the_lock_timeout_then_is_refused(project):
    from filelock import FileLock

    deployer, fake, _ = _deployer()
    deployer.lock_timeout_seconds = 0.2
    with FileLock(project / ".automation-locks" / "prod.lock"):
        with pytest.raises(StackBusyError, match=r"lock .*prod.lock held for 0.2 s"):
            deployer.preview("prod")
    assert fake.calls == []
    deployer.preview("prod")  # free again
    assert _ops(fake) == ["preview"]


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


SECRET_MAP = json.dumps({"log_connections": "1", "pgaudit.role": "S3CRET-audit-7c1d", "work_mem": 65536})


@pytest.mark.parametrize("value, shown", [
    ("log_connections", "log_connections"),  # a map key (a parameter name) is not secret
    ("S3CRET-audit-7c1d", "[secret]"),
    ("role S3CRET-audit-7c1d set", "role [secret] set"),
    ("65536", "65536"),  # a number of 5 characters: short, bare
    ("work_mem = '65536'", "work_mem = [secret]"),
    ("1", "1"),  # a short value, bare: not told apart from ordinary text
    ("retry 1 of 3", "retry 1 of 3"),
    ("log_connections = '1'", "log_connections = [secret]"),
    ('{"value": "1"}', '{"value": [secret]}'),
    (SECRET_MAP, "[secret]"),
    ({"count": "1", "role": "S3CRET-audit-7c1d"}, {"count": "1", "role": "[secret]"}),
])
def test_a_structured_secret_is_masked_by_its_values_not_its_names(value, shown):
    from automation.masking import Masker
    assert Masker([SECRET_MAP])(value) == shown


def test_a_whole_short_secret_is_still_masked_where_a_string_equals_it():
    from automation.masking import Masker
    mask = Masker(["abc"])
    assert (mask("abc"), mask("abcdef"), mask("'abc'")) == ("[secret]", "abcdef", "'abc'")
