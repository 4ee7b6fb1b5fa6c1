"""docs/aws-rules.md and the pack's fact files agree: the data section is generated from them
(tools/gen_aws_facts.py), every row carries its source and the date it was read, and a limit the
hand-written rules name is a row of limits.json."""

import re

import pytest

from plan.stack_config import PROJECT_DIR
from rds_guardrails.facts import load
from tests.tool_modules import load_tool

PAGE = PROJECT_DIR / "docs" / "aws-rules.md"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _generator():
    return load_tool("gen_aws_facts")


def test_the_data_section_is_what_the_fact_files_say():
    page = PAGE.read_text()
    assert _generator().render(page) == page, "run .venv/bin/python tools/gen_aws_facts.py"


def test_the_generator_rewrites_a_changed_section():
    gen = _generator()
    page = PAGE.read_text()
    stale = page.replace("| `storageModificationsPer24Hours` | `4` |", "| `storageModificationsPer24Hours` | `6` |")
    assert stale != page
    assert gen.render(stale) == page


@pytest.mark.parametrize("name", ["limits.json", "calendar.json", "auto_pause.json", "change_effects.json"])
def test_every_row_has_its_source_and_the_day_it_was_read(name):
    data = load(name)
    if name == "limits.json":
        rows = list(data["limits"].values())
    elif name == "calendar.json":
        rows = list(data["engines"].values())
    elif name == "auto_pause.json":
        rows = [data]
    else:
        rows = [{**row, "source": data["_sources"][row["source"]]}
                for t, props in data.items() if not t.startswith("_") for row in props.values()]
    assert rows
    for row in rows:
        assert DATE.fullmatch(row["read"]), row
        assert "https://" in row["source"] or "docstring" in row["source"], row


def test_a_limit_the_rules_name_is_a_row_of_limits_json():
    hand = PAGE.read_text().split("<!-- facts:begin")[0]
    named = set(re.findall(r"`([a-z]+[A-Z]\w*(?:Days|Hours|Gib|Increase|Headroom|Acu|Intervals))`", hand))
    assert {"maxAllocatedStorageMinHeadroom", "storageModificationsPer24Hours"} <= named
    assert named <= set(load("limits.json")["limits"]), named - set(load("limits.json")["limits"])
