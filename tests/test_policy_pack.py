"""The policy pack through the gRPC analyzer protocol, as the Pulumi CLI runs it.

Table style: a compliant baseline per resource type, then one change per case. One pack process
serves the session (tests/conftest.py); each test configures it through Configure first.
"""

import pytest

from preview.analyzer import PolicyConfigError, load_policy_config, reconcile_config
from preview.harness import UNKNOWN, Registration, run_program
from tests.policy_cases import (BASELINE)
from tests.policy_cases import resource as _resource
from tests.policy_cases import stack_baseline as _stack_baseline
from tests.policy_cases import (KEY_B, SNAPSHOT_COPY, TAGS)
from tests.pack_cases import (CASES, STACK_CASES, _add, _set, _unencrypted_db)


def test_analyzer_info_lists_every_policy_mandatory_by_default(pack):
    info = pack.info
    assert info.name == "rds-guardrails" and info.supportsConfig
    names = {p.name for p in info.policies}
    assert {case[2] for case in CASES if case[2]} <= names
    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["rds-storage-encrypted"] == 1 and levels["rds-proxy-iam-auth"] == 0  # MANDATORY, ADVISORY


@pytest.mark.parametrize("type_", sorted(BASELINE))
def test_baseline_is_compliant(pack, type_):
    assert pack.analyze(_resource(type_, {})) == []


@pytest.mark.parametrize("type_, change, expected", CASES, ids=[f"{t.split(':')[-1]}-{c}" for t, c, _ in CASES])
def test_one_change_per_case(pack, type_, change, expected):
    found = pack.analyze(_resource(type_, change))
    assert sorted({v.policy for v in found}) == ([expected] if expected else []), [v.message for v in found]
    if expected:
        assert found
        for v in found:
            assert f"'{type_.split(':')[-1].lower()}'" in v.message and "Fix:" in v.message


def test_unprotected_database_is_flagged(pack):
    found = pack.analyze(_resource("aws:rds/instance:Instance", {}, protect=False))
    assert [v.policy for v in found] == ["rds-protected-resource"]


def test_config_tunes_thresholds_and_levels(pack):
    info_resource = _resource("aws:rds/instance:Instance", {"backupRetentionPeriod": 10})
    pack.configure({"rds-backup-retention": {"minimumDays": 14}, "rds-multi-az": "advisory"})
    assert [v.policy for v in pack.analyze(info_resource)] == ["rds-backup-retention"]
    single_az = pack.analyze(_resource("aws:rds/instance:Instance", {"multiAz": False, "backupRetentionPeriod": 14}))
    assert [(v.policy, v.level) for v in single_az] == [("rds-multi-az", "advisory")]


def test_bad_policy_config_is_refused(pack):
    with pytest.raises(PolicyConfigError, match="unknown policies: rds-nope"):
        reconcile_config(pack.info, {"rds-nope": "advisory"})
    with pytest.raises(PolicyConfigError, match="rds-backup-retention"):
        reconcile_config(pack.info, {"rds-backup-retention": {"minimumDays": 90}})


# --- stack policies -----------------------------------------------------------------------------

def _stack(pack, resources):
    for r in resources:
        r.outputs = r.inputs
    return {v.policy for v in pack.analyze_stack(resources)}


def test_tls_parameter_group_is_followed_from_instance_to_group(pack):
    db = _resource("aws:rds/instance:Instance", {"parameterGroupName": "pg"})
    group = Registration("urn:pg", "aws:rds/parameterGroup:ParameterGroup", "pg", True, "", "",
                         {"name": "pg", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}, {})
    assert "rds-tls-required" not in _stack(pack, [db, group])
    group.inputs["parameters"][0]["value"] = "0"
    assert "rds-tls-required" in _stack(pack, [db, group])
    default = _resource("aws:rds/instance:Instance", {"parameterGroupName": "default.postgres16"})
    assert "rds-tls-required" in _stack(pack, [default])


# --- our own stacks -----------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_own_stacks_have_no_mandatory_violation(stack, stack_plans, pack):
    plan = stack_plans[stack]
    pack.configure(load_policy_config(stack))
    mandatory = sorted({v.policy for v in pack.check_plan(plan) if v.level == "mandatory"})
    assert mandatory == []


BROKEN_PROD = [
    ({"multiAz": False}, "rds-multi-az"),
    ({"deletionProtection": False}, "rds-deletion-protection"),
    ({"protectResources": False}, "rds-protected-resource"),
    ({"backupRetentionDays": 3}, "rds-backup-retention"),
    ({"performanceInsights": False}, "rds-performance-insights"),
    ({"monitoringInterval": 0}, "rds-enhanced-monitoring"),
    ({"iamAuth": False}, "rds-iam-authentication"),
    ({"logRetentionDays": 14}, "log-group-retention"),
    ({"secretRotationDays": 0}, "rds-credentials-rotate"),
    ({"alarms": {"enabled": False}}, "rds-alarms-notify"),
    ({"alarms": {"enabled": False}}, "rds-event-subscription"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}},
     "rds-cross-region-backups"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16", "backupRetentionDays": 3}},
     "rds-backup-replication-retention"),
]


@pytest.mark.parametrize("overrides, policy", BROKEN_PROD, ids=[f"{p}-{i}" for i, (_, p) in enumerate(BROKEN_PROD)])
def test_broken_prod_variants_are_caught(overrides, policy, pack):
    plan = run_program("prod", overrides)
    assert plan.error is None, plan.error
    pack.configure(load_policy_config("prod"))
    found = [v for v in pack.check_plan(plan) if v.level == "mandatory" and v.policy == policy]
    assert found, f"{overrides} was not caught by {policy}"


def test_stack_baseline_is_compliant(pack):
    assert _stack(pack, list(_stack_baseline().values())) == set()


@pytest.mark.parametrize("change, config, expected", [c[1:] for c in STACK_CASES], ids=[c[0] for c in STACK_CASES])
def test_one_stack_change_per_case(change, config, expected, pack):
    stack = _stack_baseline()
    change(stack)
    if config is not None:
        pack.configure(config)
    found = _stack(pack, list(stack.values()))
    assert found == ({expected} if expected else set())


def test_numbers_in_messages_read_as_people_write_them(pack):
    stack = _stack_baseline()
    _set("db", "manageMasterUserPassword", None)(stack)
    messages = [v.message for v in pack.analyze_stack(list(stack.values()))]
    assert any("at most 90 days" in m for m in messages), messages

# (type, change, policy config, policy expected to fire or None): each threshold or list moves
# the verdict on a resource the default config judges the other way.
CONFIG_CASES = [
    ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
     {"cidrIpv4": "0.0.0.0/0", "fromPort": 6379, "toPort": 6379},
     {"no-public-ingress-to-database-ports-vpc-rule": {"ports": [6379]}}, "no-public-ingress-to-database-ports-vpc-rule"),
    ("aws:ec2/securityGroupRule:SecurityGroupRule", {"cidrBlocks": ["0.0.0.0/0"]},
     {"no-public-ingress-to-database-ports-rule": {"ports": [6379]}}, None),
    ("aws:ec2/securityGroup:SecurityGroup",
     {"ingress": [{"protocol": "tcp", "fromPort": 27017, "toPort": 27017, "cidrBlocks": ["0.0.0.0/0"]}]},
     {"no-public-ingress-to-database-ports": {"ports": [27017]}}, "no-public-ingress-to-database-ports"),
    ("aws:secretsmanager/secret:Secret", {"recoveryWindowInDays": 10},
     {"secret-recovery-window": {"minimumDays": 30}}, "secret-recovery-window"),
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", {"retentionPeriod": 7},
     {"rds-backup-replication-retention": {"minimumDays": 14}}, "rds-backup-replication-retention"),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 30},
     {"log-group-retention": {"minimumDays": 365}}, "log-group-retention"),
    ("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 7},
     {"log-group-retention": {"minimumDays": 7}}, None),
    ("aws:rds/instance:Instance", {"username": "dbadmin"},
     {"rds-no-default-master-username": {"forbidden": ["dbadmin"]}}, "rds-no-default-master-username"),
    ("aws:rds/instance:Instance", {"username": "postgres"},
     {"rds-no-default-master-username": {"forbidden": ["admin"]}}, None),
]


@pytest.mark.parametrize("type_, change, config, expected", CONFIG_CASES,
                         ids=[f"{t.split(':')[-1]}-{list(c)[0]}-{i}" for i, (t, _, c, _) in enumerate(CONFIG_CASES)])
def test_policy_config_moves_the_verdict(type_, change, config, expected, pack):
    # The default config judges the other way: the verdict moves because of the config.
    before = {v.policy for v in pack.analyze(_resource(type_, change))}
    pack.configure(config)
    found = {v.policy for v in pack.analyze(_resource(type_, change))}
    assert before != found
    assert found == ({expected} if expected else set())


# Every property of every baseline, one at a time, made unknown (a first preview): no policy
# may fire or fail on it.
UNKNOWN_CASES = [(t, k) for t in sorted(BASELINE) for k in sorted(BASELINE[t])]


@pytest.mark.parametrize("type_, key", UNKNOWN_CASES, ids=[f"{t.split(':')[-1]}.{k}" for t, k in UNKNOWN_CASES])
def test_an_unknown_property_is_never_a_violation(pack, type_, key):
    assert pack.analyze(_resource(type_, {key: UNKNOWN})) == []


STACK_UNKNOWN_CASES = [(role, key) for role, r in _stack_baseline().items() for key in sorted(r.inputs)]


@pytest.mark.parametrize("role, key", STACK_UNKNOWN_CASES, ids=[f"{r}.{k}" for r, k in STACK_UNKNOWN_CASES])
def test_an_unknown_output_is_never_a_stack_violation(pack, role, key):
    stack = _stack_baseline()
    stack[role].inputs[key] = UNKNOWN
    found = _stack(pack, list(stack.values()))
    assert found == set(), f"{role}.{key} unknown fired {found}"


# Standard support of PostgreSQL 16 ends on 2029-02-28 (lifecycle.TABLE): 180 days before is
# 2028-09-01. `today` is given in every case, so no verdict depends on the day the tests run.
@pytest.mark.parametrize("type_, today, warning_days, version, lifecycle_value, expected", [
    ("aws:rds/instance:Instance", "2028-08-31", 180, "16", None, None),  # 181 days ahead: not yet
    ("aws:rds/instance:Instance", "2028-09-01", 180, "16", "open-source-rds-extended-support-disabled",
     "ends on 2029-02-28, within the 180-day warning: after that RDS refuses to create it and upgrades an "
     "existing one"),
    ("aws:rds/instance:Instance", "2028-09-01", 180, "16", "open-source-rds-extended-support",
     "within the 180-day warning: after that RDS bills Extended Support"),
    # 816 days from 2026-12-05 to 2029-02-28.
    ("aws:rds/instance:Instance", "2026-12-05", 816, "16", None, "ends on 2029-02-28, within the 816-day warning"),
    ("aws:rds/instance:Instance", "2026-12-05", 815, "16", None, None),
    ("aws:rds/instance:Instance", "2026-12-05", 180, "13", "open-source-rds-extended-support-disabled",
     "standard support of postgres 13 ended on 2026-02-28: RDS refuses to create it"),
    ("aws:rds/cluster:Cluster", "2029-03-01", 180, "16.4", None,
     "standard support of aurora-postgresql 16 ended on 2029-02-28: RDS bills Extended Support for it"),
    ("aws:rds/instance:Instance", "2026-12-05", 180, "99", "open-source-rds-extended-support-disabled", None),
    # MariaDB 10.6: standard support ends on 2026-12-31, and RDS for MariaDB has no Extended Support.
    ("mariadb", "2026-12-07", 180, "10.6", None,
     "standard support of mariadb 10.6 ends on 2026-12-31, within the 180-day warning: after that mariadb 10.6 has "
     "no RDS Extended Support"),
    ("mariadb", "2026-12-07", 180, "11.4", None, None),
])
def test_standard_support_warning_counts_days_from_the_policys_today(pack, type_, today, warning_days, version,
                                                                      lifecycle_value, expected):
    pack.configure({"rds-standard-support-ending": {"today": today, "warningDays": warning_days},
                    "rds-extended-support-disabled": "disabled",
                    "rds-engine-version-past-standard-support": "disabled"})
    change = {"engineVersion": version, "engineLifecycleSupport": lifecycle_value}
    if type_ == "mariadb":  # an RDS for MariaDB instance takes no engineLifecycleSupport
        type_, change = "aws:rds/instance:Instance", {"engine": "mariadb", "engineVersion": version,
                                                      "engineLifecycleSupport": None,
                                                      "enabledCloudwatchLogsExports": ["audit", "error", "general",
                                                                                       "slowquery"]}
    messages = [v.message for v in pack.analyze(_resource(type_, change))]
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1 and expected in messages[0], messages


# --- RDS.4: which snapshot is at fault, not only which policy ---------------------------------------------------------

@pytest.mark.parametrize("copy_key, flagged", [(KEY_B, {"urn:snap"}), (None, {"urn:snap", "urn:copy"})],
                         ids=["copy-with-its-own-key", "copy-without-a-key"])
def test_a_copy_with_its_own_key_is_encrypted_whatever_its_source(pack, copy_key, flagged):
    stack = _stack_baseline()
    _unencrypted_db(stack)
    _add("copy", SNAPSHOT_COPY, {"sourceDbSnapshotIdentifier": "snap1", "targetDbSnapshotIdentifier": "copy1",
                                 "tagsAll": TAGS, **({"kmsKeyId": copy_key} if copy_key else {})})(stack)
    for r in stack.values():
        r.outputs = r.inputs
    found = {v.urn for v in pack.analyze_stack(list(stack.values())) if v.policy == "rds-snapshot-encrypted"}
    assert found == flagged
