"""Fix hints a user can paste: `--config` reads a hint's key as `pulumi config set --path` does,
an overridden key is located at its `--config`, and each hint names the key that is missing."""

import json

from preview.verdict import verdict_json
import re

import pytest

from components.settings.policy_keys import POLICY_KEYS
from plan.stack_config import PROJECT_DIR, StackConfigError, config_path, read_stack_config
from preview.__main__ import main


def _hints(capsys, *argv) -> dict[str, str]:
    """policy -> its shown message, from `python -m preview --quiet`."""
    main([*argv, "--quiet"])
    found = dict(re.findall(r"^  \[\w+\] ([\w-]+): (.*)$", capsys.readouterr().out, flags=re.M))
    assert found
    return found


# --- --config paths, as `pulumi config set --path` reads them ---------------------------------------------

@pytest.mark.parametrize("key, steps", [
    ("alarms.enabled", ["alarms", "enabled"]),
    ("rdsplatform:alarms.enabled", ["rdsplatform:alarms", "enabled"]),
    ("replicas[0].name", ["replicas", 0, "name"]),
    ('tags["cost.center"]', ["tags", "cost.center"]),
    ("aws:region", ["aws:region"]),
])
def test_config_paths_read_like_the_cli(key, steps):
    assert config_path(key) == steps


def test_a_path_override_sets_a_value_inside_the_stack_files_object():
    values = read_stack_config("dev", {"alarms.enabled": "true", "tags.Owner": "me", "allowedCidrs[1]": "10.1.0.0/16",
                                       "alarms.thresholds.cpuUtilizationPercent": "70"}, paths=True).values
    assert json.loads(values["rdsplatform:alarms"]) == {"enabled": True, "thresholds": {"cpuUtilizationPercent": 70}}
    assert json.loads(values["rdsplatform:tags"]) == {"CostCenter": "platform-dev", "Owner": "me"}
    assert json.loads(values["rdsplatform:allowedCidrs"]) == ["10.42.0.0/16", "10.1.0.0/16"]
    # Without paths (the Automation entry) a dotted key stays one literal key.
    assert "rdsplatform:alarms.enabled" in read_stack_config("dev", {"alarms.enabled": "true"}).values


@pytest.mark.parametrize("override, words", [
    ({"allowedCidrs[3]": "10.1.0.0/16"}, "index 3 is past the end of a list of 1 (the next item is [1])"),
    ({"alarms[0]": "x"}, "[0] indexes a list, but the value there is not a list (it is mapping)"),
    ({"multiAz.x": "1"}, ".x names a field of an object, but the value there is not an object (it is boolean)"),
    ({"alarms..enabled": "true"}, "not a config path at '..enabled'"),
])
def test_a_path_that_cannot_be_set_is_one_clear_refusal(override, words):
    with pytest.raises(StackConfigError, match=re.escape(words)):
        read_stack_config("dev", override, paths=True)


def test_a_bad_path_through_the_cli_is_exit_2_naming_the_key(capsys):
    assert main(["--stack", "dev", "--quiet", "--config", "multiAz.x=1"]) == 2
    err = capsys.readouterr().err
    assert "--config multiAz.x: .x names a field of an object" in err and "Traceback" not in err


def test_every_paste_hint_fixes_its_violation(capsys):
    hints = _hints(capsys, "--stack", "dev")
    pastes = {policy: re.search(r"try: --config (\S+)=(\S+)\)\.$", message) for policy, message in hints.items()}
    pastes = {policy: found.groups() for policy, found in pastes.items() if found}
    assert {"rds-alarms-notify", "rds-multi-az"} <= set(pastes)
    argv = [arg for key, value in pastes.values() for arg in ("--config", f"{key}={value}")]
    after = _hints(capsys, "--stack", "dev", *argv)
    assert not set(pastes) & set(after), after


# --- where the hint points ------------------------------------------------------------------------------

def test_a_key_overridden_on_the_command_line_is_located_at_its_override(capsys):
    message = _hints(capsys, "--stack", "prod", "--config", "multiAz=false")["rds-multi-az"]
    assert message.endswith("Fix: set rdsplatform:multiAz to true (--config multiAz=false; "
                            "try: --config rdsplatform:multiAz=true).")
    assert "Pulumi.prod.yaml line" not in message


def test_an_object_overridden_as_a_whole_locates_its_fields_at_the_override(capsys):
    message = _hints(capsys, "--stack", "dev", "--config", 'alarms={"enabled": false}')["rds-alarms-notify"]
    assert "(--config alarms={\"enabled\": false};" in message


def test_rotation_hint_names_the_rotation_days_dev_turns_off(capsys):
    message = _hints(capsys, "--stack", "dev")["rds-credentials-rotate"]
    line = next(i for i, text in enumerate((PROJECT_DIR / "Pulumi.dev.yaml").read_text().splitlines(), 1)
                if text.startswith("  rdsplatform:secretRotationDays:"))
    assert "Fix: set rdsplatform:secretRotationDays to " in message and f"Pulumi.dev.yaml line {line}" in message
    assert "credentialsMode" not in message


def test_cross_region_backups_hint_says_to_add_disaster_recovery_when_it_is_missing(capsys):
    message = _hints(capsys, "--stack", "dev")["rds-cross-region-backups"]
    assert "Fix: set rdsplatform:disasterRecovery.region to the region to copy backups to (add disasterRecovery" \
        in message
    assert "replicateBackups to true" not in message
    # A key set nowhere is added under `config:`; its line is that one, not line 1 (a comment).
    config_line = next(i for i, line in enumerate((PROJECT_DIR / "Pulumi.dev.yaml").read_text().splitlines(), 1)
                       if line.startswith("config:"))
    assert config_line > 1
    assert message.endswith(f"(add it under config: in Pulumi.dev.yaml, line {config_line}).")


def test_cross_region_backups_hint_names_replicate_backups_when_disaster_recovery_is_there(capsys):
    message = _hints(capsys, "--stack", "prod", "--config",
                     "disasterRecovery.replicateBackups=false")["rds-cross-region-backups"]
    assert message.endswith("Fix: set rdsplatform:disasterRecovery.replicateBackups to true "
                            "(--config disasterRecovery.replicateBackups=false; "
                            "try: --config rdsplatform:disasterRecovery.replicateBackups=true).")


def test_no_fix_hint_names_a_secret_key():
    # A hint may echo the --config that set its key: only for keys that can never hold a secret.
    import yaml

    declared = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    secret = {key for key, spec in declared.items() if isinstance(spec, dict) and spec.get("secret")}
    assert secret
    assert not secret & {key.split(".")[0] for key, _ in POLICY_KEYS.values()}


# --- the policy config, the baseline, the verdict -------------------------------------------------------

def test_policy_config_file_is_chosen_on_the_command_line(tmp_path, capsys):
    chosen = tmp_path / "strict.json"
    chosen.write_text(json.dumps({"all": "mandatory"}))
    assert main(["--stack", "dev", "--quiet", "--policy-config", str(chosen)]) == 1
    out = capsys.readouterr().out
    assert "[mandatory] rds-multi-az" in out and f"(policy config {chosen})" in out


@pytest.mark.parametrize("text, verdict, words", [
    ('{"rds-multi-a": "advisory"}', "the policy config is not valid",
     "unknown policies: rds-multi-a (did you mean rds-multi-az?)"),
    ('{"rds-multi-az": ', "the policy config is not valid", "is not valid JSON"),
    ('["rds-multi-az"]', "the policy config is not valid", "expected a JSON object of policy name"),
])
def test_a_bad_policy_config_is_reported_as_one(tmp_path, capsys, text, verdict, words):
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert main(["--stack", "dev", "--quiet", "--policy-config", str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"verdict: stack dev: {verdict}: FAIL" in captured.out
    assert words in captured.err and "Traceback" not in captured.err


def test_a_missing_baseline_is_reported_as_one_and_a_git_ref_gets_its_prefix(capsys):
    assert main(["--stack", "dev", "--quiet", "--no-policy", "--baseline", "HEAD"]) == 2
    captured = capsys.readouterr()
    assert "verdict: stack dev: the baseline could not be read: FAIL" in captured.out
    assert "'HEAD' is a git ref: use --baseline git:HEAD" in captured.err
    main(["--stack", "dev", "--quiet", "--no-policy", "--baseline", "no-such-report.json"])
    assert "git ref" not in capsys.readouterr().err


@pytest.mark.parametrize("argv, code, result", [
    ([], 0, "pass"),
    (["--config", "backupRetentionDays=1"], 1, "fail"),
    (["--config", "backupRetentionDays=x"], 2, "fail"),
])
def test_the_json_report_carries_the_verdict(tmp_path, argv, code, result):
    out = tmp_path / "dev.json"
    assert main(["--stack", "dev", "--quiet", "--json", str(out), *argv]) == code
    verdict = json.loads(out.read_text())["verdict"]
    assert (verdict["result"], verdict["exitCode"]) == (result, code) and verdict["meaning"]


def test_data_at_risk_says_how_to_approve_it_in_sarif_and_markdown(tmp_path):
    base = tmp_path / "base.json"
    assert main(["--stack", "dev", "--quiet", "--no-policy", "--json", str(base)]) == 0
    sarif, markdown, report = tmp_path / "dev.sarif", tmp_path / "dev.md", tmp_path / "dev.json"
    assert main(["--stack", "dev", "--quiet", "--no-policy", "--baseline", str(base), "--config", "dbName=orders",
                 "--sarif", str(sarif), "--markdown", str(markdown), "--json", str(report)]) == 3
    [risk] = [r for r in json.loads(sarif.read_text())["runs"][0]["results"]
              if r["ruleId"] == "stateful-resource-at-risk"]
    assert "label the pull request approve-data-replacement, or run the check with --allow-replacement" \
        in risk["message"]["text"]
    assert "label the pull request `approve-data-replacement`, or run the check with `--allow-replacement`" \
        in markdown.read_text()
    assert json.loads(report.read_text())["verdict"]["exitCode"] == 3
    assert "--allow-replacement" in json.loads(report.read_text())["verdict"]["meaning"]


def test_the_json_verdict_means_what_the_exit_code_reference_says():
    from preview.verdict import EXIT_CODES

    page = (PROJECT_DIR / "docs" / "reference" / "exit-codes.md").read_text()
    assert set(EXIT_CODES) >= {0, 1, 2, 3, 4}
    for code, meaning in EXIT_CODES.items():
        assert verdict_json(code) == {"result": "pass" if code == 0 else "fail", "exitCode": code, "meaning": meaning}
        assert f"| {code} | {meaning.replace('|', chr(92) + '|')} |" in page, code
