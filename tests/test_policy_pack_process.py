"""The running pack process: the SDK speed-up its entry point installs, and Remediate as the engine calls it."""

import json
import subprocess
import sys

import pytest


# --- the SDK speed-up: installed by the pack's entry point, not by importing the package ----------

_REPORT_JSON_FORMAT = """
import json, runpy, sys
sys.path.insert(0, "policies")
import pulumi_policy, pulumi_policy.policy as sdk
packs = []
pulumi_policy.PolicyPack = lambda **kwargs: packs.append(kwargs)  # record instead of serving
before = type(sdk.json_format).__name__
import rds_guardrails, rds_guardrails.evaluate, rds_guardrails.pack
after_import = type(sdk.json_format).__name__
if sys.argv[1] == "run":
    runpy.run_path("policies/__main__.py", run_name="__main__")
print(json.dumps([before, after_import, type(sdk.json_format).__name__, [len(p["policies"]) for p in packs]]))
"""


@pytest.mark.parametrize("run_entry_point, installed", [(False, False), (True, True)], ids=["import", "pack-runs"])
def test_the_sdk_speedup_is_installed_by_the_pack_not_by_an_import(run_entry_point, installed, pack):
    from preview.harness import PROJECT_DIR
    out = subprocess.run([sys.executable, "-c", _REPORT_JSON_FORMAT, "run" if run_entry_point else "import"],
                         cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    before, after_import, after, packs = json.loads(out)
    assert before == after_import == "module"  # importing rds_guardrails patches nothing
    assert (after == "_RememberingJsonFormat") is installed
    assert packs == ([len(pack.info.policies)] if run_entry_point else [])


def test_the_running_pack_answers_remediate_as_the_engine_calls_it(pack):
    # The engine asks the pack for remediations of every resource before Analyze; an exception
    # there fails the step ("failed to run remediation"). The pack has no remediation policy.
    from preview.analyzer import analyze_request
    from benchmarks.fleet import synthetic_fleet
    resources = synthetic_fleet(16)
    assert len({r.type for r in resources}) > 5
    for resource in resources:
        response = pack.stub.Remediate(analyze_request(resource))
        assert list(response.remediations) == []
