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
# the MySQL page says the same of MySQL read replicas. For majors, RDS for PostgreSQL upgrades
# in-Region replicas with their source instead.
REPLICAS_FIRST = ("mysql", "mariadb")
# Minor versions: replicas first on all three engines. RDS UG, "Upgrades of the RDS for PostgreSQL DB
# engine", Minor version upgrades: "If your database has read replicas, you must first upgrade all of
# the read replicas before you upgrade the source instance or cluster"; the MySQL and MariaDB pages
# above; ModifyDBInstance EngineVersion: a replica's version must be "the same or higher than the
# version that the source DB instance or cluster is running".
MINOR_REPLICAS_FIRST = ("postgres", "mysql", "mariadb")


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
    # RDS UG, "Upgrades of the RDS for PostgreSQL DB engine", Major version upgrades: "If you upgrade
    # a DB instance that has in-Region read replicas, Amazon RDS upgrades the replicas along with the
    # primary DB instance." A cross-Region replica is not upgraded with it; refusing the upgrade until
    # it is removed is this project's choice (AWS documents no refusal): left behind on the old major,
    # it would stop replicating, a broken DR copy nobody asked for.
    left = [r.identifier for r, v in deployed if r.cross_region and engine.major_of(v) != major]
    if not left:
        return None
    return (f"{config_key('engineVersion')} = {target!r} is a major upgrade of {identifier} ({running}): RDS "
            f"upgrades in-Region read replicas with their source, but not the cross-Region replicas {left}, which "
            f"would stay on the old major and stop replicating; this program refuses it rather than leave them "
            f"broken. Remove them from {config_key('replicas')} and run, then upgrade, then add them back (they are "
            "created again from the upgraded source)")


def _minor_replica_problem(identifier: str, engine: EngineSpec, target: str, running: str,
                           replicas: Sequence[ReplicaRef], versions: Sequence[Optional[str]]) -> Optional[str]:
    """Why RDS would refuse this minor upgrade while these deployed replicas run an older minor."""
    if engine.name not in MINOR_REPLICAS_FIRST:
        return None
    behind = [f"{r.identifier} ({v})" for r, v in zip(replicas, versions) if v and numbers(v) < numbers(target)]
    if not behind:
        return None
    return (f"{config_key('engineVersion')} = {target!r} is a minor upgrade of {identifier} ({running}) while its read "
            f"replicas {behind} run an older version: RDS needs every {engine.name} read replica upgraded first, "
            f"minor versions too. Upgrade each replica to {target} first (aws rds modify-db-instance "
            f"--db-instance-identifier <replica> --engine-version {target} --apply-immediately; the replicas state "
            "no engineVersion here, so nothing drifts), then run again (see docs/upgrades.md)")


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

    Fails the run (before the database is registered) on a downgrade, or on an upgrade (major, or
    minor) that RDS would refuse or leave half done because of the instance's read replicas.
    """
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    target = engine.major_of(target_version)

    def judge(running: Optional[str]) -> pulumi.Input[bool]:
        if not running:
            return False
        _floor(identifier, engine, target_version, running)
        minor = engine.major_of(running) == target
        if minor and numbers(target_version) <= numbers(running)[:len(numbers(target_version))]:
            return False  # the version it runs (or its major alone): nothing to upgrade
        if not replicas:
            return not minor
        found = [deployed_version("instance", r.identifier, r.region, invoke) for r in replicas]

        def allowed(versions: list[Optional[str]]) -> bool:
            judge_ = _minor_replica_problem if minor else _replica_problem
            problem = judge_(identifier, engine, target_version, running, replicas, versions)
            if problem:
                raise pulumi.RunError(problem)
            return not minor

        return pulumi.Output.all(*found).apply(allowed)

    return deployed_version(kind, identifier, region, invoke).apply(judge)
