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

    def rds(self, region=None):
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
