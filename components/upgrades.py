"""Major engine upgrades: allowed only when the deployed database runs another major version.

RDS needs AllowMajorVersionUpgrade for a major upgrade. Leaving it on would let any later
change slip one through, so it is derived from what is deployed: a lookup by identifier that
finds nothing on a first deploy (and does not fail), and the deployed version otherwise.
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from components.catalog import EngineSpec


def crosses_major_version(*, kind: str, identifier: str, region: str, engine: EngineSpec,
                          target_version: str, parent: pulumi.Resource) -> pulumi.Output[bool]:
    """True only when the deployed instance or cluster (`kind`) is on another major version."""
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    target = engine.major_of(target_version)
    if kind == "instance":
        found = aws.rds.get_instances_output(
            region=region, opts=invoke,
            filters=[aws.rds.GetInstancesFilterArgs(name="db-instance-id", values=[identifier])],
        ).instance_identifiers

        def version(ids: list[str]) -> Optional[pulumi.Output[str]]:
            return aws.rds.get_instance_output(region=region, db_instance_identifier=identifier,
                                               opts=invoke).engine_version if ids else None
    else:
        found = aws.rds.get_clusters_output(
            region=region, opts=invoke,
            filters=[aws.rds.GetClustersFilterArgs(name="db-cluster-id", values=[identifier])],
        ).cluster_identifiers

        def version(ids: list[str]) -> Optional[pulumi.Output[str]]:
            return aws.rds.get_cluster_output(region=region, cluster_identifier=identifier,
                                              opts=invoke).engine_version if ids else None

    return found.apply(version).apply(lambda v: bool(v) and engine.major_of(v) != target)
