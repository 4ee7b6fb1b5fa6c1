"""`python -m preview --baseline state:FILE`: the diff against a `pulumi stack export`, what is
really deployed. The export is built from a plan (tests/state_exports.py); a drifted property is
one the export records differently from the plan."""

import json

import pytest

from plan.registration import SECRET_SIG, SIG_KEY
from preview.__main__ import EXIT_CLEAN, EXIT_ERROR, EXIT_REFUSED, main
from preview.harness import MOCK_SECRET_VALUE, run_program
from tests.state_exports import resource, stack_export

INSTANCE = "appdb-dev-db-instance"
# Storage sized by the program (no autoscaling), so allocatedStorage reaches AWS.
FIXED_STORAGE = ("maxAllocatedStorage=0", "allocatedStorage=40")


@pytest.fixture(scope="module")
def dev_plan():
    plan = run_program("dev", dict(kv.split("=", 1) for kv in FIXED_STORAGE))
    assert plan.error is None, plan.error
    return plan


def _gate(tmp_path, capsys, export, *config, stack="dev"):
    state = tmp_path / "state.json"
    state.write_text(json.dumps(export))
    out = tmp_path / "out.json"
    capsys.readouterr()
    code = main(["--stack", stack, "--quiet", "--no-policy", "--baseline", f"state:{state}", "--json", str(out),
                 "--markdown", str(tmp_path / "out.md"),
                 *[a for kv in (*FIXED_STORAGE, *config) for a in ("--config", kv)]])
    captured = capsys.readouterr()
    report = json.loads(out.read_text()) if out.exists() and code != EXIT_ERROR else None
    return code, report, captured.out + captured.err, (tmp_path / "out.md")


def _change(report, name):
    return next(c for c in report["diff"]["changes"] if c["name"] == name)


def test_the_state_of_the_same_program_shows_no_change(tmp_path, capsys, dev_plan):
    code, report, text, _ = _gate(tmp_path, capsys, stack_export(dev_plan))
    assert code == EXIT_CLEAN, text
    assert report["diff"]["changes"] == []
    assert "0 to create, 0 to update, 0 to replace, 0 to delete" in text


@pytest.mark.parametrize("prop, live, planned, code, said", [
    # Someone shortened the retention in the console; the next `up` sets it back.
    ("backupRetentionPeriod", 3, 7, EXIT_CLEAN, "backupRetentionPeriod 3 → 7: in place, applied immediately"),
    # Someone grew the storage; the program's smaller size is a shrink AWS refuses.
    ("allocatedStorage", 60, 40, EXIT_REFUSED,
     "allocatedStorage 60 → 40: REFUSED by AWS: allocated storage cannot shrink"),
])
def test_a_drifted_property_is_shown_with_its_values_and_outcome(tmp_path, capsys, dev_plan, prop, live, planned,
                                                                 code, said):
    export = stack_export(dev_plan)
    resource(export, INSTANCE)["inputs"][prop] = live
    found, report, text, markdown = _gate(tmp_path, capsys, export)
    assert found == code, text
    assert said in text
    change = _change(report, INSTANCE)
    assert (change["action"], change["properties"]) == ("update", [prop])
    [value] = change["values"]
    assert (value["before"], value["after"]) == (live, planned)
    assert f"diff of dev against state:{tmp_path / 'state.json'}" in text
    assert f"`{prop}` | `{live} → {planned}`" in markdown.read_text()


def test_a_provider_default_the_program_does_not_set_is_not_a_change(tmp_path, capsys, dev_plan):
    export = stack_export(dev_plan)
    # The provider's Check fills inputs the program leaves unset; the state records them.
    resource(export, INSTANCE)["inputs"]["customerOwnedIpEnabled"] = False
    resource(export, INSTANCE)["inputs"]["__defaults"] = ["customerOwnedIpEnabled"]
    code, report, text, _ = _gate(tmp_path, capsys, export)
    assert code == EXIT_CLEAN and report["diff"]["changes"] == [], text


def test_the_state_answers_the_programs_lookups(tmp_path, capsys, dev_plan):
    # The deployed instance runs 16: a plan for 17 is a major upgrade and asks for it.
    code, report, text, _ = _gate(tmp_path, capsys, stack_export(dev_plan), "engineVersion=17")
    assert code == EXIT_CLEAN, text
    assert "engineVersion 16 → 17: major upgrade, downtime" in text
    instance = next(r for r in report["resources"] if r["name"] == INSTANCE)
    assert instance["inputs"]["allowMajorVersionUpgrade"] is True


def test_ciphertext_secrets_are_not_compared_and_never_printed(tmp_path, capsys, dev_plan):
    code, report, text, markdown = _gate(tmp_path, capsys, stack_export(dev_plan, "ciphertext"))
    assert code == EXIT_CLEAN
    assert f"{INSTANCE} password" in report["diff"]["secretsNotCompared"]
    for written in (text, json.dumps(report), markdown.read_text()):
        assert "exportciphertext" not in written and MOCK_SECRET_VALUE not in written


@pytest.mark.parametrize("live, changed", [(None, False), ("drifted-password-4471", True)])
def test_plaintext_secrets_are_compared_by_fingerprint(tmp_path, capsys, dev_plan, live, changed):
    export = stack_export(dev_plan, "plaintext")
    if live is not None:
        resource(export, INSTANCE)["inputs"]["password"] = {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(live)}
    code, report, text, markdown = _gate(tmp_path, capsys, export)
    assert code == EXIT_CLEAN
    assert f"{INSTANCE} password" not in report["diff"]["secretsNotCompared"]
    changes = [(c["name"], c["properties"]) for c in report["diff"]["changes"]]
    assert changes == ([(INSTANCE, ["password"])] if changed else [])
    for written in (text, json.dumps(report), markdown.read_text()):
        assert "drifted-password-4471" not in written and MOCK_SECRET_VALUE not in written


@pytest.mark.parametrize("content, said", [
    (None, "cannot read state"),
    ("not json", "not JSON"),
    (json.dumps({"version": 2, "deployment": {}}), "not a `pulumi stack export` file (version 2; allowed: version 3"),
    (json.dumps({"version": 3, "deployment": {"resources": [{"type": "x"}]}}),
     "deployment.resources must be a list of resources with urn and type"),
])
def test_a_bad_state_file_is_exit_2_with_one_message(tmp_path, capsys, content, said):
    state = tmp_path / "state.json"
    if content is not None:
        state.write_text(content)
    capsys.readouterr()
    assert main(["--stack", "dev", "--quiet", "--no-policy", "--baseline", f"state:{state}"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_the_state_of_another_stack_is_refused(tmp_path, capsys, dev_plan):
    code, _, text, _ = _gate(tmp_path, capsys, stack_export(dev_plan), stack="prod")
    assert code == EXIT_ERROR
    assert "is of stack dev, not prod" in text
