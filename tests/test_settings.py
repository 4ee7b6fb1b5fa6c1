"""Settings validation: each class of bad config gets one readable message, and no resource."""

import pydantic
import pytest

from components.settings import SettingsError, parse
from preview.harness import run_program

# (overrides on top of the dev stack, text the message must contain)
BAD_CONFIG = [
    ({"engine": "oracle-ee"}, "rdsplatform:engine = \"oracle-ee\": Input should be 'postgres', 'mysql', 'mariadb', 'aurora-postgresql' or 'aurora-mysql'"),
    ({"engineVersion": "9.6"}, "postgres 9.6 is not offered; allowed major versions: 13, 14, 15, 16, 17, 18"),
    ({"engineVersion": "sixteen"}, "not a postgres version"),
    ({"engine": "mysql", "engineVersion": "5.7.44"}, "mysql 5.7 is not offered"),
    ({"instanceClass": "m5.large"}, "must look like db.<family>.<size>"),
    ({"instanceClass": "db.t2.micro"}, "family 't2' is not offered"),
    ({"storageType": "st1"}, "rdsplatform:storageType = \"st1\""),
    ({"allocatedStorage": 10}, "allocatedStorage = 10: gp3 needs 20..65536 GiB"),
    ({"storageType": "io1", "allocatedStorage": 50, "iops": 1000}, "io1 needs 100..65536 GiB"),
    ({"storageType": "io1", "allocatedStorage": 100}, "iops is required for io1 storage"),
    ({"storageType": "io1", "allocatedStorage": 100, "iops": 6000}, "io1 allows 0.5..50 IOPS per GiB"),
    ({"storageType": "io2", "allocatedStorage": 100, "iops": 300}, "io2 takes 1000..256000"),
    ({"iops": 12000}, "gp3 below 400 GiB runs at its baseline"),
    ({"storageThroughput": 600}, "gp3 below 400 GiB runs at its baseline"),
    ({"allocatedStorage": 400, "iops": 12000, "storageThroughput": 4000}, "at most 0.25 MiB/s per provisioned IOPS"),
    ({"storageType": "gp2", "iops": 3000}, "gp2 storage has no provisioned IOPS"),
    ({"allocatedStorage": 60, "maxAllocatedStorage": 50}, "must be at least 10 % above allocatedStorage (60), so 66"),
    ({"backupRetentionDays": 0}, "backupRetentionDays = 0: Input should be greater than or equal to 1"),
    ({"backupRetentionDays": 36}, "backupRetentionDays = 36: Input should be less than or equal to 35"),
    ({"backupWindow": "3am-4am"}, "must be hh24:mi-hh24:mi"),
    ({"backupWindow": "03:00-03:10"}, "at least 30 minutes"),
    ({"maintenanceWindow": "sunday:05:00-sunday:06:00"}, "must be ddd:hh24:mi-ddd:hh24:mi"),
    ({"backupWindow": "05:30-06:30", "maintenanceWindow": "sun:06:00-sun:07:00"}, "RDS refuses overlapping windows"),
    ({"backupWindow": "23:30-00:30", "maintenanceWindow": "mon:00:00-mon:01:00"}, "RDS refuses overlapping windows"),
    ({"allowedCidrs": ["0.0.0.0/0"]}, "0.0.0.0/0 is not a private range"),
    ({"allowedCidrs": ["8.8.8.0/24"]}, "8.8.8.0/24 is not a private range"),
    ({"allowedCidrs": ["10.0.0.0/33"]}, "is not a CIDR block"),
    ({"vpcCidr": "10.0.0.0/8"}, "must be between /16 and /24"),
    ({"masterUsername": "postgres"}, "a default or reserved name on postgres"),
    ({"masterUsername": "Admin"}, "a default or reserved name"),
    ({"credentialsMode": "managed", "blueGreenUpdate": True}, "blue/green deployments do not support an RDS-managed master password"),
    ({"parameters": {"rds.force_ssl": "0"}}, "TLS is enforced by the platform"),
    ({"monitoringInterval": 7}, "must be one of 0, 1, 5, 10, 15, 30, 60"),
    ({"performanceInsightsRetentionDays": 30}, "must be 7, a multiple of 31"),
    ({"logRetentionDays": 45}, "logRetentionDays = 45: must be one of"),
    ({"subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]}, "subnetIds is set but rdsplatform:vpcId is not"),
    ({"vpcId": "vpc-0123456789abcdef0", "subnetIds": ["subnet-0123456789abcdef0"]}, "at least 2 availability zones"),
    ({"subnetIds": ["subnet-xyz"]}, "are not subnet ids"),
    ({"allowedSecurityGroupIds": ["sg-0123456789abcdef0"]}, "allowedSecurityGroupIds needs rdsplatform:vpcId"),
    ({"multiAZ": True}, "rdsplatform:multiAZ: unknown setting"),
    ({"name": "App_DB"}, "rdsplatform:name = \"App_DB\""),
    ({"name": "app--db"}, "two hyphens in a row"),
    ({"tags": {"Environment": "x"}}, "set by the platform or reserved by AWS"),
    ({"multiAz": "maybe"}, "rdsplatform:multiAz = \"maybe\": Input should be a valid boolean"),
    # Engine versions: a pinned minor drifts once RDS upgrades it.
    ({"engineVersion": "16.4"}, "pins a minor version while rdsplatform:autoMinorVersionUpgrade is on"),
    # Replicas and the DR region.
    ({"replicas": [{"name": f"r{i}"} for i in range(16)]}, "16 replicas; postgres allows at most 15"),
    ({"replicas": [{"name": "a"}]}, "rdsplatform:replicas.0.name = \"a\""),
    ({"replicas": [{"name": "ro"}, {"name": "ro"}]}, "names ['ro'] are used twice"),
    ({"replicas": [{"name": "ro", "instanceClass": "db.t2.micro"}]}, "rdsplatform:replicas.0.instanceClass"),
    ({"replicas": [{"name": "ro", "maxAllocatedStorage": 10}]}, "replicas.0 (ro).maxAllocatedStorage = 10: must be at least 10 % above"),
    ({"replicas": [{"name": "dr", "region": "eu-central-1"}]},
     "a cross-region replica needs a key and a network in that region"),
    ({"replicas": [{"name": "dr", "region": "us-east-1"}], "disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.9.0.0/16"}},
     "set rdsplatform:disasterRecovery.region to 'us-east-1'"),
    ({"replicas": [{"name": "dr", "region": "eu_central"}]}, "rdsplatform:replicas.0.region"),
    ({"disasterRecovery": {"region": "eu-central-1"}}, "no network in eu-central-1"),
    ({"disasterRecovery": {"region": "eu-west-1", "vpcCidr": "10.9.0.0/16"}}, "must differ from aws:region"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.42.0.0/16"}}, "choose a range that does not overlap"),
    ({"disasterRecovery": {"region": "eu-central-1", "subnetIds": ["subnet-0123456789abcdef0"]}},
     "subnetIds needs vpcId and private subnets in at least 2"),
    ({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.9.0.0/16", "backupRetentionDays": 0}},
     "disasterRecovery.backupRetentionDays = 0"),
    # Proxy.
    ({"proxy": {"maxConnectionsPercent": 40, "maxIdleConnectionsPercent": 50}}, "must be at most maxConnectionsPercent (40)"),
    ({"proxy": {"idleClientTimeout": 0}}, "proxy.idleClientTimeout = 0: must be 1..28800 seconds"),
    ({"proxy": {"connectionBorrowTimeout": 301}}, "must be 0..300 seconds"),
    ({"proxy": {"requireTls": False}}, "rdsplatform:proxy.requireTls: unknown setting"),
    # Alarms.
    ({"alarms": {"thresholds": {"cpu": 90}}}, "unknown ['cpu']; allowed: cpuUtilizationPercent"),
    ({"alarms": {"emails": ["oncall"]}}, "['oncall'] are not email addresses"),
    ({"alarms": {"httpsEndpoints": ["https://hooks.example.com/x"]}}, "set them in the secret key rdsplatform:alarmHttpsEndpoints"),
    ({"alarmHttpsEndpoints": ["http://hooks.example.com/x"]}, "alarmHttpsEndpoints = [secret]: item(s) 0 are not https:// URLs"),
    ({"alarms": {"enabled": False, "emails": ["a@example.com"]}}, "enabled is false but emails"),
    # Restore on creation.
    ({"restore": {}}, "set snapshotIdentifier (restore a snapshot) or sourceDbInstanceIdentifier"),
    ({"restore": {"snapshotIdentifier": "snap-1", "sourceDbInstanceIdentifier": "old"}}, "not both"),
    ({"restore": {"sourceDbInstanceIdentifier": "old"}}, "exactly one of restoreTime and useLatestRestorableTime"),
    ({"restore": {"sourceDbInstanceIdentifier": "old", "restoreTime": "2026-11-20T03:30:00Z",
                  "useLatestRestorableTime": True}}, "exactly one of restoreTime"),
    ({"restore": {"sourceDbInstanceIdentifier": "old", "restoreTime": "yesterday"}}, "must be UTC in ISO 8601"),
    ({"restore": {"snapshotIdentifier": "snap-1", "useLatestRestorableTime": True}}, "need sourceDbInstanceIdentifier"),
    ({"restore": {"sourceDbInstanceIdentifier": "appdb-dev", "useLatestRestorableTime": True}}, "is this stack's own database"),
]


@pytest.mark.parametrize("overrides, expected", BAD_CONFIG, ids=[str(o) for o, _ in BAD_CONFIG])
def test_bad_config_is_refused_before_any_resource(overrides, expected):
    plan = run_program("dev", overrides)
    assert plan.error is not None, f"{overrides} was accepted"
    assert expected in plan.error
    assert "Traceback" not in plan.error
    assert plan.resources == [], "a refused config must not leave half a plan"


def test_every_problem_is_reported_at_once():
    plan = run_program("dev", {"engine": "oracle", "storageType": "st1", "backupRetentionDays": 99})
    assert "3 problem(s)" in plan.error
    for key in ("rdsplatform:engine", "rdsplatform:storageType", "rdsplatform:backupRetentionDays"):
        assert key in plan.error


def test_cross_field_problems_are_all_reported():
    plan = run_program("dev", {"masterUsername": "root", "allocatedStorage": 10, "iops": 3000})
    assert "3 problem(s)" in plan.error


def test_missing_region_is_named():
    with pytest.raises(SettingsError, match="aws:region: required"):
        parse({}, environment="dev", region=None)


GOOD_CONFIG = [
    {"engine": "mysql", "engineVersion": "8.4", "performanceInsights": False},
    {"engine": "mysql", "engineVersion": "8.4.3", "autoMinorVersionUpgrade": False, "performanceInsights": False},
    {"engine": "mariadb", "engineVersion": "", "instanceClass": "db.t4g.medium"},
    {"storageType": "io1", "allocatedStorage": 100, "iops": 5000, "maxAllocatedStorage": 200},
    {"storageType": "io2", "allocatedStorage": 100, "iops": 64000, "maxAllocatedStorage": 200},
    {"allocatedStorage": 400, "iops": 12000, "storageThroughput": 500, "maxAllocatedStorage": 0},
    {"maxAllocatedStorage": 0},
    {"backupWindow": "22:00-23:00", "maintenanceWindow": "sat:23:30-sun:00:30"},
    {"allowedCidrs": ["192.168.0.0/24", "fd00::/8"]},
    {"vpcId": "vpc-0123456789abcdef0", "subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
     "allowedSecurityGroupIds": ["sg-0123456789abcdef0"]},
    {"credentialsMode": "generated", "blueGreenUpdate": True},
    {"replicas": [{"name": "ro"}], "proxy": {}, "alarms": {"enabled": True, "dashboard": False}},
    {"restore": {"snapshotIdentifier": "arn:aws:rds:eu-west-1:123456789012:snapshot:appdb-2026-11-01"}},
]


@pytest.mark.parametrize("overrides", GOOD_CONFIG, ids=[str(o) for o in GOOD_CONFIG])
def test_good_config_builds_a_database(overrides):
    plan = run_program("dev", overrides)
    assert plan.error is None, plan.error
    assert len([i for i in plan.of_type("aws:rds/instance:Instance") if "replicateSourceDb" not in i.inputs]) == 1


def test_settings_are_frozen():
    settings = parse({}, environment="dev", region="eu-west-1")
    with pytest.raises(pydantic.ValidationError) as raised:
        settings.multi_az = False  # type: ignore[misc]
    assert [e["type"] for e in raised.value.errors()] == ["frozen_instance"]
    with pytest.raises(pydantic.ValidationError, match="frozen_instance"):
        settings.alarms.enabled = False  # type: ignore[misc]
    assert settings.multi_az is True and settings.alarms.enabled is True


def test_defaults_are_the_secure_ones():
    s = parse({}, environment="prod", region="eu-west-1")
    assert (s.multi_az, s.deletion_protection, s.protect_resources, s.iam_auth) == (True, True, True, True)
    assert s.backup_retention_days >= 7 and s.performance_insights and s.monitoring_interval
    assert s.credentials_mode == "managed" and s.allowed_cidrs == ()
