"""Deployability across resources: a read replica and its source, and the writer an RDS Proxy targets.

The rules themselves (names, fixes, sources, order) are in deployability_stack.py.
"""

from __future__ import annotations

from typing import Any, Sequence

from rds_guardrails.facts.engine_version import numbers
from rds_guardrails.rule import CLUSTER, INSTANCE, Problem, Resource
from rds_guardrails.values import UNKNOWN, arn_region, get

PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget"


def source_index(resources: Sequence[Resource]) -> dict[str, Resource]:
    """Instances and clusters by every name a replica may use for them: identifier and ARN."""
    found = {}
    for r in resources:
        if r.type in (INSTANCE, CLUSTER):
            for key in ("identifier", "clusterIdentifier", "arn"):
                value = get(r.props, key)
                if isinstance(value, str) and value:
                    found[value] = r
    return found


def replica_links(resources: Sequence[Resource]) -> list[tuple[Resource, Any]]:
    return [(r, get(r.props, "replicateSourceDb")) for r in resources
            if r.type == INSTANCE and isinstance(get(r.props, "replicateSourceDb"), str)
            and get(r.props, "replicateSourceDb")]


def managed_source(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, Secrets Manager page, Limitations: not supported: "Creating a read replica when the
    # source DB or DB cluster manages credentials with Secrets Manager. This applies to all DB
    # engines except RDS for SQL Server."
    sources, found = source_index(resources), []
    for replica, name in replica_links(resources):
        source = sources.get(name)
        if source is None or str(get(source.props, "engine")).startswith("sqlserver"):
            continue
        if get(source.props, "manageMasterUserPassword") is True:
            found.append(Problem(replica, f"its source '{name}' has an RDS-managed master password "
                                          "(manageMasterUserPassword), and RDS creates no read replica of such a source"))
    return found


def proxy_writer(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, 'Quotas and limitations for RDS Proxy': "you can associate a proxy only with the
    # writer DB instance, not a read replica."
    sources, found = source_index(resources), []
    for target in resources:
        if target.type != PROXY_TARGET:
            continue
        db = sources.get(get(target.props, "dbInstanceIdentifier"))
        if db is not None and db.type == INSTANCE and isinstance(get(db.props, "replicateSourceDb"), str) \
                and get(db.props, "replicateSourceDb"):
            found.append(Problem(target, f"its target '{db.name}' is a read replica; a proxy serves only the writer"))
    return found


def blue_green(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, 'Limitations and considerations for Amazon RDS blue/green deployments', General
    # limitations: no Secrets Manager master password; not supported with cascading read
    # replicas, cross-Region read replicas. Engines: MariaDB, MySQL, PostgreSQL. RDS Proxy is
    # supported for those engines (RDS UG, 'Using RDS Proxy with Blue/Green Deployments').
    sources, found = source_index(resources), []
    replicas_of: dict[int, list[Resource]] = {}
    for replica, name in replica_links(resources):
        if name in sources:
            replicas_of.setdefault(id(sources[name]), []).append(replica)
    for db in resources:
        update = get(db.props, "blueGreenUpdate") if db.type == INSTANCE else None
        if update in (None, UNKNOWN) or get(update, "enabled") is not True:
            continue
        engine, reasons = get(db.props, "engine"), []
        if isinstance(engine, str) and engine not in ("mariadb", "mysql", "postgres"):
            reasons.append(f"engine {engine}")
        if get(db.props, "manageMasterUserPassword") is True:
            reasons.append("an RDS-managed master password")
        for replica in replicas_of.get(id(db), []):
            region, source = get(replica.props, "region"), get(replica.props, "replicateSourceDb")
            if source.startswith("arn:") and isinstance(region, str) and arn_region(source) != region:
                reasons.append(f"cross-region replica '{replica.name}'")
            if id(replica) in replicas_of:
                reasons.append(f"cascading replicas under '{replica.name}'")
        if reasons:
            found.append(Problem(db, f"blue/green updates are on with {', '.join(reasons)}, which blue/green "
                                     "deployments do not support"))
    return found


def source_backups(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # CreateDBInstanceReadReplica: "Your source DB instance or cluster must have backup retention
    # enabled." Unset retention is the API default (1 day), not 0.
    sources, found, seen = source_index(resources), [], set()
    for _replica, name in replica_links(resources):
        source = sources.get(name)
        if source is None or id(source) in seen:
            continue
        seen.add(id(source))
        if get(source.props, "backupRetentionPeriod") == 0:
            found.append(Problem(source, "it is the source of a read replica but keeps no automated backups "
                                         "(backupRetentionPeriod is 0)"))
    return found


def replica_version(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS API Reference, ModifyDBInstance, EngineVersion: "If the instance that you're modifying is
    # acting as a read replica, the engine version that you specify must be the same or higher than
    # the version that the source DB instance or cluster is running." RDS for PostgreSQL upgrades
    # in-Region replicas with their source and "You can't upgrade read replicas separately" (RDS UG,
    # 'How to perform a major version upgrade for RDS for PostgreSQL', Handle read replicas).
    sources, found = source_index(resources), []
    for replica, name in replica_links(resources):
        source = sources.get(name)
        mine = get(replica.props, "engineVersion")
        theirs = get(source.props, "engineVersion") if source is not None else None
        if not isinstance(mine, str) or not isinstance(theirs, str) or not mine or not theirs:
            continue
        wanted, running = numbers(mine), numbers(theirs)
        if wanted < running[:len(wanted)]:
            found.append(Problem(replica, f"its engineVersion {mine} is below its source's ({theirs}); a read "
                                          "replica runs its source's version or a later one"))
        elif get(replica.props, "engine") == "postgres" and wanted[:1] != running[:1]:
            found.append(Problem(replica, f"its engineVersion {mine} is another PostgreSQL major than its source's "
                                          f"({theirs}); RDS upgrades PostgreSQL replicas only with their source"))
    return found
