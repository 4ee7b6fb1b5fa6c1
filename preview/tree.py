"""Render a plan as a resource tree with the properties a reviewer looks at first."""

from __future__ import annotations

from typing import Any

from plan.registration import SECRET_TEXT, UNKNOWN, UNKNOWN_TEXT, Plan, Registration, is_secret

# Per resource type, the inputs worth a line in the tree; everything else is in --json.
KEY_PROPERTIES: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": (
        "region", "identifier", "engine", "engineVersion", "instanceClass", "storageType",
        "allocatedStorage", "maxAllocatedStorage", "multiAz", "storageEncrypted",
        "publiclyAccessible", "deletionProtection", "backupRetentionPeriod",
        "manageMasterUserPassword", "password",
    ),
    "aws:kms/key:Key": ("region", "enableKeyRotation", "deletionWindowInDays"),
    "aws:ec2/vpc:Vpc": ("region", "cidrBlock"),
    "aws:ec2/subnet:Subnet": ("region", "cidrBlock", "availabilityZone"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "fromPort", "toPort",
    ),
    "aws:rds/parameterGroup:ParameterGroup": ("region", "family"),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays"),
    "aws:secretsmanager/secret:Secret": ("region", "recoveryWindowInDays"),
    "aws:secretsmanager/secretVersion:SecretVersion": ("secretString",),
    "aws:rds/cluster:Cluster": (
        "region", "clusterIdentifier", "engine", "engineVersion", "dbClusterInstanceClass", "storageType",
        "storageEncrypted", "deletionProtection", "backupRetentionPeriod", "globalClusterIdentifier",
        "serverlessv2ScalingConfiguration", "manageMasterUserPassword", "masterPassword",
    ),
    "aws:rds/clusterInstance:ClusterInstance": ("region", "identifier", "instanceClass", "promotionTier",
                                                "publiclyAccessible"),
    "aws:rds/globalCluster:GlobalCluster": ("globalClusterIdentifier", "engine", "engineVersion", "storageEncrypted"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": ("region", "family"),
    "aws:rds/proxy:Proxy": ("region", "engineFamily", "requireTls", "idleClientTimeout"),
    "aws:rds/proxyEndpoint:ProxyEndpoint": ("targetRole",),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (
        "region", "retentionPeriod"),
    "aws:sns/topic:Topic": ("region", "name"),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint"),
    "aws:rds/eventSubscription:EventSubscription": ("region", "sourceType", "sourceIds"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "threshold"),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
}


def show(value: Any) -> str:
    """A value for humans: secrets masked, unknowns named."""
    if is_secret(value):
        return SECRET_TEXT
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def render(plan: Plan) -> str:
    """The plan as an indented tree, parents before children, with protect/retain flags."""
    children: dict[str, list[Registration]] = {}
    for r in plan.resources:
        children.setdefault(r.parent, []).append(r)
    lines = [f"stack {plan.stack}: {sum(r.custom for r in plan.resources)} resources"]

    def walk(parent: str, depth: int) -> None:
        for r in children.get(parent, []):
            flags = [f for f in ("protect", "retainOnDelete") if r.options.get(f)]
            if r.options.get("importId"):
                flags.append(f"import {r.options['importId']}")
            flag_text = f"  [{', '.join(flags)}]" if flags else ""
            lines.append(f"{'  ' * depth}+ {r.type}  {r.name}{flag_text}")
            for prop in KEY_PROPERTIES.get(r.type, ()):
                if prop in r.inputs:
                    lines.append(f"{'  ' * depth}    {prop}: {show(r.inputs[prop])}")
            walk(r.urn, depth + 1)

    roots = {r.parent for r in plan.resources} - {r.urn for r in plan.resources}
    for root in sorted(roots):
        walk(root, 1)
    if plan.outputs:
        lines.append("outputs:")
        for name, out in plan.outputs.items():
            value = SECRET_TEXT if out["secret"] else (show(out["value"]) if out["known"] else UNKNOWN_TEXT)
            lines.append(f"  {name}: {value}")
    return "\n".join(lines)
