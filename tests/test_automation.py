"""The Automation API entry point, through the SDK's PulumiCommand seam (tests/fake_pulumi.py):
conflicts, failures, cancellation, one operation per stack, and the CLI itself.
"""

import shutil
import stat
import threading

import pytest

from automation import (
    CliNotFoundError,
    Deployer,
    DestroyRefusedError,
    OperationCancelledError,
    OperationFailedError,
    PolicyViolationError,
    StackBusyError,
)
from automation.deployer import pulumi_cli
from tests.fake_pulumi import Script
from tests import automation_work
from tests.automation_work import _deployer, _ops

project = automation_work.project  # the autouse fixture: each test on its own copy of the stack files


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
