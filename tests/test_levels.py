"""The one enforcement-level resolver (policies/rds_guardrails/levels.py), with every form of
config the Pulumi CLI accepts (pulumi/pulumi pkg/resource/analyzer/config.go), and its callers
agreeing: the plain-Python front end, the offline gate, the reference and the contract."""

import json

import pytest
from google.protobuf import json_format

from plan.stack_config import PROJECT_DIR
from preview.analyzer import LEVEL_NAMES, PolicyConfigError, reconcile_config
from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
from rds_guardrails.evaluate import levels_from_config
from rds_guardrails.levels import PACK_LEVEL, LevelError, resolve, resolve_rules

# Three policies: one with the pack's level, one with its own (advisory), one with a threshold.
POLICIES = [("a", PACK_LEVEL, {}), ("b", "advisory", {}), ("t", PACK_LEVEL, {"minimumDays": 7})]


def _levels(config):
    return {name: level for name, (level, _) in resolve(POLICIES, config).items()}


# (config, levels of a, b, t, settings of t): one form of config per case.
FORMS = [
    (None, ("mandatory", "advisory", "mandatory"), {"minimumDays": 7}),
    ({}, ("mandatory", "advisory", "mandatory"), {"minimumDays": 7}),
    ({"a": "advisory"}, ("advisory", "advisory", "mandatory"), {"minimumDays": 7}),
    ({"a": {"enforcementLevel": "disabled"}}, ("disabled", "advisory", "mandatory"), {"minimumDays": 7}),
    ({"all": "disabled"}, ("disabled", "disabled", "disabled"), {"minimumDays": 7}),
    ({"all": {"enforcementLevel": "advisory"}}, ("advisory", "advisory", "advisory"), {"minimumDays": 7}),
    # `all` wins over a policy's own level; the policy's entry wins over `all`.
    ({"all": "mandatory", "b": "disabled"}, ("mandatory", "disabled", "mandatory"), {"minimumDays": 7}),
    # A threshold without a level keeps the level `all` (or the default) gave.
    ({"all": "advisory", "t": {"minimumDays": 14}}, ("advisory", "advisory", "advisory"), {"minimumDays": 14}),
    ({"t": {"minimumDays": 30, "enforcementLevel": "advisory"}}, ("mandatory", "advisory", "advisory"),
     {"minimumDays": 30}),
    # `all`'s settings configure no policy; an object without a level sets none.
    ({"all": {"minimumDays": 99}}, ("mandatory", "advisory", "mandatory"), {"minimumDays": 7}),
    ({"all": {}, "a": {}}, ("mandatory", "advisory", "mandatory"), {"minimumDays": 7}),
    # pulumi-policy 1.21.0 and the CLI accept remediate.
    ({"a": "remediate"}, ("remediate", "advisory", "mandatory"), {"minimumDays": 7}),
]


@pytest.mark.parametrize("config, levels, settings", FORMS)
def test_every_config_form_resolves_as_the_cli_reconciles_it(config, levels, settings):
    resolved = resolve(POLICIES, config)
    assert tuple(resolved[n][0] for n in ("a", "b", "t")) == levels
    assert resolved["t"][1] == settings


BAD = [
    ({"a": "loud"}, "a: enforcement level 'loud' is not one of advisory, mandatory, remediate, disabled"),
    ({"all": "strict"}, "all: enforcement level 'strict'"),
    ({"a": {"enforcementLevel": 2}}, "a: enforcement level 2 is not one of"),
    ({"all": {"enforcementLevel": None}}, "all: enforcement level None"),
    ({"a": 5}, "a: 5 is not a valid entry; expected a level"),
    ({"a": ["mandatory"]}, "a: ['mandatory'] is not a valid entry"),
    ({"c": "mandatory"}, "policy config names unknown policies: c"),
    ({"tt": "mandatory"}, "unknown policies: tt (did you mean t?)"),
]


@pytest.mark.parametrize("config, message", BAD)
def test_a_bad_entry_is_refused_naming_the_key_and_the_value(config, message):
    with pytest.raises(LevelError) as caught:
        resolve(POLICIES, config)
    assert message in str(caught.value)


def test_the_defaults_are_not_changed_by_a_config():
    defaults = [("t", PACK_LEVEL, {"minimumDays": 7})]
    resolve(defaults, {"t": {"minimumDays": 14}})
    assert defaults[0][2] == {"minimumDays": 7}


SHIPPED = {p.stem: json.loads(p.read_text()) for p in sorted((PROJECT_DIR / "policies" / "config").glob("*.json"))}
CALLER_CASES = [None, {"all": {"enforcementLevel": "advisory"}, "rds-backup-retention": {"minimumDays": 21}},
                {"all": "disabled", "rds-multi-az": "remediate"}, *SHIPPED.values()]


@pytest.mark.parametrize("config", CALLER_CASES, ids=["none", "all-object", "remediate", *SHIPPED])
def test_the_gate_and_the_plain_front_end_resolve_alike(running_pack, config):
    """The gate resolves from the running pack's GetAnalyzerInfo; evaluate.py from the rules."""
    gate = reconcile_config(running_pack.info, config)
    gate_levels = {name: (LEVEL_NAMES[c.enforcementLevel], json_format.MessageToDict(c.properties))
                   for name, c in gate.items()}
    assert gate_levels == levels_from_config(config)


def test_the_gate_refuses_what_the_resolver_refuses(running_pack):
    with pytest.raises(PolicyConfigError, match="rds-multi-az: 5 is not a valid entry"):
        reconcile_config(running_pack.info, {"rds-multi-az": 5})


def test_the_contract_and_the_reference_use_the_resolver():
    import tools.contracts as contracts

    items = contracts.policies()
    rules = [*RESOURCE_RULES, *STACK_RULES]
    for stack, config in SHIPPED.items():
        resolved = resolve_rules(rules, config)
        assert {name[len("policy:"):]: item[stack] for name, item in items.items()} == {
            name: level for name, (level, _) in resolved.items()}
    defaults = resolve_rules(rules, None)
    assert items["policy:rds-proxy-iam-auth"]["default"] == defaults["rds-proxy-iam-auth"][0] == "advisory"
    assert all(isinstance(item[column], str) for item in items.values() for column in item)
