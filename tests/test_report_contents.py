"""What a reviewer reads: the verdict line, fix hints in config keys, SARIF lines, the diagram, JSON numbers."""

import json
import shutil

from components.settings.model import Settings
from components.settings.policy_keys import POLICY_KEYS
from plan.registration import Plan, Registration
from plan.stack_config import PROJECT_DIR
from preview.__main__ import main
from preview.analyzer import LEVEL_NAMES, PolicyPackProcess, Violation
from preview.hints import shown_message
from preview.report import mermaid


def _last_line(capsys) -> str:
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines
    return lines[-1]


def _line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# --- the verdict line ---------------------------------------------------------------------------------

def test_the_output_ends_with_the_verdict_and_the_policy_config(capsys, tmp_path):
    report = tmp_path / "dev.json"
    assert main(["--stack", "dev", "--quiet", "--config", "backupRetentionDays=1", "--json", str(report)]) == 1
    # As many resources as the same run's report holds (the count follows the program).
    resources = sum(r["custom"] for r in json.loads(report.read_text())["resources"])
    assert resources > 10
    assert _last_line(capsys) == (
        f"verdict: stack dev, {resources} resources, 1 mandatory, 9 advisory, data at risk not checked "
        "(no --baseline): FAIL (policy config policies/config/dev.json)")


def test_a_stack_without_policy_config_says_every_control_is_mandatory(tmp_path, capsys):
    for name in ("__main__.py", "Pulumi.yaml", "components"):
        (tmp_path / name).symlink_to(PROJECT_DIR / name)
    shutil.copyfile(PROJECT_DIR / "Pulumi.prod.yaml", tmp_path / "Pulumi.newstack.yaml")
    assert not (PROJECT_DIR / "policies" / "config" / "newstack.json").exists()
    main(["--stack", "newstack", "--quiet", "--project-dir", str(tmp_path)])
    last = _last_line(capsys)
    with PolicyPackProcess() as pack:
        advisory = [p.name for p in pack.info.policies if LEVEL_NAMES[p.enforcementLevel] != "mandatory"]
    assert last.startswith("verdict: stack newstack, ")
    assert len(advisory) > 1
    assert last.endswith(f"(no policy config: every control mandatory except {len(advisory)} advisory by default)")


# --- fix hints ------------------------------------------------------------------------------------------

def test_fix_hints_name_the_config_key_for_this_programs_resources(capsys):
    main(["--stack", "dev", "--quiet"])
    out = capsys.readouterr().out
    line = _line_of(PROJECT_DIR / "Pulumi.dev.yaml", "rdsplatform:multiAz:")
    assert (f"Fix: set rdsplatform:multiAz to true (Pulumi.dev.yaml line {line}; "
            "try: --config rdsplatform:multiAz=true).") in out
    assert "Fix: set multiAz: true" not in out  # the property hint is for other programs


def test_fix_hints_keep_the_resource_property_for_other_programs():
    message = "Instance 'db': Multi-AZ is off (multiAz is false). Fix: set multiAz: true."
    other = Violation("rds-multi-az", "mandatory", message, "urn:pulumi:s::other::aws:rds/instance:Instance::db")
    ours = Violation("rds-multi-az", "mandatory", message,
                     "urn:pulumi:dev::rdsplatform::rdsplatform:index:DatabasePlatform$aws:rds/instance:Instance::db")
    assert shown_message(other, "dev") == message
    line = _line_of(PROJECT_DIR / 'Pulumi.dev.yaml', 'multiAz:')
    assert shown_message(ours, "dev").endswith(
        f"Fix: set rdsplatform:multiAz to true (Pulumi.dev.yaml line {line}; try: --config rdsplatform:multiAz=true).")


def test_every_mapped_policy_and_key_exists():
    with PolicyPackProcess() as pack:
        names = {p.name for p in pack.info.policies}
    assert POLICY_KEYS and set(POLICY_KEYS) <= names
    fields = {f.alias or name for name, f in Settings.model_fields.items()}
    assert {key.split(".")[0] for key, _ in POLICY_KEYS.values()} <= fields


# --- SARIF lines ----------------------------------------------------------------------------------------

def _sarif_lines(tmp_path, *args) -> dict[str, tuple[str, int]]:
    out = tmp_path / "out.sarif"
    main([*args, "--quiet", "--sarif", str(out)])
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert results
    return {r["ruleId"]: (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                          r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}


def test_sarif_results_point_at_the_config_key_line(tmp_path):
    found = _sarif_lines(tmp_path, "--stack", "dev", "--config", "backupRetentionDays=1")
    dev, project = PROJECT_DIR / "Pulumi.dev.yaml", PROJECT_DIR / "Pulumi.yaml"
    assert found["rds-multi-az"] == ("Pulumi.dev.yaml", _line_of(dev, "rdsplatform:multiAz:"))
    assert found["rds-alarms-notify"] == ("Pulumi.dev.yaml", _line_of(dev, "rdsplatform:alarms:"))
    # dev does not set the retention: the default is declared in Pulumi.yaml.
    assert found["rds-backup-retention"] == ("Pulumi.yaml", _line_of(project, "  backupRetentionDays:"))


# --- the diagram ----------------------------------------------------------------------------------------

def _resource(name: str, parent: str, inputs: dict, outputs: dict, dependencies=()) -> Registration:
    return Registration(urn=f"urn:pulumi:s::p::p:index:Top$aws:x/y:Z::{name}", type="aws:x/y:Z", name=name,
                        custom=True, parent=parent, provider="", inputs=inputs,
                        options={"dependencies": list(dependencies)}, outputs=outputs, id=f"{name}-id")


def test_the_diagram_links_only_real_references():
    top = Registration(urn="urn:pulumi:s::p::p:index:Top::top", type="p:index:Top", name="top", custom=False,
                       parent="", provider="", inputs={}, options={})
    comps = [Registration(urn=f"urn:pulumi:s::p::p:index:Top$p:index:C::{c}", type="p:index:C", name=c,
                          custom=False, parent=top.urn, provider="", inputs={}, options={}) for c in "abc"]
    key = _resource("key", comps[0].urn, {}, {"arn": "arn:aws:kms:k", "name": "shared"})
    # Holds the key's ARN and was built from the key's output: the engine recorded the dependency.
    db = _resource("db", comps[1].urn, {"kmsKeyId": "arn:aws:kms:k"}, {}, dependencies=[key.urn])
    # Holds a value equal to the key's name, with no reference to it: no edge.
    lookalike = _resource("tagged", comps[2].urn, {"description": "shared", "kmsKeyId": "arn:aws:kms:k"}, {})
    diagram = mermaid(Plan(stack="s", config={}, resources=[top, *comps, key, db, lookalike]))
    edges = [line.strip() for line in diagram.splitlines() if "-->" in line]
    assert edges == ['n1 -->|"kmsKeyId"| n0']


# --- JSON numbers ---------------------------------------------------------------------------------------

def test_integers_stay_integers_in_the_json_report(tmp_path):
    out = tmp_path / "prod.json"
    main(["--stack", "prod", "--quiet", "--no-policy", "--json", str(out)])
    resources = json.loads(out.read_text())["resources"]
    instance = next(r for r in resources if r["type"] == "aws:rds/instance:Instance")
    assert instance["inputs"]["allocatedStorage"] == 400 and type(instance["inputs"]["allocatedStorage"]) is int
    assert '"allocatedStorage": 400,' in out.read_text()
