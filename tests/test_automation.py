"""The Automation API entry point, through the SDK's PulumiCommand seam (tests/fake_pulumi.py)."""

import dataclasses
import json
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
)
from automation.__main__ import main as cli_main
from automation.operations import pulumi_cli
from preview.analyzer import reconcile_config
from preview.harness import PROJECT_DIR, Registration
from pulumi.runtime.proto import analyzer_pb2
from tests.fake_pulumi import SECRET_OUTPUT, FakePulumi, Script, Step


def _deployer(script=None):
    fake = FakePulumi(script)
    waits = []
    return Deployer(pulumi_command=fake, sleep=waits.append), fake, waits


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
        assert _policy_args(call) == (str(PROJECT_DIR / "policies"),
                                      str(PROJECT_DIR / "policies" / "config" / f"{stack}.json"))
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
    # What the CLI is given is this project's pack (the session's running one) under the stack's
    # config, and through the analyzer protocol that config leaves every policy on and still
    # refuses an unencrypted database.
    assert Path(pack_dir) == pack.policy_dir
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
    with pytest.raises(ConfigRejectedError, match="no stack file Pulumi.staging.yaml"):
        deployer.preview("staging")
    assert fake.calls == []


def test_accepted_overrides_are_saved_to_the_stack():
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
        with pytest.raises(StackBusyError, match="another operation on it is running"):
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
