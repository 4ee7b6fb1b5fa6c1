"""reading.py's tables that mirror other sources: UNSET mirrors Pulumi.yaml's defaults and
PATTERN_TEXT the settings models' patterns, so neither can drift silently."""

import pytest
import yaml

from components.settings.base import SettingsError, SettingsModel
from components.settings.model import Settings
from components.settings.reading import PATTERN_TEXT, UNSET, parse_config_text
from plan.stack_config import PROJECT_DIR, stack_config


def _models(cls=SettingsModel):
    for sub in cls.__subclasses__():
        yield sub
        yield from _models(sub)


def _patterns() -> set[str]:
    return {m.pattern for model in _models() for field in model.model_fields.values()
            for m in field.metadata if getattr(m, "pattern", None)}


def test_unset_is_every_pulumi_yaml_default_standing_for_a_model_none():
    declared = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    by_alias = {f.alias or name: f for name, f in Settings.model_fields.items()}
    expected = {key: spec["default"] for key, spec in declared.items()
                if "default" in spec and key in by_alias and by_alias[key].default is None}
    assert expected  # Pulumi.yaml cannot declare None: some keys need a stand-in
    assert UNSET == expected


def test_every_model_pattern_has_words_and_every_text_a_pattern():
    patterns = _patterns()
    assert len(patterns) >= 5
    assert set(PATTERN_TEXT) == patterns


def test_a_pattern_refusal_is_worded_not_a_regular_expression():
    values = stack_config("dev", {"replicas": '[{"name": "dr", "region": "narnia"}]'})
    with pytest.raises(SettingsError) as refused:
        parse_config_text(values, environment="dev")
    message = str(refused.value)
    assert "rdsplatform:replicas.0.region" in message and "must be an AWS region code such as eu-west-1" in message
    assert "String should match pattern" not in message
