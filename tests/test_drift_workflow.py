"""The scheduled drift workflow: every stack, the drift command and its exit codes, pinned actions."""


import yaml

from automation.errors import DriftFoundError
from plan.stack_config import PROJECT_DIR
from tests.test_workflow import MATRIX, _case_arms, _commands, _lint

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "drift.yml"


def _workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def test_it_runs_on_a_schedule_for_every_stack():
    workflow = _workflow()
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert [c["cron"] for c in on["schedule"]] == ["23 5 * * *"] and "workflow_dispatch" in on
    job = workflow["jobs"]["drift"]
    assert job["needs"] == "stacks" and job["strategy"]["matrix"]["stack"] == MATRIX
    assert job["strategy"]["fail-fast"] is False
    lister = next(s for s in workflow["jobs"]["stacks"]["steps"] if s.get("id") == "list")
    assert _commands(lister["run"]) == [["echo", "stacks=$(python3 tools/stack_matrix.py)", ">>", "$GITHUB_OUTPUT"]]


def test_it_runs_the_drift_command_and_fails_on_its_exit_code():
    steps = _workflow()["jobs"]["drift"]["steps"]
    check = next(s for s in steps if s.get("id") == "drift")
    commands = _commands(check["run"])
    assert [".venv/bin/python", "-m", "automation", "drift", "--stack", "$STACK", ">", "drift.jsonl"] in commands
    assert check["env"]["STACK"] == "${{ matrix.stack }}"
    assert "$GITHUB_STEP_SUMMARY" in check["run"] and 'select(.type == "drift")' in check["run"]
    verdict = next(s for s in steps if s.get("name") == "Verdict")
    arms = _case_arms(verdict["run"])
    assert arms["0"] == 'echo "no drift"'
    assert arms[str(DriftFoundError.exit_code)].endswith("exit 1") and "drift found" in arms["9"]
    assert arms["*"].endswith("exit 1")


def test_it_passes_actionlint():
    assert _lint(WORKFLOW) == []
