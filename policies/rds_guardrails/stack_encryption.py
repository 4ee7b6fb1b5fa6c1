"""Stack controls on encryption: TLS through the parameter group, rotated credentials, encrypted snapshots.

Also what the other stack-control modules share: the databases of a stack and the parameter group types.
The rules themselves (names, fixes, levels, order) are in stack_controls.py.
"""

from __future__ import annotations

from typing import Any, Sequence

from rds_guardrails.rule import CLUSTER, INSTANCE, Problem, Resource
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


def databases(resources: Sequence[Resource], primaries_only: bool = False) -> list[Resource]:
    return [r for r in resources if r.type in (CLUSTER, INSTANCE)
            and (not primaries_only or replica_source(r.props) is None)]


def tls(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
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
    for db in databases(resources):
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



def rotation(resources: Sequence[Resource], config: dict[str, Any]) -> list[Problem]:
    rotations = [get(get(r.props, "rotationRules", {}), "automaticallyAfterDays") for r in resources
                 if r.type == "aws:secretsmanager/secretRotation:SecretRotation"]
    # A rotation whose period is not known yet may well be short enough: no verdict.
    rotated = any(d is UNKNOWN or (isinstance(d, (int, float)) and d <= config["maximumDays"]) for d in rotations)
    fix = ("set manageMasterUserPassword: true (RDS rotates it) or add an aws.secretsmanager.SecretRotation "
           f"of at most {config['maximumDays']:g} days")
    return [Problem(db, "master credentials never rotate", fix) for db in databases(resources, primaries_only=True)
            if not (get(db.props, "manageMasterUserPassword") in (True, UNKNOWN) or rotated)]


SNAPSHOT = "aws:rds/snapshot:Snapshot"
CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot"
SNAPSHOT_COPY = "aws:rds/snapshotCopy:SnapshotCopy"
CLUSTER_SNAPSHOT_COPY = "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy"
SNAPSHOTS = (SNAPSHOT, CLUSTER_SNAPSHOT, SNAPSHOT_COPY, CLUSTER_SNAPSHOT_COPY)


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


def snapshots_encrypted(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    by_name = _names(resources)
    return [Problem(r, "the snapshot is not encrypted (taken from an unencrypted source, or copied without kmsKeyId)")
            for r in resources if r.type in SNAPSHOTS and _snapshot_encryption(r, by_name) is False]
