"""The offline check's reports and exit codes: JSON, SARIF, Markdown, the plan diff."""

import json

import pytest
import sarif_om as om

from preview.__main__ import EXIT_AT_RISK, EXIT_CLEAN, EXIT_ERROR, EXIT_MANDATORY, main
from preview.diff import diff_plans
from preview.harness import run_program
from preview.mock_resources import MOCK_SECRET_VALUE
from tests.preview_runs import preview_in
from tests.sarif_model import conforms as _conforms


def _check(tmp_path, *args):
    paths = {kind: tmp_path / f"out.{kind}" for kind in ("json", "sarif", "md")}
    code = main([*args, "--quiet", "--json", str(paths["json"]), "--sarif", str(paths["sarif"]),
                 "--markdown", str(paths["md"])])
    return code, json.loads(paths["json"].read_text()), json.loads(paths["sarif"].read_text()), paths["md"].read_text()


# --- exit codes -------------------------------------------------------------------------------------

# prod's known advisory gaps (docs/compliance.md): the engine's default port (RDS Proxy listens there
# anyway) and no AWS Backup plan.
PROD_ADVISORY = {"rds-no-default-port", "rds-backup-plan"}


def test_clean_prod_exits_0_and_every_report_says_so(tmp_path):
    code, report, sarif, markdown = _check(tmp_path, "--stack", "prod")
    assert code == EXIT_CLEAN
    assert {(d["policy"], d["level"]) for d in report["diagnostics"]} == {(p, "advisory") for p in PROD_ADVISORY}
    assert report["error"] is None
    assert {(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"]} == {(p, "warning") for p in PROD_ADVISORY}
    assert "**Verdict: ✅ passes**" in markdown and "| mandatory | 0 |" in markdown


def test_a_broken_override_exits_1_with_a_readable_report(tmp_path):
    code, report, sarif, markdown = _check(tmp_path, "--stack", "prod", "--config", "multiAz=false")
    assert code == EXIT_MANDATORY
    assert [(d["policy"], d["level"]) for d in report["diagnostics"] if d["policy"] not in PROD_ADVISORY] == [
        ("rds-multi-az", "mandatory")]
    assert [(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"] if r["ruleId"] not in PROD_ADVISORY] == [
        ("rds-multi-az", "error")]
    assert "**Verdict: ❌ refused**" in markdown
    assert "| mandatory | `rds-multi-az` | `appdb-prod-db-instance` | `Instance 'appdb-prod-db-instance': Multi-AZ is off" in markdown


def test_bad_config_exits_2_and_the_markdown_carries_the_message(tmp_path):
    code, report, _, markdown = _check(tmp_path, "--stack", "prod", "--config", "backupRetentionDays=0")
    assert code == EXIT_ERROR
    assert "rdsplatform:backupRetentionDays = 0" in report["error"] and report["resources"] == []
    assert "could not be built" in markdown and "backupRetentionDays = 0" in markdown


def test_first_preview_produces_no_false_violations(tmp_path):
    code, report, _, _ = _check(tmp_path, "--all", "--first-preview")
    assert code == EXIT_CLEAN
    assert [s["stack"] for s in report["stacks"]] == ["dev", "prod"]
    for stack in report["stacks"]:
        assert [d for d in stack["diagnostics"] if d["level"] == "mandatory"] == []
    prod = next(s for s in report["stacks"] if s["stack"] == "prod")
    assert prod["outputs"]["endpoint"] == "(known after deploy)"


# --- JSON ---------------------------------------------------------------------------------------------

def test_json_has_each_resource_as_the_analyzer_sees_it_and_no_secret(tmp_path):
    code, report, _, _ = _check(tmp_path, "--stack", "dev")
    assert code == EXIT_CLEAN
    db = next(r for r in report["resources"] if r["name"] == "appdb-dev-db-instance")
    assert db["inputs"]["password"] == "[secret]" and db["inputs"]["storageEncrypted"] is True
    assert db["options"]["protect"] is False and db["outputs"]["arn"].startswith("arn:aws:rds:")
    assert {d["level"] for d in report["diagnostics"]} == {"advisory"}
    text = (tmp_path / "out.json").read_text() + (tmp_path / "out.md").read_text() + (tmp_path / "out.sarif").read_text()
    assert MOCK_SECRET_VALUE not in text


# --- SARIF against the sarif-om object model ----------------------------------------------------------

def test_sarif_follows_the_2_1_0_object_model(tmp_path):
    code, _, sarif, _ = _check(tmp_path, "--all")
    assert code == EXIT_CLEAN
    _conforms(sarif, om.SarifLog)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    assert [r["automationDetails"]["id"] for r in sarif["runs"]] == [
        "rdsplatform-offline-check/dev/", "rdsplatform-offline-check/prod/"]
    # dev's advisory findings are results, so the checks below run on real ones.
    assert sarif["runs"][0]["results"]
    for run in sarif["runs"]:
        rules = run["tool"]["driver"]["rules"]
        assert len({r["id"] for r in rules}) == len(rules) > 30
        stack = run["automationDetails"]["id"].split("/")[1]
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["level"] in ("none", "note", "warning", "error")
            location = result["locations"][0]
            assert location["physicalLocation"]["artifactLocation"]["uri"] == f"Pulumi.{stack}.yaml"
            assert location["logicalLocations"][0]["fullyQualifiedName"].startswith(f"urn:pulumi:{stack}::")


def test_the_conformance_check_refuses_a_bad_property():
    with pytest.raises(AssertionError, match="has no properties"):
        _conforms({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "resultz": []}]}, om.SarifLog)


# --- Markdown and Mermaid -----------------------------------------------------------------------------

def test_markdown_draws_the_components_by_region_and_their_links(tmp_path):
    _, _, _, markdown = _check(tmp_path, "--stack", "prod")
    diagram = markdown.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart LR")
    assert 'subgraph eu_west_1["eu-west-1"]' in diagram and 'subgraph eu_central_1["eu-central-1"]' in diagram
    ids = {line.split('["')[1].split('"]')[0]: line.strip().split("[")[0]
           for line in diagram.splitlines() if '["' in line and "subgraph" not in line}
    replica, database = ids["ReadReplica<br/>appdb-prod-replica-dr"], ids["Database<br/>appdb-prod-db"]
    assert f"{replica} -->|" in diagram and f"| {database}" in diagram
    assert any(line.strip().startswith(f"{replica} -->|") and line.endswith(database) and "replicateSourceDb" in line
               for line in diagram.splitlines())


# --- the plan diff --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prod_baseline():
    return run_program("prod").resources


@pytest.mark.parametrize("overrides, replaced", [
    ({"name": "orders"}, None),                        # every URN changes: deletes and creates
    ({"dbName": "orders"}, ["dbName"]),
    # prod's parameters are PostgreSQL's: a MySQL stack must drop them (settings refuse them).
    ({"engine": "mysql", "engineVersion": "8.4", "parameters": {}}, ["engine"]),
    ({"masterUsername": "orders_admin"}, ["username"]),
])
def test_changes_that_replace_the_database_are_flagged(prod_baseline, overrides, replaced):
    diff = diff_plans(prod_baseline, run_program("prod", overrides).resources, "main")
    primary = [c for c in diff.changes if c.name == "appdb-prod-db-instance"]
    if replaced is None:
        assert primary[0].action == "delete" and not primary[0].at_risk  # retainOnDelete keeps it
        assert any(c.action == "create" and c.name == "orders-prod-db-instance" for c in diff.changes)
    else:
        assert primary[0].action == "replace" and primary[0].at_risk
        assert set(replaced) <= set(primary[0].properties)


def test_an_in_place_change_is_not_a_replacement(prod_baseline):
    diff = diff_plans(prod_baseline, run_program("prod", {"instanceClass": "db.r7g.xlarge"}).resources, "main")
    primary = next(c for c in diff.changes if c.name == "appdb-prod-db-instance")
    assert (primary.action, primary.properties, primary.at_risk) == ("update", ("instanceClass",), False)
    assert diff.risks == []


def test_ignored_properties_are_not_changes(prod_baseline):
    # restore settings are ignore_changes: adding them to a live stack must not replace it; the
    # diff says the change reaches nothing rather than hiding it.
    plan = run_program("prod", {"restore": {"snapshotIdentifier": "appdb-prod-2026-11-01"}})
    diff = diff_plans(prod_baseline, plan.resources, "main")
    primary = [c for c in diff.changes if c.name == "appdb-prod-db-instance"]
    assert [(c.action, c.properties, c.at_risk) for c in primary] == [("no-effect", (), False)]
    assert [(v.property, v.text, v.effect.outcome) for v in primary[0].values] == [
        ("snapshotIdentifier", "(unset) → appdb-prod-2026-11-01", "no-effect")]
    assert diff.risks == []


def test_unknown_values_are_listed_but_not_judged(prod_baseline):
    diff = diff_plans(prod_baseline, run_program("prod", first_preview=True).resources, "main")
    assert diff.risks == [] and diff.of("replace") == []
    assert diff.changes and all(not c.properties and c.unknown for c in diff.changes)


def test_removing_the_dr_region_deletes_its_backups_and_flags_them(prod_baseline):
    plan = run_program("prod", {"disasterRecovery": {"region": "eu-central-1", "vpcCidr": "10.61.0.0/16",
                                                     "azCount": 3, "allowedCidrs": ["10.61.0.0/16"],
                                                     "replicateBackups": False, "backupRetentionDays": 14}})
    risks = {c.name: c.action for c in diff_plans(prod_baseline, plan.resources, "main").risks}
    assert risks == {"appdb-prod-dr-backups-replication": "delete"}


def test_removing_a_computed_property_is_not_a_change(prod_baseline):
    without_kms = [r for r in run_program("prod").resources]
    primary = next(r for r in without_kms if r.name == "appdb-prod-db-instance")
    primary.inputs = {k: v for k, v in primary.inputs.items() if k != "kmsKeyId"}
    assert [c for c in diff_plans(prod_baseline, without_kms, "main").changes if c.name == primary.name] == []
    primary.inputs["kmsKeyId"] = "arn:aws:kms:eu-west-1:123456789012:key/other"
    assert diff_plans(prod_baseline, without_kms, "main").risks[0].properties == ("kmsKeyId",)


def test_baseline_from_a_file_and_the_at_risk_exit(tmp_path):
    base = tmp_path / "base.json"
    assert main(["--stack", "prod", "--quiet", "--no-policy", "--json", str(base)]) == EXIT_CLEAN
    assert main(["--stack", "prod", "--quiet", "--no-policy", "--baseline", str(base)]) == EXIT_CLEAN
    changed = ["--stack", "prod", "--quiet", "--no-policy", "--baseline", str(base), "--config", "dbName=orders"]
    assert main(changed) == EXIT_AT_RISK
    assert main(changed + ["--allow-replacement"]) == EXIT_CLEAN
    assert main(["--stack", "prod", "--quiet", "--no-policy", "--baseline", str(tmp_path / "none.json")]) == EXIT_ERROR


def test_baseline_from_a_git_ref_plans_the_program_at_that_ref(tmp_path, committed_copy):
    repo = committed_copy

    code, report = preview_in(repo, tmp_path / "same.json", "--baseline", "git:HEAD")
    assert code == EXIT_CLEAN
    assert (report["diff"]["baseline"], report["diff"]["changes"]) == ("git:HEAD", [])

    stack_file = repo / "Pulumi.dev.yaml"
    stack_file.write_text(stack_file.read_text().replace("config:\n", "config:\n  rdsplatform:dbName: orders\n", 1))
    code, report = preview_in(repo, tmp_path / "changed.json", "--baseline", "git:HEAD")
    assert code == EXIT_AT_RISK
    changes = [(c["action"], c["name"], c["properties"], c["atRisk"]) for c in report["diff"]["changes"]]
    # The connection document names the database too: a secret, compared by its fingerprint; a new
    # database gets a new final snapshot suffix (its RandomId's keepers name the database).
    assert changes == [("update", "appdb-dev-credentials-secret", ["description"], False),  # names the database
                       ("replace", "appdb-dev-credentials-connection", ["secretString"], False),
                       ("replace", "appdb-dev-db-instance", ["dbName", "finalSnapshotIdentifier"], True),
                       ("replace", "appdb-dev-db-final-snapshot", ["keepers"], False)]
    connection = report["diff"]["changes"][1]["values"][0]
    assert (connection["before"], connection["after"], connection["text"]) == ("[secret]", "[secret]",
                                                                               "[secret] changed")

    code, _ = preview_in(repo, tmp_path / "none.json", "--baseline", "git:no-such-ref")
    assert code == EXIT_ERROR


def test_a_git_ref_baseline_runs_that_refs_components_not_the_checkouts(tmp_path, committed_copy):
    repo = committed_copy
    # A change in components/ only (the stack files are the ref's): the diff must show it.
    credentials = repo / "components" / "credentials.py"
    source = credentials.read_text()
    assert 'description=f"Master credentials of the ' in source
    credentials.write_text(source.replace('description=f"Master credentials of the ',
                                          'description=f"Admin credentials of the ', 1))
    code, report = preview_in(repo, tmp_path / "changed.json", "--baseline", "git:HEAD")
    assert code == EXIT_CLEAN
    changes = [(c["action"], c["name"], c["properties"]) for c in report["diff"]["changes"]]
    assert changes == [("update", "appdb-dev-credentials-secret", ["description"])]
