"""The runbooks' command-line contract, each as a subprocess against moto in server mode: a missing
region, an unknown instance and an unreachable endpoint are one message (exit 2); a person gets text."""

import pytest

from operations import demo
from tests.ops_estate import ENV, Estate, closed_endpoint, served_estate


@pytest.fixture(scope="module")
def estate():
    with served_estate() as served:
        yield served


# --- contract ---------------------------------------------------------------------------------

def test_no_region_is_refused_with_one_message(estate):
    run = estate.run("metrics", "--db-instance", "appdb-prod", region="")
    assert run.code == 2 and run.result == {"kind": "error", "message": run.result["message"]}
    assert "--region" in run.result["message"]


def test_unknown_instance_is_refused(estate):
    run = estate.run("metrics", "--db-instance", "nope")
    assert run.code == 2 and "no DB instance 'nope'" in run.result["message"]


def test_unreachable_endpoint_is_one_message():
    run = Estate(closed_endpoint(), {}).run("audit", env={**ENV, "AWS_MAX_ATTEMPTS": "1"})
    assert run.code == 2 and run.result["kind"] == "error"


def test_a_person_gets_text_and_tables_not_json(estate):
    import subprocess
    import sys

    from tests.ops_estate import ROOT

    done = subprocess.run([sys.executable, "-m", "operations", "metrics", "--db-instance", "appdb-prod",
                           "--region", demo.REGION, "--endpoint-url", estate.endpoint],
                          cwd=ROOT, env={**ENV, "COLUMNS": "120"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "CPUUtilization" in done.stdout and "p95" in done.stdout
    assert not done.stdout.lstrip().startswith("{")
