"""The plan diff through `python -m preview --baseline`: values, what AWS does, refusals, storage
autoscaling, capacity, and secrets compared without their values."""

import json
import re

import pytest

from preview.__main__ import EXIT_AT_RISK, EXIT_CLEAN, EXIT_REFUSED, main
from tests.preview_runs import git, preview_in

PRIMARY = "appdb-prod-db-instance"


def _baseline(tmp_path, stack, *config):
    path = tmp_path / f"{stack}-base.json"
    args = [a for kv in config for a in ("--config", kv)]
    assert main(["--stack", stack, "--quiet", "--no-policy", "--json", str(path), *args]) == EXIT_CLEAN
    return path


@pytest.fixture(scope="module")
def prod_base(tmp_path_factory):
    return _baseline(tmp_path_factory.mktemp("prod"), "prod")


@pytest.fixture(scope="module")
def dev_base(tmp_path_factory):
    # Storage sized by the program (no autoscaling), so allocatedStorage changes reach AWS.
    return _baseline(tmp_path_factory.mktemp("dev"), "dev", "maxAllocatedStorage=0", "allocatedStorage=40")


def _diff(tmp_path, capsys, stack, base, *config, extra=()):
    out = {kind: tmp_path / f"out.{kind}" for kind in ("json", "sarif", "md")}
    capsys.readouterr()
    code = main(["--stack", stack, "--quiet", "--no-policy", "--baseline", str(base),
                 "--json", str(out["json"]), "--sarif", str(out["sarif"]), "--markdown", str(out["md"]),
                 *[a for kv in config for a in ("--config", kv)], *extra])
    text = capsys.readouterr().out
    return (code, json.loads(out["json"].read_text())["diff"], json.loads(out["sarif"].read_text()),
            out["md"].read_text(), text)


def _values(diff, name):
    change = next(c for c in diff["changes"] if c["name"] == name)
    return {v["property"]: v for v in change["values"]}


def test_every_report_shows_old_and_new_and_what_aws_does(tmp_path, capsys, prod_base):
    code, diff, sarif, markdown, text = _diff(tmp_path, capsys, "prod", prod_base, "backupRetentionDays=21")
    assert code == EXIT_CLEAN
    value = _values(diff, PRIMARY)["backupRetentionPeriod"]
    assert (value["before"], value["after"], value["text"], value["effect"]["outcome"]) == (14, 21, "14 → 21", "in-place")
    said = "backupRetentionPeriod 14 → 21: in place, applied immediately"
    assert said in text
    assert "| `appdb-prod-db-instance` | `backupRetentionPeriod` | `14 → 21` | `in place, applied immediately" in markdown
    notes = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "stateful-change"]
    assert [r["level"] for r in notes] == ["note"] and said in notes[0]["message"]["text"]


@pytest.mark.parametrize("config, prop, expected", [
    (["instanceClass=db.r7g.xlarge"], "instanceClass",
     "db.r7g.large → db.r7g.xlarge: downtime, applied in the next maintenance window"),
    (["instanceClass=db.r7g.xlarge", "applyImmediately=true"], "instanceClass",
     "db.r7g.large → db.r7g.xlarge: downtime, applied immediately"),
    (["multiAz=false"], "multiAz", "true → false: in place, applied in the next maintenance window"),
])
def test_each_change_says_what_aws_does_with_it(tmp_path, capsys, prod_base, config, prop, expected):
    code, diff, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, *config)
    assert code == EXIT_CLEAN
    assert f"{prop} {expected}" in text
    assert _values(diff, PRIMARY)[prop]["effect"]["source"].startswith(("RDS API Reference", "RDS UG", "Aurora UG"))


def test_a_major_upgrade_says_its_downtime_and_when(tmp_path, capsys, dev_base):
    # dev: no replicas (prod's cross-Region replica makes RDS refuse a PostgreSQL major upgrade,
    # tests/test_upgrades.py), and applyImmediately is on.
    code, diff, _, _, text = _diff(tmp_path, capsys, "dev", dev_base, "maxAllocatedStorage=0", "allocatedStorage=40",
                                   "engineVersion=17")
    assert code == EXIT_CLEAN
    assert "engineVersion 16 → 17: major upgrade, downtime, applied immediately" in text
    effect = _values(diff, "appdb-dev-db-instance")["engineVersion"]["effect"]
    assert effect["outcome"] == "downtime" and effect["text"].startswith("major upgrade, downtime, applied immediately")
    # The gate answered the lookup from the baseline (16 deployed), so the plan asks for the upgrade.
    instance = next(r for r in json.loads((tmp_path / "out.json").read_text())["resources"]
                    if r["name"] == "appdb-dev-db-instance")
    assert instance["inputs"]["allowMajorVersionUpgrade"] is True


def test_a_replacement_shows_its_values_in_the_at_risk_result(tmp_path, capsys, prod_base):
    code, diff, sarif, _, _ = _diff(tmp_path, capsys, "prod", prod_base, "dbName=orders")
    assert code == EXIT_AT_RISK
    assert _values(diff, PRIMARY)["dbName"]["effect"]["outcome"] == "replacement"
    risks = [r["message"]["text"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "stateful-resource-at-risk"]
    assert len(risks) == 1 and "dbName app → orders: replacement" in risks[0]


@pytest.mark.parametrize("size, code, words", [
    ("30", EXIT_REFUSED, "allocatedStorage 40 → 30: REFUSED by AWS: allocated storage cannot shrink"),
    ("43", EXIT_REFUSED, "allocatedStorage 40 → 43: REFUSED by AWS: an increase must be at least 10 % (40 GiB → at least 44 GiB)"),
    ("44", EXIT_CLEAN, "allocatedStorage 40 → 44: in place, applied immediately: no outage, performance may degrade; "
                       "then storage-optimization (elevated latency); a further storage change only once it completes, and at "
                       "most 4 storage modifications in any 24 hours"),
])
def test_storage_aws_refuses_fails_the_gate_whatever_allow_replacement_says(tmp_path, capsys, dev_base, size, code, words):
    found, diff, sarif, markdown, text = _diff(tmp_path, capsys, "dev", dev_base, "maxAllocatedStorage=0",
                                               f"allocatedStorage={size}", extra=["--allow-replacement"])
    assert found == code
    assert words in text
    refused = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "aws-refuses-change"]
    change = next(c for c in diff["changes"] if c["name"] == "appdb-dev-db-instance")
    if code == EXIT_REFUSED:
        assert change["refused"] and [r["level"] for r in refused] == ["error"]
        assert "⛔ refused by AWS" in markdown and "**Verdict: ❌ refused**" in markdown
        assert "1 resource(s) with a change AWS refuses: FAIL" in text
    else:
        assert not change["refused"] and refused == []


def test_storage_autoscaling_makes_an_allocated_storage_change_a_visible_no_op(tmp_path, capsys, prod_base):
    # prod: maxAllocatedStorage 1000, so the program ignores allocatedStorage after create; even
    # the change reaches nothing, and the diff says so instead of hiding it.
    for size in ("800", "420"):
        code, diff, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, f"allocatedStorage={size}")
        assert code == EXIT_CLEAN
        change = next(c for c in diff["changes"] if c["name"] == PRIMARY)
        assert (change["action"], change["properties"], change["refused"]) == ("no-effect", [], False)
        assert f"allocatedStorage 400 → {size}: no effect: storage autoscaling owns it (raise maxAllocatedStorage" in text
        assert "1 with no effect" in text
        assert diff["capacity"]["after"]["storageGiB"] == 1200  # the deployed size stays


def test_capacity_before_and_after_in_every_report(tmp_path, capsys, prod_base):
    code, diff, _, markdown, text = _diff(tmp_path, capsys, "prod", prod_base, "instanceClass=db.r7g.xlarge")
    assert code == EXIT_CLEAN
    # The Multi-AZ primary counts twice: 2 × (4 → 8); the replicas keep their class.
    said = "compute 20 → 28 units (+40 %), storage 1200 → 1200 GiB"
    assert f"capacity: {said}" in text and f"Capacity: `{said}`" in markdown
    assert (diff["capacity"]["before"]["units"], diff["capacity"]["after"]["units"], diff["capacity"]["text"]) == (20, 28, said)


def test_lists_and_maps_show_what_was_added_and_removed(tmp_path, capsys, prod_base):
    tags = '{"CostCenter": "platform-prod", "Owner": "data-team", "DataClassification": "confidential", "Team": "orders"}'
    code, diff, _, _, _ = _diff(tmp_path, capsys, "prod", prod_base, f"tags={tags}")
    assert code == EXIT_CLEAN
    # Stack tags are the provider's default tags, a JSON document: said key by key, not as two blobs.
    assert _values(diff, "appdb-prod-aws")["defaultTags"]["text"] == "tags: + Team=orders; Owner: platform-team → data-team"


def test_a_saved_baseline_says_its_secrets_were_not_compared(tmp_path, capsys, prod_base):
    code, diff, _, markdown, text = _diff(tmp_path, capsys, "prod", prod_base,
                                          'parameters={"log_connections": "0", "log_disconnections": "1"}')
    assert code == EXIT_CLEAN
    assert "appdb-prod-db-params parameters" in diff["secretsNotCompared"]
    assert "secrets not compared (a saved baseline holds no secret" in text and "Secrets not compared" in markdown


def test_a_git_baseline_compares_secrets_by_fingerprint_and_never_shows_them(tmp_path, committed_copy):
    repo = committed_copy
    stack_file = repo / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace(
        "config:\n", 'config:\n  rdsplatform:parameters:\n    log_min_duration_statement: "4321987"\n'
                      '  aws:secretKey:\n    secure: v1:AAAAciphertext\n', 1))
    git(repo, "commit", "-qam", "a secret parameter")
    stack_file.write_text(stack_file.read_text().replace('"4321987"', '"8765123"'))
    out = tmp_path / "changed.json"
    code, report = preview_in(repo, out, "--baseline", "git:HEAD", "--markdown", str(tmp_path / "m.md"))
    assert code == EXIT_CLEAN
    changes = [(c["name"], c["properties"]) for c in report["diff"]["changes"]]
    assert changes == [("appdb-dev-db-params", ["parameters"])]
    value = report["diff"]["changes"][0]["values"][0]
    assert value["text"] == "log_min_duration_statement: value: [secret] changed"
    assert value["effect"]["outcome"] == "reboot"
    # An encrypted stack-file value is a placeholder in both plans: said, never taken as unchanged.
    assert report["diff"]["secretsNotCompared"] == ["config aws:secretKey (encrypted: planned with a placeholder)"]
    for written in (out.read_text(), (tmp_path / "m.md").read_text()):
        assert not re.search("4321987|8765123", written)


def test_a_conditional_replacement_is_a_replacement_at_risk(tmp_path):
    # The provider replaces a Multi-AZ DB cluster whose storageType changes (ForceNewIf, not a plain
    # force-new property): the diff must call it a replacement, data at risk, not an update.
    from preview.diff import diff_plans
    from preview.harness import run_program
    from tests.stack_cases import EXAMPLES

    [example] = [e for e in EXAMPLES if "deploymentOption: multi-az-cluster" in e]
    stack_file = tmp_path / "Pulumi.example.yaml"
    stack_file.write_text(example)
    before = run_program("example", stack_file=stack_file)
    after = run_program("example", {"storageType": "io2"}, stack_file=stack_file)
    assert before.error is None and after.error is None, after.error
    [cluster] = [c for c in diff_plans(before.resources, after.resources, "before").changes
                 if c.type == "aws:rds/cluster:Cluster"]
    assert (cluster.action, cluster.at_risk) == ("replace", True)
    [value] = [v for v in cluster.values if v.property == "storageType"]
    assert value.effect is not None and value.effect.outcome == "replacement"
