"""The plan model (plan/): the one JSON form, secrets, and moves with aliases."""

import json
from pathlib import Path

import pytest

from plan.aliases import create_urn, engine_urns, match_baseline
from plan.registration import SECRET_TEXT, UNKNOWN, Registration, is_secret, masked
from plan.stack_config import GENERIC_PLACEHOLDER, StackConfigError, stack_config
from preview.diff import diff_plans, registrations_from_report
from preview.harness import run_program
from preview.mock_resources import COMPUTED
from preview.report import StackResult, to_json
from tests.stack_cases import AURORA_PROD

# Import boundaries (automation never loads the mock engine, the product never imports tooling):
# tests/test_architecture.py.


# --- the one serialisation --------------------------------------------------------------------------

def test_the_report_resources_are_registrations_and_read_back_the_same(dev_plan):
    report = json.loads(json.dumps(to_json(StackResult("dev", plan=dev_plan))))
    assert len(report["resources"]) == len(dev_plan.resources) > 10
    back = registrations_from_report(report)
    assert [r.to_dict() for r in back] == report["resources"]
    db = next(r for r in back if r.name == "appdb-dev-db-instance")
    assert report["resources"][[r.name for r in back].index(db.name)]["inputs"]["password"] == SECRET_TEXT
    assert is_secret(db.inputs["password"]) and db.secret_paths == ["inputs.password", "outputs.password"]


def test_masking_hides_secrets_and_names_unknowns():
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2"}
    assert masked({"a": [secret, UNKNOWN], "b": (1,)}) == {"a": [SECRET_TEXT, "(known after deploy)"], "b": [1]}


def test_stack_config_errors_are_its_own(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nconfig:\n  size:\n    default: 2\n")
    (tmp_path / "Pulumi.s.yaml").write_text("config:\n  p:flag: true\n  p:password:\n    secure: AAAA\n")
    assert stack_config("s", project_dir=tmp_path)["p:password"] == GENERIC_PLACEHOLDER  # tests/test_secret_config.py
    example = tmp_path / "example.yaml"
    example.write_text("config:\n  p:flag: true\n")
    assert stack_config("s", {"size": 3}, tmp_path, stack_file=example) == {"p:size": "3", "p:flag": "true"}
    example.write_text("config: [unclosed\n")
    with pytest.raises(StackConfigError, match="cannot read example.yaml"):
        stack_config("s", project_dir=tmp_path, stack_file=example)
    with pytest.raises(StackConfigError, match="no stack file Pulumi.other.yaml"):
        stack_config("other", project_dir=tmp_path)


# --- the mock provider's table ------------------------------------------------------------------------

def test_the_mock_provider_computes_what_aws_returns(prod_plan):
    db = prod_plan.named("appdb-prod-db-instance")
    assert db.id == "appdb-prod"
    assert db.outputs["endpoint"] == "appdb-prod.c0ffee.eu-west-1.rds.amazonaws.com:5432"
    assert db.outputs["arn"] == "arn:aws:rds:eu-west-1:123456789012:db:appdb-prod"
    key = prod_plan.one("aws:kms/key:Key", region="eu-west-1")
    assert key.outputs["arn"] == f"arn:aws:kms:eu-west-1:123456789012:key/{key.id}" and len(key.id) == 32
    assert prod_plan.named("appdb-prod-network-sg").id.startswith("sg-")


def test_every_mock_provider_entry_is_a_type_a_plan_registers(dev_plan, prod_plan):
    cluster = run_program("prod", AURORA_PROD)
    assert cluster.error is None, cluster.error
    registered = {r.type for plan in (dev_plan, prod_plan, cluster) for r in plan.resources}
    assert set(COMPUTED) - registered == set()


# --- moves with aliases -------------------------------------------------------------------------------

MOVING_PROGRAM = '''
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
move, alias = config.get_bool("move"), config.get_bool("alias")


class Group(pulumi.ComponentResource):
    def __init__(self, type_, name, opts=None):
        super().__init__(type_, name, None, opts)


platform = Group("test:index:Platform", "app")
owner = Group("test:index:Observability", "app-obs", pulumi.ResourceOptions(parent=platform)) if move else platform
aliases = [pulumi.Alias(parent=platform)] if move and alias else None
alarms = Group("test:index:Alarms", "app-alarms", pulumi.ResourceOptions(parent=owner, aliases=aliases))
aws.sns.Topic("app-alarms-topic", opts=pulumi.ResourceOptions(parent=alarms))
aws.cloudwatch.LogGroup("app-log", opts=pulumi.ResourceOptions(parent=owner, aliases=aliases))
top = [pulumi.Alias(parent=None)] if move and alias else None
aws.kms.Key("app-key", opts=pulumi.ResourceOptions(parent=owner if move else None, aliases=top))
'''


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    """Plans of a small program before and after its observability moves under a new component."""
    project = tmp_path_factory.mktemp("moving")
    (project / "Pulumi.yaml").write_text("name: movetest\nruntime: python\n")
    (project / "Pulumi.test.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text(MOVING_PROGRAM)
    plans = {case: run_program("test", overrides, project_dir=project) for case, overrides in
             {"before": {}, "aliased": {"move": True, "alias": True}, "bare": {"move": True}}.items()}
    assert all(p.error is None for p in plans.values())
    return plans


def test_aliases_are_recorded_in_the_options(moving):
    log = next(r for r in moving["aliased"].resources if r.name == "app-log")
    platform = next(r for r in moving["aliased"].resources if r.name == "app")
    assert log.options["aliases"] == [{"spec": {"parentUrn": platform.urn}}]
    assert next(r for r in moving["aliased"].resources if r.name == "app-key").aliases == [{"spec": {"noParent": True}}]
    # No aliases, no key: plans without aliases keep their JSON byte for byte.
    assert all("aliases" not in r.options for r in moving["before"].resources)


def test_a_move_with_aliases_is_no_change(moving):
    assert diff_plans(moving["before"].resources, moving["aliased"].resources, "before").changes == []


def test_a_move_without_aliases_deletes_and_recreates(moving):
    changes = diff_plans(moving["before"].resources, moving["bare"].resources, "before").changes
    assert sorted((c.action, c.name) for c in changes) == [
        ("create", "app-alarms-topic"), ("create", "app-key"), ("create", "app-log"),
        ("delete", "app-alarms-topic"), ("delete", "app-key"), ("delete", "app-log")]


def test_the_grandchild_moves_under_the_engine_urn_not_the_mock_one(moving):
    # The mock engine's URN keeps only the parent's type, so the topic's recorded URN is the same
    # before and after; the engine's URN carries the whole chain and changes.
    before, bare = ({r.name: r for r in moving[k].resources}["app-alarms-topic"] for k in ("before", "bare"))
    assert before.urn == bare.urn
    assert engine_urns(moving["before"].resources)[before.urn] != engine_urns(moving["bare"].resources)[bare.urn]


def _reg(urn, parent="", aliases=None):
    name, type_ = urn.rsplit("::", 1)[1], urn.split("::")[2].split("$")[-1]
    options = {"aliases": aliases} if aliases else {}
    return Registration(urn, type_, name, True, parent, "", {"region": "eu-west-1"}, options)


def test_a_rename_with_a_urn_alias_matches_the_old_resource():
    old = _reg("urn:pulumi:s::p::aws:kms/key:Key::old-key")
    new = _reg("urn:pulumi:s::p::aws:kms/key:Key::new-key", aliases=[{"urn": old.urn}])
    assert match_baseline([old], [new]) == {new.urn: old.urn}
    assert diff_plans([old], [new], "b").changes == []
    assert [c.action for c in diff_plans([old], [_reg(new.urn)], "b").changes] == ["create", "delete"]


def test_engine_urns_follow_the_sdk():
    assert create_urn("n", "t:m:T", None, "p", "s") == "urn:pulumi:s::p::t:m:T::n"
    assert create_urn("n", "t:m:T", "urn:pulumi:s::p::a:b:C$d:e:F::parent", "", "") == \
        "urn:pulumi:s::p::a:b:C$d:e:F$t:m:T::n"


def test_the_diff_reads_aliases_back_from_a_saved_report(moving, tmp_path):
    report = to_json(StackResult("test", plan=moving["aliased"]))
    path = Path(tmp_path / "r.json")
    path.write_text(json.dumps(report))
    back = registrations_from_report(json.loads(path.read_text()))
    assert diff_plans(moving["before"].resources, back, "saved").changes == []
