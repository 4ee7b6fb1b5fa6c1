"""The offline gate end to end with exceptions in the policy config (`python -m preview --stack dev
--policy-config FILE`): exit codes, and the waived and stale exceptions in text, JSON, Markdown and
SARIF (a waived violation is a suppressed result).

Table style: dev's own config with rds-multi-az made mandatory (one mandatory violation: dev is
single-AZ), then one change to its exceptions per case.
"""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
import sarif_om as om

from plan.stack_config import PROJECT_DIR
from preview.__main__ import EXIT_CLEAN, EXIT_ERROR, EXIT_MANDATORY, main
from preview.analyzer import load_policy_config
from rds_guardrails import waivers
from tests.sarif_model import conforms as _conforms

TODAY = waivers.today()
SOON = (TODAY + timedelta(days=30)).isoformat()
PAST = (TODAY - timedelta(days=1)).isoformat()
DB = "appdb-dev-db-instance"
RECORD = {"id": "dev-single-az", "resources": [DB], "stacks": ["dev"], "reason": "dev is rebuilt nightly",
          "owner": "data-platform@example.com", "expires": SOON, "ticket": "OPS-1234"}


def _config(*records, **entry):
    config = load_policy_config("dev")
    config["rds-multi-az"] = {"enforcementLevel": "mandatory", **entry,
                              **({"exceptions": list(records)} if records else {})}
    return config


def _check(tmp_path, config):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(config))
    out = {kind: tmp_path / f"out.{kind}" for kind in ("json", "sarif", "md")}
    code = main(["--stack", "dev", "--policy-config", str(path), "--quiet", "--json", str(out["json"]),
                 "--sarif", str(out["sarif"]), "--markdown", str(out["md"])])
    return (code, json.loads(out["json"].read_text()), json.loads(out["sarif"].read_text()) if out["sarif"].exists()
            else None, out["md"].read_text())


def _multi_az(report):
    return [d for d in report["diagnostics"] if d["policy"] == "rds-multi-az"]


CASES = [
    # (records, exit code, waived exception ids, stale exception ids)
    ("baseline: no exception", [], EXIT_MANDATORY, [], []),
    ("waived by name", [RECORD], EXIT_CLEAN, ["dev-single-az"], []),
    ("waived by URN glob", [{**RECORD, "resources": ["urn:pulumi:dev::*::aws:rds/instance:Instance::appdb-*"]}],
     EXIT_CLEAN, ["dev-single-az"], []),
    ("for another stack: not waived, not stale here", [{**RECORD, "stacks": ["prod"]}], EXIT_MANDATORY, [], []),
    ("expired: fails", [{**RECORD, "expires": PAST}], EXIT_MANDATORY, [], []),
    ("covers nothing: stale", [RECORD, {**RECORD, "id": "old-reporting", "resources": ["reporting-*"]}],
     EXIT_CLEAN, ["dev-single-az"], ["old-reporting"]),
]


@pytest.mark.parametrize("records, code, waived, stale", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exit_code_and_json_follow_the_exceptions(tmp_path, records, code, waived, stale):
    got, report, _, _ = _check(tmp_path, _config(*records))
    assert got == code
    assert [w["waiver"]["id"] for w in report["waived"]] == waived
    assert [w["id"] for w in report["staleExceptions"]] == stale
    assert len(_multi_az(report)) == (0 if waived else 1)  # a waived violation is not a diagnostic too


def test_an_expired_exception_fails_naming_it_and_its_expiry(tmp_path):
    code, report, sarif, markdown = _check(tmp_path, _config({**RECORD, "expires": PAST}))
    assert code == EXIT_MANDATORY
    [diagnostic] = _multi_az(report)
    assert diagnostic["level"] == "mandatory"
    assert f"[exception dev-single-az expired on {PAST} (owner data-platform@example.com): not waived]" in diagnostic["message"]
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "rds-multi-az"]
    assert result["level"] == "error" and "suppressions" not in result
    assert f"expired on {PAST}" in markdown and "### Waived" not in markdown


def test_every_report_lists_the_waived_violation_with_owner_reason_and_expiry(tmp_path):
    code, report, sarif, markdown = _check(tmp_path, _config(RECORD, {**RECORD, "id": "gone", "resources": ["x-*"]}))
    assert code == EXIT_CLEAN and report["verdict"]["result"] == "pass"
    [waived] = report["waived"]
    assert waived["policy"] == "rds-multi-az" and waived["urn"].endswith(f"::{DB}")
    assert waived["waiver"] == {**RECORD, "policy": "rds-multi-az"}
    assert waived["message"].splitlines()[-1].startswith("[waived by exception dev-single-az")
    assert [s["id"] for s in report["staleExceptions"]] == ["gone"]
    # SARIF: a result of its rule, suppressed by the exception with its justification.
    _conforms(sarif, om.SarifLog)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "rds-multi-az"]
    assert result["suppressions"] == [{"kind": "external", "justification":
                                       f"dev is rebuilt nightly (owner data-platform@example.com, until {SOON}, "
                                       "id dev-single-az)"}]
    assert all("suppressions" not in r for r in sarif["runs"][0]["results"] if r["ruleId"] != "rds-multi-az")
    # Markdown: the waived table and the stale list, every user string in a code span.
    assert ("| `rds-multi-az` | `appdb-dev-db-instance` | `dev-single-az` | `data-platform@example.com` | "
            f"`dev is rebuilt nightly` | `{SOON}` | `OPS-1234` |") in markdown
    assert "### Stale exceptions" in markdown and "| `rds-multi-az` | `gone` |" in markdown
    assert "1 waived by an exception" in markdown


def _run(*args):
    return subprocess.run([sys.executable, "-m", "preview", *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          timeout=120)


def test_the_command_prints_waived_and_stale_exceptions_and_passes(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(_config(RECORD, {**RECORD, "id": "gone", "resources": ["x-*"]})))
    done = _run("--stack", "dev", "--policy-config", str(path), "--quiet")
    assert done.returncode == EXIT_CLEAN, done.stderr
    assert (f"  [waived] rds-multi-az: {DB}: exception dev-single-az, owner data-platform@example.com, "
            f"until {SOON}, ticket OPS-1234: dev is rebuilt nightly") in done.stdout
    assert "  [stale exception] rds-multi-az: gone (owner data-platform@example.com" in done.stdout
    assert "[mandatory] rds-multi-az" not in done.stdout
    assert ", 1 waived, " in done.stdout.splitlines()[-1]


BAD = [
    ("no owner", {k: v for k, v in RECORD.items() if k != "owner"}, {}, "owner: is missing"),
    ("no reason", {k: v for k, v in RECORD.items() if k != "reason"}, {}, "reason: is missing"),
    ("no expiry", {k: v for k, v in RECORD.items() if k != "expires"}, {}, "expires: is missing"),
    ("beyond the horizon", {**RECORD, "expires": (TODAY + timedelta(days=91)).isoformat()}, {},
     "expires: ", ),
    ("beyond a horizon the entry sets", {**RECORD, "expires": SOON}, {"exceptionHorizonDays": 7}, "horizon of 7 days"),
    ("a malformed pattern", {**RECORD, "resources": [""]}, {}, "resources: '' is not a pattern"),
    ("a URN of the wrong shape", {**RECORD, "resources": ["urn:pulumi:dev::appdb"]}, {}, "is not a URN pattern"),
]


@pytest.mark.parametrize("record, entry, fragment", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_a_bad_exception_exits_2_naming_the_exception_and_the_key(tmp_path, record, entry, fragment):
    config = _config(record, **entry)
    before = json.dumps(config)
    code, report, _, markdown = _check(tmp_path, config)
    assert code == EXIT_ERROR and report["error"].startswith("policy config: exception 'dev-single-az' of policy rds-multi-az: ")
    assert fragment in report["error"] and report["diagnostics"] == [] and report["waived"] == []
    assert "the policy config is not valid" in markdown
    assert json.loads((tmp_path / "policy.json").read_text()) == json.loads(before)  # nothing rewritten


def test_an_exception_of_an_unknown_policy_exits_2_from_the_command(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"rds-multi-azz": {"exceptions": [RECORD]}}))
    done = _run("--stack", "dev", "--policy-config", str(path), "--quiet")
    assert done.returncode == EXIT_ERROR
    assert ("error: stack dev: policy config: exception 'dev-single-az' of policy rds-multi-azz: exceptions: "
            "rds-multi-azz is not a policy of the pack (did you mean rds-multi-az?)") in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_markdown_keeps_an_exceptions_strings_inert(dev_plan):
    from preview.analyzer import Violation
    from preview.report import StackResult, to_markdown

    crafted = waivers.Waiver("x", "rds-multi-az", ("db",), (), "a | b `c` <b>d</b> [e](http://f)", "o|wn`er", SOON, "T|1")
    v = Violation("rds-multi-az", "advisory", "m", f"urn:pulumi:dev::p::t::{DB}", waiver=crafted)
    markdown = to_markdown(StackResult(stack="dev", plan=dev_plan, violations=[v], stale_exceptions=[crafted]))
    row = next(line for line in markdown.splitlines() if line.startswith("| `rds-multi-az` | `appdb"))
    # Each string in a code span longer than its backtick runs, `|` escaped: seven cells, nothing live.
    assert row == ("| `rds-multi-az` | `appdb-dev-db-instance` | `x` | ``o\\|wn`er`` | "
                   f"``a \\| b `c` <b>d</b> [e](http://f)`` | `{SOON}` | `T\\|1` |")
