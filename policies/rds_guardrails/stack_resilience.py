"""Stack controls on resilience: cross-region backups, an AWS Backup plan, Aurora clusters in several AZs.

The rules themselves (names, fixes, levels, order) are in stack_controls.py.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Sequence

from rds_guardrails.rule import CLUSTER, CLUSTER_INSTANCE, INSTANCE, Problem, Resource
from rds_guardrails.stack_encryption import databases
from rds_guardrails.values import UNKNOWN, get, items, replica_source


def cross_region_backups(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    sources = {get(r.props, "sourceDbInstanceArn") for r in resources
               if r.type == "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"}
    if UNKNOWN in sources:
        return []
    found = []
    for db in databases(resources, primaries_only=True):
        if db.type != INSTANCE:
            continue  # Aurora replicates through global databases instead
        arn = get(db.props, "arn")
        if arn is not UNKNOWN and arn not in sources:
            found.append(Problem(db, "no cross-region automated backups"))
    return found


# --- RDS.15: clusters in several AZs -----------------------------------------------------------------------------------

def _members(cluster: Resource, resources: Sequence[Resource]) -> Any:
    """The cluster instances of a cluster, or UNKNOWN when one names its cluster by a value not known yet."""
    names = {get(cluster.props, k) for k in ("clusterIdentifier", "id")} - {None, UNKNOWN, ""}
    members = []
    for r in resources:
        if r.type != CLUSTER_INSTANCE:
            continue
        ident = get(r.props, "clusterIdentifier")
        if ident is UNKNOWN:
            return UNKNOWN
        if ident in names:
            members.append(r)
    return members


def cluster_multi_az(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    found = []
    for cluster in resources:
        if cluster.type != CLUSTER or get(cluster.props, "dbClusterInstanceClass") is not None:
            continue  # a Multi-AZ DB cluster always runs in three AZs
        if get(cluster.props, "engineMode") not in (None, "provisioned") or replica_source(cluster.props) is not None:
            continue  # Serverless v1 has no instances; a secondary of a global database may be headless
        members = _members(cluster, resources)
        if members is UNKNOWN:
            continue
        if len(members) < 2:
            # Aurora UG "Amazon Aurora DB clusters": "Maintain high availability by locating Aurora
            # Replicas in separate Availability Zones. Aurora automatically fails over to an Aurora
            # Replica". availabilityZones is where the cluster *storage* lives (pulumi-aws
            # Cluster.availability_zones; RDS assigns 3), not where instances run: not the test.
            found.append(Problem(cluster, f"it has {len(members)} instance(s): no reader in another Availability "
                                          "Zone to fail over to"))
            continue
        # Members with no availabilityZone leave the choice to RDS: no verdict on their placement.
        zones = [get(m.props, "availabilityZone") for m in members]
        if UNKNOWN not in zones and None not in zones and len(set(zones)) == 1:
            found.append(Problem(cluster, f"every instance is pinned to {zones[0]} (availabilityZone)",
                                 "leave availabilityZone unset on the cluster instances, or spread them"))
    return found


# --- RDS.26: a backup plan -------------------------------------------------------------------------------------------

BACKUP_SELECTION = "aws:backup/selection:Selection"


def backup_plan(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    selections = [r for r in resources if r.type == BACKUP_SELECTION]
    patterns: list[str] = []
    for s in selections:
        chosen = get(s.props, "resources")
        if chosen is UNKNOWN or UNKNOWN in items(chosen):
            return []
        if get(s.props, "selectionTags") or get(s.props, "conditions"):
            return []  # a selection by tags or conditions may cover any instance: no verdict
        patterns += [p for p in items(chosen) if isinstance(p, str)]
    found = []
    for db in databases(resources, primaries_only=True):
        if db.type != INSTANCE:
            continue  # RDS.26 judges DB instances; Aurora clusters are backed up as clusters
        arn = get(db.props, "arn")
        if arn is UNKNOWN:
            continue
        if not any(fnmatchcase(str(arn), p) for p in patterns if isinstance(arn, str)):
            found.append(Problem(db, "no AWS Backup selection in the stack names it (resources)"))
    return found
