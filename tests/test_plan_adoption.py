"""plan/adoption.py: when the provider sees no difference between the program's value and the live
one adopt recorded (docs/aws-rules.md row 93), and how a record is read."""

import json

import pytest

from plan import adoption

INSTANCE = "aws:rds/instance:Instance"
ON = {"autoMinorVersionUpgrade": True}


@pytest.mark.parametrize("type_, prop, planned, live, inputs, same", [
    (INSTANCE, "engineVersion", "16", "16.4", ON, True),                      # baseline: a prefix, upgrades on
    (INSTANCE, "engineVersion", "16", "16.4", {"autoMinorVersionUpgrade": False}, False),
    (INSTANCE, "engineVersion", "16", "16.4", {}, True),                      # the provider's default is on
    (INSTANCE, "engineVersion", "1", "16.4", ON, False),                      # a prefix of digits, not of parts
    (INSTANCE, "engineVersion", "16.4", "16.4", {"autoMinorVersionUpgrade": False}, True),
    ("aws:rds/cluster:Cluster", "engineVersion", "16", "16.4", ON, False),   # the rule is the instance's
    (INSTANCE, "instanceClass", "db", "db.r7g.large", ON, False),             # only engineVersion
    ("aws:kms/key:Key", "policy", '{"a": 1, "b": [2]}', '{"b":[2],"a":1}', {}, True),
    ("aws:kms/key:Key", "policy", '{"a": 1}', '{"a": 2}', {}, False),
    ("aws:kms/key:Key", "policy", '{"a": 1}', "not json", {}, False),
])
def test_the_provider_sees_no_difference_only_where_it_says_so(type_, prop, planned, live, inputs, same):
    assert adoption.same_as_live(type_, prop, planned, live, inputs) is same


def test_a_record_is_read_by_type_and_import_id(tmp_path):
    path = adoption.path_for(tmp_path, "prod")
    path.parent.mkdir()
    record = adoption.document("prod", "eu-west-1", "2026-12-07T15:00:00Z", "python -m operations adopt",
                               [{"type": INSTANCE, "importId": "orders-prod", "inputs": {"multiAz": False}}])
    path.write_text(json.dumps(record))
    found = adoption.read(path, "prod")
    assert found.of(INSTANCE, "orders-prod") == {"multiAz": False}
    assert found.of(INSTANCE, "orders-dev") is None
    assert path == tmp_path / "adoption" / "prod.json"


@pytest.mark.parametrize("text, said", [
    ("{", "not JSON"),
    ('{"version": 1}', "(top): 'stack' is a required property"),
])
def test_a_record_that_is_not_one_says_what_is_wrong(tmp_path, text, said):
    path = tmp_path / "prod.json"
    path.write_text(text)
    with pytest.raises(adoption.AdoptionError, match=None) as caught:
        adoption.read(path, "prod")
    assert said in str(caught.value) and str(path) in str(caught.value)
