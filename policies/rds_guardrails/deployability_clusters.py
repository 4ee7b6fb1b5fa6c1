"""Deployability across resources: a cluster and its subnets, global database, Serverless v2 capacity and
auto-pause, and parameter group family.

The rules themselves (names, fixes, sources, order) are in deployability_stack.py.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from rds_guardrails.deployability_replicas import PROXY_TARGET
from rds_guardrails.facts import auto_pause
from rds_guardrails.facts.engine_version import EngineVersion
from rds_guardrails.rule import CLUSTER, CLUSTER_INSTANCE, INSTANCE, Problem, Resource
from rds_guardrails.values import UNKNOWN, get, items, replica_source

SUBNET = "aws:ec2/subnet:Subnet"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"


def subnet_azs(group: Resource, resources: Sequence[Resource]) -> Optional[set[Any]]:
    """The AZs a DB subnet group covers, or None when its subnets cannot all be followed."""
    ids = items(get(group.props, "subnetIds"))
    subnets = [r for r in resources if r.type == SUBNET]
    by_id = {get(s.props, "id"): s for s in subnets if isinstance(get(s.props, "id"), str)}
    chosen = [by_id[i] for i in ids if i in by_id]
    if len(chosen) != len(ids):
        # Without ids in the outputs, the subnets the group depends on stand for its subnetIds.
        chosen = [s for s in subnets if s.urn in group.dependencies]
        if len(chosen) != len(ids):
            return None
    zones = {get(s.props, "availabilityZone") or get(s.props, "availabilityZoneId") for s in chosen}
    return None if UNKNOWN in zones or None in zones else zones


def three_azs(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, 'Creating a Multi-AZ DB cluster', DB cluster prerequisites: "The DB subnet group that
    # you choose for the DB cluster must cover at least three Availability Zones."
    groups = {get(r.props, "name"): r for r in resources if r.type == SUBNET_GROUP}
    found = []
    for cluster in resources:
        if cluster.type != CLUSTER or get(cluster.props, "dbClusterInstanceClass") in (None, "", UNKNOWN):
            continue
        group = groups.get(get(cluster.props, "dbSubnetGroupName"))
        if group is None:
            continue  # the default group, a group outside the stack, or a name not known yet
        ids = get(group.props, "subnetIds")
        if ids is UNKNOWN:
            continue
        if len(items(ids)) < 3:
            found.append(Problem(cluster, f"its DB subnet group '{group.name}' has {len(items(ids))} subnet(s); a "
                                          "Multi-AZ DB cluster needs subnets in at least three Availability Zones"))
            continue
        zones = subnet_azs(group, resources)
        if zones is not None and len(zones) < 3:
            found.append(Problem(cluster, f"its DB subnet group '{group.name}' covers {len(zones)} Availability "
                                          f"Zone(s) ({', '.join(sorted(zones))}); a Multi-AZ DB cluster needs three"))
    return found


def secondary_autoscaling(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # Aurora UG, 'Limitations of Amazon Aurora global databases': "Aurora global databases
    # currently don't support Aurora Auto Scaling for secondary DB clusters."
    secondaries = {get(c.props, "clusterIdentifier") for c in resources if c.type == CLUSTER
                   and get(c.props, "globalClusterIdentifier") not in (None, "", UNKNOWN)
                   and isinstance(replica_source(c.props), str)}
    found = []
    for target in resources:
        if target.type != "aws:appautoscaling/target:Target" or get(target.props, "serviceNamespace") != "rds":
            continue
        resource_id = get(target.props, "resourceId")
        if isinstance(resource_id, str) and resource_id.startswith("cluster:") and resource_id[8:] in secondaries:
            found.append(Problem(target, f"it scales '{resource_id[8:]}', a secondary cluster of a global database, "
                                         "which Aurora Auto Scaling does not support"))
    return found


def serverless_scaling(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # Aurora UG, 'Requirements and limitations for Aurora Serverless v2': "An Aurora cluster must
    # have a ServerlessV2ScalingConfiguration attribute before you can add any DB instances that
    # use the db.serverless DB instance class."
    clusters = {get(c.props, "clusterIdentifier"): c for c in resources if c.type == CLUSTER}
    found = []
    for member in resources:
        if member.type != CLUSTER_INSTANCE or get(member.props, "instanceClass") != "db.serverless":
            continue
        cluster = clusters.get(get(member.props, "clusterIdentifier"))
        if cluster is not None and get(cluster.props, "serverlessv2ScalingConfiguration") is None:
            found.append(Problem(member, f"it is db.serverless but its cluster '{cluster.name}' has no "
                                         "serverlessv2ScalingConfiguration",
                                 "set serverlessv2ScalingConfiguration (minCapacity, maxCapacity) on the cluster"))
    return found


PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"


def version_family(engine: Any, version: Any) -> Optional[str]:
    """The parameter group family of an engine version: postgres16, mysql8.0, aurora-mysql8.0."""
    parsed = EngineVersion.parse(engine, version)
    return parsed.family if parsed else None


def family_matches_version(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS API Reference, ModifyDBInstance, EngineVersion: "For major version upgrades, if a
    # nondefault DB parameter group is currently in use, a new DB parameter group in the DB
    # parameter group family for the new engine version must be specified"; DBParameterGroupName:
    # "The DB parameter group must be in the same DB parameter group family as this DB instance."
    # ModifyDBCluster says the same of DB cluster parameter groups.
    groups = {(g.type, get(g.props, "name")): g for g in resources
              if g.type in (PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP)}
    found = []
    for db in resources:
        if db.type == INSTANCE:
            group = groups.get((PARAMETER_GROUP, get(db.props, "parameterGroupName")))
        elif db.type == CLUSTER:
            group = groups.get((CLUSTER_PARAMETER_GROUP, get(db.props, "dbClusterParameterGroupName")))
        else:
            continue
        family = get(group.props, "family") if group is not None else None
        wanted = version_family(get(db.props, "engine"), get(db.props, "engineVersion"))
        if group is None or not isinstance(family, str) or wanted is None or family == wanted:
            continue
        found.append(Problem(db, f"engineVersion {get(db.props, 'engineVersion')} needs a parameter group of family "
                                 f"{wanted}, and its group '{group.name}' is {family}"))
    return found


# Aurora UG, 'Scaling to Zero ACUs with automatic pause and resume for Aurora Serverless v2': the
# version floors are rds_guardrails/facts/auto_pause.json; 'Situations where Aurora Serverless v2
# doesn't auto-pause': an associated RDS Proxy; the primary or a secondary of a global database;
# provisioned instances in the cluster (its Serverless v2 writer stays up).
AUTO_PAUSE = ("Aurora User Guide, 'Scaling to Zero ACUs with automatic pause and resume for Aurora Serverless v2', "
              "Prerequisites and Limitations; Situations where Aurora Serverless v2 doesn't auto-pause "
              "(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html)")


def auto_pause_effective(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    proxied = {get(t.props, "dbClusterIdentifier") for t in resources if t.type == PROXY_TARGET}
    found = []
    for cluster in resources:
        scaling = get(cluster.props, "serverlessv2ScalingConfiguration") if cluster.type == CLUSTER else None
        if scaling in (None, UNKNOWN) or get(scaling, "minCapacity") != 0:
            continue
        name, reasons = get(cluster.props, "clusterIdentifier"), []
        if auto_pause.supported(get(cluster.props, "engine"), get(cluster.props, "engineVersion")) is False:
            reasons.append(f"engine version {get(cluster.props, 'engineVersion')} cannot scale to 0 ACUs, so AWS "
                           f"refuses it ({auto_pause.FLOORS_TEXT} and later)")
        if isinstance(name, str) and name in proxied:
            reasons.append("an RDS Proxy targets it and keeps a connection open to every instance")
        if get(cluster.props, "globalClusterIdentifier") not in (None, "", UNKNOWN):
            reasons.append("in a global database the primary's writer and every secondary instance stay up")
        members = [m for m in resources if m.type == CLUSTER_INSTANCE and isinstance(name, str)
                   and get(m.props, "clusterIdentifier") == name]
        provisioned = [m.name for m in members if get(m.props, "instanceClass") not in ("db.serverless", UNKNOWN)]
        if provisioned:
            reasons.append(f"provisioned instance(s) {', '.join(provisioned)} keep its Serverless v2 writer up")
        if reasons:
            found.append(Problem(cluster, "its Serverless v2 minimum of 0 ACUs asks instances to pause when idle, but "
                                          + "; ".join(reasons)))
    return found
