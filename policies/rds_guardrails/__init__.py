"""The RDS guard rails: pure policy functions grouped by concern, and the list of policies."""

from rds_guardrails import resource_controls, sdk_speedup, stack_controls

sdk_speedup.install()


def all_policies() -> list:
    """Every policy of the pack, resource policies first."""
    return [rule.policy() for rule in resource_controls.ALL] + list(stack_controls.ALL)
