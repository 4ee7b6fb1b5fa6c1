"""sync-connection against moto in server mode: the program's rotated connection secret follows the database.

moto does not apply ModifyDBInstance's DBPortNumber (the endpoint keeps its port), so drift is
made the other way round: a secret that names another port or host than the one RDS reports,
as a secret does after a port change or a restore under the same name.
The passwords are made per run (secrets.token_urlsafe) and never written into the test's text.
"""

import json
import secrets
import subprocess
import sys

import pytest

from operations import demo, sync_connection
from tests.ops_estate import ENV, ROOT, served_estate

FIRST_VERSION_LABEL = "rdsplatform-first-version"  # components/credentials.py (docs/aws-rules.md rule 24c)


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


def _endpoint(estate, instance="appdb-prod"):
    return estate.client("rds").describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]["Endpoint"]


def _connection_secret(estate, name, made_password, tags=None, **fields):
    """A connection document as the program writes it (engine, host, port, dbname, username, password)."""
    endpoint = _endpoint(estate)
    document = {"engine": "postgres", "host": endpoint["Address"], "port": endpoint["Port"], "dbname": "appdb",
                "username": "dbadmin", "password": made_password, **fields}
    document = {k: v for k, v in document.items() if v is not None}
    return estate.client("secretsmanager").create_secret(
        Name=name, SecretString=json.dumps(document), Tags=demo._tags(tags or demo.PROD_TAGS))["ARN"]


def _stages(estate, arn):
    return estate.client("secretsmanager").describe_secret(SecretId=arn)["VersionIdsToStages"]


def _value(estate, arn, **version):
    return json.loads(estate.client("secretsmanager").get_secret_value(SecretId=arn, **version)["SecretString"])


def _sync(estate, arn, database="appdb-prod", *extra, kind="--db-instance"):
    return estate.run("sync-connection", kind, database, "--confirm", database, "--secret-id", arn, *extra)


def _never_printed(run, password):
    assert password and password not in json.dumps(run.lines) + run.stderr


def _rotated(estate, arn, rotated_password):
    """What a rotation leaves: a second version, AWSCURRENT, the same document with a new password;
    the first version keeps only the program's own label (rule 24c). moto drops every label of the
    version AWSCURRENT leaves (AWS moves AWSPREVIOUS alone), so the label is put back as AWS keeps it."""
    sm = estate.client("secretsmanager")
    first = next(iter(_stages(estate, arn)))
    sm.put_secret_value(SecretId=arn, SecretString=json.dumps({**_value(estate, arn), "password": rotated_password}),
                        VersionStages=["AWSCURRENT"])
    sm.update_secret_version_stage(SecretId=arn, VersionStage=FIRST_VERSION_LABEL, MoveToVersionId=first)
    sm.update_secret_version_stage(SecretId=arn, VersionStage="AWSPREVIOUS", RemoveFromVersionId=first)
    return first


def test_a_changed_port_is_written_with_the_rotated_password_and_the_old_version_becomes_previous(estate):
    first_password, password = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-port", first_password, port=6543)
    first = _rotated(estate, arn, password)
    rotated = next(v for v, stages in _stages(estate, arn).items() if "AWSCURRENT" in stages)
    assert _stages(estate, arn) == {first: [FIRST_VERSION_LABEL], rotated: ["AWSCURRENT"]}
    run = _sync(estate, arn)
    assert run.code == 0, run.lines
    _never_printed(run, password)
    _never_printed(run, first_password)
    result = run.result
    assert result["in_sync"] is False and result["confirmed"] is True
    assert result["changed"] == {"port": {"secret": 6543, "rds": 5432}}
    assert result["previous_version"] == rotated and result["current_version"] not in (first, rotated)
    assert _stages(estate, arn) == {first: [FIRST_VERSION_LABEL], rotated: ["AWSPREVIOUS"],
                                    result["current_version"]: ["AWSCURRENT"]}
    now = _value(estate, arn)
    assert now["port"] == 5432 and now["host"] == _endpoint(estate)["Address"]
    # the rotated password, never the first one
    assert (now["username"], now["password"], now["engine"], now["dbname"]) == ("dbadmin", password, "postgres", "appdb")
    assert _value(estate, arn, VersionStage="AWSPREVIOUS")["port"] == 6543  # the old version is kept as it was

    again = _sync(estate, arn)  # now in sync: nothing more is written
    assert again.code == 0 and again.result["in_sync"] is True and again.result["changed"] == {}
    assert _stages(estate, arn) == {first: [FIRST_VERSION_LABEL], rotated: ["AWSPREVIOUS"],
                                    result["current_version"]: ["AWSCURRENT"]}


def test_in_sync_writes_nothing(estate):
    password = secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-same", password, port=str(_endpoint(estate)["Port"]))  # "5432" is 5432
    before = _stages(estate, arn)
    run = _sync(estate, arn)
    assert run.code == 0, run.lines
    assert run.result["in_sync"] is True and run.result["current_version"] == next(iter(before))
    assert any(n["message"].startswith("in sync:") for n in run.of_kind("note"))
    assert _stages(estate, arn) == before
    _never_printed(run, password)


def test_a_secret_mid_rotation_is_refused(estate):
    password = secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-pending", password, port=6543)
    estate.client("secretsmanager").put_secret_value(
        SecretId=arn, SecretString=json.dumps({"username": "dbadmin", "password": secrets.token_urlsafe(24)}),
        VersionStages=["AWSPENDING"])
    before = _stages(estate, arn)
    assert "AWSPENDING" in [s for stages in before.values() for s in stages]
    run = _sync(estate, arn)
    assert run.code == 2 and "is being rotated" in run.result["message"], run.lines
    assert _stages(estate, arn) == before and _value(estate, arn)["port"] == 6543
    _never_printed(run, password)


def test_without_confirm_nothing_is_read_or_written(estate):
    password = secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-unconfirmed", password, port=6543)
    before = _stages(estate, arn)
    run = estate.run("sync-connection", "--db-instance", "appdb-prod", "--secret-id", arn)
    assert run.code == 2 and "--confirm appdb-prod" in run.result["message"]
    wrong = estate.run("sync-connection", "--db-instance", "appdb-prod", "--confirm", "appdb-prod-reporting",
                       "--secret-id", arn)
    assert wrong.code == 2 and "--confirm appdb-prod" in wrong.result["message"]
    assert _stages(estate, arn) == before


@pytest.mark.parametrize("fields, message", [
    ({"password": None}, "has no password in its JSON"),
    ({"username": None, "password": None}, "has no username or password"),
    ({"engine": "mysql"}, "names engine 'mysql'"),
])
def test_a_secret_that_is_not_this_databases_connection_document_is_refused(estate, fields, message):
    password = secrets.token_urlsafe(24)
    name = "sync-bad-" + "-".join(sorted(fields))
    arn = _connection_secret(estate, name, password, port=6543, **fields)
    before = _stages(estate, arn)
    run = _sync(estate, arn)
    assert run.code == 2 and message in run.result["message"], run.lines
    assert _stages(estate, arn) == before
    _never_printed(run, password)


def test_a_value_that_is_not_json_is_refused_without_quoting_it(estate):
    password = secrets.token_urlsafe(24)
    arn = estate.client("secretsmanager").create_secret(Name="sync-not-json", SecretString=f"{{{password}",
                                                         Tags=demo._tags(demo.PROD_TAGS))["ARN"]
    run = _sync(estate, arn)
    assert run.code == 2 and "does not hold a JSON object" in run.result["message"]
    _never_printed(run, password)


def test_an_rds_managed_secret_or_another_stacks_secret_is_refused(estate):
    managed = estate.run("sync-connection", "--db-instance", "billing-prod", "--confirm", "billing-prod")
    assert managed.code == 2 and "RDS-managed" in managed.result["message"]
    password = secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-foreign", password, tags={**demo.PROD_TAGS, "Environment": "dev"}, port=6543)
    foreign = _sync(estate, arn)
    assert foreign.code == 2 and "not tied to 'appdb-prod'" in foreign.result["message"]
    assert _value(estate, arn)["port"] == 6543


def test_a_cluster_gets_its_writer_endpoint(estate):
    cluster = estate.client("rds").describe_db_clusters(DBClusterIdentifier="orders")["DBClusters"][0]
    password = secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-cluster", password, host="orders.cluster-old.eu-west-1.rds.amazonaws.com",
                             port=cluster["Port"])
    run = _sync(estate, arn, "orders", kind="--db-cluster")
    assert run.code == 0, run.lines
    assert run.result["changed"] == {"host": {"secret": "orders.cluster-old.eu-west-1.rds.amazonaws.com",
                                              "rds": cluster["Endpoint"]}}
    assert _value(estate, arn)["host"] == cluster["Endpoint"] and _value(estate, arn)["password"] == password
    _never_printed(run, password)


def test_a_person_gets_the_changed_fields_and_never_the_password(estate):
    password = secrets.token_urlsafe(24)
    arn = _connection_secret(estate, "sync-text", password, port=6543)
    done = subprocess.run([sys.executable, "-m", "operations", "sync-connection", "--db-instance", "appdb-prod",
                           "--confirm", "appdb-prod", "--secret-id", arn, "--region", demo.REGION,
                           "--endpoint-url", estate.endpoint],
                          cwd=ROOT, env={**ENV, "COLUMNS": "200"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "6543" in done.stdout and "5432" in done.stdout and "port" in done.stdout
    assert password not in done.stdout + done.stderr


# --- without AWS ----------------------------------------------------------------------------------

def test_the_secret_engine_names_are_the_programs():
    from components.catalog import SECRET_ENGINE

    assert sync_connection.SECRET_ENGINE == SECRET_ENGINE


def test_differences_ignore_a_missing_dbname_and_the_case_of_the_host():
    now = {"host": "db.example.eu-west-1.rds.amazonaws.com", "port": 5432, "dbname": None, "engine": "postgres"}
    document = {"host": "DB.example.eu-west-1.rds.amazonaws.com", "port": "5432", "dbname": "appdb"}
    assert sync_connection.differences(document, now) == {}
    assert sync_connection.differences({**document, "port": "x"}, now) == {"port": {"secret": "x", "rds": 5432}}
    assert sync_connection.differences(document, {**now, "dbname": "other"}) == {"dbname": {"secret": "appdb", "rds": "other"}}


def test_an_instance_without_an_endpoint_yet_is_refused():
    from operations.errors import RunbookError

    with pytest.raises(RunbookError, match="no endpoint"):
        sync_connection.reported({"DBInstanceIdentifier": "a", "DBInstanceStatus": "creating", "Engine": "postgres"},
                                 cluster=False)


class _FakeSecrets:
    """A secret whose writes another writer overtakes: after PutSecretValue, AWSCURRENT is someone else's."""

    def __init__(self, value):
        self.value, self.puts = value, []
        self.stages = {"v-old": ["AWSCURRENT"]}

    def describe_secret(self, SecretId):
        return {"ARN": SecretId, "Tags": demo._tags(demo.PROD_TAGS), "VersionIdsToStages": self.stages}

    def get_secret_value(self, SecretId, VersionStage):
        return {"VersionId": "v-old", "SecretString": self.value}

    def put_secret_value(self, **call):
        self.puts.append(call)
        self.stages = {"v-old": ["AWSPREVIOUS"], call["ClientRequestToken"]: [], "v-other": ["AWSCURRENT"],
                       "v-pending": ["AWSPENDING"]}
        return {"VersionId": call["ClientRequestToken"]}


class _FakeClients:
    region = demo.REGION

    def __init__(self, sm):
        self.sm = sm

    def rds(self, region=None, may_be_down=False):
        return self

    def client(self, service):
        assert service == "secretsmanager"
        return self.sm

    def describe_db_instances(self, DBInstanceIdentifier):
        return {"DBInstances": [{"DBInstanceIdentifier": "appdb-prod", "Engine": "postgres", "DBName": "appdb",
                                 "Endpoint": {"Address": "appdb-prod.example", "Port": 5432},
                                 "TagList": demo._tags(demo.PROD_TAGS)}]}


def test_a_write_that_describe_secret_does_not_show_current_is_exit_1(capsys):
    import argparse

    from operations.cli import Context
    from operations.output import Output

    password = secrets.token_urlsafe(24)
    sm = _FakeSecrets(json.dumps({"engine": "postgres", "host": "appdb-prod.example", "port": 6543, "dbname": "appdb",
                                  "username": "dbadmin", "password": password}))
    args = argparse.Namespace(db_instance="appdb-prod", db_cluster=None, confirm="appdb-prod", secret_id="arn:secret")
    code = sync_connection.run(Context(args, _FakeClients(sm), Output(as_json=True)))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1 and lines[-1]["confirmed"] is False and lines[-1]["changed"] == {"port": {"secret": 6543, "rds": 5432}}
    notes = " ".join(line["message"] for line in lines if line["kind"] == "note")
    assert "does not show it AWSCURRENT" in notes and "a rotation started meanwhile" in notes
    assert len(sm.puts) == 1 and sm.puts[0]["VersionStages"] == ["AWSCURRENT"] and sm.puts[0]["ClientRequestToken"]
    assert json.loads(sm.puts[0]["SecretString"])["password"] == password
    assert password not in json.dumps(lines)
