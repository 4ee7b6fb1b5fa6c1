"""The names the program derives from `name`, the stack name and replica names, checked against
each resource's AWS naming rule before anything is declared, and the names that must not collide.

The stack name is never normalised: a stack whose name cannot make a valid RDS identifier
(`feature_x`, `Staging`, or too long) is refused with the rule it breaks, because a silently
rewritten identifier would name a different database than the stack says (docs/configuration.md, "What is
validated").

Sources, one per rule below (AWS API references, as quoted in their SDK docs):
- RDS CreateDBInstance, DBInstanceIdentifier: "stored as a lowercase string. Must contain from 1
  to 63 letters, numbers, or hyphens. First character must be a letter. Can't end with a hyphen
  or contain two consecutive hyphens."
- RDS CreateDBCluster, DBClusterIdentifier: the same rules, "1 to 63 (for Aurora DB clusters) or
  1 to 52 (for Multi-AZ DB clusters)"; the final snapshot identifiers follow the same rules
  (CreateDBSnapshot, DBSnapshotIdentifier: 1 to 255).
- RDS CreateDBProxy, DBProxyName (and DBProxyEndpointName): "must begin with a letter and must
  contain only ASCII letters, digits, and hyphens; it can't end with a hyphen or contain two
  consecutive hyphens."
- SNS CreateTopic, Name: "only uppercase and lowercase ASCII letters, numbers, underscores, and
  hyphens, and must be between 1 and 256 characters long."
- RDS CreateEventSubscription, SubscriptionName: "The name must be less than 255 characters."
- CloudWatch Logs CreateLogGroup, logGroupName: 1 to 512 characters of a-z, A-Z, 0-9, '_', '-',
  '/', '.' (and '#').
- CloudWatch PutDashboard, DashboardName: "The maximum length is 255, and valid characters are
  A-Z, a-z, 0-9, "-", and "_"."
- IAM roles are auto-named by pulumi-aws (provider/resources.go, aws_iam_role:
  `tfbridge.AutoName("name", 64, "-")`: the resource name, "-" and 7 random characters, at most 64
  in all; the bridge's NewUniqueName fails "name '...' plus 7 random chars is longer than maximum
  length 64"), so the resource names the program gives its roles have at most 56 characters.
- KMS developer guide, "Create aliases": "The alias must be string of 1–256 characters. It can
  contain only alphanumeric characters, forward slashes (/), underscores (_), and dashes (-)."
- Lambda CreateFunction, FunctionName: a name alone "is limited to 64 characters in length" (the
  rotation function is <identifier>-rotation, components/rotation.py).

Two checks read these rules: identifier_problems (the stack name, then the length of every
RDS identifier and of the rotation function, each with its API page) and naming_problems (the
characters of every derived name, and the lengths the first does not check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from components import catalog
from components.settings.base import config_key
from components.settings.model import Settings

_RDS_SHAPE = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
_RDS_ALLOWED = ("lowercase letters, digits and single hyphens, starting with a letter and not ending "
                "with a hyphen (RDS stores identifiers in lowercase)")


CLUSTER_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
INSTANCE_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
LAMBDA_DOC = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"


@dataclass(frozen=True)
class NameRule:
    """What AWS accepts as one kind of name."""

    what: str
    max_length: int
    pattern: str
    allowed: str
    doc: str = ""  # the API page a length refusal points at


RDS_INSTANCE = NameRule("RDS DB instance identifier", 63, _RDS_SHAPE, _RDS_ALLOWED, INSTANCE_DOC)
AURORA_CLUSTER = NameRule("Aurora DB cluster identifier", 63, _RDS_SHAPE, _RDS_ALLOWED, CLUSTER_DOC)
MULTI_AZ_CLUSTER = NameRule("Multi-AZ DB cluster identifier", 52, _RDS_SHAPE, _RDS_ALLOWED, CLUSTER_DOC)
LAMBDA_FUNCTION = NameRule("Lambda function name", 64, r"[A-Za-z0-9_-]+", "ASCII letters, digits, '-' and '_'",
                           LAMBDA_DOC)
GLOBAL_CLUSTER = NameRule("Aurora global cluster identifier", 63, _RDS_SHAPE, _RDS_ALLOWED)
SNAPSHOT = NameRule("final snapshot identifier", 255, _RDS_SHAPE, _RDS_ALLOWED)
# No length is documented for proxy names; their characters are checked.
PROXY = NameRule("RDS Proxy name", 10_000, r"[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*",
                 "ASCII letters, digits and single hyphens, starting with a letter and not ending with a hyphen")
SNS_TOPIC = NameRule("SNS topic name", 256, r"[A-Za-z0-9_-]+", "ASCII letters, digits, '_' and '-'")
EVENT_SUBSCRIPTION = NameRule("RDS event subscription name", 254, r".+", "any characters")
LOG_GROUP = NameRule("CloudWatch Logs log group name", 512, r"[A-Za-z0-9_./#-]+",
                     "ASCII letters, digits, '_', '-', '/', '.' and '#'")
DASHBOARD = NameRule("CloudWatch dashboard name", 255, r"[A-Za-z0-9_-]+", "ASCII letters, digits, '-' and '_'")
IAM_ROLE = NameRule("IAM role name (before pulumi-aws adds '-' and 7 random characters)", 56,
                    r"[A-Za-z0-9+=,.@_-]+", "letters, digits and + = , . @ _ -")
KMS_ALIAS = NameRule("KMS alias", 256, r"alias/[A-Za-z0-9/_-]+", "ASCII letters, digits, '/', '_' and '-'")


# A stack name that can be part of an RDS identifier; identifier_problems refuses any other.
STACK_NAME = r"[a-z0-9]+(-[a-z0-9]+)*"
# identifier_problems checks the lengths of the primary's, readers' and DR identifiers, and
# region_rules the replicas'; naming_problems only their characters, so no problem is reported twice.
LENGTHS_CHECKED_ELSEWHERE = (RDS_INSTANCE, AURORA_CLUSTER, MULTI_AZ_CLUSTER, GLOBAL_CLUSTER)


def _identifiers(s: Settings) -> list[tuple[str, NameRule]]:
    """(identifier, its rule) of every identifier whose length identifier_problems checks."""
    base = s.identifier
    rotation = [(f"{base}-rotation", LAMBDA_FUNCTION)] if s.rotates_secret else []
    if s.deployment_option == "multi-az-cluster":
        return [(base, MULTI_AZ_CLUSTER)] + rotation
    if s.deployment_option == "instance":
        return [(base, RDS_INSTANCE)] + rotation
    out = [(base, AURORA_CLUSTER)] + rotation
    readers = max(s.cluster.readers, 1)
    # The longest instance names: the last declared reader of the primary and of the DR cluster.
    out.append((f"{base}-reader-{readers}", RDS_INSTANCE))
    if s.disaster_recovery is not None:
        out += [(f"{base}-dr", AURORA_CLUSTER), (f"{base}-dr-reader-{readers}", RDS_INSTANCE)]
    return out


def identifier_problems(s: Settings) -> list[str]:
    """The stack name makes a valid RDS identifier, and every derived identifier fits its limit."""
    env = s.environment
    if not re.fullmatch(STACK_NAME, env):
        return [f"stack name {env!r}: the RDS identifier is <name>-<stack> ({s.identifier!r}); a stack name "
                "used here must be lowercase letters, digits and single hyphens, not ending with a hyphen "
                f"(see {INSTANCE_DOC}, DBInstanceIdentifier)"]
    return [f"{config_key('name')} = {s.name!r} on stack {env!r}: identifier {identifier!r} has "
            f"{len(identifier)} characters, more than the {rule.max_length} AWS allows here; shorten name "
            f"(see {rule.doc})"
            for identifier, rule in _identifiers(s) if len(identifier) > rule.max_length]


def derived_names(s: Settings) -> list[tuple[str, str, NameRule]]:
    """(where it comes from, name, rule) of every name the program gives an AWS resource."""
    base = s.identifier
    origin = f"{config_key('name')} + stack name"
    out: list[tuple[str, str, NameRule]] = []
    if s.deployment_option == "instance":
        out.append((origin, base, RDS_INSTANCE))
    else:
        out.append((origin, base, AURORA_CLUSTER if s.is_aurora else MULTI_AZ_CLUSTER))
    if s.is_aurora:
        readers = max(s.cluster.readers, 1)
        out.append((origin, f"{base}-reader-{readers}", RDS_INSTANCE))
        if s.disaster_recovery is not None:
            out += [(origin, f"{base}-global", GLOBAL_CLUSTER), (origin, f"{base}-dr", AURORA_CLUSTER),
                    (origin, f"{base}-dr-reader-{readers}", RDS_INSTANCE)]
    for i, replica in enumerate(s.replicas):
        where = f"{config_key('replicas')}.{i}.name"
        out.append((where, s.replica_identifier(replica), RDS_INSTANCE))
    if s.proxy is not None:
        out += [(origin, f"{base}-proxy", PROXY), (origin, f"{base}-proxy-ro", PROXY)]
    if s.alarms.enabled:
        out += [(origin, f"{base}-alerts", SNS_TOPIC), (origin, f"{base}-dr-alerts", SNS_TOPIC),
                (origin, f"{base}-dr-alerts-cluster-events", EVENT_SUBSCRIPTION)]
        if s.alarms.dashboard:
            out.append((origin, base, DASHBOARD))
    # The enhanced-monitoring role of each database component and the proxy's role (auto-named).
    if s.monitoring_interval:
        out.append((origin, f"{base}-db-monitoring", IAM_ROLE))
        if s.is_aurora and s.disaster_recovery is not None:
            out.append((origin, f"{base}-dr-db-monitoring", IAM_ROLE))
    if s.proxy is not None:
        out.append((origin, f"{base}-proxy-role", IAM_ROLE))
    databases = [(o, name) for o, name, rule in out if rule in (RDS_INSTANCE, AURORA_CLUSTER, MULTI_AZ_CLUSTER)]
    # Every instance and cluster may leave a final snapshot named after it (a superset: safe),
    # suffixed with 8 hex characters (catalog.final_snapshot_stem; ff... is the longest).
    out += [(o, catalog.final_snapshot_longest(name, "instance" if rule == RDS_INSTANCE else "cluster"), SNAPSHOT)
            for o, name, rule in list(out) if rule in (RDS_INSTANCE, AURORA_CLUSTER, MULTI_AZ_CLUSTER)]
    longest = max((name for _, name in databases), key=len)
    out += [(origin, f"/aws/rds/instance/{longest}/postgresql", LOG_GROUP),
            (origin, f"alias/{base}-dr-keys", KMS_ALIAS)]
    return out


def name_problem(rule: NameRule, name: str, check_length: bool = True) -> str | None:
    """Why `name` is not a valid name of this kind, or None."""
    if not re.fullmatch(rule.pattern, name):
        return f"{rule.what} {name!r} is invalid: AWS allows {rule.allowed}"
    if check_length and len(name) > rule.max_length:
        return f"{rule.what} {name!r} has {len(name)} characters; at most {rule.max_length} are allowed"
    return None


def naming_problems(s: Settings) -> list[str]:
    """Every derived name is valid for its resource, and no two resources get the same name."""
    if not re.fullmatch(STACK_NAME, s.environment):
        return collision_problems(s)  # identifier_problems names the stack name once, with its rule
    problems: list[str] = []
    for origin, name, rule in derived_names(s):
        problem = name_problem(rule, name, check_length=rule not in LENGTHS_CHECKED_ELSEWHERE)
        if problem:
            hint = (f"the stack name is {s.environment!r}; use lowercase letters, digits and single hyphens "
                    "and a shorter name or stack name" if origin.endswith("stack name") else "choose another name")
            problems.append(f"{origin}: {problem}; {hint}")
    return list(dict.fromkeys(problems)) + collision_problems(s)


def collision_problems(s: Settings) -> list[str]:
    """Replica identifiers must not equal another name of the stack: their alarms, dashboard
    widgets and events are named after them, so a replica called `proxy` would collide with the
    proxy's alarms (same Pulumi URN) and one called `dr` with the DR cluster."""
    taken = {s.identifier: "the primary"}
    if s.proxy is not None:
        taken[f"{s.identifier}-proxy"] = "the RDS Proxy"
    if s.is_aurora and s.disaster_recovery is not None:
        taken[f"{s.identifier}-dr"] = "the DR cluster"
        taken[f"{s.identifier}-global"] = "the global cluster"
    problems = []
    for i, replica in enumerate(s.replicas):
        identifier = s.replica_identifier(replica)
        if identifier in taken:
            problems.append(
                f"{config_key('replicas')}.{i}.name = {replica.name!r}: makes {identifier!r}, the name of "
                f"{taken[identifier]} (their alarms and events would collide); choose another name")
    return problems
