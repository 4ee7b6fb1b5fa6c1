"""Stack controls on monitoring: alarms, event subscriptions, required tags, Aurora MySQL audit logging.

The rules themselves (names, fixes, levels, order) are in stack_controls.py.
"""

from __future__ import annotations

from typing import Any, Sequence

from rds_guardrails.rule import CLUSTER, CLUSTER_INSTANCE, INSTANCE, Problem, Resource
from rds_guardrails.stack_encryption import CLUSTER_PARAMETER_GROUP, PARAMETER_GROUP, SNAPSHOTS, databases
from rds_guardrails.stack_network import SUBNET_GROUP
from rds_guardrails.values import UNKNOWN, get, items

ALARMS_FIX = ("add aws.cloudwatch.MetricAlarm resources with dimensions DBInstanceIdentifier and alarmActions "
              "set to a topic ARN")
EVENTS_FIX = "add an aws.rds.EventSubscription with sourceType db-instance and its identifier in sourceIds"


def _is_sns_arn(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("arn:aws") and value.split(":")[2:3] == ["sns"]


def alarms(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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
    for db in databases(resources):
        ident = get(db.props, "identifier") or get(db.props, "clusterIdentifier")
        if isinstance(ident, str) and ident not in covered:
            # A cluster's metrics carry DBClusterIdentifier, not an instance's dimension.
            fix = (ALARMS_FIX.replace("DBInstanceIdentifier", "DBClusterIdentifier")
                   if db.type == CLUSTER else None)
            found.append(Problem(db, f"no CloudWatch alarm on '{ident}' notifies an SNS topic", fix))
    return found


def event_subscription(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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
    for db in databases(resources):
        ident = get(db.props, "identifier") or get(db.props, "clusterIdentifier")
        if isinstance(ident, str) and ident not in named:
            # A cluster's events come from the source type db-cluster.
            fix = EVENTS_FIX.replace("db-instance", "db-cluster") if db.type == CLUSTER else None
            found.append(Problem(db, f"no RDS event subscription covers '{ident}'", fix))
    return found

EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"
# RDS.28 cluster, RDS.29 cluster snapshot, RDS.30 instance, RDS.32 snapshot, RDS.33 subnet group
# (Security Hub, rds-controls.html); beside them what else RDS tags: cluster instances, snapshot
# copies, parameter groups and event subscriptions. (RDS.31 is about EC2-Classic DB security
# groups, which pulumi-aws no longer has.)
TAGGED_TYPES = (INSTANCE, CLUSTER, CLUSTER_INSTANCE, *SNAPSHOTS, SUBNET_GROUP, PARAMETER_GROUP,
                CLUSTER_PARAMETER_GROUP, EVENT_SUBSCRIPTION)


def required_tags(resources: Sequence[Resource], config: dict[str, Any]) -> list[Problem]:
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


def aurora_mysql_audit(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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
