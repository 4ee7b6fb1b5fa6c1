"""The policy pack: every control of docs/controls.md, mandatory unless a config relaxes it."""

from pulumi_policy import EnforcementLevel, PolicyPack

from rds_guardrails import metadata, sdk_speedup, waived_level
from rds_guardrails.rule import TAGS
from rds_guardrails.controls import RESOURCE_RULES
from rds_guardrails.levels import PACK_LEVEL
from rds_guardrails.pack import all_policies

# Only the running pack needs it; importing rds_guardrails (the audit runbook does) must not
# patch the SDK. Each resource rule judges only its own types: the SDK need not prepare the
# others for a request of another type; and the checks are pure functions (rule.py), so the
# policies of one request can share its properties.
sdk_speedup.install(resource_types={rule.name: rule.types for rule in RESOURCE_RULES}, read_only_policies=True)
# A violation an exception covers leaves as advisory (rds_guardrails/waivers.py); on an SDK this
# was not checked against, it keeps its policy's level.
waived_level.install()

PolicyPack(
    name="rds-guardrails",
    enforcement_level=EnforcementLevel(PACK_LEVEL),
    policies=all_policies(),
    display_name="RDS guard rails",
    description=metadata.PACK_DESCRIPTION,
    readme=metadata.pack_readme(),
    provider="aws",
    tags=list(TAGS),
    repository=metadata.REPOSITORY,
)
