"""Deployability policies through the gRPC analyzer protocol: what AWS would refuse or get wrong.

Table style as tests/test_policy_pack.py: a compliant baseline, one change per case, and the
deployability policies that fire (other controls are not this file's concern and are filtered
out). Then unknown values, levels per config, and the shared evaluation front end.
"""

import pytest

from preview.analyzer import load_policy_config
from preview.harness import UNKNOWN
from tests.policy_cases import live, verdicts
from tests.deployability_cases import (BASES, CASES, STACK_CASES, UNKNOWN_CASES, _key_policy, _registration,
                                        _set, _stack_baseline)


def _names(pack):
    from rds_guardrails import deployability, deployability_stack
    names = {r.name for r in deployability.RULES + deployability_stack.RULES}
    assert names <= {p.name for p in pack.info.policies}
    return names


def _found(pack, registration):
    names = _names(pack)
    return [v for v in pack.analyze(registration) if v.policy in names]


@pytest.mark.parametrize("role", sorted(BASES))
def test_baselines_pass_every_deployability_policy(pack, role):
    assert _found(pack, _registration(role, {})) == []


@pytest.mark.parametrize("role, change, expected", CASES, ids=[f"{r}-{c}" for r, c, _ in CASES])
def test_one_change_per_case(pack, role, change, expected):
    found = _found(pack, _registration(role, change))
    assert sorted({v.policy for v in found}) == ([expected] if expected else []), [v.message for v in found]
    for v in found:
        assert v.level == "advisory"  # no config: advisory
        assert f"'{role}'" in v.message and "Fix:" in v.message


@pytest.mark.parametrize("role, change", UNKNOWN_CASES, ids=[f"{r}-{c}" for r, c in UNKNOWN_CASES])
def test_an_unknown_value_is_never_a_deployability_violation(pack, role, change):
    assert _found(pack, _registration(role, change)) == []


FAILING = [c for c in CASES if c[2]]


@pytest.mark.parametrize("stack, level", [("dev", "advisory"), ("prod", "mandatory")])
def test_dev_keeps_them_advisory_and_prod_makes_them_mandatory(pack, stack, level):
    assert FAILING
    pack.configure(load_policy_config(stack))
    for role, change, expected in FAILING:
        found = _found(pack, _registration(role, change))
        assert [(v.policy, v.level) for v in found] == [(expected, level)], (role, change)


def test_every_deployability_policy_is_advisory_without_config_and_named_in_both_configs(pack):
    names = _names(pack)
    assert {p.name for p in pack.info.policies if p.name in names and p.enforcementLevel == 0} == names
    assert {n: load_policy_config("prod")[n] for n in names} == {n: "mandatory" for n in names}
    assert {n: load_policy_config("dev")[n] for n in names} == {n: "advisory" for n in names}
    descriptions = {p.name: p.description for p in pack.info.policies if p.name in names}
    assert all("(source: " in d for d in descriptions.values()), descriptions


def _stack_found(pack, stack):
    names, resources = _names(pack), list(stack.values())
    for r in resources:
        r.outputs = r.inputs
    return {v.policy for v in pack.analyze_stack(resources) if v.policy in names}


def test_stack_baseline_passes_every_deployability_policy(pack):
    assert _stack_found(pack, _stack_baseline()) == set()


@pytest.mark.parametrize("change, expected", [c[1:] for c in STACK_CASES], ids=[c[0] for c in STACK_CASES])
def test_one_stack_change_per_case(pack, change, expected):
    stack = _stack_baseline()
    change(stack)
    assert _stack_found(pack, stack) == ({expected} if expected else set())


STACK_UNKNOWN_CASES = [(role, key) for role, r in _stack_baseline().items() for key in sorted(r.inputs)]


@pytest.mark.parametrize("role, key", STACK_UNKNOWN_CASES, ids=[f"{r}.{k}" for r, k in STACK_UNKNOWN_CASES])
def test_an_unknown_output_is_never_a_deployability_stack_violation(pack, role, key):
    # Each baseline made to fail where it can, then one output unknown: only known facts convict.
    stack = _stack_baseline()
    _set("db", manageMasterUserPassword=True, backupRetentionPeriod=0)(stack)
    _set("subnet2", availabilityZone="eu-west-1a")(stack)
    _set("key", policy=_key_policy(["cloudwatch.amazonaws.com"]))(stack)
    _set("scaling", resourceId="cluster:a1-dr")(stack)
    _set("aurora", serverlessv2ScalingConfiguration=None)(stack)
    _set("db", engineVersion="17")(stack)
    _set("replica", engineVersion="15")(stack)
    before = _stack_found(pack, stack)
    assert {"rds-replica-source-not-managed-password", "rds-multi-az-cluster-three-azs",
            "sns-topic-key-allows-publishers", "rds-global-secondary-no-autoscaling",
            "rds-serverless-v2-scaling-configuration", "rds-parameter-group-family-matches-version",
            "rds-replica-engine-version"} <= before
    stack[role].inputs[key] = UNKNOWN
    after = _stack_found(pack, stack)
    assert after <= before  # an unknown never adds a violation


@pytest.mark.parametrize("stack_name, level", [("dev", "advisory"), ("prod", "mandatory")])
def test_stack_policies_follow_the_config_level(pack, stack_name, level):
    stack = _stack_baseline()
    _set("target", dbInstanceIdentifier="db1-ro")(stack)
    pack.configure(load_policy_config(stack_name))
    resources = list(stack.values())
    for r in resources:
        r.outputs = r.inputs
    found = [(v.policy, v.level) for v in pack.analyze_stack(resources) if v.policy == "rds-proxy-target-writer"]
    assert found == [("rds-proxy-target-writer", level)]


KNOWN_STACK_CASES = [c for c in STACK_CASES if c[2]]


@pytest.mark.parametrize("change, expected", [c[1:] for c in KNOWN_STACK_CASES], ids=[c[0] for c in KNOWN_STACK_CASES])
def test_evaluate_gives_the_packs_deployability_verdicts(pack, change, expected):
    from rds_guardrails.evaluate import evaluate
    stack = _stack_baseline()
    change(stack)
    resources = list(stack.values())
    for r in resources:
        r.outputs = r.inputs
    names = _names(pack)
    by_pack = [v for v in verdicts(pack.analyze_many(resources) + pack.analyze_stack(resources)) if v[0] in names]
    found = [f for f in evaluate([live(r) for r in resources]) if f.policy in names]
    assert by_pack == verdicts(found)
    assert expected in {p for p, _, _ in by_pack}


@pytest.fixture(scope="module")
def collected_tests():
    """Node ids pytest collects from tests/ (the rules page's test column must name only these)."""
    import subprocess
    import sys
    from preview.harness import PROJECT_DIR
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "-p", "no:xdist", "tests"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    ids = {line for line in out.stdout.splitlines() if line.startswith("tests/") and "::" in line}
    assert len(ids) > 100, out.stdout[-2000:]
    return ids


def _rules_table():
    """(policy cell, test cell) of each row of docs/aws-rules.md's rules table, and the page's test-id legend."""
    import re
    from preview.harness import PROJECT_DIR
    page = (PROJECT_DIR / "docs" / "aws-rules.md").read_text()
    table = page.split("## The rules", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in table.splitlines() if re.match(r"^\| \d+[a-z]? \| ", line)]
    assert rows and all(len(r) == 6 for r in rows), [r[0] for r in rows if len(r) != 6]
    # `R[<case>]` = `tests/...[<case>]`, `F::<name>` = `tests/...::<name>`
    legend = {m.group(1): m.group(2) for m in re.finditer(r"`([A-Z](?:\[|::))<[a-z]+>\]?` = `([^`]+)`", page)}
    assert set(legend) == {"R[", "F::", "U[", "P[", "S["}, legend
    return [(r[4], r[5].rstrip(" |")) for r in rows], legend


def _test_refs(cell, legend):
    """The node ids (or test files) a test cell names, short ids expanded per the legend."""
    import re
    refs = []
    for m in re.finditer(r"(?<![\w`])([A-Z])(\[(.+?)\](?=,|\s|$|\))|::(test_\w+))", cell):
        key = m.group(1) + ("[" if m.group(3) is not None else "::")
        refs.append(re.sub(r"<[a-z]+>", lambda _, m=m: m.group(3) or m.group(4), legend[key], count=1))
    for m in re.finditer(r"`(?:tests/)?(test_\w+\.py)(::[^`]+)?`", cell):
        refs.append("tests/" + m.group(1) + (m.group(2) or ""))
    return refs


def _exists(ref, collected):
    import fnmatch
    from preview.harness import PROJECT_DIR
    if "::" not in ref:
        return (PROJECT_DIR / ref).is_file()
    if "[" in ref:
        return bool(fnmatch.filter(collected, ref.replace("[", "[[]", 1)) if "*" in ref else ref in collected)
    return ref in collected or any(c.startswith(ref + "[") for c in collected)


def test_the_rules_page_names_every_deployability_policy_and_only_tests_that_exist(pack, collected_tests):
    import re
    rows, legend = _rules_table()
    named = [set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", policy)) for policy, _ in rows]
    all_named = set().union(*named)
    assert _names(pack) <= all_named, sorted(_names(pack) - all_named)
    assert all_named <= {p.name for p in pack.info.policies}, sorted(all_named - {p.name for p in pack.info.policies})
    for (policy, test), names in zip(rows, named):
        refs = _test_refs(test, legend)
        assert refs or not names, (policy, "a row with a policy names its test")
        missing = [r for r in refs if not _exists(r, collected_tests)]
        assert not missing, (policy, missing)


@pytest.mark.parametrize("cell, missing", [
    ("R[no-such-case]", "tests/test_aws_rules.py::test_baseline_passes_and_the_change_is_refused_with_one_clear_message[no-such-case]"),
    ("F::test_no_such_fix", "tests/test_aws_rules_in_plans.py::test_no_such_fix"),
    ("`test_stacks.py::test_no_such_test`", "tests/test_stacks.py::test_no_such_test"),
    ("S[no such stack case]", "tests/test_policy_deployability.py::test_one_stack_change_per_case[no such stack case]"),
    ("U[nowhere-*]", "tests/test_second_up.py::test_second_up_changes_nothing[nowhere-*]"),
    ("`test_no_such_file.py`", "tests/test_no_such_file.py"),
])
def test_the_rules_page_check_refuses_a_test_that_does_not_exist(collected_tests, cell, missing):
    _, legend = _rules_table()
    assert _test_refs(cell, legend) == [missing]
    assert not _exists(missing, collected_tests)
