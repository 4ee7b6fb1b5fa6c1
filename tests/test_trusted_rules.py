"""The gate judges with the trusted rules of a git ref (preview/trusted.py), on a real repository:
a branch that weakens its own rules is refused with exit 5, each weakening named old → new;
`--allow-policy-change` accepts it and still lists it; a stricter change needs no approval; a
stack new on the branch is judged by the ref's pack defaults."""

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest

from preview.verdict import EXIT_CLEAN, EXIT_ERROR, EXIT_MANDATORY, EXIT_POLICY_WEAKENED
from tests.conftest import ROOT

TODAY = date.today()


def _git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
                          check=True, capture_output=True, text=True).stdout


def _exception(ident: str, days: int) -> dict:
    return {"id": ident, "resources": ["appdb-dev-db-instance"], "stacks": ["dev"], "reason": "reporting copy",
            "owner": "data-platform@example.com", "expires": (TODAY + timedelta(days=days)).isoformat()}


def _edit_json(path, change):
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config, indent=1))


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """One copy of the project's tracked files per module: tag `trusted` is the base branch, tag
    `with-exception` a later base whose dev config has an exception."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: no ref to take the trusted rules from")
    repo = tmp_path_factory.mktemp("trusted") / "repo"
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "tag", "trusted")
    _edit_json(repo / "policies/config/dev.json",
               lambda c: c.__setitem__("rds-multi-az", {"enforcementLevel": "advisory",
                                                        "exceptions": [_exception("dev-single-az", 20)]}))
    _git(repo, "commit", "-q", "-am", "an exception")
    _git(repo, "tag", "with-exception")
    return repo


def _branch(repo, base: str = "trusted"):
    """The working tree reset to `base`: the branch's edits start from there."""
    _git(repo, "checkout", "-q", "-f", base)
    _git(repo, "clean", "-fdq")
    return repo


def _gate(repo, tmp_path, stack, *args):
    out = tmp_path / f"{stack}-{len(list(tmp_path.iterdir()))}.json"
    run = subprocess.run([sys.executable, "-m", "preview", "--stack", stack, "--quiet", "--json", str(out), *args],
                         cwd=repo, capture_output=True, text=True)
    report = json.loads(out.read_text()) if out.exists() else None
    return run, report


def _changes(report):
    return [(c["kind"], c["subject"], c["old"], c["new"], c["direction"]) for c in report["policyChanges"]["changes"]]


def _level_weakened(repo):
    _edit_json(repo / "policies/config/prod.json", lambda c: c.__setitem__("rds-multi-az", "disabled"))
    stack_file = repo / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text().replace("rdsplatform:multiAz: true", "rdsplatform:multiAz: false"))


def _setting_weakened(repo):
    _edit_json(repo / "policies/config/prod.json", lambda c: c.__setitem__("rds-backup-retention", {"minimumDays": 7}))


def _policy_removed_and_requirements(repo):
    controls = repo / "policies/rds_guardrails/controls.py"
    controls.write_text(controls.read_text()
                        + '\nRESOURCE_RULES = [r for r in RESOURCE_RULES if r.name != "rds-storage-encrypted"]\n')
    requirements = repo / "policies/requirements.txt"
    requirements.write_text(requirements.read_text() + "requests==2.32.3\n")


def _exception_added(repo):
    _edit_json(repo / "policies/config/dev.json",
               lambda c: c.__setitem__("rds-multi-az", {"enforcementLevel": "advisory",
                                                        "exceptions": [_exception("dev-single-az", 30)]}))


def _exception_extended(repo):
    _edit_json(repo / "policies/config/dev.json",
               lambda c: c["rds-multi-az"]["exceptions"][0].__setitem__("expires",
                                                                        (TODAY + timedelta(days=40)).isoformat()))


def _config_deleted(repo):
    (repo / "policies/config/prod.json").unlink()


def _new_stack_with_its_own_config(repo):
    shutil.copy(repo / "Pulumi.dev.yaml", repo / "Pulumi.qa.yaml")
    shutil.copy(repo / "policies/config/dev.json", repo / "policies/config/qa.json")


# (case, base, stack, edit, changes the report must name, as (kind, subject, old, new, direction))
WEAKENINGS = [
    ("level", "trusted", "prod", _level_weakened,
     [("level", "rds-multi-az", "mandatory", "disabled", "weaker")]),
    ("setting", "trusted", "prod", _setting_weakened,
     [("setting", "rds-backup-retention minimumDays", "14", "7", "weaker")]),
    ("policy removed, code and requirements", "trusted", "dev", _policy_removed_and_requirements,
     [("code", "policies/rds_guardrails/controls.py", None, None, "weaker"),
      ("code", "policies/requirements.txt", None, None, "weaker"),
      ("policy-removed", "rds-storage-encrypted", "mandatory", None, "weaker")]),
    ("exception added", "trusted", "dev", _exception_added,
     [("exception-added", "rds-multi-az/dev-single-az", None, f"until {TODAY + timedelta(days=30)}", "weaker")]),
    ("exception extended", "with-exception", "dev", _exception_extended,
     [("exception-changed", "rds-multi-az/dev-single-az", f"expires {TODAY + timedelta(days=20)}",
       f"expires {TODAY + timedelta(days=40)}", "weaker")]),
    ("config file deleted", "trusted", "prod", _config_deleted,
     [("config-deleted", "policies/config/prod.json", None, None, "weaker"),
      ("setting", "rds-backup-retention minimumDays", "14", "7", "weaker")]),
    ("config file added with a new stack", "trusted", "qa", _new_stack_with_its_own_config,
     [("config-added", "policies/config/qa.json", None, None, "weaker"),
      ("level", "rds-multi-az", "mandatory", "advisory", "weaker")]),
]


@pytest.mark.parametrize("case, base, stack, edit, named", WEAKENINGS, ids=[w[0] for w in WEAKENINGS])
def test_a_branch_that_weakens_its_own_rules_is_refused_until_approved(repo, tmp_path, case, base, stack, edit, named):
    edit(_branch(repo, base))
    run, report = _gate(repo, tmp_path, stack, "--rules", f"git:{base}")
    assert run.returncode == EXIT_POLICY_WEAKENED, run.stderr
    changes = _changes(report)
    assert [c for c in named if c not in changes] == []
    assert report["policyChanges"]["rulesFrom"] == f"git:{base}" and report["policyChanges"]["approved"] is False
    assert report["verdict"]["exitCode"] == EXIT_POLICY_WEAKENED
    assert f"{named[0][1]}:" in run.stdout  # the text report names it too

    run, report = _gate(repo, tmp_path, stack, "--rules", f"git:{base}", "--allow-policy-change")
    assert run.returncode == EXIT_CLEAN, run.stdout + run.stderr
    assert [c for c in named if c not in _changes(report)] == []
    assert report["policyChanges"]["approved"] is True


def test_the_baseline_ref_brings_its_rules_and_every_report_names_the_weakening(repo, tmp_path):
    """The pull-request workflow's command: --baseline git:REF alone; the head's rules would pass
    the single-AZ prod, REF's refuse it, and the reports say both."""
    _level_weakened(_branch(repo))
    sarif, markdown = tmp_path / "prod.sarif", tmp_path / "summary.md"
    run, report = _gate(repo, tmp_path, "prod", "--baseline", "git:trusted", "--sarif", str(sarif),
                        "--markdown", str(markdown))
    assert run.returncode == EXIT_POLICY_WEAKENED, run.stderr
    assert ("level", "rds-multi-az", "mandatory", "disabled", "weaker") in _changes(report)
    difference = report["policyChanges"]["verdictDifference"]
    assert [(d["policy"], d["trusted"], d["head"]) for d in difference] == [("rds-multi-az", "mandatory", None)]
    assert [d["policy"] for d in report["diagnostics"] if d["level"] == "mandatory"] == ["rds-multi-az"]
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    weakened = [r for r in results if r["ruleId"] == "policy-weakened"]
    assert [r["level"] for r in weakened] == ["error"]
    assert "rds-multi-az: level mandatory → disabled (weaker)" in weakened[0]["message"]["text"]
    assert weakened[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/config/prod.json"
    assert "| ⚠️ weaker | level | `rds-multi-az` | `mandatory` | `disabled` |" in markdown.read_text()
    assert "rds-multi-az: level mandatory → disabled (weaker)" in run.stdout


def test_a_stricter_change_passes_without_approval(repo, tmp_path):
    _edit_json(_branch(repo) / "policies/config/prod.json", lambda c: c.__setitem__("rds-proxy-iam-auth", "mandatory"))
    run, report = _gate(repo, tmp_path, "prod", "--rules", "git:trusted")
    assert run.returncode == EXIT_CLEAN, run.stdout + run.stderr
    assert _changes(report) == [("level", "rds-proxy-iam-auth", "advisory", "mandatory", "stricter")]


def test_a_new_stack_without_config_is_judged_by_the_refs_pack_defaults(repo, tmp_path):
    """dev's stack file as a new stack: dev's config would make Multi-AZ advisory; the ref's
    defaults make it mandatory, and nothing changed in the rules."""
    shutil.copy(_branch(repo) / "Pulumi.dev.yaml", repo / "Pulumi.qa.yaml")
    run, report = _gate(repo, tmp_path, "qa", "--rules", "git:trusted")
    assert run.returncode == EXIT_MANDATORY, run.stderr
    assert _changes(report) == []
    assert "rds-multi-az" in [d["policy"] for d in report["diagnostics"] if d["level"] == "mandatory"]


def test_a_trusted_ref_that_does_not_exist_stops_before_planning(repo, tmp_path):
    _branch(repo)
    run, report = _gate(repo, tmp_path, "dev", "--rules", "git:no-such-branch")
    assert run.returncode == EXIT_ERROR and report is None
    assert run.stderr.strip().splitlines() == [
        f"error: trusted rules git:no-such-branch: no commit 'no-such-branch' in the git repository of {repo} "
        "(a branch, tag or SHA; fetch it first, e.g. git fetch origin main)"]
    run, _ = _gate(repo, tmp_path, "dev", "--rules", "origin/main")
    assert run.returncode == EXIT_ERROR and "--rules: 'origin/main': expected git:REF" in run.stderr


def _prod_exception(days: int) -> dict:
    return {**_exception("prod-single-az", days), "resources": ["appdb-prod-db-instance"], "stacks": ["prod"]}


def test_an_exception_the_branch_adds_waives_nothing_until_the_change_is_approved(repo, tmp_path):
    """The branch turns Multi-AZ off in prod and waives rds-multi-az for it: the trusted rules still
    refuse the instance; once approved, the head's exception waives it and the report lists it."""
    _branch(repo)
    _edit_json(repo / "policies/config/prod.json",
               lambda c: c.__setitem__("rds-multi-az", {"exceptions": [_prod_exception(30)]}))
    stack_file = repo / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text().replace("rdsplatform:multiAz: true", "rdsplatform:multiAz: false"))

    run, report = _gate(repo, tmp_path, "prod", "--rules", "git:trusted")
    assert run.returncode == EXIT_POLICY_WEAKENED, run.stderr
    assert [d["policy"] for d in report["diagnostics"] if d["level"] == "mandatory"] == ["rds-multi-az"]

    run, report = _gate(repo, tmp_path, "prod", "--rules", "git:trusted", "--allow-policy-change")
    assert run.returncode == EXIT_CLEAN, run.stdout + run.stderr
    assert [d["policy"] for d in report["diagnostics"] if d["level"] == "mandatory"] == []
    assert [(w["policy"], w["waiver"]["id"], w["waiver"]["owner"]) for w in report["waived"]] == [
        ("rds-multi-az", "prod-single-az", "data-platform@example.com")]


def test_an_exception_the_branch_adds_already_expired_is_bad_input(repo, tmp_path):
    _branch(repo)
    _edit_json(repo / "policies/config/prod.json",
               lambda c: c.__setitem__("rds-multi-az", {"exceptions": [_prod_exception(-1)]}))
    run, report = _gate(repo, tmp_path, "prod", "--rules", "git:trusted", "--allow-policy-change")
    assert run.returncode == EXIT_ERROR and report is not None and report["verdict"]["exitCode"] == EXIT_ERROR
    assert "prod-single-az" in run.stderr and "expires" in run.stderr and "already past" in run.stderr
