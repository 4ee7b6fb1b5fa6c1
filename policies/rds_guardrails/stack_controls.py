"""Stack controls (docs/controls.md): rules about how resources relate (AnalyzeStack sees every output).

Each check gets every resource of the stack (or of the account, live) and returns the
problems it found, one per resource at fault.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Sequence

from rds_guardrails.rule import ADVISORY, CLUSTER, CLUSTER_INSTANCE, INSTANCE, Problem, Resource, StackRule
from rds_guardrails.values import UNKNOWN, get, items, replica_source

PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
TLS_PARAMETERS = {
    "postgres": ("rds.force_ssl", {"1"}), "aurora-postgresql": ("rds.force_ssl", {"1"}),
    "sqlserver-ee": ("rds.force_ssl", {"1"}), "sqlserver-se": ("rds.force_ssl", {"1"}),
    "sqlserver-ex": ("rds.force_ssl", {"1"}), "sqlserver-web": ("rds.force_ssl", {"1"}),
    "mysql": ("require_secure_transport", {"1", "ON", "on"}),
    "mariadb": ("require_secure_transport", {"1", "ON", "on"}),
    "aurora-mysql": ("require_secure_transport", {"1", "ON", "on"}),
}


def _databases(resources: Sequence[Resource], primaries_only: bool = False) -> list[Resource]:
    return [r for r in resources if r.type in (CLUSTER, INSTANCE)
            and (not primaries_only or replica_source(r.props) is None)]


def _tls(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    groups: dict[Any, Any] = {}
    for r in resources:
        if r.type in (PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP):
            parameters = get(r.props, "parameters")
            entries = items(parameters)
            if parameters is UNKNOWN or UNKNOWN in entries:
                groups[get(r.props, "name")] = UNKNOWN  # judged once the parameters are known
                continue
            groups[get(r.props, "name")] = {get(p, "name"): str(get(p, "value")) for p in entries}
    found = []
    for db in _databases(resources):
        engine = get(db.props, "engine")
        if engine not in TLS_PARAMETERS:
            continue  # Oracle enforces TLS through an option group; unknown engines wait
        prop = "parameterGroupName" if db.type == INSTANCE else "dbClusterParameterGroupName"
        group_name = get(db.props, prop)
        if group_name is UNKNOWN:
            continue
        name, allowed = TLS_PARAMETERS[engine]
        if not group_name or str(group_name).startswith("default."):
            found.append(Problem(db, "uses the engine's default parameter group, which allows unencrypted connections",
                                 f"set {prop} to a group with {name}={sorted(allowed)[0]}"))
        elif group_name in groups and groups[group_name] is not UNKNOWN and groups[group_name].get(name) not in allowed:
            found.append(Problem(db, f"parameter group '{group_name}' does not require TLS "
                                 f"({name} is {groups[group_name].get(name, 'unset')})",
                                 f"set {name}={sorted(allowed)[0]}"))
    return found


def _cross_region_backups(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    sources = {get(r.props, "sourceDbInstanceArn") for r in resources
               if r.type == "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"}
    if UNKNOWN in sources:
        return []
    found = []
    for db in _databases(resources, primaries_only=True):
        if db.type != INSTANCE:
            continue  # Aurora replicates through global databases instead
        arn = get(db.props, "arn")
        if arn is not UNKNOWN and arn not in sources:
            found.append(Problem(db, "no cross-region automated backups"))
    return found


def _rotation(resources: Sequence[Resource], config: dict[str, Any]) -> list[Problem]:
    rotations = [get(get(r.props, "rotationRules", {}), "automaticallyAfterDays") for r in resources
                 if r.type == "aws:secretsmanager/secretRotation:SecretRotation"]
    # A rotation whose period is not known yet may well be short enough: no verdict.
    rotated = any(d is UNKNOWN or (isinstance(d, (int, float)) and d <= config["maximumDays"]) for d in rotations)
    fix = ("set manageMasterUserPassword: true (RDS rotates it) or add an aws.secretsmanager.SecretRotation "
           f"of at most {config['maximumDays']:g} days")
    return [Problem(db, "master credentials never rotate", fix) for db in _databases(resources, primaries_only=True)
            if not (get(db.props, "manageMasterUserPassword") in (True, UNKNOWN) or rotated)]


def _is_sns_arn(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("arn:aws") and value.split(":")[2:3] == ["sns"]


def _alarms(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    covered = set()
    for r in resources:
        if r.type != "aws:cloudwatch/metricAlarm:MetricAlarm":
            continue
        dims = get(r.props, "dimensions")
        if dims is UNKNOWN:
            return []  # an alarm on an instance not known before deploy: no verdict for anyone
        # A topic created in the same deploy has an unknown ARN on a first preview.
        actions = get(r.props, "alarmActions")
        if actions is UNKNOWN or any(a is UNKNOWN or _is_sns_arn(a) for a in items(actions)):
            for key in ("DBInstanceIdentifier", "DBClusterIdentifier"):
                value = get(dims or {}, key)
                if value is UNKNOWN:
                    return []
                if isinstance(value, str):
                    covered.add(value)
    found = []
    for db in _databases(resources):
        ident = get(db.props, "identifier") or get(db.props, "clusterIdentifier")
        if isinstance(ident, str) and ident not in covered:
            # A cluster's metrics carry DBClusterIdentifier, not an instance's dimension.
            fix = (_ALARMS_FIX.replace("DBInstanceIdentifier", "DBClusterIdentifier")
                   if db.type == CLUSTER else None)
            found.append(Problem(db, f"no CloudWatch alarm on '{ident}' notifies an SNS topic", fix))
    return found


def _event_subscription(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    all_instances, named = False, set()
    for r in resources:
        if r.type != "aws:rds/eventSubscription:EventSubscription":
            continue
        source_type, source_ids = get(r.props, "sourceType"), get(r.props, "sourceIds")
        if source_type is UNKNOWN or source_ids is UNKNOWN or UNKNOWN in items(source_ids):
            return []  # a subscription whose sources are not known yet may cover everything
        ids = [i for i in items(source_ids) if isinstance(i, str)]
        if source_type in ("db-instance", "db-cluster", None):
            if not ids:
                all_instances = True
            named.update(ids)
    if all_instances:
        return []
    found = []
    for db in _databases(resources):
        ident = get(db.props, "identifier") or get(db.props, "clusterIdentifier")
        if isinstance(ident, str) and ident not in named:
            # A cluster's events come from the source type db-cluster.
            fix = _EVENTS_FIX.replace("db-instance", "db-cluster") if db.type == CLUSTER else None
            found.append(Problem(db, f"no RDS event subscription covers '{ident}'", fix))
    return found


FSBP_PAGE = "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html"
SNAPSHOT = "aws:rds/snapshot:Snapshot"
CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
SNAPSHOT_COPY = "aws:rds/snapshotCopy:SnapshotCopy"
CLUSTER_SNAPSHOT_COPY = "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"
SNAPSHOTS = (SNAPSHOT, CLUSTER_SNAPSHOT, SNAPSHOT_COPY, CLUSTER_SNAPSHOT_COPY)
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"
# RDS.28 cluster, RDS.29 cluster snapshot, RDS.30 instance, RDS.32 snapshot, RDS.33 subnet group
# (Security Hub, rds-controls.html); beside them what else RDS tags: cluster instances, snapshot
# copies, parameter groups and event subscriptions. (RDS.31 is about EC2-Classic DB security
# groups, which pulumi-aws no longer has.)
TAGGED_TYPES = (INSTANCE, CLUSTER, CLUSTER_INSTANCE, *SNAPSHOTS, SUBNET_GROUP, PARAMETER_GROUP,
                CLUSTER_PARAMETER_GROUP, EVENT_SUBSCRIPTION)


def _required_tags(resources: Sequence[Resource], config: dict[str, Any]) -> list[Problem]:
    found = []
    for r in resources:
        if r.type not in TAGGED_TYPES:
            continue
        # tagsAll holds the provider's default tags merged in; tags alone misses them.
        tags = get(r.props, "tagsAll") or get(r.props, "tags") or {}
        if tags is UNKNOWN:
            continue
        missing = [k for k in config["keys"] if get(tags, k) in (None, "")]
        if missing:
            found.append(Problem(r, f"missing required tags {', '.join(missing)}"))
    return found


# --- RDS.4: snapshots encrypted --------------------------------------------------------------------------------------

def _encryption_of_database(db: Resource) -> Any:
    """True/False for a database whose encryption is known, UNKNOWN otherwise."""
    value = get(db.props, "storageEncrypted")
    if value is UNKNOWN or (value is None and (get(db.props, "snapshotIdentifier") or replica_source(db.props))):
        return UNKNOWN  # a restore or a replica takes its source's encryption
    if value is None and get(db.props, "engineMode") == "serverless":
        return True  # Serverless v1 always encrypts (encryption.py, rds-storage-encrypted)
    return value is True


def _snapshot_encryption(snap: Resource, by_name: dict[str, Resource], seen: frozenset[str] = frozenset()) -> Any:
    """Whether a snapshot (or a copy) is encrypted: its own output when known, else what it was
    taken or copied from; UNKNOWN when that cannot be followed."""
    own = get(snap.props, "encrypted" if snap.type in (SNAPSHOT, SNAPSHOT_COPY) else "storageEncrypted")
    if own is UNKNOWN or isinstance(own, bool):
        return own
    if snap.type in (SNAPSHOT_COPY, CLUSTER_SNAPSHOT_COPY):
        key = get(snap.props, "kmsKeyId")
        if key is UNKNOWN or (isinstance(key, str) and key):
            # A copy made with a key is encrypted, even from an unencrypted snapshot (Security
            # Hub RDS.4, Remediation: "you can encrypt a copy of an unencrypted snapshot").
            return UNKNOWN if key is UNKNOWN else True
        source_key = "sourceDbSnapshotIdentifier" if snap.type == SNAPSHOT_COPY else "sourceDbClusterSnapshotIdentifier"
    else:
        source_key = "dbInstanceIdentifier" if snap.type == SNAPSHOT else "dbClusterIdentifier"
    source_name = get(snap.props, source_key)
    source = by_name.get(source_name) if isinstance(source_name, str) else None
    if source is None or source.urn in seen:
        return UNKNOWN  # a source outside the stack: no verdict
    if source.type in (INSTANCE, CLUSTER):
        return _encryption_of_database(source)
    return _snapshot_encryption(source, by_name, seen | {snap.urn})


def _names(resources: Sequence[Resource]) -> dict[str, Resource]:
    """Databases and snapshots by every name another resource may use for them."""
    keys = ("identifier", "clusterIdentifier", "arn", "id", "dbSnapshotIdentifier", "dbClusterSnapshotIdentifier",
            "targetDbSnapshotIdentifier", "targetDbClusterSnapshotIdentifier", "dbSnapshotArn", "dbClusterSnapshotArn")
    found: dict[str, Resource] = {}
    for r in resources:
        if r.type in (INSTANCE, CLUSTER, *SNAPSHOTS):
            for key in keys:
                value = get(r.props, key)
                if isinstance(value, str) and value:
                    found.setdefault(value, r)
    return found


def _snapshots_encrypted(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    by_name = _names(resources)
    return [Problem(r, "the snapshot is not encrypted (taken from an unencrypted source, or copied without kmsKeyId)")
            for r in resources if r.type in SNAPSHOTS and _snapshot_encryption(r, by_name) is False]


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


def _cluster_multi_az(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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


# --- RDS.45: Aurora MySQL audit logging ------------------------------------------------------------------------------

def _parameter_groups(resources: Sequence[Resource], type_: str) -> dict[Any, Any]:
    groups: dict[Any, Any] = {}
    for r in resources:
        if r.type == type_:
            parameters = get(r.props, "parameters")
            entries = items(parameters)
            if parameters is UNKNOWN or UNKNOWN in entries:
                groups[get(r.props, "name")] = UNKNOWN
                continue
            groups[get(r.props, "name")] = {get(p, "name"): str(get(p, "value")) for p in entries}
    return groups


def _aurora_mysql_audit(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    # Security Hub RDS.45: fails when server_audit_logging is not 1 or server_audit_events is empty.
    groups, found = _parameter_groups(resources, CLUSTER_PARAMETER_GROUP), []
    for cluster in resources:
        if cluster.type != CLUSTER or get(cluster.props, "engine") != "aurora-mysql":
            continue
        name = get(cluster.props, "dbClusterParameterGroupName")
        if name is UNKNOWN:
            continue
        if not name or str(name).startswith("default."):
            found.append(Problem(cluster, "it uses the default cluster parameter group, where server_audit_logging is 0"))
            continue
        params = groups.get(name)
        if params is None or params is UNKNOWN:
            continue  # a group outside the stack, or not known yet
        if params.get("server_audit_logging") != "1":
            found.append(Problem(cluster, f"cluster parameter group '{name}' does not audit "
                                          f"(server_audit_logging is {params.get('server_audit_logging', 'unset')})"))
        elif not params.get("server_audit_events"):
            found.append(Problem(cluster, f"cluster parameter group '{name}' audits no events (server_audit_events unset)"))
    return found


# --- RDS.46: no subnet routed to an internet gateway ----------------------------------------------------------------

ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
SUBNET = "aws:ec2/subnet:Subnet"
_ANYWHERE = ("0.0.0.0/0", "::/0")


def _route_tables_to_igw(resources: Sequence[Resource]) -> tuple[set[Any], bool]:
    """The ids of route tables with a 0.0.0.0/0 or ::/0 route to an internet gateway, and
    whether every route could be read."""
    gateways = {get(r.props, "id") for r in resources if r.type == INTERNET_GATEWAY} - {None}
    known, tables = True, set()

    def to_igw(gateway: Any) -> bool:
        return isinstance(gateway, str) and (gateway.startswith("igw-") or gateway in gateways)

    for r in resources:
        if r.type in (ROUTE_TABLE, DEFAULT_ROUTE_TABLE):
            routes = items(get(r.props, "routes")) if get(r.props, "routes") is not UNKNOWN else [UNKNOWN]
            for route in routes:
                if route is UNKNOWN:
                    known = False
                    continue
                dest = get(route, "cidrBlock") or get(route, "ipv6CidrBlock")
                if dest in _ANYWHERE and to_igw(get(route, "gatewayId")):
                    tables.add(get(r.props, "id") if r.type == ROUTE_TABLE else get(r.props, "defaultRouteTableId"))
        elif r.type == ROUTE:
            dest = get(r.props, "destinationCidrBlock") or get(r.props, "destinationIpv6CidrBlock")
            gateway, table = get(r.props, "gatewayId"), get(r.props, "routeTableId")
            if UNKNOWN in (dest, gateway, table):
                known = False
            elif dest in _ANYWHERE and to_igw(gateway):
                tables.add(table)
    return tables - {None, UNKNOWN}, known


def _subnet_route_table(subnet_id: Any, resources: Sequence[Resource]) -> Any:
    """The route table a subnet uses: its explicit association, else its VPC's main table; None
    when neither is in the stack, UNKNOWN when not known yet."""
    for r in resources:
        if r.type == ASSOCIATION:
            subnet = get(r.props, "subnetId")
            if subnet is UNKNOWN:
                return UNKNOWN
            if subnet == subnet_id:
                return get(r.props, "routeTableId")
    vpc = next((get(r.props, "vpcId") for r in resources if r.type == SUBNET and get(r.props, "id") == subnet_id), None)
    for r in resources:
        if vpc is not None and r.type == MAIN_ASSOCIATION and get(r.props, "vpcId") == vpc:
            return get(r.props, "routeTableId")
        if vpc is not None and r.type == DEFAULT_ROUTE_TABLE and get(r.props, "vpcId") == vpc:
            return get(r.props, "defaultRouteTableId")
    return None


def _public_subnets(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    tables, _known = _route_tables_to_igw(resources)
    if not tables:
        return []
    groups = {get(r.props, "name"): r for r in resources if r.type == SUBNET_GROUP}
    found = []
    for db in _databases(resources):
        group = groups.get(get(db.props, "dbSubnetGroupName"))
        if group is None:
            continue  # no group in the stack (a replica in its source's group, or one managed elsewhere)
        public = [s for s in items(get(group.props, "subnetIds")) if _subnet_route_table(s, resources) in tables]
        if public:
            found.append(Problem(db, f"its DB subnet group '{get(group.props, 'name')}' holds subnets routed to an "
                                     f"internet gateway for 0.0.0.0/0 or ::/0: {', '.join(map(str, public))}"))
    return found


# --- RDS.26: a backup plan -------------------------------------------------------------------------------------------

BACKUP_SELECTION = "aws:backup/selection:Selection"


def _backup_plan(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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
    for db in _databases(resources, primaries_only=True):
        if db.type != INSTANCE:
            continue  # RDS.26 judges DB instances; Aurora clusters are backed up as clusters
        arn = get(db.props, "arn")
        if arn is UNKNOWN:
            continue
        if not any(fnmatchcase(str(arn), p) for p in patterns if isinstance(arn, str)):
            found.append(Problem(db, "no AWS Backup selection in the stack names it (resources)"))
    return found


_ALARMS_FIX = ("add aws.cloudwatch.MetricAlarm resources with dimensions DBInstanceIdentifier and alarmActions "
               "set to a topic ARN")
_EVENTS_FIX = "add an aws.rds.EventSubscription with sourceType db-instance and its identifier in sourceIds"

RULES = [
    StackRule("rds-tls-required", "The parameter group of every database requires TLS", _tls,
              fix="set the parameter group's TLS parameter", anchors="CKV2_AWS_69, RDS.38, RDS.39, RDS.41, RDS.44", tags=("encryption", "network")),
    StackRule("rds-cross-region-backups", "Every primary instance replicates automated backups to another region",
              _cross_region_backups, anchors="no peer check",
              fix="add an aws.rds.InstanceAutomatedBackupsReplication with sourceDbInstanceArn set to its arn", tags=("backup",)),
    StackRule("rds-credentials-rotate", "Master credentials rotate: an RDS-managed secret, or a rotation of at "
              "most maximumDays", _rotation, anchors="CKV2_AWS_57, SecretsManager.1/4",
              fix="set manageMasterUserPassword: true or add an aws.secretsmanager.SecretRotation",
              config={"maximumDays": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90}}, tags=("encryption",)),
    StackRule("rds-alarms-notify", "Every database has CloudWatch alarms whose actions reach an SNS topic",
              _alarms, anchors="no peer check", severity="medium",
              fix=_ALARMS_FIX, tags=("availability",)),
    StackRule("rds-event-subscription", "Every database is covered by an RDS event subscription", _event_subscription,
              anchors="no peer check", severity="medium",
              fix=_EVENTS_FIX, tags=("availability",)),
    StackRule("rds-required-tags", "RDS databases, snapshots, subnet groups, parameter groups and event "
              "subscriptions carry the required tags", _required_tags,
              anchors="RDS.28, RDS.29, RDS.30, RDS.32, RDS.33", types=TAGGED_TYPES,
              severity="low", fix="add them to tags (or the provider's defaultTags)",
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.28-RDS.33",
              config={"keys": {"type": "array", "items": {"type": "string"}, "default": ["Environment", "Owner"]}}, tags=("cost",)),
    StackRule("rds-snapshot-encrypted", "Snapshots and snapshot copies are encrypted", _snapshots_encrypted,
              fix="encrypt the source database, or copy the snapshot with kmsKeyId set", anchors="RDS.4",
              severity="medium", types=SNAPSHOTS, source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.4", tags=("encryption", "backup")),
    StackRule("rds-cluster-multi-az", "Aurora clusters have instances in more than one Availability Zone",
              _cluster_multi_az, fix="add a reader instance in another Availability Zone (leave its availabilityZone "
              "unset or name another AZ)",
              anchors="RDS.15", severity="medium", types=(CLUSTER,),
              applies=lambda props: replica_source(props) is None and get(props, "dbClusterInstanceClass") is None,
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.15; pulumi-aws Cluster.availability_zones", tags=("availability",)),
    StackRule("rds-aurora-mysql-audit-logging", "Aurora MySQL clusters audit through their cluster parameter group",
              _aurora_mysql_audit, fix="set server_audit_logging=1 and server_audit_events (e.g. CONNECT,QUERY_DCL,"
              "QUERY_DDL) in the cluster parameter group, and export the audit log", anchors="RDS.45",
              severity="medium", types=(CLUSTER,), source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.45", tags=("availability",)),
    StackRule("rds-no-internet-gateway-route", "No DB subnet group holds a subnet routed to an internet gateway",
              _public_subnets, fix="use subnets whose route table sends 0.0.0.0/0 and ::/0 nowhere or to a NAT "
              "gateway", anchors="RDS.46", severity="high",
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.46", tags=("network",)),
    StackRule("rds-backup-plan", "Every primary instance is named by an AWS Backup selection (advisory by default)",
              _backup_plan, fix="add an aws.backup.Selection whose resources name the instance's ARN",
              anchors="RDS.26", severity="medium", types=(INSTANCE,), enforcement_level=ADVISORY,
              applies=lambda props: replica_source(props) is None,
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.26", tags=("backup",)),
]
