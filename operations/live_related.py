"""What the live databases use -- keys, security groups, parameter groups, alarms, event
subscriptions -- as the resources a program would declare, for the pack's stack controls."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from operations.clients import Clients, error_code
from operations.pack import UNKNOWN as UNKNOWN  # the pack's "no verdict" marker


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page.get(key, [])]


class Keys:
    """The KMS keys the databases name: AWS-managed ones shown by alias (alias/aws/rds), since a
    live KmsKeyId is always a key ARN and only KMS knows whose key it is (DescribeKey, KeyManager)."""

    def __init__(self, clients: Clients, key_ids: Iterable[Optional[str]]):
        self.kms = clients.client("kms")
        self.aliases = {a["TargetKeyId"]: a["AliasName"] for a in _pages(self.kms, "list_aliases", "Aliases")
                        if a.get("TargetKeyId")}
        self.meta: dict[str, dict[str, Any]] = {}
        for key in {k for k in key_ids if k}:
            try:
                self.meta[key] = self.kms.describe_key(KeyId=key)["KeyMetadata"]
            except Exception as exc:
                if error_code(exc) not in ("NotFoundException", "AccessDeniedException"):
                    raise
                self.meta[key] = {}  # another account's key, or no permission: shown as named

    def aws_managed(self, meta: dict[str, Any]) -> bool:
        """True for a key AWS manages (KeyManager AWS or an alias/aws/* alias)."""
        # KMS reserves the alias/aws/ prefix for AWS managed keys (KMS Developer Guide, "Aliases in
        # AWS KMS"); an endpoint that reports such a key as CUSTOMER (moto) is still AWS's key.
        return meta.get("KeyManager") == "AWS" or self.aliases.get(meta.get("KeyId"), "").startswith("alias/aws/")

    def shown(self, key: Optional[str]) -> Optional[str]:
        """The key as a program would name it: an AWS-managed key by its alias/aws/* alias."""
        meta = self.meta.get(key or "", {})
        if meta and self.aws_managed(meta):
            alias: str = self.aliases.get(meta.get("KeyId"), "alias/aws/rds")
            return alias
        return key

    def resources(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Each customer-managed key as an aws.kms.Key with its rotation status."""
        found = []
        for arn, meta in sorted(self.meta.items()):
            if not meta or self.aws_managed(meta):
                continue
            spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
            # GetKeyRotationStatus answers only for symmetric keys; others never rotate automatically.
            rotation = (self.kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"]
                        if spec == "SYMMETRIC_DEFAULT" else False)
            name = self.aliases.get(meta["KeyId"], meta["KeyId"])
            found.append(("aws:kms/key:Key", name, {"arn": arn, "keySpec": spec, "enableKeyRotation": rotation,
                                                     "bypassPolicyLockoutSafetyCheck": UNKNOWN}))
        return found


def global_sources(clients: Clients) -> dict[str, str]:
    """Secondary cluster ARN -> its global database's writer ARN (DescribeGlobalClusters)."""
    sources = {}
    for g in _pages(clients.rds(), "describe_global_clusters", "GlobalClusters"):
        members = g.get("GlobalClusterMembers") or []
        writer = next((m["DBClusterArn"] for m in members if m.get("IsWriter")), g["GlobalClusterIdentifier"])
        sources.update({m["DBClusterArn"]: writer for m in members if not m.get("IsWriter")})
    return sources


def parameter_groups(clients: Clients, instances: list[dict[str, Any]], clusters: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """The non-default parameter groups in use, with their parameters (for the TLS control)."""
    rds, found = clients.rds(), []
    names = {g["DBParameterGroupName"] for db in instances if not db.get("DBClusterIdentifier")
             for g in (db.get("DBParameterGroups") or [])[:1]}
    for name in sorted(n for n in names if not n.startswith("default.")):
        params = _pages(rds, "describe_db_parameters", "Parameters", DBParameterGroupName=name)
        found.append(("aws:rds/parameterGroup:ParameterGroup", name, {"name": name, "parameters": [
            {"name": p["ParameterName"], "value": p["ParameterValue"]} for p in params if "ParameterValue" in p]}))
    cluster_names: set[str] = {c["DBClusterParameterGroup"] for c in clusters if c.get("DBClusterParameterGroup") is not None}
    for name in sorted(n for n in cluster_names if not n.startswith("default.")):
        params = _pages(rds, "describe_db_cluster_parameters", "Parameters", DBClusterParameterGroupName=name)
        found.append(("aws:rds/clusterParameterGroup:ClusterParameterGroup", name, {"name": name, "parameters": [
            {"name": p["ParameterName"], "value": p["ParameterValue"]} for p in params if "ParameterValue" in p]}))
    return found


def _rule(permission: dict[str, Any]) -> dict[str, Any]:
    """An EC2 IpPermission -> an aws.ec2.SecurityGroup ingress block."""
    rule = {"protocol": permission.get("IpProtocol"), "fromPort": permission.get("FromPort"),
            "toPort": permission.get("ToPort"),
            "cidrBlocks": [r["CidrIp"] for r in permission.get("IpRanges") or []],
            "ipv6CidrBlocks": [r["CidrIpv6"] for r in permission.get("Ipv6Ranges") or []],
            "securityGroups": [p["GroupId"] for p in permission.get("UserIdGroupPairs") or [] if "GroupId" in p]}
    return {k: v for k, v in rule.items() if v is not None}


def security_groups(clients: Clients, props: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """The security groups the databases and proxies use, with their ingress rules."""
    ids = sorted({g for p in props for g in p.get("vpcSecurityGroupIds") or []})
    if not ids:
        return []
    groups = _pages(clients.client("ec2"), "describe_security_groups", "SecurityGroups", GroupIds=ids)
    return [("aws:ec2/securityGroup:SecurityGroup", g["GroupId"], {
        "name": g.get("GroupName"), "vpcId": g.get("VpcId"),
        "ingress": [_rule(p) for p in g.get("IpPermissions") or []]}) for g in groups]


def alarms(clients: Clients) -> list[tuple[str, str, dict[str, Any]]]:
    """Metric alarms whose actions are enabled (a disabled alarm notifies no one)."""
    found = []
    for alarm in _pages(clients.client("cloudwatch"), "describe_alarms", "MetricAlarms"):
        if alarm.get("ActionsEnabled") is False:
            continue
        found.append(("aws:cloudwatch/metricAlarm:MetricAlarm", alarm["AlarmName"], {
            "dimensions": {d["Name"]: d["Value"] for d in alarm.get("Dimensions") or []},
            "alarmActions": alarm.get("AlarmActions") or []}))
    return found


def event_subscriptions(clients: Clients) -> list[tuple[str, str, dict[str, Any]]]:
    """Enabled RDS event subscriptions and the sources they cover."""
    return [("aws:rds/eventSubscription:EventSubscription", s["CustSubscriptionId"], {
        "sourceType": s.get("SourceType"), "sourceIds": s.get("SourceIdsList") or [], "snsTopic": s.get("SnsTopicArn")})
        for s in _pages(clients.rds(), "describe_event_subscriptions", "EventSubscriptionsList") if s.get("Enabled", True)]


def rotations(clients: Clients) -> list[tuple[str, str, dict[str, Any]]]:
    """Secrets with rotation on, as aws.secretsmanager.SecretRotation resources, with the secret's
    tags (ListSecrets; the values are never read)."""
    found = []
    for secret in _pages(clients.client("secretsmanager"), "list_secrets", "SecretList"):
        days = (secret.get("RotationRules") or {}).get("AutomaticallyAfterDays")
        if secret.get("RotationEnabled") and days:
            found.append(("aws:secretsmanager/secretRotation:SecretRotation", secret["Name"], {
                "secretId": secret["ARN"], "rotationRules": {"automaticallyAfterDays": days},
                "tags": {t["Key"]: t.get("Value", "") for t in secret.get("Tags") or []}}))
    return found
