"""Secret config offline: which keys are secret, encrypted values planned with placeholders,
the mock engine told which keys are secret, and the offline preview saying so once."""

import json
import subprocess
import sys

import pytest

import components.settings
from plan.registration import is_secret
from plan.stack_config import GENERIC_PLACEHOLDER, PROJECT_DIR, StackConfigError, read_stack_config, stack_config
from preview.harness import run_program, secret_placeholders

TOY_PROGRAM = '''
import pulumi
config = pulumi.Config()
pulumi.export("token", config.require_secret("token"))
pulumi.export("tokenIsSecret", pulumi.runtime.is_config_secret("toy:token"))
pulumi.export("webhookIsSecret", pulumi.runtime.is_config_secret("toy:webhook"))
pulumi.export("plainIsSecret", pulumi.runtime.is_config_secret("toy:size"))
'''


@pytest.fixture
def toy(tmp_path):
    """A one-file project: `webhook` declared secret in Pulumi.yaml, `token` encrypted in the stack file."""
    (tmp_path / "Pulumi.yaml").write_text(
        "name: toy\nruntime: python\nconfig:\n  webhook:\n    type: string\n    secret: true\n"
        "  size:\n    type: integer\n    default: 2\n")
    (tmp_path / "Pulumi.s.yaml").write_text(
        "config:\n  toy:token:\n    secure: v1:AAAAciphertext\n  toy:webhook: https://hooks.example/plain\n"
        "  toy:nested:\n    url:\n      secure: v1:BBBB\n    port: 1\n")
    (tmp_path / "__main__.py").write_text(TOY_PROGRAM)
    return tmp_path


def test_secret_keys_come_from_pulumi_yaml_and_secure_values(toy):
    read = read_stack_config("s", project_dir=toy)
    assert read.secret_keys == {"toy:webhook", "toy:token", "toy:nested"}
    assert read.encrypted == {"toy:token", "toy:nested"}
    assert read.values["toy:token"] == GENERIC_PLACEHOLDER
    assert json.loads(read.values["toy:nested"]) == {"url": GENERIC_PLACEHOLDER, "port": 1}
    assert read.values["toy:webhook"] == "https://hooks.example/plain" and read.values["toy:size"] == "2"
    assert "ciphertext" not in json.dumps(read.values) and "BBBB" not in json.dumps(read.values)
    # An override replaces the placeholder and the key is no longer "encrypted", but still secret.
    overridden = read_stack_config("s", {"token": "given"}, project_dir=toy)
    assert overridden.values["toy:token"] == "given" and "toy:token" not in overridden.encrypted
    assert "toy:token" in overridden.secret_keys
    assert stack_config("s", project_dir=toy) == read.values  # the existing callers' view


def test_the_settings_placeholders_are_used_when_they_exist(toy, monkeypatch):
    assert read_stack_config("s", project_dir=toy, placeholders={"toy:token": "https://placeholder.invalid/x"}
                             ).values["toy:token"] == "https://placeholder.invalid/x"
    monkeypatch.setattr(components.settings, "SECRET_PLACEHOLDERS", {"toy:token": "https://placeholder.invalid/y"},
                        raising=False)
    assert secret_placeholders() == {"toy:token": "https://placeholder.invalid/y"}


@pytest.mark.parametrize("text", ["- a\n- b\n", "config:\n  - a\n", "config: [unclosed\n"])
def test_a_stack_file_of_the_wrong_shape_is_one_error(tmp_path, text):
    (tmp_path / "Pulumi.yaml").write_text("name: p\n")
    (tmp_path / "Pulumi.s.yaml").write_text(text)
    with pytest.raises(StackConfigError, match="Pulumi.s.yaml"):
        read_stack_config("s", project_dir=tmp_path)


def test_the_mock_engine_knows_the_secret_keys(toy):
    plan = run_program("s", project_dir=toy)
    assert plan.error is None and plan.encrypted == ["toy:nested", "toy:token"]
    assert plan.outputs["token"]["secret"] is True
    assert [plan.outputs[k]["value"] for k in ("tokenIsSecret", "webhookIsSecret", "plainIsSecret")] == \
        [True, True, False]


def test_a_plain_config_value_read_as_secret_stays_wrapped(toy):
    (toy / "__main__.py").write_text(
        "import pulumi\nimport pulumi_random as random\n"
        "random.RandomPassword('p', length=pulumi.Config().require_secret('token').apply(lambda _: 12))\n")
    [resource] = run_program("s", project_dir=toy).resources
    assert is_secret(resource.inputs["length"])


def _preview(*args):
    return subprocess.run([sys.executable, "-m", "preview", *args], cwd=PROJECT_DIR,
                          capture_output=True, text=True, timeout=120)


def test_the_offline_preview_plans_encrypted_values_and_says_so_once(toy):
    result = _preview("--stack", "s", "--no-policy", "--project-dir", str(toy))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "encrypted (secure)" in line]
    assert notes == ["note: stack s: 2 encrypted (secure) config value(s) planned with placeholders, as they "
                     "cannot be decrypted without the Pulumi CLI: toy:nested, toy:token"]
    assert GENERIC_PLACEHOLDER not in result.stdout  # the placeholder is secret, shown as [secret]


@pytest.mark.parametrize("flag", ["--json", "--sarif", "--markdown"])
def test_an_output_file_that_cannot_be_written_is_exit_2(toy, flag):
    result = _preview("--stack", "s", "--no-policy", "--project-dir", str(toy), flag, str(toy / "missing" / "out"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == \
        [f"error: cannot write {toy / 'missing' / 'out'}: No such file or directory"]
