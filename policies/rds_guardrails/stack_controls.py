"""Stack controls: rules about how resources relate (AnalyzeStack sees every output)."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from pulumi_policy import (
    Severity,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from rds_guardrails.rule import CLUSTER, INSTANCE
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


def _databases(resources: Iterable[PolicyResource], primaries_only: bool = False) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type in (CLUSTER, INSTANCE)
            and (not primaries_only or replica_source(r.props) is None)]


def _label(r: PolicyResource) -> str:
    return f"{r.resource_type.split(':')[-1]} '{r.name}'"


def _tls(args: StackValidationArgs, report: ReportViolation) -> None:
    groups: dict[Any, Any] = {}
    for r in args.resources:
        if r.resource_type in (PARAMETER_GROUP, CLUSTER_PARAMETER_GROUP):
            parameters = get(r.props, "parameters")
            entries = items(parameters)
            if parameters is UNKNOWN or UNKNOWN in entries:
                groups[get(r.props, "name")] = UNKNOWN  # judged once the parameters are known
                continue
            groups[get(r.props, "name")] = {get(p, "name"): str(get(p, "value")) for p in entries}
    for db in _databases(args.resources):
        engine = get(db.props, "engine")
        if engine not in TLS_PARAMETERS:
            continue  # Oracle enforces TLS through an option group; unknown engines wait
        prop = "parameterGroupName" if db.resource_type == INSTANCE else "dbClusterParameterGroupName"
        group_name = get(db.props, prop)
        if group_name is UNKNOWN:
            continue
        name, allowed = TLS_PARAMETERS[engine]
        if not group_name or str(group_name).startswith("default."):
            report(f"{_label(db)}: uses the engine's default parameter group, which allows unencrypted "
                   f"connections. Fix: set {prop} to a group with {name}={sorted(allowed)[0]}.", db.urn)
        elif group_name in groups and groups[group_name] is not UNKNOWN and groups[group_name].get(name) not in allowed:
            report(f"{_label(db)}: parameter group '{group_name}' does not require TLS "
                   f"({name} is {groups[group_name].get(name, 'unset')}). Fix: set {name}={sorted(allowed)[0]}.", db.urn)


def _cross_region_backups(args: StackValidationArgs, report: ReportViolation) -> None:
    sources = {get(r.props, "sourceDbInstanceArn") for r in args.resources
               if r.resource_type == "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"}
    if UNKNOWN in sources:
        return
    for db in _databases(args.resources, primaries_only=True):
        if db.resource_type != INSTANCE:
            continue  # Aurora replicates through global databases instead
        arn = get(db.props, "arn")
        if arn is not UNKNOWN and arn not in sources:
            report(f"{_label(db)}: no cross-region automated backups. Fix: add an "
                   "aws.rds.InstanceAutomatedBackupsReplication with sourceDbInstanceArn set to its arn.", db.urn)


def _rotation(args: StackValidationArgs, report: ReportViolation) -> None:
    config = {"maximumDays": 90, **(args.get_config() or {})}
    rotations = [get(get(r.props, "rotationRules", {}), "automaticallyAfterDays") for r in args.resources
                 if r.resource_type == "aws:secretsmanager/secretRotation:SecretRotation"]
    # A rotation whose period is not known yet may well be short enough: no verdict.
    rotated = any(d is UNKNOWN or (isinstance(d, (int, float)) and d <= config["maximumDays"]) for d in rotations)
    for db in _databases(args.resources, primaries_only=True):
        if get(db.props, "manageMasterUserPassword") in (True, UNKNOWN) or rotated:
            continue
        report(f"{_label(db)}: master credentials never rotate. Fix: set manageMasterUserPassword: true "
               f"(RDS rotates it) or add an aws.secretsmanager.SecretRotation of at most {config['maximumDays']:g} days.",
               db.urn)


def _is_sns_arn(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("arn:aws") and value.split(":")[2:3] == ["sns"]


def _alarms(args: StackValidationArgs, report: ReportViolation) -> None:
    covered = set()
    for r in args.resources:
        if r.resource_type != "aws:cloudwatch/metricAlarm:MetricAlarm":
            continue
        dims = get(r.props, "dimensions")
        if dims is UNKNOWN:
            return  # an alarm on an instance not known before deploy: no verdict for anyone
        # A topic created in the same deploy has an unknown ARN on a first preview.
        actions = get(r.props, "alarmActions")
        if actions is UNKNOWN or any(a is UNKNOWN or _is_sns_arn(a) for a in items(actions)):
            for key in ("DBInstanceIdentifier", "DBClusterIdentifier"):
                value = get(dims or {}, key)
                if value is UNKNOWN:
                    return
                if isinstance(value, str):
                    covered.add(value)
    for db in _databases(args.resources):
        ident = get(db.props, "identifier") or get(db.props, "clusterIdentifier")
        if isinstance(ident, str) and ident not in covered:
            report(f"{_label(db)}: no CloudWatch alarm on '{ident}' notifies an SNS topic. Fix: add "
                   "aws.cloudwatch.MetricAlarm resources with dimensions DBInstanceIdentifier and alarmActions "
                   "set to a topic ARN.", db.urn)


def _event_subscription(args: StackValidationArgs, report: ReportViolation) -> None:
    all_instances, named = False, set()
    for r in args.resources:
        if r.resource_type != "aws:rds/eventSubscription:EventSubscription":
            continue
        source_type, source_ids = get(r.props, "sourceType"), get(r.props, "sourceIds")
        if source_type is UNKNOWN or source_ids is UNKNOWN or UNKNOWN in items(source_ids):
            return  # a subscription whose sources are not known yet may cover everything
        ids = [i for i in items(source_ids) if isinstance(i, str)]
        if source_type in ("db-instance", "db-cluster", None):
            if not ids:
                all_instances = True
            named.update(ids)
    if all_instances:
        return
    for db in _databases(args.resources):
        ident = get(db.props, "identifier") or get(db.props, "clusterIdentifier")
        if isinstance(ident, str) and ident not in named:
            report(f"{_label(db)}: no RDS event subscription covers '{ident}'. Fix: add an "
                   "aws.rds.EventSubscription with sourceType db-instance and its identifier in sourceIds.", db.urn)


def _required_tags(args: StackValidationArgs, report: ReportViolation) -> None:
    config = {"keys": ["Environment", "Owner"], **(args.get_config() or {})}
    for r in args.resources:
        if r.resource_type not in (INSTANCE, CLUSTER, "aws:rds/clusterInstance:ClusterInstance"):
            continue
        # tagsAll holds the provider's default tags merged in; tags alone misses them.
        tags = get(r.props, "tagsAll") or get(r.props, "tags") or {}
        if tags is UNKNOWN:
            continue
        missing = [k for k in config["keys"] if get(tags, k) in (None, "")]
        if missing:
            report(f"{_label(r)}: missing required tags {', '.join(missing)}. Fix: add them to tags "
                   "(or the provider's defaultTags).", r.urn)


def _policy(name: str, description: str, fn: Callable, config: Optional[dict] = None,
            severity: str = "high") -> StackValidationPolicy:
    return StackValidationPolicy(
        name=name, description=description, validate=fn, severity=Severity(severity),
        config_schema=PolicyConfigSchema(properties=config) if config else None,
    )


ALL = [
    _policy("rds-tls-required", "The parameter group of every database requires TLS "
            "[CKV2_AWS_69, RDS.38/39/41/44]", _tls),
    _policy("rds-cross-region-backups", "Every primary instance replicates automated backups to another "
            "region [no peer check]", _cross_region_backups),
    _policy("rds-credentials-rotate", "Master credentials rotate: an RDS-managed secret, or a rotation of at "
            "most maximumDays [CKV2_AWS_57, SecretsManager.1/4]", _rotation,
            {"maximumDays": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90}}),
    _policy("rds-alarms-notify", "Every database has CloudWatch alarms whose actions reach an SNS topic "
            "[no peer check]", _alarms, severity="medium"),
    _policy("rds-event-subscription", "Every database is covered by an RDS event subscription "
            "[RDS.19-22]", _event_subscription, severity="medium"),
    _policy("rds-required-tags", "RDS databases carry the required tags [RDS.28-33]", _required_tags,
            {"keys": {"type": "array", "items": {"type": "string"}, "default": ["Environment", "Owner"]}},
            severity="low"),
]
