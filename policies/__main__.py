"""The policy pack: every control of CONTROLS.md, mandatory unless a config relaxes it."""

from pulumi_policy import EnforcementLevel, PolicyPack

from rds_guardrails import sdk_speedup
from rds_guardrails.pack import all_policies

# Only the running pack needs it; importing rds_guardrails (the audit runbook does) must not
# patch the SDK.
sdk_speedup.install()

PolicyPack(
    name="rds-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
