"""Deployability across resources (docs/controls.md): what AWS would refuse given how resources relate.

A replica and its source, a Multi-AZ DB cluster and its subnets, a proxy target and its
instance. A relation that cannot be followed (a source outside the stack, an id not known
before deploy) gives no verdict. Advisory by default; the prod config makes them mandatory.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any, Optional, Sequence

from rds_guardrails.deployability import SECRETS_MANAGER_RDS
from rds_guardrails.facts import auto_pause
from rds_guardrails.facts.engine_version import EngineVersion, numbers
from rds_guardrails.rule import ADVISORY, CLUSTER, CLUSTER_INSTANCE, INSTANCE, Problem, Resource, StackCheck, StackRule
from rds_guardrails.values import AWS_MANAGED_ALIASES, UNKNOWN, arn_region, get, items, replica_source

SUBNET = "aws:ec2/subnet:Subnet"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget"


def _sources(resources: Sequence[Resource]) -> dict[str, Resource]:
    """Instances and clusters by every name a replica may use for them: identifier and ARN."""
    found = {}
    for r in resources:
        if r.type in (INSTANCE, CLUSTER):
            for key in ("identifier", "clusterIdentifier", "arn"):
                value = get(r.props, key)
                if isinstance(value, str) and value:
                    found[value] = r
    return found


def _replicas(resources: Sequence[Resource]) -> list[tuple[Resource, Any]]:
    return [(r, get(r.props, "replicateSourceDb")) for r in resources
            if r.type == INSTANCE and isinstance(get(r.props, "replicateSourceDb"), str)
            and get(r.props, "replicateSourceDb")]


def _managed_source(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, Secrets Manager page, Limitations: not supported: "Creating a read replica when the
    # source DB or DB cluster manages credentials with Secrets Manager. This applies to all DB
    # engines except RDS for SQL Server."
    sources, found = _sources(resources), []
    for replica, name in _replicas(resources):
        source = sources.get(name)
        if source is None or str(get(source.props, "engine")).startswith("sqlserver"):
            continue
        if get(source.props, "manageMasterUserPassword") is True:
            found.append(Problem(replica, f"its source '{name}' has an RDS-managed master password "
                                          "(manageMasterUserPassword), and RDS creates no read replica of such a source"))
    return found


def _subnet_azs(group: Resource, resources: Sequence[Resource]) -> Optional[set[Any]]:
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


def _three_azs(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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
        zones = _subnet_azs(group, resources)
        if zones is not None and len(zones) < 3:
            found.append(Problem(cluster, f"its DB subnet group '{group.name}' covers {len(zones)} Availability "
                                          f"Zone(s) ({', '.join(sorted(zones))}); a Multi-AZ DB cluster needs three"))
    return found


def _proxy_writer(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, 'Quotas and limitations for RDS Proxy': "you can associate a proxy only with the
    # writer DB instance, not a read replica."
    sources, found = _sources(resources), []
    for target in resources:
        if target.type != PROXY_TARGET:
            continue
        db = sources.get(get(target.props, "dbInstanceIdentifier"))
        if db is not None and db.type == INSTANCE and isinstance(get(db.props, "replicateSourceDb"), str) \
                and get(db.props, "replicateSourceDb"):
            found.append(Problem(target, f"its target '{db.name}' is a read replica; a proxy serves only the writer"))
    return found


def _blue_green(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS UG, 'Limitations and considerations for Amazon RDS blue/green deployments', General
    # limitations: no Secrets Manager master password; not supported with cascading read
    # replicas, cross-Region read replicas. Engines: MariaDB, MySQL, PostgreSQL. RDS Proxy is
    # supported for those engines (RDS UG, 'Using RDS Proxy with Blue/Green Deployments').
    sources, found = _sources(resources), []
    replicas_of: dict[int, list[Resource]] = {}
    for replica, name in _replicas(resources):
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


def _source_backups(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # CreateDBInstanceReadReplica: "Your source DB instance or cluster must have backup retention
    # enabled." Unset retention is the API default (1 day), not 0.
    sources, found, seen = _sources(resources), [], set()
    for _replica, name in _replicas(resources):
        source = sources.get(name)
        if source is None or id(source) in seen:
            continue
        seen.add(id(source))
        if get(source.props, "backupRetentionPeriod") == 0:
            found.append(Problem(source, "it is the source of a read replica but keeps no automated backups "
                                         "(backupRetentionPeriod is 0)"))
    return found


# SNS Developer Guide, 'Key management', Enable compatibility between event sources from AWS
# services and encrypted topics: the key policy grants the publishing service principal
# kms:GenerateDataKey* and kms:Decrypt (Amazon CloudWatch: cloudwatch.amazonaws.com, Amazon RDS:
# events.rds.amazonaws.com); the AWS-managed alias/aws/sns key's policy cannot be changed.
NEEDED_ACTIONS = ("kms:generatedatakey", "kms:decrypt")  # what SNS calls; IAM actions ignore case


def _publishers(resources: Sequence[Resource]) -> Optional[dict[str, set[str]]]:
    """Topic ARN -> the service principals that publish to it; None when a target is not known."""
    found: dict[str, set[str]] = {}
    for r in resources:
        if r.type == "aws:rds/eventSubscription:EventSubscription":
            targets, service = [get(r.props, "snsTopic")], "events.rds.amazonaws.com"
        elif r.type == "aws:cloudwatch/metricAlarm:MetricAlarm":
            service = "cloudwatch.amazonaws.com"
            targets = [a for k in ("alarmActions", "okActions", "insufficientDataActions") for a in
                       ([UNKNOWN] if get(r.props, k) is UNKNOWN else items(get(r.props, k)))]
        else:
            continue
        if UNKNOWN in targets:
            return None
        for arn in targets:
            if isinstance(arn, str):
                found.setdefault(arn, set()).add(service)
    return found


def _grants(policy: Any, service: str) -> Optional[bool]:
    """Whether a key policy lets `service` GenerateDataKey* and Decrypt; None if unreadable."""
    try:
        statements = json.loads(policy).get("Statement", []) if isinstance(policy, str) else None
    except (ValueError, AttributeError):
        return None
    if statements is None:
        return None
    allowed = set()
    for st in statements if isinstance(statements, list) else [statements]:
        principal = st.get("Principal")
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        anyone = (principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")) \
            and not st.get("Condition")
        if st.get("Effect") != "Allow" or not (anyone or service in ([services] if isinstance(services, str)
                                                                         else services)):
            continue
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        allowed |= {a for a in NEEDED_ACTIONS if any(fnmatchcase(a, str(x).lower()) for x in actions)}
    return allowed == set(NEEDED_ACTIONS)


def _topic_keys(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    publishers = _publishers(resources)
    if publishers is None:
        return []
    keys: dict[Any, Resource] = {}
    for r in resources:
        if r.type == "aws:kms/key:Key":
            for k in ("arn", "keyId", "id"):
                if isinstance(get(r.props, k), str):
                    keys[get(r.props, k)] = r
    aliases = {get(r.props, "name"): get(r.props, "targetKeyId") for r in resources if r.type == "aws:kms/alias:Alias"}
    found = []
    for topic in resources:
        needed = publishers.get(get(topic.props, "arn")) if topic.type == "aws:sns/topic:Topic" else None
        key = get(topic.props, "kmsMasterKeyId")
        if not needed or not isinstance(key, str) or not key:
            continue
        if AWS_MANAGED_ALIASES.search(key):
            found.append(Problem(topic, f"{' and '.join(sorted(needed))} publish to it, but the AWS-managed key "
                                        f"'{key}' cannot grant them its use (kmsMasterKeyId)"))
            continue
        name = key.split(":", 5)[-1] if key.startswith("arn:") and ":alias/" in key else key
        owner = keys.get(key) or keys.get(aliases.get(name))
        if owner is None:
            continue  # a key outside the stack: no verdict
        # Unset: the default key policy, which lets only the account's IAM principals use the key.
        policy = get(owner.props, "policy") or json.dumps({"Statement": []})
        missing = [s for s in sorted(needed) if _grants(policy, s) is False]
        if missing:
            found.append(Problem(topic, f"its key '{owner.name}' does not let {' and '.join(missing)} use it "
                                        "(kms:GenerateDataKey* and kms:Decrypt), so their messages are not delivered",
                                 f"add a key policy statement allowing {', '.join(missing)} kms:GenerateDataKey* "
                                 "and kms:Decrypt"))
    return found


def _secondary_autoscaling(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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


def _serverless_scaling(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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


def _family_matches_version(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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


def _replica_version(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # RDS API Reference, ModifyDBInstance, EngineVersion: "If the instance that you're modifying is
    # acting as a read replica, the engine version that you specify must be the same or higher than
    # the version that the source DB instance or cluster is running." RDS for PostgreSQL upgrades
    # in-Region replicas with their source and "You can't upgrade read replicas separately" (RDS UG,
    # 'How to perform a major version upgrade for RDS for PostgreSQL', Handle read replicas).
    sources, found = _sources(resources), []
    for replica, name in _replicas(resources):
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


# Aurora UG, 'Scaling to Zero ACUs with automatic pause and resume for Aurora Serverless v2': the
# version floors are rds_guardrails/facts/auto_pause.json; 'Situations where Aurora Serverless v2
# doesn't auto-pause': an associated RDS Proxy; the primary or a secondary of a global database;
# provisioned instances in the cluster (its Serverless v2 writer stays up).
AUTO_PAUSE = ("Aurora User Guide, 'Scaling to Zero ACUs with automatic pause and resume for Aurora Serverless v2', "
              "Prerequisites and Limitations; Situations where Aurora Serverless v2 doesn't auto-pause "
              "(https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html)")


def _auto_pause(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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


def _rule(name: str, description: str, check: StackCheck, fix: str, source: str) -> StackRule:
    return StackRule(name, description, check, fix=fix, source=source, enforcement_level=ADVISORY)


RULES = [
    _rule("rds-replica-source-not-managed-password", "No read replica of a source whose master password RDS "
          "manages", _managed_source, "set manageMasterUserPassword: false on the source and give it a password "
          "from a rotated secret", SECRETS_MANAGER_RDS),
    _rule("rds-multi-az-cluster-three-azs", "A Multi-AZ DB cluster's subnet group covers three Availability Zones",
          _three_azs, "put subnets of three Availability Zones in the cluster's DB subnet group (subnetIds)",
          "RDS User Guide, 'Creating a Multi-AZ DB cluster for Amazon RDS', DB cluster prerequisites "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/create-multi-az-db-cluster.html)"),
    _rule("rds-proxy-target-writer", "An RDS Proxy targets the writer, never a read replica", _proxy_writer,
          "set dbInstanceIdentifier to the source (writer) instance", "RDS User Guide, 'Quotas and limitations "
          "for RDS Proxy'"),
    _rule("rds-blue-green-supported", "Blue/green updates only where blue/green deployments are supported",
          _blue_green, "set blueGreenUpdate.enabled: false, or remove what blue/green deployments do not support",
          "RDS User Guide, 'Limitations and considerations for Amazon RDS blue/green deployments', General "
          "limitations (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/blue-green-deployments-considerations.html); "
          "'Using RDS Proxy with Blue/Green Deployments' "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-blue-green.html)"),
    _rule("rds-replica-source-backups", "The source of a read replica keeps automated backups", _source_backups,
          "set backupRetentionPeriod to 1 or more on the source", "RDS API Reference, CreateDBInstanceReadReplica; "
          "pulumi-aws Instance.backup_retention_period docstring"),
    _rule("sns-topic-key-allows-publishers", "An encrypted SNS topic's key lets CloudWatch and RDS events publish "
          "to it", _topic_keys, "encrypt the topic with a customer-managed key whose policy allows the publishers",
          "Amazon SNS Developer Guide, 'Key management', Enable compatibility between event sources from AWS "
          "services and encrypted topics (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)"),
    _rule("rds-global-secondary-no-autoscaling", "No Aurora Auto Scaling on a global database's secondary cluster",
          _secondary_autoscaling, "remove the aws.appautoscaling.Target (scale the secondary's readers by hand)",
          "Aurora User Guide, 'Limitations of Amazon Aurora global databases'"),
    _rule("rds-serverless-v2-scaling-configuration", "db.serverless instances join a cluster with a Serverless v2 "
          "capacity range", _serverless_scaling, "set serverlessv2ScalingConfiguration on the cluster",
          "Aurora User Guide, 'Requirements and limitations for Aurora Serverless v2'"),
    _rule("rds-parameter-group-family-matches-version", "A database's parameter group is of its engine version's "
          "family", _family_matches_version, "give the database a parameter group of its engine version's family "
          "(a new group beside the old one for a major upgrade)", "RDS API Reference, ModifyDBInstance, EngineVersion "
          "and DBParameterGroupName (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
          "API_ModifyDBInstance.html)"),
    _rule("rds-replica-engine-version", "A read replica that states an engine version runs its source's or a later "
          "one (PostgreSQL: its source's major)", _replica_version, "remove engineVersion from the replica (it "
          "runs its source's) or set one its source allows", "RDS API Reference, ModifyDBInstance, EngineVersion; "
          "RDS User Guide, 'How to perform a major version upgrade for RDS for PostgreSQL', Handle read replicas"),
    _rule("rds-serverless-auto-pause-effective", "A Serverless v2 minimum of 0 ACUs only where instances can pause",
          _auto_pause, "set serverlessv2ScalingConfiguration.minCapacity to 0.5 or more, or remove what keeps the "
          "instances up (proxy, global database, provisioned instances) and use a supported engine version",
          AUTO_PAUSE),
]
