"""Settings rules that involve more than one key: what AWS refuses in combination.

Each entry names the keys, the values and what is allowed. Called by `reading.parse` after
every single-key rule has passed, so each function may rely on well-formed values.
The rules live beside their concern (engine, storage, network, deployment, other regions);
this module runs them in a fixed order and holds the small ones (restore, alarms, proxy)."""

from __future__ import annotations

from components.settings import (
    credentials_rules, deployment_rules, engine_rules, insights_rules, naming, network_rules, region_rules,
    storage_rules,
)
from components.settings.base import config_key
from components.settings.model import Settings


def cross_field_problems(s: Settings) -> list[str]:
    """Rules that involve more than one key; each entry names the keys and what is allowed."""
    return [
        *engine_rules.version_problems(s),
        *storage_rules.storage_problems(s),
        *engine_rules.operation_problems(s),
        *network_rules.network_problems(s),
        *deployment_rules.deployment_problems(s),
        *region_rules.replica_problems(s),
        *region_rules.disaster_recovery_problems(s),
        *region_rules.partition_problems(s),
        *credentials_rules.credentials_problems(s),
        *insights_rules.insights_problems(s),
        *naming.identifier_problems(s),
        *restore_problems(s),
        *alarm_problems(s),
        *proxy_problems(s),
        *import_problems(s),
    ]


def import_problems(s: Settings) -> list[str]:
    """Import IDs name what the program would register: the identifiers it derives, the key it
    encrypts with, and only resources it builds."""
    ids, key = s.import_ids, config_key("importIds")
    problems: list[str] = []
    if ids.database is not None and ids.database != s.identifier:
        # The provider renames an instance in place (plan/forcenew.json notes), and replaces a
        # cluster (clusterIdentifier is force-new): the program names it <name>-<stack>.
        problems.append(f"{key}.database = {ids.database!r}: the program names the database {s.identifier!r} "
                        f"(name-stack); set {config_key('name')} (and the stack name) so that they give "
                        f"{ids.database!r}, else the first up renames or replaces it")
    if ids.database is not None and ids.kms_key is None:
        problems.append(f"{key}.kmsKey: needed with {key}.database; a database's KMS key cannot change "
                        "without replacing it (plan/forcenew.json: kmsKeyId)")
    if ids.database is not None and s.is_cluster and ids.subnet_group is None:
        problems.append(f"{key}.subnetGroup: needed with {key}.database for a cluster; a cluster's DB subnet group "
                        "cannot change without replacing it (plan/forcenew.json: dbSubnetGroupName)")
    if ids.subnet_group is not None and ids.subnet_group.lower() == "default":
        problems.append(f"{key}.subnetGroup = {ids.subnet_group!r}: the default DB subnet group cannot be taken "
                        "over; move the database to a subnet group of its own first")
    if ids.database is not None and s.is_aurora and s.disaster_recovery is not None:
        # An existing cluster cannot join a global cluster (policies/rds_guardrails/facts/change_effects.json,
        # provider-cluster): the program's global database is built around a new primary.
        problems.append(f"{key}.database with {config_key('disasterRecovery')}: an existing Aurora cluster cannot join "
                        "a global database; adopt it without disasterRecovery (a global database of its own is built "
                        "around a new cluster)")
    if ids.database is None and (ids.kms_key is not None or ids.replicas or ids.instances
                                 or ids.subnet_group is not None or ids.proxy is not None):
        problems.append(f"{key}: kmsKey, subnetGroup, replicas, instances and proxy are adopted with their database; "
                        f"set {key}.database")
    if ids.proxy is not None and s.proxy is None:
        problems.append(f"{key}.proxy = {ids.proxy!r}: the stack declares no proxy; set {config_key('proxy')} "
                        "(adopt writes it from the live proxy's settings)")
    elif ids.proxy is not None and ids.proxy != f"{s.identifier}-proxy":
        problems.append(f"{key}.proxy = {ids.proxy!r}: the program names its proxy {s.identifier + '-proxy'!r}; "
                        "a proxy of another name cannot be adopted as it is")
    names = {r.name: r for r in s.replicas}
    for name, identifier in sorted(ids.replicas.items()):
        if name not in names:
            problems.append(f"{key}.replicas.{name}: no replica of that name in {config_key('replicas')} "
                            f"(replicas: {', '.join(sorted(names)) or 'none'})")
        elif identifier != s.replica_identifier(names[name]):
            problems.append(f"{key}.replicas.{name} = {identifier!r}: the program names that replica "
                            f"{s.replica_identifier(names[name])!r}; else the first up renames it")
    roles = s.cluster.instance_roles if s.is_aurora else ()
    for role, identifier in sorted(ids.instances.items()):
        if role not in roles:
            problems.append(f"{key}.instances.{role}: the program declares no such Aurora instance "
                            f"(deploymentOption {s.deployment_option!r}, cluster.readers {s.cluster.readers}: "
                            f"{', '.join(roles) or 'none'})")
        elif identifier != f"{s.identifier}-{role}":
            # ClusterInstance.identifier is force-new (plan/forcenew.json).
            problems.append(f"{key}.instances.{role} = {identifier!r}: the program names that instance "
                            f"{s.identifier + '-' + role!r}; else the first up replaces it")
    return problems


def restore_problems(s: Settings) -> list[str]:
    """Exactly one restore source, with exactly one point in time for a point-in-time restore."""
    r = s.restore
    if r is None:
        return []
    key = config_key("restore")
    problems: list[str] = []
    point_in_time = r.source_db_instance_identifier is not None
    if r.snapshot_identifier and point_in_time:
        problems.append(f"{key}: choose snapshotIdentifier or sourceDbInstanceIdentifier, not both")
    elif not r.snapshot_identifier and not point_in_time:
        problems.append(f"{key}: set snapshotIdentifier (restore a snapshot) or sourceDbInstanceIdentifier "
                        "with restoreTime or useLatestRestorableTime (restore to a point in time)")
    if point_in_time and (r.restore_time is None) == (not r.use_latest_restorable_time):
        problems.append(f"{key}: a point-in-time restore needs exactly one of restoreTime and "
                        "useLatestRestorableTime: true")
    if not point_in_time and (r.restore_time or r.use_latest_restorable_time):
        problems.append(f"{key}: restoreTime and useLatestRestorableTime need sourceDbInstanceIdentifier")
    if r.source_db_instance_identifier == s.identifier:
        problems.append(f"{key}.sourceDbInstanceIdentifier = {s.identifier!r}: is this stack's own database")
    return problems


def alarm_problems(s: Settings) -> list[str]:
    """Recipients or thresholds of alarms that are switched off are a mistake."""
    a = s.alarms
    if a.enabled or not (a.emails or a.https_endpoints or a.thresholds):
        return []
    return [f"{config_key('alarms')}: enabled is false but emails, httpsEndpoints or thresholds are set; "
            "turn alarms on or remove them"]


def proxy_problems(s: Settings) -> list[str]:
    """The proxy may keep idle at most the connections it may open."""
    problems: list[str] = []
    key = config_key
    if s.proxy and s.proxy.max_idle_connections_percent > s.proxy.max_connections_percent:
        problems.append(
            f"{key('proxy')}.maxIdleConnectionsPercent = {s.proxy.max_idle_connections_percent}: must be "
            f"at most maxConnectionsPercent ({s.proxy.max_connections_percent})"
        )
    if s.proxy and s.port and s.port != s.engine_spec.default_port:
        # RDS User Guide, "Quotas and limitations for RDS Proxy": MySQL/MariaDB "all proxies listen
        # on port 3306", PostgreSQL "all proxies listen on port 5432"; "The proxies still connect to
        # your database using the port that you specified in the database settings." AWS does not
        # refuse a non-default port beside a proxy: refusing it is this project's choice.
        problems.append(
            f"{key('port')} = {s.port} with {key('proxy')}: RDS Proxy listens on the engine's port "
            f"({s.engine_spec.default_port}), not the database's, and clients are allowed on one port here, so "
            "this program refuses the pair (its own choice: AWS accepts it, the proxy connects on the database's "
            "port, but clients would then need two ports); leave port unset or remove proxy (see "
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html, Quotas and limitations)")
    if s.proxy and s.engine_spec.proxy_engine_family == "MYSQL" and s.parameters.get("read_only") in ("1", "ON", "on"):
        # Same section: "You can't use RDS Proxy with an RDS for MySQL DB instance that has the
        # read_only parameter in its DB parameter group set to 1."
        problems.append(
            f"{key('parameters')}.read_only = {s.parameters['read_only']!r} with {key('proxy')}: RDS Proxy cannot "
            "use a MySQL/MariaDB database whose read_only parameter is 1 (see "
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html, Quotas and limitations)")
    return problems
