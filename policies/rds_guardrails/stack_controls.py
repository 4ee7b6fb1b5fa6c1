"""Stack controls (docs/controls.md): rules about how resources relate (AnalyzeStack sees every output).

Each check gets every resource of the stack (or of the account, live) and returns the
problems it found, one per resource at fault.
"""

from __future__ import annotations

from typing import Any, Sequence

from rds_guardrails.rule import CLUSTER, INSTANCE, Problem, Resource, StackRule
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


def _required_tags(resources: Sequence[Resource], config: dict[str, Any]) -> list[Problem]:
    found = []
    for r in resources:
        if r.type not in (INSTANCE, CLUSTER, "aws:rds/clusterInstance:ClusterInstance"):
            continue
        # tagsAll holds the provider's default tags merged in; tags alone misses them.
        tags = get(r.props, "tagsAll") or get(r.props, "tags") or {}
        if tags is UNKNOWN:
            continue
        missing = [k for k in config["keys"] if get(tags, k) in (None, "")]
        if missing:
            found.append(Problem(r, f"missing required tags {', '.join(missing)}"))
    return found


_ALARMS_FIX = ("add aws.cloudwatch.MetricAlarm resources with dimensions DBInstanceIdentifier and alarmActions "
               "set to a topic ARN")
_EVENTS_FIX = "add an aws.rds.EventSubscription with sourceType db-instance and its identifier in sourceIds"

RULES = [
    StackRule("rds-tls-required", "The parameter group of every database requires TLS", _tls,
              fix="set the parameter group's TLS parameter", anchors="CKV2_AWS_69, RDS.38/39/41/44"),
    StackRule("rds-cross-region-backups", "Every primary instance replicates automated backups to another region",
              _cross_region_backups, anchors="no peer check",
              fix="add an aws.rds.InstanceAutomatedBackupsReplication with sourceDbInstanceArn set to its arn"),
    StackRule("rds-credentials-rotate", "Master credentials rotate: an RDS-managed secret, or a rotation of at "
              "most maximumDays", _rotation, anchors="CKV2_AWS_57, SecretsManager.1/4",
              fix="set manageMasterUserPassword: true or add an aws.secretsmanager.SecretRotation",
              config={"maximumDays": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90}}),
    StackRule("rds-alarms-notify", "Every database has CloudWatch alarms whose actions reach an SNS topic",
              _alarms, anchors="no peer check", severity="medium",
              fix=_ALARMS_FIX),
    StackRule("rds-event-subscription", "Every database is covered by an RDS event subscription", _event_subscription,
              anchors="RDS.19-22", severity="medium",
              fix=_EVENTS_FIX),
    StackRule("rds-required-tags", "RDS databases carry the required tags", _required_tags, anchors="RDS.28-33",
              severity="low", fix="add them to tags (or the provider's defaultTags)",
              config={"keys": {"type": "array", "items": {"type": "string"}, "default": ["Environment", "Owner"]}}),
]
