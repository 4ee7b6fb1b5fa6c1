"""The contract snapshot is the code's, and every change since the last release is in the CHANGELOG."""

import re

import pytest

from plan.stack_config import PROJECT_DIR
from tests.tool_modules import load_tool

contracts = load_tool("contracts")

CHANGELOG = (PROJECT_DIR / "CHANGELOG.md").read_text()
HEAD = ("# Changelog\n\nEvery change to a contract of this project: config keys, outputs, policy names and levels, "
        "exit codes, JSON shapes, CLI options, the component schema. **Breaking** marks a change that can break a "
        "consumer.\n\n## Unreleased\n")


@pytest.fixture(scope="module")
def current():
    return contracts.contract()


def unreleased(changelog: str) -> str:
    return changelog.split("## Unreleased\n", 1)[1].split("\n## ", 1)[0]


def missing_entries(changed: list[str], changelog: str) -> list[str]:
    """Changed items not named as `kind:name` under Unreleased."""
    named = set(re.findall(r"`([a-z]+:[^`]+)`", unreleased(changelog)))
    return [item for item in changed if item not in named]


def test_the_snapshot_is_the_codes_contract(current):
    committed = contracts.CONTRACT_FILE.read_text()
    assert committed == contracts.render(current), (
        f"contracts/contract.json differs from the code: run `{contracts.REGENERATE}`, then name each "
        "changed item under the CHANGELOG's Unreleased")


def test_the_contract_covers_every_kind(current):
    kinds = {item.split(":")[0] for item in current}
    assert kinds == {"config", "output", "policy", "exit", "json"}
    assert current["exit:automation:6"] == ["StackBusyError"]
    assert current["policy:rds-proxy-iam-auth"]["default"] == "advisory"
    assert current["config:engine"]["declared"] == {"type": "string", "default": "postgres"}
    assert "config:replicas.region" in current and "output:endpoint" in current


def test_every_change_since_the_last_release_is_in_the_changelog(current):
    version, released = contracts.last_released()
    changed = contracts.changed_items(released, current)
    assert missing_entries(changed, CHANGELOG) == [], (
        f"contract items changed since {version}; name each as `kind:name` in a bullet under "
        "the CHANGELOG's Unreleased (**Breaking** when a consumer can break)")


def test_the_changelog_starts_with_its_fixed_head():
    assert CHANGELOG.startswith(HEAD)


BASE = {"config:engine": {"type": "str"}, "output:endpoint": "exported",
        "policy:rds-multi-az": {"default": "mandatory", "dev": "advisory"}, "exit:preview:3": "EXIT_AT_RISK"}


@pytest.mark.parametrize("change, item", [
    (lambda c: c.update({"config:newKey": {"type": "int"}}), "config:newKey"),
    (lambda c: c.pop("output:endpoint"), "output:endpoint"),
    (lambda c: c.update({"policy:rds-multi-az": {"default": "advisory", "dev": "advisory"}}), "policy:rds-multi-az"),
    (lambda c: c.update({"exit:preview:3": "EXIT_DATA"}), "exit:preview:3"),
])
def test_a_change_without_an_entry_is_named(change, item):
    new = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE.items()}
    change(new)
    assert contracts.changed_items(BASE, BASE) == []
    changed = contracts.changed_items(BASE, new)
    assert changed == [item]
    assert missing_entries(changed, HEAD) == [item]
    with_entry = HEAD + f"\n- **Breaking**: `{item}` changed.\n\n## 1.0.0\n"
    assert missing_entries(changed, with_entry) == []
    # An entry under a released section does not count.
    assert missing_entries(changed, HEAD + f"\n## 1.0.0\n\n- `{item}`\n") == [item]
