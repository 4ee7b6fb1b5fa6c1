"""Rules about the identifiers the platform derives: <name>-<stack> and what is named after it.

Sources (docs/aws-rules.md lists them with the tests):
- RDS API Reference, CreateDBCluster, DBClusterIdentifier: "Must contain from 1 to 63 (for Aurora
  DB clusters) or 1 to 52 (for Multi-AZ DB clusters) letters, numbers, or hyphens. First
  character must be a letter. Can't end with a hyphen or contain two consecutive hyphens."
  (CLUSTER_DOC)
- RDS API Reference, CreateDBInstance / CreateDBInstanceReadReplica, DBInstanceIdentifier: 1 to 63
  letters, numbers, or hyphens, same first/last/double-hyphen rules. (INSTANCE_DOC)
- Lambda API Reference, CreateFunction, FunctionName: a name alone "is limited to 64 characters in
  length" (the rotation function is <identifier>-rotation, components/rotation.py). (LAMBDA_DOC)
"""

from __future__ import annotations

import re

from components.settings.base import config_key
from components.settings.model import Settings

CLUSTER_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"
INSTANCE_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"
LAMBDA_DOC = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html"
MAX_INSTANCE = 63
MAX_FUNCTION_NAME = 64
MAX_AURORA_CLUSTER = 63
MAX_MULTI_AZ_CLUSTER = 52


def _derived(s: Settings) -> list[tuple[str, int, str]]:
    """(identifier, its maximum length, the API page) of every identifier the stack derives."""
    base = s.identifier
    rotation = [(f"{base}-rotation", MAX_FUNCTION_NAME, LAMBDA_DOC)] if s.rotates_secret else []
    if s.deployment_option == "multi-az-cluster":
        return [(base, MAX_MULTI_AZ_CLUSTER, CLUSTER_DOC)] + rotation
    if s.deployment_option == "instance":
        return [(base, MAX_INSTANCE, INSTANCE_DOC)] + rotation
    out = [(base, MAX_AURORA_CLUSTER, CLUSTER_DOC)] + rotation
    readers = max(s.cluster.readers, 1)
    # The longest instance names: the last declared reader of the primary and of the DR cluster.
    out.append((f"{base}-reader-{readers}", MAX_INSTANCE, INSTANCE_DOC))
    if s.disaster_recovery is not None:
        out += [(f"{base}-dr", MAX_AURORA_CLUSTER, CLUSTER_DOC),
                (f"{base}-dr-reader-{readers}", MAX_INSTANCE, INSTANCE_DOC)]
    return out


def identifier_problems(s: Settings) -> list[str]:
    """The stack name makes a valid RDS identifier, and every derived identifier fits its limit."""
    problems: list[str] = []
    env = s.environment
    if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", env) or "--" in env:
        return [f"stack name {env!r}: the RDS identifier is <name>-<stack> ({s.identifier!r}); a stack name "
                "used here must be lowercase letters, digits and single hyphens, not ending with a hyphen "
                f"(see {INSTANCE_DOC}, DBInstanceIdentifier)"]
    for identifier, limit, doc in _derived(s):
        if len(identifier) > limit:
            problems.append(
                f"{config_key('name')} = {s.name!r} on stack {env!r}: identifier {identifier!r} has "
                f"{len(identifier)} characters, more than the {limit} AWS allows here; shorten name "
                f"(see {doc})")
    return problems
