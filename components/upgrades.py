"""Engine upgrades as RDS applies them, judged against what is deployed.

RDS needs AllowMajorVersionUpgrade for a major upgrade. Leaving it on would let any later
change slip one through, so it is derived from what is deployed: a lookup by identifier that
finds nothing on a first deploy (and does not fail), and the deployed version otherwise.

The same lookup refuses, before the database is modified, what RDS would refuse halfway
through an update (docs/upgrades.md): a version below the deployed one, and a major upgrade
whose read replicas RDS would not carry along.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from components.catalog import EngineSpec
from rds_guardrails.facts.engine_version import numbers


def config_key(name: str) -> str:
    """A config key as a person types it (<project>:<name>); only the wiring reads the settings."""
    return f"{pulumi.get_project()}:{name}"

# RDS UG, "Upgrades of the MariaDB DB engine": "If your MariaDB DB instance is using read
# replicas, you must upgrade all of the read replicas before upgrading the source instance";
# the MySQL page says the same of MySQL read replicas.
REPLICAS_FIRST = ("mysql", "mariadb")


@dataclass(frozen=True)
class ReplicaRef:
    """A read replica of the instance, as the upgrade check looks it up."""

    identifier: str
    region: str
    cross_region: bool


def is_below(target: str, deployed: str) -> bool:
    """True when asking RDS for `target` would be a downgrade of `deployed`.

    A prefix is no downgrade: "16" on 16.8 is what the provider accepts as is (pulumi-aws
    Instance.engine_version: "you can provide a prefix of the version such as 8.0 (for 8.0.36)").
    """
    wanted, running = numbers(target), numbers(deployed)
    return wanted < running[:len(wanted)]


def deployed_version(kind: str, identifier: str, region: str,
                     invoke: pulumi.InvokeOutputOptions) -> pulumi.Output[Optional[str]]:
    """The engine version the deployed instance or cluster (`kind`) runs, or None when there is none."""
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
    return found.apply(version)


def _floor(identifier: str, engine: EngineSpec, target: str, running: str) -> None:
    """Refuse a version below the deployed one: RDS does not downgrade an engine."""
    if not is_below(target, running):
        return
    raise pulumi.RunError(
        f"{config_key('engineVersion')} = {target!r} is below the version {identifier} runs ({running}): RDS "
        f"does not downgrade an engine, and the update would fail once RDS is asked (an automatic minor "
        f"upgrade, then a pinned older minor, is pulumi-aws#5756). {_floor_advice(engine, running)}"
    )


def _floor_advice(engine: EngineSpec, running: str) -> str:
    """What to set instead of a version below `running`: its major (RDS keeps the minor it runs),
    and, when `running` names a minor, that minor or a later one too."""
    major = engine.major_of(running) or running
    if major == running:
        return f"Set engineVersion to {major!r} or later"
    return f"Set engineVersion to {major!r} (RDS keeps the minor it runs) or to {running!r} or later"


def _replica_problem(identifier: str, engine: EngineSpec, target: str, running: str,
                     replicas: Sequence[ReplicaRef], versions: Sequence[Optional[str]]) -> Optional[str]:
    """Why RDS would refuse (or leave behind) these deployed replicas in this major upgrade."""
    deployed = [(r, v) for r, v in zip(replicas, versions) if v]
    major = engine.major_of(target)
    if engine.name in REPLICAS_FIRST:
        behind = [r.identifier for r, v in deployed if engine.major_of(v) != major]
        if not behind:
            return None
        return (f"{config_key('engineVersion')} = {target!r} is a major upgrade of {identifier} ({running}) while "
                f"its read replicas {behind} are not on {engine.name} {major}: RDS needs every {engine.name} read replica "
                "upgraded before its source, and this program creates replicas from their source, so one update "
                f"cannot order that. Remove them from {config_key('replicas')} and run, then upgrade, then add "
                "them back (or upgrade each replica first with aws rds modify-db-instance; see docs/upgrades.md)")
    # RDS UG, "How to perform a major version upgrade for RDS for PostgreSQL", Handle read replicas:
    # "An upgrade also upgrades the in-Region read replicas along with the primary DB instance. You
    # can't upgrade read replicas separately." A cross-Region replica is neither.
    left = [r.identifier for r, v in deployed if r.cross_region and engine.major_of(v) != major]
    if not left:
        return None
    return (f"{config_key('engineVersion')} = {target!r} is a major upgrade of {identifier} ({running}): RDS "
            f"upgrades in-Region read replicas with their source, but not the cross-Region replicas {left}, which "
            f"cannot be upgraded on their own. Remove them from {config_key('replicas')} and run, then upgrade, "
            "then add them back (they are created again from the upgraded source)")


def checked_version(*, kind: str, identifier: str, region: str, engine: EngineSpec, target_version: str,
                    invoke: pulumi.InvokeOutputOptions) -> pulumi.Output[str]:
    """`target_version`, once it is known not to be below what `identifier` runs (a global cluster's
    version, which the provider upgrades the members to, judged against its primary cluster)."""
    def judge(running: Optional[str]) -> str:
        if running:
            _floor(identifier, engine, target_version, running)
        return target_version

    return deployed_version(kind, identifier, region, invoke).apply(judge)


def crosses_major_version(*, kind: str, identifier: str, region: str, engine: EngineSpec,
                          target_version: str, parent: pulumi.Resource,
                          replicas: Sequence[ReplicaRef] = ()) -> pulumi.Output[bool]:
    """True only when the deployed instance or cluster (`kind`) is on another major version.

    Fails the run (before the database is registered) on a downgrade, or on a major upgrade
    that RDS would refuse or leave half done because of the instance's read replicas.
    """
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    target = engine.major_of(target_version)

    def judge(running: Optional[str]) -> pulumi.Input[bool]:
        if not running:
            return False
        _floor(identifier, engine, target_version, running)
        if engine.major_of(running) == target:
            return False
        if not replicas:
            return True
        found = [deployed_version("instance", r.identifier, r.region, invoke) for r in replicas]

        def allowed(versions: list[Optional[str]]) -> bool:
            problem = _replica_problem(identifier, engine, target_version, running, replicas, versions)
            if problem:
                raise pulumi.RunError(problem)
            return True

        return pulumi.Output.all(*found).apply(allowed)

    return deployed_version(kind, identifier, region, invoke).apply(judge)
