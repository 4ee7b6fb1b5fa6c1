"""tools/gen_settings.py and components/settings/project_config.py: a setting is declared once,
on the model; Pulumi.yaml's `config:` block, `reading.UNSET` and `reading.STRUCTURED` follow."""

import shutil
import subprocess
import sys

import pytest
import yaml

from components.settings import SettingsError, parse_config_text
from components.settings.project_config import STRUCTURED, UNSET, declared_keys
from components.settings.secrets import SECRET_SETTINGS
from plan.stack_config import PROJECT_DIR
from tests.tool_modules import load_tool

gen_settings = load_tool("gen_settings")


def test_committed_pulumi_yaml_is_what_the_generator_writes():
    current = (PROJECT_DIR / "Pulumi.yaml").read_text()
    assert gen_settings.project_file(current) == current, "Pulumi.yaml is stale: run tools/gen_settings.py"


def test_the_generated_block_reads_back_as_the_declared_keys():
    written = yaml.safe_load(gen_settings.project_file("name: p\n"))
    assert written["name"] == "p"
    assert written["config"] == declared_keys()


def test_secret_keys_are_declared_untyped_and_secret():
    # A typed secret key would be required in every stack and refuse its plain default (Pulumi
    # CLI, validateStackConfigValue: "must be encrypted as it's secret"): these stay untyped.
    declared = declared_keys()
    assert [k for k, spec in declared.items() if spec.get("secret")] == list(SECRET_SETTINGS)
    assert [k for k in SECRET_SETTINGS if "type" in declared[k]] == []


@pytest.mark.parametrize("key, kind, stand_in", [
    ("engineVersion", "string", ""), ("port", "integer", 0), ("databaseInsights", "string", ""),
])
def test_a_key_the_model_leaves_unset_gets_a_stand_in_that_reads_as_unset(key, kind, stand_in):
    assert declared_keys()[key]["type"] == kind and declared_keys()[key]["default"] == stand_in
    assert UNSET[key] == stand_in
    settings = parse_config_text({"aws:region": "eu-west-1", f"rdsplatform:{key}": str(stand_in)}, environment="dev")
    assert settings == parse_config_text({"aws:region": "eu-west-1"}, environment="dev")


def test_structured_keys_are_the_lists_and_objects_and_are_read_as_json():
    assert {"replicas", "subnetIds", "tags", "parameters", "alarmHttpsEndpoints"} <= STRUCTURED
    assert STRUCTURED.isdisjoint({"engineVersion", "port", "multiAz", "name"})
    with pytest.raises(SettingsError, match=r"rdsplatform:subnetIds: not valid JSON"):
        parse_config_text({"aws:region": "eu-west-1", "rdsplatform:subnetIds": "subnet-1"}, environment="dev")


# --- adding a setting: one edit in the model, one regeneration --------------------------------------

NEW_FIELDS = '''
    retention_note_days: int = Field(3, ge=0, description="A setting added by a test.")
    note_owner: Optional[str] = Field(None, description="Another, unset unless given.")
'''
READ_BACK = """
from components.settings import parse_config_text
from components.settings.reading import UNSET
s = parse_config_text({"aws:region": "eu-west-1", "rdsplatform:retentionNoteDays": "5",
                       "rdsplatform:noteOwner": ""}, environment="dev")
print(s.retention_note_days, repr(s.note_owner), UNSET["noteOwner"] == "")
"""


def _run(cwd, *args):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True)


def test_adding_a_scalar_setting_is_one_model_edit_and_a_regeneration(tmp_path):
    copy = tmp_path / "tree"
    for name in ("components", "provider", "tools", "policies", "operations", "plan", "preview", "automation",
                 "docs", "Pulumi.yaml", "pyproject.toml", "__main__.py"):
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
        else:
            shutil.copy(source, copy / name)
    model = copy / "components" / "settings" / "model.py"
    anchor = "\n    # Network: either"
    assert anchor in model.read_text()
    model.write_text(model.read_text().replace(anchor, NEW_FIELDS + anchor, 1))

    stale = _run(copy, "tools/gen_settings.py", "--check")
    assert stale.returncode == 1
    assert "Pulumi.yaml is stale: run tools/gen_settings.py" in stale.stderr
    assert "components/platform_args.py is stale" in stale.stderr

    regenerated = _run(copy, "tools/gen_settings.py")
    assert regenerated.returncode == 0, regenerated.stderr
    current = _run(copy, "tools/gen_settings.py", "--check")
    assert (current.returncode, current.stderr) == (0, ""), current.stderr
    assert current.stdout.startswith("settings files current: Pulumi.yaml")

    declared = yaml.safe_load((copy / "Pulumi.yaml").read_text())["config"]
    assert declared["retentionNoteDays"] == {"type": "integer", "default": 3, "description": "A setting added by a test."}
    assert declared["noteOwner"] == {"type": "string", "default": "", "description": "Another, unset unless given."}
    assert "    retention_note_days: NotRequired[int]" in (copy / "components" / "platform_args.py").read_text()
    assert "`retentionNoteDays`" in (copy / "docs" / "reference" / "config.md").read_text()
    read = _run(copy, "-c", READ_BACK)
    assert read.stdout.split() == ["5", "None", "True"], read.stderr
