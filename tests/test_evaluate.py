"""The shared evaluation API (rds_guardrails.evaluate): the pack's rules on a plain Resource list."""

import json

import pytest

from preview.harness import PROJECT_DIR
from rds_guardrails.evaluate import Finding, Resource, evaluate, levels_from_config

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
INSTANCE = "aws:rds/instance:Instance"


def _db(**changes):
    props = {
        "identifier": "db1", "engine": "postgres", "storageEncrypted": True, "kmsKeyId": KEY,
        "publiclyAccessible": False, "dbSubnetGroupName": "private", "deletionProtection": True,
        "skipFinalSnapshot": False, "deleteAutomatedBackups": False, "backupRetentionPeriod": 7,
        "multiAz": True, "monitoringInterval": 60, "monitoringRoleArn": "arn:aws:iam::123456789012:role/mon",
        "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": KEY,
        "enabledCloudwatchLogsExports": ["postgresql", "upgrade"], "autoMinorVersionUpgrade": True,
        "copyTagsToSnapshot": True, "iamDatabaseAuthenticationEnabled": True, "username": "dbadmin",
        "manageMasterUserPassword": True, "masterUserSecretKmsKeyId": KEY, "parameterGroupName": "pg",
        "arn": "arn:aws:rds:eu-west-1:123456789012:db:db1", "tagsAll": {"Environment": "prod", "Owner": "team"},
        "engineLifecycleSupport": "open-source-rds-extended-support-disabled", "port": 5433,
    }
    props.update(changes)
    return Resource(INSTANCE, "db1", {k: v for k, v in props.items() if v is not None})


def _stack(db):
    """A compliant account around `db`: TLS group, backups copied away and in a backup plan, an alarm, a subscription."""
    tags = {"Environment": "prod", "Owner": "team"}
    return [
        db,
        Resource("aws:rds/parameterGroup:ParameterGroup", "pg",
                 {"name": "pg", "parameters": [{"name": "rds.force_ssl", "value": "1"}], "tagsAll": tags}),
        Resource("aws:backup/selection:Selection", "plan", {"resources": [db.props.get("arn")]}),
        Resource("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "copy",
                 {"sourceDbInstanceArn": db.props.get("arn"), "kmsKeyId": KEY, "retentionPeriod": 7}),
        Resource("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu",
                 {"dimensions": {"DBInstanceIdentifier": "db1"},
                  "alarmActions": ["arn:aws:sns:eu-west-1:123456789012:alerts"]}),
        Resource("aws:rds/eventSubscription:EventSubscription", "events",
                 {"sourceType": "db-instance", "sourceIds": ["db1"], "tagsAll": tags}),
    ]


def test_a_compliant_live_stack_has_no_findings():
    assert evaluate(_stack(_db())) == []


def test_resource_and_stack_findings_carry_policy_level_resource_and_message():
    findings = evaluate(_stack(_db(storageEncrypted=False, parameterGroupName="default.postgres16")))
    assert [(f.policy, f.level, f.resource) for f in findings] == [
        ("rds-storage-encrypted", "mandatory", "db1"), ("rds-tls-required", "mandatory", "db1")]
    assert findings[0] == Finding("rds-storage-encrypted", "mandatory", "db1",
                                  "Instance 'db1': storage is not encrypted (storageEncrypted is false). "
                                  "Fix: set storageEncrypted: true (with kmsKeyId).")
    assert "Fix: set parameterGroupName to a group with rds.force_ssl=1." in findings[1].message


def test_the_stack_config_sets_levels_thresholds_and_disables():
    dev = json.loads((PROJECT_DIR / "policies" / "config" / "dev.json").read_text())
    db = _db(multiAz=False, backupRetentionPeriod=3)
    assert [(f.policy, f.level) for f in evaluate([db], {**dev, "rds-cross-region-backups": "disabled"})
            if f.policy != "rds-tls-required"] == [
        ("rds-backup-retention", "mandatory"), ("rds-multi-az", "advisory"),
        ("rds-alarms-notify", "advisory"), ("rds-event-subscription", "advisory"), ("rds-backup-plan", "advisory")]
    # A threshold moves the verdict: 10 days pass the default 7 and fail a 14-day minimum.
    tuned = _db(backupRetentionPeriod=10)
    assert evaluate([tuned], {"all": "disabled", "rds-backup-retention": {"enforcementLevel": "advisory",
                                                                          "minimumDays": 14}}) == [
        Finding("rds-backup-retention", "advisory", "db1",
                "Instance 'db1': backups are kept 10 day(s), below the minimum of 14 (backupRetentionPeriod). "
                "Fix: set backupRetentionPeriod between the minimum and 35.")]
    assert evaluate([tuned], {"all": "disabled", "rds-backup-retention": "mandatory"}) == []


def test_levels_follow_the_cli_reconciliation():
    levels = levels_from_config(None)
    assert levels["rds-storage-encrypted"] == ("mandatory", {})
    assert levels["rds-proxy-iam-auth"][0] == "advisory"  # the policy's own level
    assert levels["rds-backup-retention"] == ("mandatory", {"minimumDays": 7})
    assert levels_from_config({"all": "mandatory"})["rds-proxy-iam-auth"][0] == "mandatory"  # "all" wins


@pytest.mark.parametrize("config, error", [({"rds-nope": "advisory"}, "unknown policies: rds-nope"),
                                           ({"rds-multi-az": "loud"}, "rds-multi-az: enforcement level 'loud'")])
def test_a_bad_config_is_refused(config, error):
    with pytest.raises(ValueError, match=error):
        levels_from_config(config)


def test_controls_that_read_resource_options_give_no_verdict_without_them():
    live = _db()
    assert live.options is None
    planned = Resource(INSTANCE, "db1", live.props, options={"protect": False})
    assert [f.policy for f in evaluate([planned], {"all": "disabled", "rds-protected-resource": "mandatory"})] == [
        "rds-protected-resource"]
    assert evaluate([live], {"all": "disabled", "rds-protected-resource": "mandatory"}) == []


def test_a_global_member_is_judged_on_its_options_only_when_they_are_known():
    props = {"clusterIdentifier": "c1-dr", "engine": "aurora-postgresql", "globalClusterIdentifier": "g1"}
    only = {"all": "disabled", "rds-global-cluster-ignores-replication-source": "mandatory"}
    cluster = "aws:rds/cluster:Cluster"
    assert evaluate([Resource(cluster, "dr", props)], only) == []  # live: no options, no verdict
    planned = Resource(cluster, "dr", props, options={"protect": True, "ignoreChanges": ["engineVersion"]})
    assert [(f.policy, f.resource) for f in evaluate([planned], only)] == [
        ("rds-global-cluster-ignores-replication-source", "dr")]
    ignored = Resource(cluster, "dr", props, options={"protect": True, "ignoreChanges": ["replicationSourceIdentifier"]})
    assert evaluate([ignored], only) == []


def test_deployability_levels_are_advisory_by_default_and_in_dev_mandatory_in_prod():
    from rds_guardrails import deployability, deployability_stack
    names = [r.name for r in deployability.RULES + deployability_stack.RULES]
    assert names
    configs = {stack: json.loads((PROJECT_DIR / "policies" / "config" / f"{stack}.json").read_text())
               for stack in ("dev", "prod")}
    for config, level in ((None, "advisory"), (configs["dev"], "advisory"), (configs["prod"], "mandatory")):
        levels = levels_from_config(config)
        assert {n: levels[n][0] for n in names} == {n: level for n in names}
