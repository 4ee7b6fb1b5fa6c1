"""The Automation API's guard rails: the policy pack always runs, mandatory findings, data loss,
production destroys and overrides are refused before anything changes.
"""

import json
from pathlib import Path

import pytest

from automation import (
    ConfigRejectedError,
    DataLossRefusedError,
    DestroyRefusedError,
    PolicyViolationError,
    UnknownStackError,
)
from plan.registration import Registration
from preview.analyzer import reconcile_config
from pulumi.runtime.proto import analyzer_pb2
from tests.fake_pulumi import Script, Step
from tests import automation_work
from tests.automation_work import WORK, _deployer, _ops, _policy_args

project = automation_work.project  # the autouse fixture: each test on its own copy of the stack files


# --- the policy pack is always there -------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_and_up_always_pass_the_pack_and_the_stacks_config(stack):
    deployer, fake, _ = _deployer()
    deployer.up(stack, allow_replacement=True)
    runs = [c for c in fake.calls if "preview" in c or "up" in c]
    assert _ops(fake) == ["preview", "up"]
    for call in runs:
        assert _policy_args(call) == (str(WORK["dir"] / "policies"),
                                      str(WORK["dir"] / "policies" / "config" / f"{stack}.json"))
        assert call[call.index("--stack") + 1] == stack


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_pack_cannot_be_switched_off(stack, pack):
    deployer, fake, _ = _deployer()
    # Nothing to bypass it with: the operations take no policy pack argument.
    with pytest.raises(TypeError, match="policy_packs"):
        deployer.up(stack, policy_packs=[])
    deployer.preview(stack)
    (call,) = [c for c in fake.calls if "preview" in c]
    pack_dir, config_file = _policy_args(call)
    # What the CLI is given is the project's pack folder (this test's copy of the project) under
    # the stack's config; through the analyzer protocol (the session's pack, the same code) that
    # config leaves every policy on and still refuses an unencrypted database.
    assert Path(pack_dir) == WORK["dir"] / "policies" and pack.policy_dir.name == "policies"
    stack_config = json.loads(Path(config_file).read_text())
    levels = reconcile_config(pack.info, stack_config)
    assert len(levels) == len(pack.info.policies) > 0
    assert [name for name, c in levels.items() if c.enforcementLevel == analyzer_pb2.DISABLED] == []
    pack.configure(stack_config)
    unencrypted = Registration("urn:pulumi:x::p::aws:rds/instance:Instance::db", "aws:rds/instance:Instance", "db",
                               True, "", "", {"identifier": "db", "engine": "postgres", "storageEncrypted": False}, {})
    assert ("rds-storage-encrypted", "mandatory") in [(v.policy, v.level) for v in pack.analyze(unencrypted)]


# --- guard rails ---------------------------------------------------------------------------------------

def test_up_refuses_mandatory_violations_and_changes_nothing():
    script = Script(policy_events=[("rds-multi-az", "mandatory", "appdb-prod-db-instance", "Multi-AZ is off"),
                                   ("rds-proxy-iam-auth", "advisory", "appdb-prod-proxy", "IAM auth off")])
    deployer, fake, _ = _deployer(script)
    with pytest.raises(PolicyViolationError, match="1 mandatory policy violation") as refused:
        deployer.up("prod")
    assert [f.policy for f in refused.value.findings] == ["rds-multi-az"]
    assert _ops(fake) == ["preview"]


def test_advisory_findings_are_reported_not_refused():
    script = Script(policy_events=[("rds-proxy-iam-auth", "advisory", "appdb-prod-proxy", "IAM auth off")])
    deployer, fake, _ = _deployer(script)
    result = deployer.up("prod")
    assert _ops(fake) == ["preview", "up"]
    assert [(f.policy, f.level) for f in result.policy_findings] == [("rds-proxy-iam-auth", "advisory")]


@pytest.mark.parametrize("step, refused", [
    (Step("replace", "aws:rds/instance:Instance", "appdb-prod-db-instance", protect=True), True),
    (Step("delete", "aws:kms/key:Key", "appdb-prod-keys-key"), True),               # stateful, unprotected
    (Step("delete", "aws:ec2/vpc:Vpc", "appdb-prod-network-vpc", protect=True), True),  # protected
    (Step("replace", "aws:ec2/securityGroup:SecurityGroup", "appdb-prod-network-sg"), False),
    (Step("update", "aws:rds/instance:Instance", "appdb-prod-db-instance", protect=True), False),
])
def test_up_refuses_data_loss_unless_allowed(step, refused):
    deployer, fake, _ = _deployer(Script(steps=[step]))
    if refused:
        with pytest.raises(DataLossRefusedError, match=step.name):
            deployer.up("prod")
        assert _ops(fake) == ["preview"]
        deployer.up("prod", allow_replacement=True)
        assert _ops(fake) == ["preview", "preview", "up"]
    else:
        deployer.up("prod")
        assert _ops(fake) == ["preview", "up"]


def test_destroying_production_needs_its_name():
    deployer, fake, _ = _deployer()
    for confirm in (None, "dev", "PROD"):
        with pytest.raises(DestroyRefusedError, match="confirm_stack='prod'"):
            deployer.destroy("prod", confirm_stack=confirm)
    assert fake.calls == []  # refused before the CLI is touched
    deployer.destroy("prod", confirm_stack="prod")
    assert _ops(fake) == ["destroy"]


def test_destroying_dev_needs_no_confirmation():
    deployer, fake, _ = _deployer()
    deployer.destroy("dev")  # dev turns deletion protection off
    assert _ops(fake) == ["destroy"]


def test_overrides_are_validated_like_the_stack_file():
    deployer, fake, _ = _deployer()
    with pytest.raises(ConfigRejectedError, match="rdsplatform:backupRetentionDays = 0"):
        deployer.up("prod", config={"backupRetentionDays": "0"})
    with pytest.raises(ConfigRejectedError, match="rdsplatform:multiAZ: unknown setting"):
        deployer.preview("prod", config={"multiAZ": "true"})
    assert fake.calls == []


@pytest.mark.parametrize("operation", ["preview", "up", "refresh", "destroy"])
def test_an_unknown_stack_is_called_unknown_never_production(operation):
    deployer, fake, _ = _deployer()
    with pytest.raises(UnknownStackError, match="stack staging is unknown: there is no Pulumi.staging.yaml") as e:
        getattr(deployer, operation)("staging")
    assert "production" not in str(e.value) and fake.calls == []
    with pytest.raises(UnknownStackError, match="not a stack name"):
        getattr(deployer, operation)("../prod")


def test_accepted_overrides_are_passed_to_the_stack_as_plaintext():
    deployer, fake, _ = _deployer()
    deployer.preview("prod", config={"instanceClass": "db.r7g.xlarge"})
    set_all = next(c for c in fake.calls if "set-all" in c)
    assert set_all[set_all.index("--plaintext") + 1] == "rdsplatform:instanceClass=db.r7g.xlarge"
    assert set_all[set_all.index("--stack") + 1] == "prod"
