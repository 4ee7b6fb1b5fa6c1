"""`python -m automation drift`: a read-only refresh through the SDK's PulumiCommand seam
(tests/fake_pulumi.py), each drifted property as a JSON line, its own exit code."""

import json

from automation import Deployer, DriftFoundError
from automation.__main__ import main as cli_main
from plan.registration import SECRET_SIG, SIG_KEY
from tests.fake_pulumi import FakePulumi, Script, project_copy

INSTANCE = "aws:rds/instance:Instance"
KEY = "aws:kms/key:Key"
STATE = {"identifier": "appdb-prod", "backupRetentionPeriod": 14, "deletionProtection": True,
         "password": {SIG_KEY: SECRET_SIG, "value": "state-password-Kd81"}}


def _run(tmp_path, capsys, reads):
    work = project_copy(tmp_path / "project")
    before = (work / "Pulumi.prod.yaml").read_bytes()
    fake = FakePulumi(Script(steps=[], reads=reads))
    capsys.readouterr()
    code = cli_main(["drift", "--stack", "prod"], Deployer(work_dir=work, pulumi_command=fake))
    out = capsys.readouterr().out
    assert (work / "Pulumi.prod.yaml").read_bytes() == before  # nothing written
    return code, [json.loads(line) for line in out.splitlines()], out, fake


def test_a_drifted_property_is_a_line_with_old_and_live_and_exit_9(tmp_path, capsys):
    live = {**STATE, "backupRetentionPeriod": 3, "deletionProtection": False}
    code, lines, _, fake = _run(tmp_path, capsys, [(INSTANCE, "appdb-prod-db-instance", STATE, live),
                                                   (KEY, "appdb-prod-keys-key", {"enableKeyRotation": True},
                                                    {"enableKeyRotation": True})])
    assert code == DriftFoundError.exit_code == 9
    drift = [{k: v for k, v in line.items() if k not in ("urn", "type")} for line in lines if line["type"] == "drift"]
    assert drift == [
        {"resourceType": INSTANCE, "name": "appdb-prod-db-instance", "property": "backupRetentionPeriod",
         "old": 14, "live": 3},
        {"resourceType": INSTANCE, "name": "appdb-prod-db-instance", "property": "deletionProtection",
         "old": True, "live": False},
    ]
    last = lines[-1]
    assert (last["type"], last["error"], last["exitCode"]) == ("error", "DriftFoundError", 9)
    assert "2 drifted properties on 1 resource(s): appdb-prod-db-instance" in last["message"]
    # Read-only: `pulumi refresh --preview-only`, and no other engine operation.
    engine = [c for c in fake.calls if {"preview", "up", "refresh", "destroy"} & set(c)]
    assert len(engine) == 1 and "refresh" in engine[0] and "--preview-only" in engine[0]


def test_no_drift_is_a_result_line_and_exit_0(tmp_path, capsys):
    code, lines, _, _ = _run(tmp_path, capsys, [(INSTANCE, "appdb-prod-db-instance", STATE, dict(STATE))])
    assert code == 0
    assert [line["type"] for line in lines if line["type"] != "event"] == ["result"]
    assert (lines[-1]["operation"], lines[-1]["drifted"]) == ("drift", [])


def test_a_resource_deleted_outside_the_program_is_drift_as_a_whole(tmp_path, capsys):
    code, lines, _, _ = _run(tmp_path, capsys, [(INSTANCE, "appdb-prod-db-instance", STATE, None)])
    assert code == 9
    [drift] = [line for line in lines if line["type"] == "drift"]
    assert (drift["property"], drift["old"], drift["live"]) == ("(resource)", "exists", "deleted")


def test_a_drifted_secret_is_named_and_never_shown(tmp_path, capsys):
    live = {**STATE, "password": {SIG_KEY: SECRET_SIG, "value": "live-password-Zq27"}}
    code, lines, out, _ = _run(tmp_path, capsys, [(INSTANCE, "appdb-prod-db-instance", STATE, live)])
    assert code == 9
    [drift] = [line for line in lines if line["type"] == "drift"]
    assert (drift["property"], drift["old"], drift["live"]) == ("password", "[secret]", "[secret]")
    assert "state-password-Kd81" not in out and "live-password-Zq27" not in out


def test_drift_of_an_unknown_stack_is_bad_input_before_the_cli(tmp_path, capsys):
    fake = FakePulumi(Script(steps=[]))
    code = cli_main(["drift", "--stack", "nosuch"], Deployer(work_dir=project_copy(tmp_path / "p"), pulumi_command=fake))
    assert code == 2 and fake.calls == []
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["error"] == "UnknownStackError"


def test_drift_takes_no_config_override(tmp_path, capsys):
    # Drift compares the state with what is live; an override would change neither.
    fake = FakePulumi(Script(steps=[]))
    argv = ["drift", "--stack", "prod", "--config", "multiAz=false"]
    code = cli_main(argv, Deployer(work_dir=project_copy(tmp_path / "p"), pulumi_command=fake))
    assert code == 2 and fake.calls == []
    assert "--config applies to preview and up, not drift" in capsys.readouterr().out
