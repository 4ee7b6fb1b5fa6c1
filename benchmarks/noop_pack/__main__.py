"""A one-policy pack that checks nothing: what the protocol and the SDK cost per resource."""

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

PolicyPack(
    name="noop",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[ResourceValidationPolicy(name="noop", description="checks nothing",
                                       validate=lambda args, report_violation: None)],
)
