"""The policy pack: every control of CONTROLS.md, mandatory unless a config relaxes it."""

from pulumi_policy import EnforcementLevel, PolicyPack

from rds_guardrails import all_policies

PolicyPack(
    name="rds-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
