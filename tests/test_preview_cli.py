"""The README's main command: `python -m preview` prints the plan or one clear error."""

import json
import os
import subprocess
import sys

from plan.stack_config import PROJECT_DIR


def _run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "preview", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120, env=env)


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


def test_output_through_a_pipe_is_whole_although_the_process_skips_teardown(tmp_path):
    # The command ends with os._exit (no interpreter teardown): what it printed must still
    # arrive. With stdout block-buffered (a pipe, as in CI; PYTHONUNBUFFERED off), a short
    # output sits in the buffer until the end.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    report = tmp_path / "prod.json"
    quiet = _run("--stack", "prod", "--quiet", "--json", str(report), env=env)
    assert quiet.returncode == 0, quiet.stderr
    # Every line, in order: the policy check's head, its blank line, the verdict naming as many
    # resources as the same run's report holds.
    resources = sum(r["custom"] for r in json.loads(report.read_text())["resources"])
    assert resources > 50
    # prod's advisory gaps (docs/compliance.md): the default port on three instances, no backup plan.
    lines = quiet.stdout.splitlines()
    assert lines[0] == "policy check of prod (4 violation(s)):" and len(lines) == 7
    assert sorted(line.split(":")[0] for line in lines[1:5]) == [
        "  [advisory] rds-backup-plan"] + ["  [advisory] rds-no-default-port"] * 3
    assert lines[5:] == ["", f"verdict: stack prod, {resources} resources, 0 mandatory, 4 advisory, data at risk not "
                             "checked (no --baseline): PASS (policy config policies/config/prod.json)"]


def test_json_on_stdout_is_the_report_alone():
    result = _run("--stack", "prod", "--json", "-")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # nothing else on stdout: the policy lines go to stderr
    assert report["stack"] == "prod" and len(report["resources"]) > 90
    assert "policy check of prod (4 violation(s)):" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("verdict: stack prod, ")


def test_a_reader_that_leaves_ends_the_command_quietly_with_141():
    # `python -m preview ... | head`: the reader is gone before the plan is printed. A shell
    # reports a process killed by SIGPIPE as 141; no traceback, nothing that reads as a verdict.
    process = subprocess.Popen([sys.executable, "-m", "preview", "--stack", "prod"], cwd=PROJECT_DIR,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # no reader left: the first write fails
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
