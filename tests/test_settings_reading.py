"""reading.py's words for the models' patterns: PATTERN_TEXT has one entry per pattern of a
settings model, so none can drift silently. (UNSET is derived from the model:
tests/test_gen_settings.py.)"""

import pytest

from components.settings.base import SettingsError, SettingsModel
from components.settings.reading import PATTERN_TEXT, parse_config_text
from plan.stack_config import stack_config


def _models(cls=SettingsModel):
    for sub in cls.__subclasses__():
        yield sub
        yield from _models(sub)


def _patterns() -> set[str]:
    return {m.pattern for model in _models() for field in model.model_fields.values()
            for m in field.metadata if getattr(m, "pattern", None)}


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
