"""The Automation API's results, events, errors and CLI output never show a secret."""

import dataclasses
import json

import pytest

from automation import (
    ConfigRejectedError,
    OperationFailedError,
)
from automation.__main__ import main as cli_main
from tests.fake_pulumi import SECRET_OUTPUT, FakePulumi, Script, Step
from tests import automation_work
from tests.automation_work import _deployer

project = automation_work.project  # the autouse fixture: each test on its own copy of the stack files


# --- results and secrets -----------------------------------------------------------------------------------

def test_results_are_typed_and_keep_secrets_secret():
    deployer, _, _ = _deployer()
    result = deployer.up("prod")
    assert result.changes == {"same": 1, "update": 1, "create": 1}
    assert result.outputs["endpoint"].value == "appdb-prod.example:5432"
    assert result.outputs["masterPassword"].secret and result.outputs["masterPassword"].value is None
    assert SECRET_OUTPUT not in repr(result) + json.dumps(dataclasses.asdict(result))


def test_the_cli_streams_json_lines_and_never_a_secret(capsys):
    script = Script(steps=[Step("update", "aws:rds/instance:Instance", "appdb-prod-db-instance")])
    deployer, _, _ = _deployer(script)
    assert cli_main(["up", "--stack", "prod"], deployer) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["type"] for line in lines[:-1]} == {"event"} and lines[-1]["type"] == "result"
    assert lines[-1]["outputs"]["masterPassword"] == {"value": None, "secret": True}
    assert any("resourcePreEvent" in line["event"] for line in lines[:-1])
    assert SECRET_OUTPUT not in json.dumps(lines)


def test_secret_values_in_events_are_masked():
    from automation.results import masked
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "pw"}
    assert masked({"inputs": {"password": secret, "port": 5432}}) == {"inputs": {"password": "[secret]", "port": 5432}}


@pytest.mark.parametrize("argv, code, kind", [
    (["destroy", "--stack", "prod"], 1, "DestroyRefusedError"),
    (["preview", "--stack", "prod", "--config", "engine=db2"], 2, "ConfigRejectedError"),
])
def test_cli_exit_codes_name_the_refusal(capsys, argv, code, kind):
    deployer, _, _ = _deployer()
    assert cli_main(argv, deployer) == code
    out = capsys.readouterr()
    assert json.loads(out.out.splitlines()[-1])["error"] == kind
    assert "Traceback" not in out.err


def test_known_secret_values_are_masked_in_events_results_and_errors():
    script = Script(policy_events=[("rds-x", "advisory", "appdb-prod-db-instance", "token tok-7Hq2mZ leaked")])
    deployer, fake, _ = _deployer(script)
    fake_config = FakePulumi.run

    def run(self, args, cwd, additional_env, on_output=None, on_error=None):
        if "config" in args and "--json" in args:
            from pulumi.automation import CommandResult
            return CommandResult(json.dumps({"aws:secretKey": {"value": "tok-7Hq2mZ", "secret": True}}), "", 0)
        return fake_config(self, args, cwd, additional_env, on_output, on_error)

    fake.run = run.__get__(fake)
    events = []
    result = deployer.preview("prod", on_event=events.append)
    assert [f.message for f in result.policy_findings] == ["token [secret] leaked"]
    assert events and "tok-7Hq2mZ" not in json.dumps(events)
    fake.script.errors = {"preview": "error: the token tok-7Hq2mZ was refused"}
    with pytest.raises(OperationFailedError) as failed:
        deployer.preview("prod")
    assert str(failed.value) == "stack prod: error: the token [secret] was refused"


def test_overrides_of_keys_declared_secret_are_set_as_secrets(project):
    pulumi_yaml = project / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace(
        "  dbName:\n    type: string\n", "  dbName:\n    type: string\n    secret: true\n"))
    deployer, fake, _ = _deployer()
    events = []
    deployer.preview("prod", config={"dbName": "orders_x1", "instanceClass": "db.r7g.xlarge"}, on_event=events.append)
    set_all = next(c for c in fake.calls if "set-all" in c)
    assert set_all[set_all.index("--secret") + 1] == "rdsplatform:dbName=orders_x1"
    assert set_all[set_all.index("--plaintext") + 1] == "rdsplatform:instanceClass=db.r7g.xlarge"


def test_a_refused_secret_override_is_not_echoed(project):
    pulumi_yaml = project / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace(
        "  dbName:\n    type: string\n", "  dbName:\n    type: string\n    secret: true\n"))
    deployer, fake, _ = _deployer()
    with pytest.raises(ConfigRejectedError, match="rdsplatform:dbName") as refused:
        deployer.preview("prod", config={"dbName": "9-not-a-db-name!"})
    assert "9-not-a-db-name!" not in str(refused.value) and "[secret]" in str(refused.value)
    assert fake.calls == []


SECRET_MAP = json.dumps({"log_connections": "1", "pgaudit.role": "S3CRET-audit-7c1d", "work_mem": 65536})


@pytest.mark.parametrize("value, shown", [
    ("log_connections", "log_connections"),  # a map key (a parameter name) is not secret
    ("S3CRET-audit-7c1d", "[secret]"),
    ("role S3CRET-audit-7c1d set", "role [secret] set"),
    ("65536", "65536"),  # a number of 5 characters: short, bare
    ("work_mem = '65536'", "work_mem = [secret]"),
    ("1", "1"),  # a short value, bare: not told apart from ordinary text
    ("retry 1 of 3", "retry 1 of 3"),
    ("log_connections = '1'", "log_connections = [secret]"),
    ('{"value": "1"}', '{"value": [secret]}'),
    (SECRET_MAP, "[secret]"),
    ({"count": "1", "role": "S3CRET-audit-7c1d"}, {"count": "1", "role": "[secret]"}),
])
def test_a_structured_secret_is_masked_by_its_values_not_its_names(value, shown):
    from automation.masking import Masker
    assert Masker([SECRET_MAP])(value) == shown


def test_a_whole_short_secret_is_still_masked_where_a_string_equals_it():
    from automation.masking import Masker
    mask = Masker(["abc"])
    assert (mask("abc"), mask("abcdef"), mask("'abc'")) == ("[secret]", "abcdef", "'abc'")
