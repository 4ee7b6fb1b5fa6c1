"""The runbooks' input guards without AWS: identifiers, --confirm, lookups, output escaping, exit codes."""

import argparse

import pytest

from operations import cli, lookup
from operations.errors import RunbookError


class _FakeRds:
    """An endpoint that ignores the identifier filter and answers with every database."""

    def __init__(self, instances=(), clusters=()):
        self.instances, self.clusters = list(instances), list(clusters)

    def describe_db_instances(self, DBInstanceIdentifier):
        return {"DBInstances": self.instances}

    def describe_db_clusters(self, DBClusterIdentifier):
        return {"DBClusters": self.clusters}


class _FakeClients:
    region = "eu-west-1"

    def __init__(self, rds):
        self._rds = rds

    def rds(self, region=None, may_be_down=False):
        return self._rds


@pytest.mark.parametrize("argv", [
    ["rotate-credentials", "--db-instance", "", "--confirm", ""],
    ["restore-drill", "--db-cluster", "", "--confirm", ""],
    ["failover-drill", "--db-instance", "a", "--confirm", ""],
    ["promote-replica", "--db-instance", "[/x]", "--confirm", "[/x]"],
    ["snapshot", "--db-instance", "1abc"],
    ["metrics", "--db-instance", "a" * 64],
    ["metrics", "--db-instance", "ends-"],
    ["metrics", "--db-instance", "two--hyphens"],
])
def test_invalid_identifiers_are_refused_by_the_parser(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parser().parse_args(argv)
    assert exit_.value.code == 2 and "not a DB identifier" in capsys.readouterr().err


def test_valid_identifiers_pass_the_parser():
    args = cli.parser().parse_args(["failover-drill", "--db-cluster", "Orders-2", "--confirm", "Orders-2",
                                    "--target-instance", "orders-r1"])
    assert (args.db_cluster, args.confirm, args.target_instance) == ("Orders-2", "Orders-2", "orders-r1")
    assert cli.parser().parse_args(["metrics", "--db-instance", "a" * 63]).db_instance == "a" * 63


def test_an_empty_identifier_is_never_confirmed():
    with pytest.raises(RunbookError, match="without --confirm"):
        cli.require_confirm(argparse.Namespace(confirm=""), "")
    with pytest.raises(RunbookError, match="without --confirm"):
        cli.require_confirm(argparse.Namespace(confirm=None), None)
    cli.require_confirm(argparse.Namespace(confirm="appdb"), "appdb")  # the one accepted case


def test_lookup_returns_only_the_database_asked_for():
    rds = _FakeRds(instances=[{"DBInstanceIdentifier": "other-db"}, {"DBInstanceIdentifier": "appdb"}],
                   clusters=[{"DBClusterIdentifier": "other-cluster"}])
    clients = _FakeClients(rds)
    assert lookup.instance(clients, "appdb")["DBInstanceIdentifier"] == "appdb"
    assert lookup.instance(clients, "AppDB")["DBInstanceIdentifier"] == "appdb"  # RDS ids ignore case
    with pytest.raises(RunbookError, match="no DB instance 'missing'"):
        lookup.instance(clients, "missing")
    with pytest.raises(RunbookError, match="no DB cluster 'orders'"):
        lookup.cluster(clients, "orders")
    assert lookup.instance_or_none(clients, "missing") is None


MARKUP = "[/x] [bold]db[/bold] [/"


def test_text_output_prints_markup_in_names_and_messages_literally(capsys):
    from operations.output import Output

    out = Output(as_json=False)
    out.note(MARKUP)
    out.finding(MARKUP, "rds-" + MARKUP, "mandatory", MARKUP)
    out.table("t " + MARKUP, ["c " + MARKUP], [[MARKUP]])
    out.result(database=MARKUP, **{"key " + MARKUP: 1})
    out.error("AWS said " + MARKUP)
    captured = capsys.readouterr()
    assert captured.out.count(MARKUP) >= 7, captured.out
    assert "error: AWS said " + MARKUP in captured.err


def test_waiting_shows_markup_in_what_and_state_literally(monkeypatch, capsys):
    from operations.output import Output
    from operations.waiting import wait_for

    monkeypatch.setenv("OPS_POLL_SECONDS", "0.05")
    reads = iter([1, 2, 3])
    value, _ = wait_for(Output(as_json=False), "the instance " + MARKUP, lambda: next(reads), lambda v: v == 3,
                        60, lambda v: f"state {MARKUP}")
    assert value == 3


@pytest.mark.parametrize("url", ["notaurl", "ftp://host", "http://", "http://host:port", "127.0.0.1:5000"])
def test_an_endpoint_url_without_scheme_and_host_is_refused_by_the_parser(url, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "--region", "eu-west-1", "--endpoint-url", url])
    assert exit_.value.code == 2 and "not an endpoint URL" in capsys.readouterr().err


def _error_lines(out: str) -> list[dict]:
    import json

    lines = [json.loads(line) for line in out.splitlines()]
    assert lines, "no output"
    return lines


def test_a_binary_policy_config_is_one_message(tmp_path, capsys):
    config = tmp_path / "policy.json"
    config.write_bytes(b"\xff\xfe\x00binary")
    code = cli.main(["audit", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9", "--json",
                     "--policy-config", str(config)])
    lines = _error_lines(capsys.readouterr().out)
    assert code == 2 and lines == [{"kind": "error", "message": lines[0]["message"]}]
    assert "not UTF-8" in lines[0]["message"]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_one_message_and_exit_2(monkeypatch, capsys, debug):
    from operations import metrics

    def broken(ctx):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(metrics, "run", broken)
    if debug:
        monkeypatch.setenv("OPS_DEBUG", "1")
    else:
        monkeypatch.delenv("OPS_DEBUG", raising=False)
    code = cli.main(["metrics", "--db-instance", "appdb", "--region", "eu-west-1", "--json"])
    captured = capsys.readouterr()
    lines = _error_lines(captured.out)
    assert code == 2 and lines == [{"kind": "error", "message": lines[0]["message"]}]
    assert "ZeroDivisionError: boom" in lines[0]["message"]
    assert ("Traceback" in captured.err) is debug


@pytest.mark.parametrize("argv", [["--wait-timeout", "nan"], ["--wait-timeout", "inf"], ["--wait-timeout", "-1"],
                                  ["--wait-timeout", "0"], ["--wait-timeout", "soon"]])
def test_a_wait_timeout_that_is_not_a_positive_finite_number_is_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parser().parse_args(["metrics", "--db-instance", "appdb", *argv])
    assert exit_.value.code == 2 and "positive finite number of seconds" in capsys.readouterr().err


@pytest.mark.parametrize("poll", ["inf", "nan", "-3", "0", "soon"])
def test_a_bad_poll_interval_stops_before_the_runbook_runs(monkeypatch, capsys, poll):
    from operations import failover_drill

    ran = []
    monkeypatch.setattr(failover_drill, "run", lambda ctx: ran.append(ctx) or 0)
    monkeypatch.setenv("OPS_POLL_SECONDS", poll)
    code = cli.main(["failover-drill", "--db-instance", "appdb", "--confirm", "appdb", "--region", "eu-west-1",
                     "--json"])
    lines = _error_lines(capsys.readouterr().out)
    assert code == 2 and not ran and "OPS_POLL_SECONDS" in lines[-1]["message"]


class _RestoreTimesOut:
    """RDS that accepts the restore, then the answer is lost (a read timeout)."""

    def __init__(self, tag):
        self.tag, self.created, self.deleted = tag, False, []

    def describe_db_instances(self, DBInstanceIdentifier):
        import botocore.exceptions

        if DBInstanceIdentifier == "appdb":
            return {"DBInstances": [{"DBInstanceIdentifier": "appdb", "BackupRetentionPeriod": 7}]}
        if DBInstanceIdentifier == "appdb-drill" and self.created:
            return {"DBInstances": [{"DBInstanceIdentifier": "appdb-drill", "DBInstanceStatus": "creating",
                                     "TagList": [{"Key": "CreatedBy", "Value": self.tag}]}]}
        raise botocore.exceptions.ClientError({"Error": {"Code": "DBInstanceNotFound", "Message": "no"}},
                                              "DescribeDBInstances")

    def restore_db_instance_to_point_in_time(self, **request):
        import botocore.exceptions

        self.created = True
        raise botocore.exceptions.ReadTimeoutError(endpoint_url="https://rds.eu-west-1.amazonaws.com")

    def delete_db_instance(self, DBInstanceIdentifier, **_):
        self.deleted.append(DBInstanceIdentifier)
        self.created = False


def test_restore_drill_deletes_its_instance_when_the_restore_call_itself_fails(monkeypatch):
    import botocore.exceptions

    from operations import restore_drill
    from operations.output import Output

    monkeypatch.setenv("OPS_POLL_SECONDS", "0.05")
    rds = _RestoreTimesOut(restore_drill.DRILL_TAG)
    args = argparse.Namespace(db_instance="appdb", db_cluster=None, confirm="appdb", to_time=None,
                              drill_id="appdb-drill", wait_timeout=60)
    with pytest.raises(botocore.exceptions.ReadTimeoutError):
        restore_drill.run(cli.Context(args, _FakeClients(rds), Output(as_json=True)))
    assert rds.deleted == ["appdb-drill"] and not rds.created


def test_a_usage_error_with_json_is_one_json_line(capsys):
    import json

    with pytest.raises(SystemExit) as exited:
        cli.main(["audit", "--json", "--bogus"])
    assert exited.value.code == 2
    (line,) = capsys.readouterr().out.splitlines()
    payload = json.loads(line)
    assert payload["kind"] == "error" and "--bogus" in payload["message"]
    with pytest.raises(SystemExit):
        cli.main(["audit", "--bogus"])  # without --json: argparse's usage on stderr, nothing on stdout
    assert capsys.readouterr().out == ""


def test_an_aws_error_names_the_call_that_failed_not_the_last_one_made():
    import botocore.exceptions

    class Made:
        last_operation = "DescribeDBInstances"  # a cleanup's call after the failure

    failed = botocore.exceptions.ClientError({"Error": {"Code": "DBInstanceAlreadyExists", "Message": "x"}},
                                             "CreateDBInstance")
    assert cli.failed_operation(failed, Made()) == "CreateDBInstance"
    assert cli.failed_operation(botocore.exceptions.NoRegionError(), Made()) == "DescribeDBInstances"
    assert cli.failed_operation(botocore.exceptions.NoRegionError(), None) == "AWS"
