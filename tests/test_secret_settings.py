"""Secret settings under the mock engine: what derives from them is secret in every input and
output, other keys cannot be secrets, and no message, report or plan shows a secret value."""

import json

import pulumi
import pytest

import preview.__main__ as preview_main
from components.settings import SECRET_KEYS, SECRET_PLACEHOLDERS, SettingsError, parse_config_text
from components.settings.secrets import REDACTED, redact
from plan.registration import is_secret
from plan.stack_config import stack_config
from preview.harness import run_program

TOKEN = "T0KEN-4f9e2a"
WEBHOOK = f"https://hooks.example.com/services/{TOKEN}"
PARAMETER_SECRET = "S3CRET-audit-7c1d"
SECRET_OVERRIDES = {
    "alarmHttpsEndpoints": json.dumps([WEBHOOK]),
    "parameters": json.dumps({"log_connections": "1", "pgaudit.role": PARAMETER_SECRET}),
}


@pytest.fixture
def marked_secret(monkeypatch):
    """Run the program as the CLI would for a stack that encrypts these keys: the runtime lists
    them as secret (PULUMI_CONFIG_SECRET_KEYS). `keys` may be extended by the test."""
    keys = set(SECRET_KEYS)
    real = pulumi.runtime.set_all_config
    monkeypatch.setattr(pulumi.runtime, "set_all_config", lambda config, secret_keys=None: real(config, sorted(keys)))
    return keys


def _plain_texts(value):
    """Every plain (not secret-wrapped) string inside a registration's inputs or outputs."""
    if is_secret(value):
        return
    if isinstance(value, dict):
        for v in value.values():
            yield from _plain_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _plain_texts(v)
    elif isinstance(value, str):
        yield value


def test_secret_settings_are_secret_in_every_input_and_output(marked_secret):
    plan = run_program("prod", SECRET_OVERRIDES)
    assert plan.error is None, plan.error
    hooks = [r for r in plan.of_type("aws:sns/topicSubscription:TopicSubscription") if r.inputs["protocol"] == "https"]
    assert len(hooks) == 2, "one webhook subscription per region with alarms (primary and DR)"
    for hook in hooks:
        assert is_secret(hook.inputs["endpoint"]) and hook.inputs["endpoint"]["value"] == WEBHOOK
        assert is_secret(hook.outputs["endpoint"])
    groups = plan.of_type("aws:rds/parameterGroup:ParameterGroup")
    assert groups
    for group in groups:
        values = {p["name"]: p["value"] for p in group.inputs["parameters"]}
        assert is_secret(values["pgaudit.role"]) and values["pgaudit.role"]["value"] == PARAMETER_SECRET
        assert is_secret(values["log_connections"]) and not is_secret(values["rds.force_ssl"])
        assert is_secret(group.outputs["parameters"])
    for r in plan.resources:
        plain = [*_plain_texts(r.inputs), *_plain_texts(r.outputs)]
        assert not any(TOKEN in t or PARAMETER_SECRET in t for t in plain), r.urn


def test_secret_settings_are_secret_even_when_the_stack_file_holds_them_in_clear():
    plan = run_program("dev", {"alarms": {"enabled": True}, **SECRET_OVERRIDES})
    assert plan.error is None, plan.error
    hook = next(r for r in plan.of_type("aws:sns/topicSubscription:TopicSubscription") if r.inputs["protocol"] == "https")
    assert is_secret(hook.inputs["endpoint"])


def test_reports_and_the_printed_plan_never_show_a_secret_setting(marked_secret, tmp_path, capsys):
    report, summary = tmp_path / "prod.json", tmp_path / "prod.md"
    argv = ["--stack", "prod", "--no-policy", "--json", str(report), "--markdown", str(summary)]
    for key, value in SECRET_OVERRIDES.items():
        argv += ["--config", f"{key}={value}"]
    assert preview_main.main(argv) == 0
    printed = capsys.readouterr()
    shown = report.read_text() + summary.read_text() + printed.out + printed.err
    assert "[secret]" in report.read_text()
    assert TOKEN not in shown and PARAMETER_SECRET not in shown


def test_another_key_set_as_a_secret_is_refused_without_its_value(marked_secret):
    marked_secret.update({"rdsplatform:name", "rdsplatform:tags"})
    plan = run_program("dev", {"name": "hiddenname", "tags": {"Owner": "hidden-owner"}})
    assert plan.error is not None and plan.resources == []
    assert "rdsplatform:name: is set as a secret" in plan.error
    assert "rdsplatform:tags: is set as a secret" in plan.error
    assert "pulumi config set --plaintext" in plan.error
    assert "hidden-owner" not in plan.error


@pytest.mark.parametrize("overrides, expected, secret", [
    ({"parameters": {"rds.force_ssl": "zero-OFF"}}, "TLS is enforced", "zero-OFF"),
    ({"alarmHttpsEndpoints": ["ftp://x.example.com/zz"]}, "rdsplatform:alarmHttpsEndpoints", "ftp://x.example.com/zz"),
])
def test_secret_values_are_never_echoed_even_by_other_rules(overrides, expected, secret):
    values = stack_config("dev", overrides)
    with pytest.raises(SettingsError) as refused:
        parse_config_text(values, environment="dev", secret_keys=SECRET_KEYS)
    assert expected in str(refused.value) and secret not in str(refused.value)


def test_redact_replaces_quoted_values_and_long_bare_ones():
    problems = ["a = '1': at most 1", 'b = "1"', "see https://h.example.com/tok3n-xyz for more"]
    assert redact(problems, ["https://h.example.com/tok3n-xyz", "1"]) == [
        f"a = {REDACTED}: at most 1", f"b = {REDACTED}", f"see {REDACTED} for more"]


@pytest.mark.parametrize("key", sorted(SECRET_PLACEHOLDERS))
def test_every_placeholder_is_valid_config_for_its_key(key):
    assert key in SECRET_KEYS
    namespace, setting = key.split(":")
    plan = run_program("prod", {setting: SECRET_PLACEHOLDERS[key]})
    assert plan.error is None, plan.error
    assert plan.resources


def test_the_preview_shows_the_names_of_a_secret_map_and_never_its_values(marked_secret, tmp_path):
    # The rule of docs/automation.md (Secrets), as the Automation entry applies it to event text.
    report = tmp_path / "prod.json"
    argv = ["--stack", "prod", "--no-policy", "--json", str(report),
            "--config", f"parameters={SECRET_OVERRIDES['parameters']}"]
    assert preview_main.main(argv) == 0
    parameters = [p for r in json.loads(report.read_text())["resources"]
                  if r["type"] == "aws:rds/parameterGroup:ParameterGroup" for p in r["inputs"]["parameters"]]
    shown = {p["name"]: p["value"] for p in parameters}
    assert shown["pgaudit.role"] == "[secret]" and shown["log_connections"] == "[secret]"
    assert PARAMETER_SECRET not in report.read_text()
