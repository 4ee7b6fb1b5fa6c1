"""How a difference between the trusted rules and the head's is classified (preview/policy_change.py):
a compliant baseline (no change) and one change per case."""

import pytest

from preview.policy_change import code_changes, config_changes

EXCEPTION = {"id": "x", "resources": ["db-*"], "stacks": ["dev"], "reason": "r", "owner": "o@example.com",
             "expires": "2027-01-31"}
BASE = {"a": ("mandatory", {}), "t": ("mandatory", {"minimumDays": 14, "maximumDays": 90, "ports": [1, 2]}),
        "w": ("advisory", {"exceptions": [EXCEPTION]})}


def _with(name, level=None, **settings):
    rules = {k: (lvl, dict(s)) for k, (lvl, s) in BASE.items()}
    old_level, old = rules[name]
    rules[name] = (level or old_level, {**old, **settings})
    return rules


def _exception(**changes):
    return _with("w", exceptions=[{**EXCEPTION, **changes}])


CASES = [
    ("level down", _with("a", "advisory"), ("level", "a", "mandatory", "advisory", "weaker")),
    ("level off", _with("a", "disabled"), ("level", "a", "mandatory", "disabled", "weaker")),
    ("level up", _with("w", "mandatory"), ("level", "w", "advisory", "mandatory", "stricter")),
    ("mandatory to remediate", _with("a", "remediate"), ("level", "a", "mandatory", "remediate", "weaker")),
    ("minimum down", _with("t", minimumDays=7), ("setting", "t minimumDays", "14", "7", "weaker")),
    ("minimum up", _with("t", minimumDays=30), ("setting", "t minimumDays", "14", "30", "stricter")),
    ("maximum up", _with("t", maximumDays=365), ("setting", "t maximumDays", "90", "365", "weaker")),
    ("maximum down", _with("t", maximumDays=30), ("setting", "t maximumDays", "90", "30", "stricter")),
    ("list shrinks", _with("t", ports=[1]), ("setting", "t ports", "[1, 2]", "[1]", "weaker")),
    ("list grows", _with("t", ports=[1, 2, 3]), ("setting", "t ports", "[1, 2]", "[1, 2, 3]", "stricter")),
    ("unknown setting", _with("t", today="2030-01-01"), ("setting", "t today", None, "2030-01-01", "weaker")),
    ("policy added", {**BASE, "n": ("advisory", {})}, ("policy-added", "n", None, "advisory", "stricter")),
    ("policy removed", {k: v for k, v in BASE.items() if k != "a"}, ("policy-removed", "a", "mandatory", None, "weaker")),
    ("exception added", _with("w", exceptions=[EXCEPTION, {**EXCEPTION, "id": "y"}]),
     ("exception-added", "w/y", None, "until 2027-01-31", "weaker")),
    ("exception removed", _with("w", exceptions=[]), ("exception-removed", "w/x", "until 2027-01-31", None, "stricter")),
    ("exception extended", _exception(expires="2027-02-28"),
     ("exception-changed", "w/x", "expires 2027-01-31", "expires 2027-02-28", "weaker")),
    ("exception shortened", _exception(expires="2027-01-15"),
     ("exception-changed", "w/x", "expires 2027-01-31", "expires 2027-01-15", "stricter")),
    ("exception widened", _exception(resources=["db-*", "other-*"]),
     ("exception-changed", "w/x", 'resources ["db-*"]', 'resources ["db-*", "other-*"]', "weaker")),
    ("exception narrowed", _exception(resources=[]), ("exception-changed", "w/x", 'resources ["db-*"]', "resources []",
                                                      "stricter")),
    ("exception to every stack", _with("w", exceptions=[{k: v for k, v in EXCEPTION.items() if k != "stacks"}]),
     ("exception-changed", "w/x", 'stacks ["dev"]', "stacks null", "weaker")),
    ("exception's owner", _exception(owner="someone@example.com"),
     ("exception-changed", "w/x", "owner o@example.com", "owner someone@example.com", "weaker")),
]


def test_the_same_rules_are_no_change():
    assert config_changes(BASE, _with("a"), "policies/config/dev.json", True, True) == []


@pytest.mark.parametrize("case, head, expected", CASES, ids=[c[0] for c in CASES])
def test_each_change_is_classified(case, head, expected):
    changes = config_changes(BASE, head, "policies/config/dev.json", True, True)
    assert [(c.kind, c.subject, c.old, c.new, c.direction) for c in changes] == [expected]


def test_a_config_file_added_or_deleted_is_as_weak_as_what_it_changes():
    added = config_changes(BASE, _with("a", "advisory"), "policies/config/qa.json", False, True)
    assert [(c.kind, c.direction) for c in added] == [("config-added", "weaker"), ("level", "weaker")]
    deleted = config_changes(BASE, _with("w", "mandatory"), "policies/config/qa.json", True, False)
    assert [(c.kind, c.direction) for c in deleted] == [("config-deleted", "stricter"), ("level", "stricter")]
    assert deleted[0].text() == "policies/config/qa.json: config file deleted (stricter)"


def test_each_file_of_the_packs_code_is_a_weaker_change():
    changes = code_changes(["policies/requirements.txt", "policies/rds_guardrails/network.py"])
    assert [c.text() for c in changes] == [
        "policies/rds_guardrails/network.py: pack code or requirements changed (weaker)",
        "policies/requirements.txt: pack code or requirements changed (weaker)"]
