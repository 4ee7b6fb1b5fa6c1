"""The Observability component: what it groups, and the aliases that keep its children's
identity from before it existed (they were declared directly under the platform)."""

import pytest
from google.protobuf import json_format

from components import alarm_catalog
from preview import harness

OBSERVABILITY = "rdsplatform:index:Observability"
PLATFORM = "rdsplatform:index:DatabasePlatform"


@pytest.fixture(scope="module")
def prod_with_aliases():
    """The prod plan, and the aliases each registration request carried (by URN)."""
    aliases: dict[tuple[str, str], list[dict]] = {}

    class AliasRecordingMonitor(harness.RecordingMonitor):
        def RegisterResource(self, request):
            if request.aliases:
                aliases[(request.type, request.name)] = [json_format.MessageToDict(a) for a in request.aliases]
            return super().RegisterResource(request)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(harness, "RecordingMonitor", AliasRecordingMonitor)
        plan = harness.run_program("prod")
    assert plan.error is None, plan.error
    return plan, {r.urn: aliases.get((r.type, r.name), []) for r in plan.resources}


def test_alert_topics_alarms_and_dashboard_are_children_of_observability(prod_with_aliases):
    plan, _ = prod_with_aliases
    component = plan.one(OBSERVABILITY)
    assert component.parent == plan.one(PLATFORM).urn
    children = sorted((r.type, r.name) for r in plan.resources if r.parent == component.urn)
    assert children == [
        ("rdsplatform:index:Alarms", "appdb-prod-alarms"),
        ("rdsplatform:index:Alarms", "appdb-prod-dr-alarms"),
        ("rdsplatform:index:Alarms", "appdb-prod-proxy-alarms"),
        ("rdsplatform:index:Alarms", "appdb-prod-reporting-alarms"),
        ("rdsplatform:index:Alerting", "appdb-prod-alerts"),
        ("rdsplatform:index:Alerting", "appdb-prod-dr-alerts"),
        ("rdsplatform:index:Dashboard", "appdb-prod-dashboard"),
    ]


def test_each_moved_child_is_aliased_to_its_place_under_the_platform(prod_with_aliases):
    plan, aliases = prod_with_aliases
    component, platform = plan.one(OBSERVABILITY), plan.one(PLATFORM)
    moved = [r for r in plan.resources if r.parent == component.urn]
    assert moved, "the component has children"
    for child in moved:
        assert aliases[child.urn] == [{"spec": {"parentUrn": platform.urn}}], child.name
        # Same name and type under the old parent: the URN the child had before the component.
        old_urn = child.urn.replace(f"::{OBSERVABILITY}$", f"::{PLATFORM}$", 1)
        assert old_urn != child.urn and old_urn not in plan.by_urn()
    # Nothing else claims an old identity: the grandchildren inherit theirs through the engine.
    assert [u for u, a in aliases.items() if a and plan.by_urn()[u].parent != component.urn] == []


def test_no_observability_without_alarms():
    plan = harness.run_program("prod", {"alarms": {"enabled": False}})
    assert plan.error is None, plan.error
    assert plan.of_type(OBSERVABILITY) == [] and plan.of_type("rdsplatform:index:Alarms") == []


def test_an_instance_dependent_threshold_needs_the_instance_facts():
    spec = next(a for a in alarm_catalog.ALARMS if a.key == "databaseConnections")
    assert callable(spec.default)
    with pytest.raises(ValueError, match="alarm databaseConnections: its default threshold depends on the instance"):
        spec.threshold(None)
    assert spec.threshold(None, 50) == 50  # an override needs no facts
