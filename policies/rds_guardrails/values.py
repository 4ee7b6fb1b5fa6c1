"""Reading resource properties the way AWS reads them: unset, unknown, AWS-managed keys."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy.proxy import UnknownValueError


class _Unknown:
    """A value known only after deploy. Never a violation: the check is skipped."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

# Aliases of keys AWS manages; encryption, but not a key the customer controls.
AWS_MANAGED_ALIASES = re.compile(r"(^|:)alias/aws/[a-z0-9-]+$")


def get(props: Any, key: str, default: Any = None) -> Any:
    """props[key], `default` when unset, UNKNOWN when the engine does not know it yet."""
    try:
        value = props.get(key, default) if hasattr(props, "get") else default
    except UnknownValueError:
        return UNKNOWN
    return default if value is None else value


def items(value: Any) -> list[Any]:
    """The elements of a list property, each element read safely (unknown elements kept)."""
    if value is UNKNOWN or value is None:
        return []
    out: list[Any] = []
    try:
        for i in range(len(value)):
            try:
                out.append(value[i])
            except UnknownValueError:
                out.append(UNKNOWN)
    except UnknownValueError:
        return [UNKNOWN]
    return out


def is_customer_managed_key(key: Any) -> bool:
    """True for a key ARN/id/alias the customer controls; False for unset or alias/aws/*."""
    return isinstance(key, str) and key != "" and not AWS_MANAGED_ALIASES.search(key)


def arn_region(arn: Any) -> str | None:
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        return parts[3] if len(parts) > 3 else None
    return None


def replica_source(props: Any) -> Any:
    """The source of a read replica (identifier or ARN), None for a primary, UNKNOWN if unknown.

    Clusters: a cross-region read replica cluster names `replicationSourceIdentifier`; a
    secondary cluster of a global database has `globalClusterIdentifier` and no master
    credentials or snapshot of its own (they come from the primary cluster), so the global
    cluster is its source.
    """
    source = get(props, "replicateSourceDb")
    if source is not None:
        return source
    source = get(props, "replicationSourceIdentifier")
    if source is not None:
        return source
    global_id = get(props, "globalClusterIdentifier")
    if global_id is None:
        return None
    own = [get(props, k) for k in ("masterUsername", "manageMasterUserPassword", "snapshotIdentifier")]
    if any(v is UNKNOWN for v in own):
        return UNKNOWN
    return None if any(v not in (None, False) for v in own) else global_id


def is_cross_region_replica(props: Any) -> bool:
    """A replica whose source is named by ARN in another region (or by ARN with no region set)."""
    source = replica_source(props)
    if not isinstance(source, str) or not source.startswith("arn:"):
        return False
    own = get(props, "region")
    # Without a region argument (region from the provider) the two cannot be compared: no verdict.
    return isinstance(own, str) and arn_region(source) != own


def is_primary(props: Any) -> bool:
    """Not a read replica (clusters never are). An unknown source could be a replica: the
    primary-only checks wait until it is known."""
    return replica_source(props) is None
