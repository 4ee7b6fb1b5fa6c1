"""The names the settings check are the names the program gives: every explicit AWS name in a
plan follows its rule and is no longer than the longest name of its kind the settings checked."""

import pytest

from components.settings import Settings, naming, parse_config_text
from plan.stack_config import stack_config
from preview.harness import run_program
from tests.stack_cases import AURORA_PROD, MULTI_AZ_DEV

# (resource type, input) -> the rule of that name
NAMED = {
    ("aws:rds/instance:Instance", "identifier"): naming.RDS_INSTANCE,
    ("aws:rds/clusterInstance:ClusterInstance", "identifier"): naming.RDS_INSTANCE,
    ("aws:rds/instance:Instance", "finalSnapshotIdentifier"): naming.SNAPSHOT,
    ("aws:rds/cluster:Cluster", "finalSnapshotIdentifier"): naming.SNAPSHOT,
    ("aws:rds/globalCluster:GlobalCluster", "globalClusterIdentifier"): naming.GLOBAL_CLUSTER,
    ("aws:rds/proxy:Proxy", "name"): naming.PROXY,
    ("aws:rds/proxyEndpoint:ProxyEndpoint", "dbProxyEndpointName"): naming.PROXY,
    ("aws:sns/topic:Topic", "name"): naming.SNS_TOPIC,
    ("aws:rds/eventSubscription:EventSubscription", "name"): naming.EVENT_SUBSCRIPTION,
    ("aws:cloudwatch/logGroup:LogGroup", "name"): naming.LOG_GROUP,
    ("aws:cloudwatch/dashboard:Dashboard", "dashboardName"): naming.DASHBOARD,
    ("aws:kms/alias:Alias", "name"): naming.KMS_ALIAS,
}
CLUSTER_RULES = (naming.AURORA_CLUSTER, naming.MULTI_AZ_CLUSTER)

CONFIGS = [
    ("dev", {}),
    ("prod", {"proxy": {}}),
    ("prod", {**AURORA_PROD, "proxy": {}}),
    ("dev", MULTI_AZ_DEV),
]


@pytest.mark.parametrize("stack, overrides", CONFIGS, ids=[f"{s}-{o.get('deploymentOption', 'instance')}" for s, o in CONFIGS])
def test_every_explicit_name_is_one_the_settings_checked(stack, overrides):
    plan = run_program(stack, overrides)
    assert plan.error is None, plan.error
    settings = parse_config_text(stack_config(stack, overrides), environment=stack)
    checked = naming.derived_names(settings)
    longest = {}
    for _, name, rule in checked:
        longest[rule] = max(longest.get(rule, 0), len(name))
    found = [(rule, r.inputs[prop]) for r in plan.resources for (t, prop), rule in NAMED.items()
             if r.type == t and isinstance(r.inputs.get(prop), str)]
    found += [(rule, r.inputs["clusterIdentifier"]) for r in plan.of_type("aws:rds/cluster:Cluster")
              for rule in CLUSTER_RULES[:1] if settings.is_aurora]
    # Auto-named: the provider adds "-" and 7 random characters to the resource name.
    found += [(naming.IAM_ROLE, r.name) for r in plan.of_type("aws:iam/role:Role")]
    assert len(found) >= 5
    for rule, name in found:
        assert naming.name_problem(rule, name) is None, (rule.what, name)
        assert rule in longest and len(name) <= longest[rule], (rule.what, name)


@pytest.mark.parametrize("overrides, collisions", [
    ({"proxy": {}, "replicas": [{"name": "reporting"}]}, 0),
    ({"replicas": [{"name": "proxy"}]}, 0),  # no proxy, nothing to collide with
    ({"proxy": {}, "replicas": [{"name": "proxy"}]}, 1),
])
def test_collisions_are_only_names_another_resource_takes(overrides, collisions):
    # The model alone (no rules), since parse refuses the colliding one.
    s = Settings.model_validate({**overrides, "environment": "dev", "region": "eu-west-1"})
    assert len(naming.collision_problems(s)) == collisions
