"""What the account runs, as the program's lookups would find it, read from a baseline plan.

With `--baseline`, the baseline is what is deployed: its RDS instances and clusters answer the
program's data-source lookups (aws.rds.getInstances/getInstance, getClusters/getCluster), so the
offline plan is the one a real preview would make (a major upgrade plans
allowMajorVersionUpgrade: true). Without one, every lookup finds nothing, as on a first deploy,
and the reports say which lookups were answered that way.
"""

from __future__ import annotations

from typing import Any, Optional

from plan.registration import UNKNOWN, Registration, is_secret

INSTANCE = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"


def _text(value: Any) -> Optional[str]:
    """A known, plain string, or None (unset, unknown until deploy, or secret)."""
    if not isinstance(value, str) or not value or value == UNKNOWN or is_secret(value):
        return None
    return value


def _value(r: Registration, key: str) -> Optional[str]:
    # What the provider reports after apply, else what the program asked for.
    return _text(r.outputs.get(key)) or _text(r.inputs.get(key))


def deployed_from(baseline: list[Registration]) -> dict[str, str]:
    """RDS instances and clusters of the baseline: identifier -> engine version.

    A read replica sets no engine version; it runs its source's (RDS creates it from the
    source), found by the ARN or identifier in replicateSourceDb.
    """
    found: dict[str, str] = {}
    by_name: dict[str, str] = {}
    replicas: list[tuple[str, str]] = []
    for r in baseline:
        key = {INSTANCE: "identifier", CLUSTER: "clusterIdentifier"}.get(r.type)
        identifier = _value(r, key) if key else None
        if identifier is None:
            continue
        source = _text(r.inputs.get("replicateSourceDb"))
        version = _value(r, "engineVersion")
        if source and version is None:
            replicas.append((identifier, source))
            continue
        if version is None:
            continue
        found[identifier] = version
        for name in (identifier, _value(r, "arn")):
            if name:
                by_name[name] = version
    for identifier, source in replicas:
        if source in by_name:
            found[identifier] = by_name[source]
    return dict(sorted(found.items()))
