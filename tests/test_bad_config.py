"""A table of bad configs through `python -m preview` (in-process): each exits 2, names its key,
shows no traceback, never echoes a secret, and registers nothing."""

import json
import re
import shutil
import subprocess
import sys

import pytest

import preview.__main__ as preview_main
from plan.stack_config import PROJECT_DIR

LONG = "a" * 40
PROXY = {"proxy": {}}
DR = {"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16"}}
AURORA = {"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large"}
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
ADOPTED = {"database": "appdb-dev", "kmsKey": KEY, "subnetGroup": "legacy-subnets"}


def case(overrides, key, fragment="", stack="dev", secret=None):
    """One bad config: overrides on `stack`, the key the message names, a text it contains, and a
    secret text it must not contain."""
    return pytest.param(overrides, key, fragment, stack, secret, id=f"{stack}:{json.dumps(overrides)[:90]}")


CASES = [
    # --- namespaces and unknown keys ----------------------------------------------------------
    case({"rdsplatfrom:engine": "mysql"}, "rdsplatfrom:engine", "did you mean rdsplatform:engine?"),
    case({"rdsplatfom:name": "x"}, "rdsplatfom:name", "did you mean rdsplatform:name?"),
    case({"rdsplatforms:multiAz": "true"}, "rdsplatforms:multiAz", "did you mean rdsplatform:multiAz?"),
    case({"rdsplatfrom:tags": "{}"}, "rdsplatfrom:tags", "unknown namespace"),
    case({"asw:region": "eu-west-1"}, "asw:region", "did you mean aws:region?"),
    case({"aws:regoin": "eu-west-1"}, "aws:regoin", "did you mean aws:region?"),
    case({"aws:regions": "eu-west-1"}, "aws:regions", "did you mean aws:region?"),
    case({"multiAZ": True}, "rdsplatform:multiAZ", "did you mean multiAz?"),
    case({"engin": "mysql"}, "rdsplatform:engin", "did you mean engine?"),
    case({"backupRetention": 7}, "rdsplatform:backupRetention", "unknown setting"),
    case({"proxy": {"requireTls": False}}, "rdsplatform:proxy.requireTls", "unknown setting"),
    case({"proxy": {"iamAuthh": True}}, "rdsplatform:proxy.iamAuthh", "did you mean iamAuth?"),
    case({"replicas": [{"name": "ro", "instanceClas": "db.t4g.micro"}]}, "rdsplatform:replicas.0.instanceClas",
         "did you mean instanceClass?"),
    case({"alarms": {"email": ["a@example.com"]}}, "rdsplatform:alarms.email", "did you mean emails?"),
    case({"disasterRecovery": {"region": "eu-central-1", "vpcCIDR": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.vpcCIDR", "did you mean vpcCidr?"),
    case({"restore": {"snapshot": "s"}}, "rdsplatform:restore.snapshot", "unknown setting"),
    case({"cluster": {"reader": 1}}, "rdsplatform:cluster.reader", "unknown setting"),
    # --- shapes -------------------------------------------------------------------------------
    case({"tags": ["a", "b"]}, "rdsplatform:tags", "must be an object"),
    case({"replicas": {"name": "ro"}}, "rdsplatform:replicas", "must be a list"),
    case({"alarms": ["a@example.com"]}, "rdsplatform:alarms", ""),
    case({"allowedCidrs": "10.0.0.0/8"}, "rdsplatform:allowedCidrs", "not valid JSON"),
    case({"proxy": "yes"}, "rdsplatform:proxy", "not valid JSON"),
    case({"parameters": ["a"]}, "rdsplatform:parameters", "must be an object"),
    case({"allocatedStorage": "abc"}, "rdsplatform:allocatedStorage", "valid integer"),
    case({"allocatedStorage": "1e3"}, "rdsplatform:allocatedStorage", "valid integer"),
    case({"multiAz": "maybe"}, "rdsplatform:multiAz", "valid boolean"),
    case({"port": "x"}, "rdsplatform:port", "valid integer"),
    case({"subnetIds": {"a": 1}}, "rdsplatform:subnetIds", ""),
    case({"replicas": [1, 2]}, "rdsplatform:replicas.0", ""),
    case({"disasterRecovery": []}, "rdsplatform:disasterRecovery", "must be an object"),
    case({"alarms": {"thresholds": [1]}}, "rdsplatform:alarms.thresholds", "must be an object"),
    case({"tags": {"Team": 1}}, "rdsplatform:tags.Team", "must be text"),
    case({"restore": "snap"}, "rdsplatform:restore", "not valid JSON"),
    case({"replicas": [{}]}, "rdsplatform:replicas.0.name", "required"),
    # --- NaN and infinities -------------------------------------------------------------------
    case({"alarms": '{"thresholds": {"cpuUtilizationPercent": NaN}}'}, "rdsplatform:alarms.thresholds", "finite"),
    case({"alarms": '{"thresholds": {"cpuUtilizationPercent": Infinity}}'}, "rdsplatform:alarms.thresholds", "finite"),
    case({"alarms": '{"thresholds": {"freeStorageGiB": -Infinity}}'}, "rdsplatform:alarms.thresholds", "finite"),
    case({"alarms": '{"thresholds": {"readLatencyMs": NaN, "writeLatencyMs": NaN}}'},
         "rdsplatform:alarms.thresholds.readLatencyMs", "finite"),
    case({"allocatedStorage": "nan"}, "rdsplatform:allocatedStorage", "valid integer"),
    case({"iops": "inf"}, "rdsplatform:iops", "valid integer"),
    case({"cluster": '{"serverlessMaxAcu": NaN}'}, "rdsplatform:cluster.serverlessMaxAcu", ""),
    # --- regions ------------------------------------------------------------------------------
    case({"aws:region": "narnia"}, "aws:region", "not an AWS region that offers RDS (botocore"),
    case({"aws:region": "eu-wst-1"}, "aws:region", "did you mean eu-west-1"),
    case({"aws:region": "EU-WEST-1"}, "aws:region", "botocore"),
    case({"aws:region": "us-east-7"}, "aws:region", "botocore"),
    case({"aws:region": ""}, "aws:region", "required"),
    case({"replicas": [{"name": "dr", "region": "narnia"}]}, "rdsplatform:replicas.0.region", ""),
    case({"disasterRecovery": {"region": "xx-west-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.region", "not an AWS region that offers RDS"),
    case({"replicas": [{"name": "dr", "region": "xx-west-1"}],
          "disasterRecovery": {"region": "xx-west-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:replicas.0.region", "not an AWS region"),
    # --- partitions: no copy of the database leaves aws:region's partition ---------------------
    case({"disasterRecovery": {"region": "cn-north-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.region", "(aws-cn partition) with aws:region = 'eu-west-1' (aws partition)"),
    case({"disasterRecovery": {"region": "us-gov-west-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}},
         "rdsplatform:disasterRecovery.region", "AWS does not replicate across partitions"),
    case({"aws:region": "cn-north-1", "disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.region", "choose a region of the aws-cn partition, e.g. cn-northwest-1"),
    case({"aws:region": "us-gov-west-1", "disasterRecovery": {"region": "us-east-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.region", "e.g. us-gov-east-1"),
    case({"disasterRecovery": {"region": "cn-north-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.region", "USER_ReplicateBackups.html, AWS Region support", stack="prod"),
    case({"replicas": [{"name": "reporting"}, {"name": "dr", "region": "cn-northwest-1"}],
          "disasterRecovery": {"region": "cn-northwest-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:replicas.1 (dr).region", "Cross-Region replication considerations", stack="prod"),
    case({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
          "disasterRecovery": {"region": "us-gov-east-1", "vpcCidr": "10.61.0.0/16", "replicateBackups": False}},
         "rdsplatform:disasterRecovery.region", "Aurora global database's secondary cluster"),
    # --- instance classes ---------------------------------------------------------------------
    case({"instanceClass": "db.r7g.lrage"}, "rdsplatform:instanceClass", "did you mean db.r7g.large?"),
    case({"instanceClass": "db.t4g.huge"}, "rdsplatform:instanceClass", "INSTANCE_SIZES"),
    case({"instanceClass": "db.x2idn.large"}, "rdsplatform:instanceClass", "sizes: 16xlarge"),
    case({"instanceClass": "db.m9.large"}, "rdsplatform:instanceClass", "family 'm9' is not offered"),
    case({"instanceClass": "db.r7g"}, "rdsplatform:instanceClass", "db.<family>.<size>"),
    case({"replicas": [{"name": "ro", "instanceClass": "db.r7g.lrage"}]}, "rdsplatform:replicas.0.instanceClass",
         "did you mean db.r7g.large?"),
    case({"deploymentOption": "aurora", "engine": "aurora-postgresql", "instanceClass": "db.r7g.large",
          "cluster": {"readerInstanceClass": "db.r7g.hug"}}, "rdsplatform:cluster.readerInstanceClass", ""),
    # --- derived names and collisions ---------------------------------------------------------
    case({"name": "App"}, "rdsplatform:name", ""),
    case({"name": "a"}, "rdsplatform:name", ""),
    case({"name": "appdb-"}, "rdsplatform:name", ""),
    case({"name": "app--db"}, "rdsplatform:name", "two hyphens"),
    case({"name": LONG + "x"}, "rdsplatform:name", ""),
    case({"name": LONG, "replicas": [{"name": "reporting-replica"}]}, "rdsplatform:replicas", ""),
    case({"replicas": [{"name": "a--b"}]}, "rdsplatform:replicas.0.name", "RDS DB instance identifier 'appdb-dev-a--b'"),
    case({"replicas": [{"name": "proxy"}], **PROXY}, "rdsplatform:replicas.0.name", "the RDS Proxy"),
    case({"replicas": [{"name": "ro"}, {"name": "ro"}]}, "rdsplatform:replicas", "used twice"),
    case({"name": LONG + "-x"}, "rdsplatform:name", "must be 2-40 lowercase letters"),
    case({"replicas": [{"name": "Reporting"}]}, "rdsplatform:replicas.0.name", "must be 2-16 lowercase letters"),
    case({"dbName": "1app"}, "rdsplatform:dbName", "starting with a letter"),
    # --- across keys --------------------------------------------------------------------------
    case({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.42.128.0/17"}},
         "rdsplatform:disasterRecovery.vpcCidr", "overlaps rdsplatform:vpcCidr"),
    case({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.0.0.0/16"}, "vpcCidr": "10.0.0.0/17"},
         "rdsplatform:disasterRecovery.vpcCidr", "overlaps"),
    case({"alarms": {"thresholds": {"cpuUtilizationPercent": 500}}}, "rdsplatform:alarms.thresholds",
         "percentages: at most 100"),
    case({"alarms": {"thresholds": {"burstBalancePercent": 101}}}, "rdsplatform:alarms.thresholds", "at most 100"),
    case({"alarms": {"thresholds": {"cpuUtilizationPercent": -1}}}, "rdsplatform:alarms.thresholds", "negative"),
    # A fixed threshold (ReplicaLag < 0 means replication stopped) is not a setting.
    case({"alarms": {"thresholds": {"replicationStopped": 1}}}, "rdsplatform:alarms.thresholds", "unknown"),
    case({"alarms": {"thresholds": {"auroraGlobalReplicationLagMs": -5}}}, "rdsplatform:alarms.thresholds",
         "negative"),
    case({"vpcCidr": "fd00::/16"}, "rdsplatform:vpcCidr", "IPv6 block; a VPC's own range is IPv4"),
    case({"vpcCidr": "fd00::/48"}, "rdsplatform:vpcCidr", "IPv6"),
    case({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "fd00::/16"}},
         "rdsplatform:disasterRecovery.vpcCidr", "IPv6"),
    case({"allowedCidrs": ["8.8.8.0/24"]}, "rdsplatform:allowedCidrs", "not a private range"),
    case({"engine": "mysql", "engineVersion": "8.0", "parameters": {"rds.force_ssl": "1"}},
         "rdsplatform:parameters.rds.force_ssl", "a PostgreSQL parameter; mysql has no such parameter"),
    case({"parameters": {"innodb_buffer_pool_size": "1"}}, "rdsplatform:parameters.innodb_buffer_pool_size",
         "a MySQL/MariaDB parameter"),
    case({"parameters": {"require_secure_transport": "1"}}, "rdsplatform:parameters.require_secure_transport",
         "its TLS switch is rds.force_ssl"),
    case({"engine": "mariadb", "engineVersion": "10.11", "parameters": {"pgaudit.log": "all"}},
         "rdsplatform:parameters.pgaudit.log", "PostgreSQL"),
    # Beyond the table: names one engine's own list has and the other's lacks (parameter_names/).
    case({"parameters": {"thread_cache_size": "8"}}, "rdsplatform:parameters.thread_cache_size",
         "a MySQL/MariaDB parameter; postgres has no such parameter"),
    case({"parameters": {"Query_Cache_Type": "0"}}, "rdsplatform:parameters.Query_Cache_Type", "MySQL/MariaDB"),
    case({"engine": "mysql", "engineVersion": "8.0", "performanceInsights": False,
          "parameters": {"shared_buffers": "1"}}, "rdsplatform:parameters.shared_buffers", "a PostgreSQL parameter"),
    case({"engine": "mariadb", "engineVersion": "10.11", "performanceInsights": False,
          "parameters": {"TimeZone": "UTC"}}, "rdsplatform:parameters.TimeZone", "a PostgreSQL parameter"),
    case({"parameters": {"": "1"}}, "rdsplatform:parameters", "the parameter name '' is empty or has spaces"),
    case({"parameters": {"log connections": "1"}}, "rdsplatform:parameters", "is empty or has spaces"),
    case({"backupRetentionDays": 0}, "rdsplatform:backupRetentionDays", "greater than or equal to 1"),
    case({"monitoringInterval": 7}, "rdsplatform:monitoringInterval", "must be one of"),
    case({"engine": "oracle"}, "rdsplatform:engine", "Input should be"),
    case({"storageType": "st1"}, "rdsplatform:storageType", ""),
    case({"engineLifecycleSupport": "extended"}, "rdsplatform:engineLifecycleSupport",
         "open-source-rds-extended-support-disabled"),
    case({"engine": "mariadb", "engineVersion": "10.11", "performanceInsights": False,
          "engineLifecycleSupport": "open-source-rds-extended-support-disabled"},
         "rdsplatform:engineLifecycleSupport", "RDS for MariaDB has no Extended Support"),
    case({"backupWindow": "05:30-06:30", "maintenanceWindow": "sun:06:00-sun:07:00"}, "rdsplatform:backupWindow",
         "overlapping"),
    case({"disasterRecovery": {"region": "eu-west-1", "vpcCidr": "10.61.0.0/16"}},
         "rdsplatform:disasterRecovery.region", "must differ"),
    # --- import IDs (adoption) -------------------------------------------------------------------
    case({"importIds": {"database": "Orders_DB", "kmsKey": "1234abcd-12ab-34cd-56ef-1234567890ab"}},
         "rdsplatform:importIds.database", "must be an RDS identifier"),
    case({"importIds": {"database": "appdb-dev", "kmsKey": "alias/aws/rds"}}, "rdsplatform:importIds.kmsKey",
         "must be a KMS key ID"),
    case({"importIds": {"database": "orders-dev", "kmsKey": "1234abcd-12ab-34cd-56ef-1234567890ab"}},
         "rdsplatform:importIds.database", "the program names the database 'appdb-dev'"),
    case({"importIds": {"database": "appdb-dev"}}, "rdsplatform:importIds.kmsKey", "cannot change without replacing"),
    case({"importIds": {"kmsKey": "1234abcd-12ab-34cd-56ef-1234567890ab"}}, "rdsplatform:importIds",
         "set rdsplatform:importIds.database"),
    case({"importIds": {"database": "appdb-dev", "kmsKey": "1234abcd-12ab-34cd-56ef-1234567890ab",
                        "replicas": {"ro": "appdb-dev-ro"}}}, "rdsplatform:importIds.replicas.ro",
         "no replica of that name"),
    case({"importIds": {"databse": "appdb-dev"}}, "rdsplatform:importIds.databse", "did you mean database?"),
    case({**AURORA, "importIds": {"database": "appdb-dev", "kmsKey": KEY}}, "rdsplatform:importIds.subnetGroup",
         "subnet group cannot change without replacing it"),
    case({**AURORA, "importIds": {**ADOPTED, "instances": {"reader-2": "appdb-dev-reader-2"}}},
         "rdsplatform:importIds.instances.reader-2", "declares no such Aurora instance"),
    case({**AURORA, "importIds": {**ADOPTED, "instances": {"writer": "appdb-dev-1"}}},
         "rdsplatform:importIds.instances.writer", "names that instance 'appdb-dev-writer'"),
    case({"importIds": {**ADOPTED, "instances": {"writer": "appdb-dev-writer"}}},
         "rdsplatform:importIds.instances.writer", "deploymentOption 'instance'"),
    case({**AURORA, "importIds": {**ADOPTED, "subnetGroup": "default"}}, "rdsplatform:importIds.subnetGroup",
         "default DB subnet group"),
    case({"importIds": {"subnetGroup": "legacy-subnets"}}, "rdsplatform:importIds", "set rdsplatform:importIds.database"),
    case({**AURORA, "importIds": {**ADOPTED, "subnetGroup": "legacy/subnets"}}, "rdsplatform:importIds.subnetGroup",
         "must be a DB subnet group name"),
    case({**AURORA, **DR, "importIds": ADOPTED}, "rdsplatform:importIds.database", "existing Aurora cluster cannot join"),
    case({"importIds": {"database": "appdb-dev", "kmsKey": KEY, "proxy": "appdb-dev-proxy"}},
         "rdsplatform:importIds.proxy", "the stack declares no proxy"),
    case({"proxy": {}, "importIds": {"database": "appdb-dev", "kmsKey": KEY, "proxy": "orders-pool"}},
         "rdsplatform:importIds.proxy", "the program names its proxy 'appdb-dev-proxy'"),
    case({"importIds": {"proxy": "appdb-dev-proxy"}}, "rdsplatform:importIds", "set rdsplatform:importIds.database"),
    # --- tags ---------------------------------------------------------------------------------
    case({"tags": {"k" * 129: "v"}}, "rdsplatform:tags", "1..128"),
    case({"tags": {"Team": "v" * 257}}, "rdsplatform:tags.Team", "at most 256"),
    case({"tags": {f"T{i}": "v" for i in range(48)}}, "rdsplatform:tags", "AWS allows at most 50"),
    case({"tags": {"cost#center": "v"}}, "rdsplatform:tags", "characters AWS refuses"),
    case({"tags": {"Team": "a;b"}}, "rdsplatform:tags.Team", "characters AWS refuses"),
    case({"tags": {"aws:team": "x"}}, "rdsplatform:tags", "reserved by AWS"),
    case({"tags": {"Team": "aws:x"}}, "rdsplatform:tags.Team", "may not start with aws:"),
    case({"replicas": [{"name": "ro", "tags": {f"T{i}": "v" for i in range(47)}}]}, "rdsplatform:replicas.0.tags",
         "at most 50"),
    case({"replicas": [{"name": "ro", "tags": {"ReplicaOf": "x"}}]}, "rdsplatform:replicas.0.tags",
         "set by the platform"),
    case({"tags": {"": "v"}}, "rdsplatform:tags", "1..128"),
    case({"tags": {"rds:team": "x"}}, "rdsplatform:tags", "which RDS reserves"),
    case({"tags": {"Team": "rds:x"}}, "rdsplatform:tags.Team", "aws: or rds:"),
    # --- secret keys: never echoed --------------------------------------------------------------
    case({"alarmHttpsEndpoints": ["http://hooks.example.com/T0KEN-abc123"]}, "rdsplatform:alarmHttpsEndpoints",
         "not https:// URLs", secret="T0KEN-abc123"),
    case({"alarmHttpsEndpoints": "https://hooks.example.com/T0KEN-abc123"}, "rdsplatform:alarmHttpsEndpoints",
         "not valid JSON", secret="T0KEN-abc123"),
    case({"alarmHttpsEndpoints": {"url": "https://hooks.example.com/T0KEN-abc123"}}, "rdsplatform:alarmHttpsEndpoints",
         "[secret]", secret="T0KEN-abc123"),
    case({"alarms": {"httpsEndpoints": ["https://hooks.example.com/T0KEN-abc123"]}},
         "rdsplatform:alarms.httpsEndpoints", "secret key rdsplatform:alarmHttpsEndpoints", secret="T0KEN-abc123"),
    case({"alarms": {"enabled": False}, "alarmHttpsEndpoints": ["https://hooks.example.com/T0KEN-abc123"]},
         "rdsplatform:alarmHttpsEndpoints", "alarms", secret="T0KEN-abc123", stack="prod"),
    case({"parameters": {"rds.force_ssl": "0-S3CRET-zz"}}, "rdsplatform:parameters.rds.force_ssl",
         "TLS is enforced", secret="0-S3CRET-zz"),
    case({"parameters": {"log_min_duration_statement": ["S3CRET-list"]}}, "rdsplatform:parameters",
         "must be text", secret="S3CRET-list"),
    case({"parameters": "{S3CRET-json"}, "rdsplatform:parameters", "not valid JSON", secret="S3CRET-json"),
    # A broken object is never echoed: a credential may sit in any field of any key.
    case({"alarms": '{"emails": ["https://u:T0KEN-in-json@hooks.example.com"'}, "rdsplatform:alarms",
         "not valid JSON", secret="T0KEN-in-json"),
    case({"tags": '{"Owner": "S3CRET-tag"'}, "rdsplatform:tags", "not valid JSON", secret="S3CRET-tag"),
    case({"engine": "mysql", "engineVersion": "8.0", "parameters": {"rds.force_ssl": "S3CRET-value"}},
         "rdsplatform:parameters.rds.force_ssl", "PostgreSQL", secret="S3CRET-value"),
    # --- on prod, whose config is larger ------------------------------------------------------
    case({"replicas": [{"name": "reporting"}, {"name": "reporting"}]}, "rdsplatform:replicas", "used twice",
         stack="prod"),
    case({"replicas": [{"name": "proxy"}]}, "rdsplatform:replicas.0.name", "RDS Proxy", stack="prod"),
    case({"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.60.0.0/20"}},
         "rdsplatform:disasterRecovery.vpcCidr", "overlaps", stack="prod"),
    case({"instanceClass": "db.r7g.lrage"}, "rdsplatform:instanceClass", "did you mean", stack="prod"),
    case({"tags": {"Owner": "x" * 300}}, "rdsplatform:tags.Owner", "256", stack="prod"),
    case({"rdsplatfrom:proxy": "{}"}, "rdsplatfrom:proxy", "did you mean rdsplatform:proxy?", stack="prod"),
]


def _arg(key, value):
    return f"{key}={value if isinstance(value, str) else json.dumps(value)}"


@pytest.fixture
def recorded(monkeypatch):
    """The plans `python -m preview` produced, so a test can see what was registered."""
    plans = []
    real = preview_main.run_program

    def recording(*args, **kwargs):
        plan = real(*args, **kwargs)
        plans.append(plan)
        return plan

    monkeypatch.setattr(preview_main, "run_program", recording)
    return plans


def test_the_table_holds_at_least_100_cases_8_of_them_with_a_secret():
    assert len(CASES) >= 100
    assert sum(1 for c in CASES if c.values[4]) >= 8, "secret cases"


@pytest.mark.parametrize("overrides, key, fragment, stack, secret", CASES)
def test_bad_config_exits_2_naming_the_key_and_registers_nothing(overrides, key, fragment, stack, secret,
                                                                  recorded, capsys):
    argv = ["--stack", stack, "--no-policy", "--quiet"]
    for k, v in overrides.items():
        argv += ["--config", _arg(k, v)]
    code = preview_main.main(argv)
    out, err = capsys.readouterr()
    assert code == 2, f"exit {code}; stdout: {out[-400:]} stderr: {err[-400:]}"
    assert key in err and fragment in err, err
    assert "Traceback" not in out + err
    assert recorded and all(plan.resources == [] for plan in recorded), "a refused config registered resources"
    if secret:
        assert secret not in out + err


# --- stack files that cannot be read, and stack names that make no identifier ----------------

def _project(tmp_path, stack_files: dict[str, str | bytes]):
    """A copy of the project with other stack files."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, tmp_path / name)
    for stack, text in stack_files.items():
        path = tmp_path / f"Pulumi.{stack}.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


DEV = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()


def dev_with(lines: str) -> str:
    """DEV with these `  key: ...` config lines in place of its own lines for the same keys
    (a stack file that gives a key twice is refused)."""
    top = re.compile(r"  ([\w-]+:[\w.-]+):")
    keys = {m.group(1) for m in map(top.match, lines.splitlines()) if m}
    assert keys
    kept, skipping = [], False
    for line in DEV.splitlines(keepends=True):
        if not line.startswith("   "):  # a top-level config key or comment ends the previous key's lines
            found = top.match(line)
            skipping = bool(found) and found.group(1) in keys
        if not skipping:
            kept.append(line)
    return "".join(kept) + lines


MULTI_AZ_CLUSTER = ("  rdsplatform:deploymentOption: multi-az-cluster\n  rdsplatform:instanceClass: db.m6gd.large\n"
                    "  rdsplatform:storageType: io1\n  rdsplatform:allocatedStorage: 100\n  rdsplatform:iops: 1000\n"
                    "  rdsplatform:azCount: 3\n  rdsplatform:maxAllocatedStorage: 0\n")
FILES = [
    ("bad", "config:\n  rdsplatform:engine: [postgres\n", "Pulumi.bad.yaml: not valid YAML (line 3"),
    ("bad", "config:\n  aws:region: eu-west-1\n   rdsplatform:engine: x\n", "not valid YAML (line 3"),
    ("bad", "config:\n\t- x\n", "not valid YAML"),
    ("bad", "config:\n  - aws:region: eu-west-1\n", "`config:` must be a mapping of key: value, not a list"),
    ("bad", "- config:\n    aws:region: eu-west-1\n", "the top level must be a mapping (config: ...), not a list"),
    ("bad", "just text\n", "the top level must be a mapping (config: ...), not a text"),
    ("bad", "config: 42\n", "not a number"),
    ("bad", "config:\n  1: x\n", "config keys must be text"),
    ("bad", "config:\n  aws:region: eu-west-1\n  rdsplatform:engine:\n", "rdsplatform:engine has no value"),
    ("bad", b"config:\n  aws:region: \xff\xfe\n", "cannot read Pulumi.bad.yaml"),
    ("bad", dev_with("  rdsplatform:alarms:\n    enabled: true\n    thresholds:\n      cpuUtilizationPercent: .nan\n"),
     "rdsplatform:alarms.thresholds.cpuUtilizationPercent"),
    ("bad", dev_with("  rdsplatform:alarms:\n    thresholds:\n      freeStorageGiB: .inf\n"), "finite"),
    ("feature_x", DEV, "stack name 'feature_x': the RDS identifier is <name>-<stack>"),
    ("Staging", DEV, "stack name 'Staging'"),
    ("s" * 68, DEV, "more than the 63 AWS allows"),
    ("p" * 10, dev_with("  rdsplatform:name: " + "a" * 40 + "\n"), "IAM role name"),
    ("m" * 50, dev_with(MULTI_AZ_CLUSTER), "more than the 52 AWS allows"),
    # --- what the Pulumi CLI refuses or would silently ignore ------------------------------------
    ("bad", DEV + "  rdsplatform:multiAz: true\n", "the key 'rdsplatform:multiAz' is given twice (first on line 10)"),
    ("bad", DEV.replace("    enabled: false\n", "    enabled: false\n    enabled: true\n"),
     "the key 'enabled' is given twice"),
    ("bad", "rdsplatform:engine: mysql\naws:region: eu-west-1\n",
     "'rdsplatform:engine', 'aws:region' at the top level; config keys go under `config:`"),
    ("bad", DEV + "engine: oracle\n", "'engine' at the top level"),
    ("bad", DEV + "  engine: oracle\n",
     "config key(s) 'engine' without a namespace; a stack file names each key as namespace:name (e.g. "
     "rdsplatform:engine)"),
]


@pytest.mark.parametrize("stack, text, expected", FILES, ids=[f"{s[:12]}:{e[:40]}" for s, _, e in FILES])
def test_unreadable_stack_files_and_bad_stack_names_exit_2(tmp_path, stack, text, expected, recorded, capsys):
    project = _project(tmp_path, {stack: text})
    code = preview_main.main(["--stack", stack, "--no-policy", "--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code == 2 and expected in err, err
    assert "Traceback" not in out + err
    assert all(plan.resources == [] for plan in recorded)


def test_the_nan_threshold_that_once_registered_96_resources_registers_none(tmp_path, recorded, capsys):
    text = DEV.replace("  rdsplatform:alarms:\n    enabled: false\n",
                       "  rdsplatform:alarms:\n    thresholds:\n      cpuUtilizationPercent: .nan\n")
    assert text != DEV
    code = preview_main.main(["--stack", "bad", "--no-policy", "--project-dir", str(_project(tmp_path, {"bad": text}))])
    assert code == 2
    assert len(recorded) == 1 and recorded[0].resources == [] and recorded[0].error
    assert "Input should be a finite number" in capsys.readouterr().err


def test_a_sample_through_a_real_subprocess():
    """The same refusals as the CLI entry prints them: exit 2, every problem at once, no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "preview", "--stack", "dev", "--no-policy", "--config", "rdsplatfrom:engine=mysql",
         "--config", "instanceClass=db.r7g.lrage", "--config", 'alarms={"thresholds": {"cpuUtilizationPercent": NaN}}',
         "--config", 'alarmHttpsEndpoints=["http://x.example.com/T0KEN-zz9"]'],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "(4 problem(s))" in result.stderr, result.stderr
    for key in ("rdsplatfrom:engine", "rdsplatform:instanceClass", "rdsplatform:alarms.thresholds",
                "rdsplatform:alarmHttpsEndpoints"):
        assert key in result.stderr
    assert "T0KEN-zz9" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout


def test_other_namespaces_and_other_aws_keys_are_left_alone():
    """Only near misses of rdsplatform and aws are refused: other providers' config is theirs."""
    from components.settings import parse_config_text
    from plan.stack_config import stack_config

    values = stack_config("dev", {"awsx:vpcDefaults": "{}", "pulumi:tags": "{}", "aws:profile": "ops",
                                  "aws:skipCredentialsValidation": "true", "gcp:project": "p", "random:seed": "1"})
    settings = parse_config_text(values, environment="dev")
    assert settings.identifier == "appdb-dev"


def test_the_region_list_is_botocores_own_answer():
    import botocore.session

    from components.settings.regions import rds_regions

    session = botocore.session.get_session()
    expected = {r for p in session.get_available_partitions() for r in session.get_available_regions("rds", p)}
    assert "eu-west-1" in expected and "cn-north-1" in expected
    assert rds_regions() == expected
