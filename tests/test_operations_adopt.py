"""adopt: a seeded moto estate (tests/adopt_estate.py) goes from the live database to a stack file
whose offline preview adopts (import) and replaces nothing; what the first up changes is said with
the day-N gate's outcomes; what cannot be adopted is refused, with why, and nothing is written."""

import datetime
import json
import subprocess
import sys

import jsonschema
import pytest
import yaml

from plan import adoption, change_effects
from tests.adopt_estate import PASSWORD, seed, seed_clusters
from tests.ops_estate import served_estate

INSTANCE = "aws:rds/instance:Instance"
KEY = "aws:kms/key:Key"
CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        served.ids.update(seed(served))
        served.ids.update(seed_clusters(served, served.ids))
        yield served


@pytest.fixture(scope="module")
def adopted(estate, tmp_path_factory):
    """Each database adopted into a directory of its own: the run and its stack file."""
    before = estate.instances()
    found = {}
    for db in ("ledger-live", "legacy-live", "shop-live"):
        out = tmp_path_factory.mktemp(db)
        run = estate.run("adopt", "--db-instance", db, "--stack", "live", "--out", str(out))
        assert run.code == 0, run.lines
        found[db] = (run, out / "Pulumi.live.yaml")
    assert estate.instances() == before  # read-only
    return found


def _config(path):
    return yaml.safe_load(path.read_text())["config"]


def test_the_stack_file_reproduces_the_live_database(adopted, estate):
    run, path = adopted["ledger-live"]
    config = _config(path)
    assert run.result["stack_file"] == str(path)
    expected = {"name": "ledger", "engine": "postgres", "engineVersion": "16", "instanceClass": "db.r7g.large",
                "storageType": "gp3", "allocatedStorage": 100, "maxAllocatedStorage": 500, "multiAz": True,
                "backupRetentionDays": 14, "deletionProtection": True, "iamAuth": True, "monitoringInterval": 60,
                "credentialsMode": "generated", "dbName": "app", "masterUsername": "dbadmin",
                "vpcId": estate.ids["vpc"], "subnetIds": estate.ids["subnets"],
                "tags": {"CostCenter": "ledger", "Owner": "payments"}}
    assert {k: config[f"rdsplatform:{k}"] for k in expected} == expected
    assert config["rdsplatform:importIds"] == {"database": "ledger-live", "kmsKey": estate.ids["key"],
                                               "proxy": "ledger-live-proxy"}
    # Its proxy has the program's name: adopted with the settings it runs with.
    assert config["rdsplatform:proxy"] == {"iamAuth": False, "idleClientTimeout": 900, "maxConnectionsPercent": 100,
                                           "maxIdleConnectionsPercent": 50, "connectionBorrowTimeout": 120}
    assert config["aws:region"] == "eu-west-1"


def test_what_the_first_up_changes_has_the_day_n_gates_outcome(adopted):
    run, _ = adopted["ledger-live"]
    changes = {c["property"]: c for c in run.result["first_up_changes"]}
    group = changes["parameterGroupName"]
    effect = change_effects.effect(INSTANCE, "parameterGroupName", group["live"], group["planned"],
                                   {"applyImmediately": False})
    assert (group["live"], group["outcome"], group["effect"]) == ("default.postgres16", "reboot", effect.text)
    tls = changes["parameters"]
    assert (tls["resource"], tls["planned"], tls["outcome"]) == ("rds.force_ssl (TLS)", {"rds.force_ssl": "1"}, "reboot")
    # Generated credentials: the first up sets the stack's own password, said without a value.
    assert changes["password"]["live"] == "[secret]" and changes["password"]["outcome"] is not None
    assert changes["tags"]["planned"] == {"Environment": "live", "Project": "rdsplatform", "ManagedBy": "pulumi"}


def test_platform_defaults_a_non_compliant_database_has_off_are_kept_and_said(adopted):
    run, path = adopted["legacy-live"]
    config = _config(path)
    assert (config["rdsplatform:deletionProtection"], config["rdsplatform:multiAz"]) == (False, False)
    kept = {d["key"]: d for d in run.result["defaults_kept_off"]}
    protection = kept["rdsplatform:deletionProtection"]
    assert (protection["live"], protection["platform_default"], protection["outcome"]) == (False, True, "in-place")
    assert protection["effect"] == change_effects.effect(INSTANCE, "deletionProtection", False, True,
                                                         {"applyImmediately": False}).text
    assert kept["rdsplatform:multiAz"]["outcome"] is not None
    public = next(c for c in run.result["first_up_changes"] if c["property"] == "publiclyAccessible")
    assert (public["live"], public["planned"]) == (True, False)


def test_replicas_come_with_their_source(adopted):
    run, path = adopted["shop-live"]
    config = _config(path)
    assert [r["name"] for r in config["rdsplatform:replicas"]] == ["ro"]
    assert config["rdsplatform:importIds"]["replicas"] == {"ro": "shop-live-ro"}
    assert run.result["import_ids"]["replicas"] == {"ro": "shop-live-ro"}


def test_what_cannot_be_expressed_says_what_to_do(adopted):
    run, _ = adopted["ledger-live"]
    said = {c["what"]: c["do"] for c in run.result["cannot_express"]}
    assert "allowedSecurityGroupIds" in said["security groups"]
    # A proxy the program would name otherwise is not adopted: said, with what to do.
    run, path = adopted["shop-live"]
    said = {c["what"]: c["do"] for c in run.result["cannot_express"]}
    assert "the program names its proxy shop-live-proxy" in said["RDS Proxy shop-pool"]
    assert "rdsplatform:proxy" not in _config(path) and "proxy" not in _config(path)["rdsplatform:importIds"]


def _preview(repo, stack_file, out, *extra):
    """The gate on the adopted stack, as a pull request adding adopt's two files runs it."""
    (repo / "Pulumi.live.yaml").write_text(stack_file.read_text())
    record = stack_file.parent / "adoption" / "live.json"
    if record.exists():
        (repo / "adoption").mkdir(exist_ok=True)
        (repo / "adoption" / "live.json").write_text(record.read_text())
    run = subprocess.run([sys.executable, "-m", "preview", "--stack", "live", "--baseline", "git:HEAD", "--json",
                          str(out), "--quiet", *extra], cwd=repo, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, json.loads(out.read_text()), run.stdout


@pytest.mark.parametrize("db, adopted_names", [
    ("ledger-live", {"ledger-live-db-instance", "ledger-live-keys-key", "ledger-live-proxy-proxy",
                     "ledger-live-proxy-target"}),
    ("shop-live", {"shop-live-db-instance", "shop-live-keys-key", "shop-live-replica-ro-instance"}),
])
def test_the_stack_file_previews_offline_as_import_and_replaces_nothing(adopted, committed_copy, tmp_path, db,
                                                                        adopted_names):
    _, path = adopted[db]
    code, report, text = _preview(committed_copy, path, tmp_path / "out.json", "--no-policy")
    assert code == 0, report.get("error")
    actions = {c["name"]: c["action"] for c in report["diff"]["changes"]}
    assert {n for n, a in actions.items() if a == "import"} == adopted_names
    assert set(actions.values()) == {"import", "create"}  # nothing replaced or deleted
    instance = next(r for r in report["resources"] if r["name"] == f"{db}-db-instance")
    assert (instance["options"]["importId"], instance["id"]) == (db, db)
    assert "to import, " in text


def test_a_policy_violation_of_an_adopted_database_is_reported_like_any_other(adopted, committed_copy, tmp_path):
    _, path = adopted["legacy-live"]
    code, report, _ = _preview(committed_copy, path, tmp_path / "out.json")
    assert code == 1  # a mandatory violation (the pack's own levels: no policies/config/live.json)
    found = {(v["policy"], v["level"]) for v in report["diagnostics"]}
    assert ("rds-deletion-protection", "mandatory") in found
    assert "legacy-live-db-instance" in {c["name"] for c in report["diff"]["changes"] if c["action"] == "import"}


@pytest.mark.parametrize("args, said", [
    (["--db-instance", "ora-live"], "engine oracle-ee is not one the platform runs"),
    (["--db-instance", "plain-live"], "its storage is not encrypted"),
    (["--db-instance", "shop-live-ro"], "is a read replica of shop-live; adopt its source"),
    (["--db-instance", "arn:aws:rds:eu-west-1:999999999999:db:ledger-live"],
     "is in account 999999999999, these credentials are account 123456789012"),
    (["--db-instance", "arn:aws:rds:eu-central-1:123456789012:db:ledger-live"], "pass --region eu-central-1"),
    (["--db-instance", "orders-live-writer"], "adopt the cluster (--db-cluster orders-live)"),
    (["--db-cluster", "v1-live"], "is Aurora Serverless v1"),
    (["--db-cluster", "plainc-live"], "its storage is not encrypted"),
    (["--db-cluster", "odd-live"], "the program declares for 1 instance(s): odd-live-writer"),
    (["--db-cluster", "mixed-live"], "mixes Serverless v2 and provisioned instances"),
    (["--db-cluster", "bare-live"], "has no instances; the program declares at least a writer: add one named "
                                    "bare-live-writer"),
    (["--db-cluster", "graph-live"], "engine neptune is not one the platform runs as a DB cluster"),
    (["--db-cluster", "old-live"], "aurora-postgresql 11.9 is not a major version the platform runs"),
    (["--db-cluster", "glob-live"], "is the primary of global database glob"),
    (["--db-cluster", "globsec-live"], "adopt the primary instead --region eu-west-1 --db-cluster glob-live"),
    (["--db-cluster", "arn:aws:rds:eu-west-1:999999999999:cluster:orders-live"], "is in account 999999999999"),
    (["--db-cluster", "arn:aws:rds:eu-central-1:123456789012:cluster:orders-live"], "pass --region eu-central-1"),
    (["--db-cluster", "orders-live", "--stack-override", "dev"], "run adopt with --stack live"),
    (["--db-cluster", "no-such-cluster"], "no DB cluster 'no-such-cluster'"),
    (["--db-instance", "ledger-live", "--stack-override", "dev"], "run adopt with --stack live"),
    (["--db-instance", "no-such-db"], "no-such-db"),
])
def test_what_cannot_be_adopted_is_refused_with_why_and_nothing_is_written(estate, tmp_path, args, said):
    stack = "live"
    if "--stack-override" in args:
        stack = args[args.index("--stack-override") + 1]
        args = args[:args.index("--stack-override")]
    run = estate.run("adopt", *args, "--stack", stack, "--out", str(tmp_path))
    assert run.code == 2
    assert run.result["kind"] == "error" and said in run.result["message"], run.result
    assert list(tmp_path.iterdir()) == []


def test_an_existing_stack_file_is_never_overwritten(estate, tmp_path):
    existing = tmp_path / "Pulumi.live.yaml"
    existing.write_text("config: {}\n")
    run = estate.run("adopt", "--db-instance", "ledger-live", "--stack", "live", "--out", str(tmp_path))
    assert run.code == 2 and "adopt never overwrites a stack file" in run.result["message"]
    assert existing.read_text() == "config: {}\n"


def _record(stack_file):
    return json.loads((stack_file.parent / "adoption" / "live.json").read_text())


def test_adopt_records_the_live_values_the_gate_compares_and_no_secret(adopted, estate):
    run, path = adopted["shop-live"]
    record = _record(path)
    jsonschema.validate(record, json.loads(adoption.SCHEMA_PATH.read_text()))
    assert run.result["adoption_record"] == str(path.parent / "adoption" / "live.json")
    found = {(r["type"], r["importId"]): r["inputs"] for r in record["resources"]}
    assert set(found) == {(INSTANCE, "shop-live"), (KEY, estate.ids["key"]), (INSTANCE, "shop-live-ro")}
    source = found[(INSTANCE, "shop-live")]
    assert (source["engineVersion"], source["parameterGroupName"], source["dbSubnetGroupName"]) == (
        "16.4", "default.postgres16", "legacy-subnets")
    assert found[(KEY, estate.ids["key"])]["enableKeyRotation"] is False
    text = json.dumps(record)
    assert PASSWORD not in text and not any("password" in inputs for inputs in found.values())


def _gate_with_record(adopted, committed_copy, tmp_path, edit):
    """The gate on ledger-live's adoption, its record changed by `edit` first."""
    _, path = adopted["ledger-live"]
    record = _record(path)
    edit(record)
    edited = tmp_path / "adopted"
    (edited / "adoption").mkdir(parents=True)
    (edited / "Pulumi.live.yaml").write_text(path.read_text())
    (edited / "adoption" / "live.json").write_text(json.dumps(record))
    return _preview(committed_copy, edited / "Pulumi.live.yaml", tmp_path / "out.json", "--no-policy")


def _instance(record):
    return next(r["inputs"] for r in record["resources"] if r["type"] == INSTANCE)


def _change(report, name="ledger-live-db-instance"):
    return next(c for c in report["diff"]["changes"] if c["name"] == name)


def test_an_import_shows_what_the_first_up_changes_on_the_live_database(adopted, committed_copy, tmp_path):
    code, report, text = _gate_with_record(adopted, committed_copy, tmp_path, lambda record: None)
    assert code == 0, report.get("error")
    instance = _change(report)
    assert (instance["action"], instance["imported"], instance["atRisk"]) == ("import", True, False)
    group = next(v for v in instance["values"] if v["property"] == "parameterGroupName")
    effect = change_effects.effect(INSTANCE, "parameterGroupName", "default.postgres16", "ledger-live-db-params",
                                   {"applyImmediately": False})
    assert (group["before"], group["after"], group["effect"]["text"]) == (
        "default.postgres16", "ledger-live-db-params", effect.text)
    # Live 16.4 against the program's "16" with automatic minor upgrades: no change (the prefix rule).
    assert "engineVersion" not in instance["properties"]
    assert "allocatedStorage" not in instance["properties"]
    key = _change(report, "ledger-live-keys-key")
    assert (key["action"], "enableKeyRotation" in key["properties"]) == ("import", True)
    # The adopted proxy: the platform's role, secret and security group, and TLS required.
    proxy = _change(report, "ledger-live-proxy-proxy")
    assert (proxy["action"], proxy["imported"]) == ("import", True)
    assert {"requireTls", "roleArn", "auths", "vpcSecurityGroupIds"} <= set(proxy["properties"])
    assert "vpcSubnetIds" not in proxy["properties"]  # the same subnets: not replaced
    assert _change(report, "ledger-live-proxy-target")["values"] == []
    assert report["diff"]["live"] == {"source": "adoption/live.json", "unknown": []}
    assert "Imports compared with the live values in adoption/live.json" in text


@pytest.mark.parametrize("edit, action, exit_code, change", [
    # AWS has it public: the first up makes it private, in place.
    (lambda r: _instance(r).update(publiclyAccessible=True), "import", 0, ("publiclyAccessible", True, False)),
    # Another key than the program's: kmsKeyId forces a replacement of the adopted database.
    (lambda r: _instance(r).update(kmsKeyId="arn:aws:kms:eu-west-1:123456789012:key/another"), "replace", 3,
     ("kmsKeyId", "arn:aws:kms:eu-west-1:123456789012:key/another", None)),
    # Another minor than the program names, and not a prefix of it: an engine version change.
    (lambda r: _instance(r).update(engineVersion="15.8"), "import", 0, ("engineVersion", "15.8", "16")),
])
def test_a_live_value_unlike_the_program_is_the_first_ups_change(adopted, committed_copy, tmp_path, edit, action,
                                                                  exit_code, change):
    code, report, text = _gate_with_record(adopted, committed_copy, tmp_path, edit)
    assert code == exit_code, report.get("error")
    instance = _change(report)
    assert (instance["action"], instance["imported"]) == (action, True)
    prop, before, after = change
    value = next(v for v in instance["values"] if v["property"] == prop)
    assert value["before"] == before and (after is None or value["after"] == after)
    assert value["effect"] is not None
    if action == "replace":
        assert instance["atRisk"] and "ADOPTED: imported, then replaced by the first up" in text


def test_an_import_the_record_does_not_hold_is_named_as_not_compared(adopted, committed_copy, tmp_path):
    def drop_instance(record):
        record["resources"] = [r for r in record["resources"] if r["type"] != INSTANCE]
    code, report, text = _gate_with_record(adopted, committed_copy, tmp_path, drop_instance)
    assert code == 0, report.get("error")
    instance = _change(report)
    assert (instance["action"], instance["values"]) == ("import", [])
    assert report["diff"]["live"]["unknown"] == ["ledger-live-db-instance"]
    assert "Imported without live values" in text


@pytest.mark.parametrize("edit, said", [
    (lambda r: r.update(stack="prod"), "records stack 'prod', not 'live'"),
    (lambda r: r["resources"][0].pop("importId"), "resources/0: 'importId' is a required property"),
    (lambda r: r.update(version=2), "version: 1 was expected"),
])
def test_a_bad_adoption_record_stops_the_check_with_what_is_wrong(adopted, committed_copy, tmp_path, edit, said):
    code, report, _ = _gate_with_record(adopted, committed_copy, tmp_path, edit)
    assert code == 2
    assert said in report["error"] and "adoption/live.json" in report["error"]


def test_an_exception_waives_a_finding_of_an_adopted_database_once_approved(adopted, committed_copy, tmp_path):
    # Adopted as it is, legacy-live has no deletion protection: an exception in the same pull
    # request waives it, and is itself a weakening of the rules that needs its own approval.
    expires = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    config = {"rds-deletion-protection": {"enforcementLevel": "mandatory", "exceptions": [{
        "id": "legacy-adoption", "resources": ["legacy-live-db-instance"], "reason": "turned on after adoption",
        "owner": "dba@example.com", "expires": expires, "ticket": "OPS-42"}]}}
    (committed_copy / "policies" / "config" / "live.json").write_text(json.dumps(config))
    _, path = adopted["legacy-live"]
    code, report, _ = _preview(committed_copy, path, tmp_path / "out.json")
    assert code == 5  # the exception is a weakening: not accepted without approval
    code, report, _ = _preview(committed_copy, path, tmp_path / "approved.json", "--allow-policy-change")
    assert ("rds-deletion-protection", "mandatory") not in {(v["policy"], v["level"]) for v in report["diagnostics"]}
    [waived] = [w for w in report["waived"] if w["policy"] == "rds-deletion-protection"]
    assert (waived["waiver"]["id"], waived["urn"].rsplit("::", 1)[-1]) == ("legacy-adoption", "legacy-live-db-instance")
    # Its other findings (Multi-AZ off, one day of backups, ...) stay mandatory: one waiver, one policy.
    assert code == 1 and ("rds-multi-az", "mandatory") in {(v["policy"], v["level"]) for v in report["diagnostics"]}


# --- DB clusters -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clusters(estate, tmp_path_factory):
    """Each cluster adopted into a directory of its own: the run and its stack file."""
    found = {}
    for db in ("orders-live", "pay-live", "flex-live"):
        out = tmp_path_factory.mktemp(db)
        run = estate.run("adopt", "--db-cluster", db, "--stack", "live", "--out", str(out))
        assert run.code == 0, run.lines
        found[db] = (run, out / "Pulumi.live.yaml")
    return found


def test_an_aurora_cluster_becomes_its_settings_and_the_import_ids_of_its_instances(clusters, estate):
    run, path = clusters["orders-live"]
    config = _config(path)
    expected = {"name": "orders", "deploymentOption": "aurora", "engine": "aurora-postgresql", "engineVersion": "16",
                "instanceClass": "db.r7g.large", "cluster": {"readers": 1}, "backupRetentionDays": 7,
                "backupWindow": "02:00-03:00", "deletionProtection": True, "iamAuth": True, "credentialsMode": "managed",
                "dbName": "app", "masterUsername": "dbadmin", "protectResources": True,
                "vpcId": estate.ids["vpc"], "subnetIds": estate.ids["cluster_subnets"], "tags": {"CostCenter": "orders"}}
    assert {k: config[f"rdsplatform:{k}"] for k in expected} == expected
    assert config["rdsplatform:importIds"] == {
        "database": "orders-live", "kmsKey": estate.ids["key"], "subnetGroup": "cluster-subnets",
        "instances": {"writer": "orders-live-writer", "reader-1": "orders-live-reader-1"}}
    assert "# Written by `python -m operations adopt --db-cluster orders-live --stack live`" in path.read_text()
    said = {c["what"]: c for c in run.result["cannot_express"]}
    assert said["CloudWatch alarms"]["live"] == ["orders cpu"]  # the cluster's, by DBClusterIdentifier


def test_a_multi_az_db_cluster_becomes_its_settings_without_instances(clusters):
    _, path = clusters["pay-live"]
    config = _config(path)
    expected = {"deploymentOption": "multi-az-cluster", "engine": "postgres", "instanceClass": "db.r6gd.large",
                "storageType": "io1", "allocatedStorage": 400, "iops": 3000, "maxAllocatedStorage": 0,
                "credentialsMode": "generated"}
    assert {k: config[f"rdsplatform:{k}"] for k in expected} == expected
    assert set(config["rdsplatform:importIds"]) == {"database", "kmsKey", "subnetGroup"}


def test_a_serverless_v2_cluster_keeps_its_capacity_and_says_the_secret_key_aws_refuses_to_change(clusters, estate):
    run, path = clusters["flex-live"]
    config = _config(path)
    assert (config["rdsplatform:cluster"], config["rdsplatform:engineVersion"]) == (
        {"readers": 0, "serverlessMinAcu": 0.5, "serverlessMaxAcu": 8.0}, "8.0")
    assert "rdsplatform:instanceClass" not in config  # every instance is db.serverless
    secret = next(c for c in run.result["first_up_changes"] if c["property"] == "masterUserSecretKmsKeyId")
    assert (secret["planned"], secret["outcome"]) == (estate.ids["cluster_key"], "refused")
    said = next(c for c in run.result["cannot_express"] if c["what"].startswith("masterUserSecretKmsKeyId"))
    assert "turn ManageMasterUserPassword off and on again" in said["do"]


def test_what_the_first_up_changes_on_a_cluster_has_the_day_n_gates_outcome(clusters):
    run, _ = clusters["orders-live"]
    changes = {(c["resource"], c["property"]): c for c in run.result["first_up_changes"]}
    tls = changes[("rds.force_ssl (TLS)", "parameters")]
    assert (tls["planned"], tls["outcome"]) == ({"rds.force_ssl": "1"}, "reboot")
    group = changes[("orders-live", "dbClusterParameterGroupName")]
    assert group["effect"] == change_effects.effect(CLUSTER, "dbClusterParameterGroupName", group["live"],
                                                    group["planned"], {"engine": "aurora-postgresql"}).text
    for instance in ("orders-live-writer", "orders-live-reader-1"):
        ca = changes[(instance, "caCertIdentifier")]
        assert (ca["planned"], ca["outcome"]) == ("rds-ca-rsa2048-g1", "downtime")
    # Managed credentials on the cluster's key: kept, so neither the secret's key nor a password changes.
    assert not {p for _, p in changes} & {"masterPassword", "masterUserSecretKmsKeyId"}
    logs = changes.get(("orders-live", "enabledCloudwatchLogsExports"))
    assert logs is None  # the live cluster exports postgresql, as the platform does
    multi_az = {c["property"]: c for c in clusters["pay-live"][0].result["first_up_changes"]}
    assert multi_az["masterPassword"]["live"] == "[secret]"
    assert multi_az["enabledCloudwatchLogsExports"]["effect"] == change_effects.effect(
        CLUSTER, "enabledCloudwatchLogsExports", [], ["postgresql"], {"engine": "postgres"}).text


def test_cluster_defaults_kept_off_are_judged_on_the_resource_that_holds_them(clusters):
    run, _ = clusters["orders-live"]
    kept = {d["key"]: d for d in run.result["defaults_kept_off"]}
    monitoring = kept["rdsplatform:monitoringInterval"]
    assert (monitoring["live"], monitoring["platform_default"]) == (0, 60)
    assert monitoring["effect"] == change_effects.effect(CLUSTER_INSTANCE, "monitoringInterval", 0, 60,
                                                         {"engine": "aurora-postgresql"}).text
    assert "rdsplatform:multiAz" not in kept


@pytest.mark.parametrize("db, adopted_names, exit_code", [
    ("orders-live", {"orders-live-db-cluster", "orders-live-db-writer", "orders-live-db-reader-1",
                     "orders-live-keys-key", "orders-live-network-subnets"}, 0),
    ("pay-live", {"pay-live-db-cluster", "pay-live-keys-key", "pay-live-network-subnets"}, 0),
    # The managed secret's key differs from the cluster's: AWS refuses that change (exit 4), as adopt said.
    ("flex-live", {"flex-live-db-cluster", "flex-live-db-writer", "flex-live-keys-key", "flex-live-network-subnets"}, 4),
])
def test_a_cluster_stack_file_previews_offline_as_import_and_replaces_nothing(clusters, committed_copy, tmp_path, db,
                                                                              adopted_names, exit_code):
    _, path = clusters[db]
    code, report, _ = _preview(committed_copy, path, tmp_path / "out.json", "--no-policy")
    assert code == exit_code, report.get("error")
    actions = {c["name"]: c["action"] for c in report["diff"]["changes"]}
    assert {n for n, a in actions.items() if a == "import"} == adopted_names
    assert set(actions.values()) == {"import", "create"}  # nothing replaced or deleted
    cluster = next(r for r in report["resources"] if r["name"] == f"{db}-db-cluster")
    assert cluster["options"]["importId"] == db
    assert report["diff"]["live"]["unknown"] == []  # every import compared with what adopt read
    refused = {(c["name"], v["property"]) for c in report["diff"]["changes"] for v in c["values"]
               if (v.get("effect") or {}).get("outcome") == "refused"}
    assert refused == ({(f"{db}-db-cluster", "masterUserSecretKmsKeyId")} if exit_code == 4 else set())


def test_a_cluster_record_holds_the_live_values_the_gate_compares_and_no_secret(clusters, estate):
    run, path = clusters["orders-live"]
    record = _record(path)
    jsonschema.validate(record, json.loads(adoption.SCHEMA_PATH.read_text()))
    found = {(r["type"], r["importId"]): r["inputs"] for r in record["resources"]}
    assert set(found) == {(CLUSTER, "orders-live"), (CLUSTER_INSTANCE, "orders-live-writer"),
                          (CLUSTER_INSTANCE, "orders-live-reader-1"), (KEY, estate.ids["key"]),
                          ("aws:rds/subnetGroup:SubnetGroup", "cluster-subnets")}
    assert (found[(CLUSTER, "orders-live")]["dbSubnetGroupName"], found[(CLUSTER_INSTANCE, "orders-live-reader-1")][
        "promotionTier"]) == ("cluster-subnets", 1)
    assert record["command"] == "python -m operations adopt --db-cluster orders-live --stack live"
    assert PASSWORD not in json.dumps(record) and not any("masterPassword" in i for i in found.values())


def test_a_cluster_import_shows_what_the_first_up_changes_with_its_outcome(clusters, committed_copy, tmp_path):
    _, path = clusters["orders-live"]
    _, report, _ = _preview(committed_copy, path, tmp_path / "out.json", "--no-policy")
    changes = {c["name"]: {v["property"]: v for v in c["values"]} for c in report["diff"]["changes"]}
    group = changes["orders-live-db-cluster"]["dbClusterParameterGroupName"]
    assert (group["before"], group["effect"]["outcome"]) == ("default.aurora8.0", "reboot")
    ca = changes["orders-live-db-reader-1"]["caCertIdentifier"]
    assert (ca["before"], ca["after"], ca["effect"]["outcome"]) == ("rds-ca-default", "rds-ca-rsa2048-g1", "downtime")
    # What adopt copied into the stack file is no change.
    assert not {"databaseName", "masterUsername", "kmsKeyId", "dbSubnetGroupName", "backupRetentionPeriod",
                "deletionProtection"} & set(changes["orders-live-db-cluster"])
