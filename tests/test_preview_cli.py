"""The README's main command: `python -m preview` prints the plan or one clear error."""

import subprocess
import sys

from plan.stack_config import PROJECT_DIR


def _run(*args):
    return subprocess.run([sys.executable, "-m", "preview", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120)


def test_prints_both_plans_and_policy_verdicts():
    result = _run("--all")
    assert result.returncode == 0, result.stderr
    assert "[mandatory] " not in result.stdout
    assert "[advisory] rds-multi-az" in result.stdout  # dev relaxes Multi-AZ
    assert "stack dev:" in result.stdout and "stack prod:" in result.stdout
    assert "aws:rds/instance:Instance  appdb-prod-db-instance  [protect, retainOnDelete]" in result.stdout
    assert "password: [secret]" in result.stdout
    assert "mock-secret-value" not in result.stdout


def test_bad_override_exits_2_with_the_message_and_no_traceback():
    result = _run("--stack", "prod", "--config", "backupRetentionDays=0", "--config", "engine=db2")
    assert result.returncode == 2
    assert "rdsplatform:backupRetentionDays = 0" in result.stderr
    assert "rdsplatform:engine = \"db2\"" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_stack_is_named():
    result = _run("--stack", "staging")
    assert result.returncode == 2 and "no stack file Pulumi.staging.yaml (stacks: dev, prod)" in result.stderr


def test_first_preview_leaves_computed_values_unknown():
    result = _run("--stack", "prod", "--first-preview", "--no-policy")
    assert result.returncode == 0, result.stderr
    assert "endpoint: (known after deploy)" in result.stdout


def test_dev_is_clean_and_a_broken_override_fails_with_1():
    assert _run("--stack", "dev").returncode == 0
    broken = _run("--stack", "dev", "--config", "backupRetentionDays=1")
    assert broken.returncode == 1
    assert "[mandatory] rds-backup-retention" in broken.stdout
