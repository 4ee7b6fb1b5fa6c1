"""Which property changes make AWS replace a stateful resource: the one list reviewers read.

A replacement of a stateful resource creates a new, empty (or restored) one and deletes the
old one with its data. The lists follow the AWS provider's schema ("forces new resource") for
the resources that hold data; `region` moves any resource and is listed for all of them.
Keep this table in step with pulumi-aws when a new provider version adds force-new fields.
"""

from __future__ import annotations

# type -> input properties whose change replaces the resource
REPLACED_BY: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({
        "region", "identifier", "identifierPrefix", "engine", "storageEncrypted", "kmsKeyId",
        "username", "dbName", "snapshotIdentifier", "restoreToPointInTime", "availabilityZone",
        "characterSetName", "ncharCharacterSetName", "timezone", "s3Import",
        "customIamInstanceProfile",
    }),
    "aws:rds/cluster:Cluster": frozenset({
        "region", "clusterIdentifier", "clusterIdentifierPrefix", "engine", "engineMode",
        "storageEncrypted", "kmsKeyId", "masterUsername", "databaseName", "snapshotIdentifier",
        "restoreToPointInTime", "availabilityZones", "dbSubnetGroupName", "s3Import",
        "sourceRegion",
    }),
    "aws:rds/clusterInstance:ClusterInstance": frozenset({
        "region", "identifier", "identifierPrefix", "clusterIdentifier", "engine", "availabilityZone",
    }),
    "aws:rds/globalCluster:GlobalCluster": frozenset({
        "region", "globalClusterIdentifier", "engine", "storageEncrypted", "databaseName",
        "sourceDbClusterIdentifier",
    }),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": frozenset({
        "region", "sourceDbInstanceArn", "kmsKeyId", "retentionPeriod", "preSignedUrl",
    }),
    # Deleting a key makes every backup and snapshot encrypted with it unreadable.
    "aws:kms/key:Key": frozenset({"region", "customerMasterKeySpec", "keyUsage", "multiRegion",
                                  "customKeyStoreId", "xksKeyId"}),
    "aws:secretsmanager/secret:Secret": frozenset({"region", "name", "namePrefix"}),
    "aws:cloudwatch/logGroup:LogGroup": frozenset({"region", "name", "namePrefix"}),
}

# Optional properties the provider computes when they are not set: removing one from the
# program keeps the deployed value (no diff), e.g. a restored database drops username/dbName.
KEPT_WHEN_UNSET: dict[str, frozenset[str]] = {
    "aws:rds/instance:Instance": frozenset({
        "username", "dbName", "engine", "kmsKeyId", "availabilityZone", "characterSetName",
        "ncharCharacterSetName", "timezone", "identifier",
    }),
    "aws:rds/cluster:Cluster": frozenset({
        "masterUsername", "databaseName", "kmsKeyId", "availabilityZones", "clusterIdentifier",
        "dbSubnetGroupName",
    }),
    "aws:rds/clusterInstance:ClusterInstance": frozenset({"availabilityZone", "identifier"}),
}

STATEFUL_TYPES = frozenset(REPLACED_BY)


def kept_when_unset(type_: str, prop: str) -> bool:
    return prop in KEPT_WHEN_UNSET.get(type_, frozenset())


def is_stateful(type_: str) -> bool:
    return type_ in STATEFUL_TYPES


def forcing_properties(type_: str, changed: set[str]) -> list[str]:
    """The changed properties that replace a resource of this type (empty if none, or not stateful)."""
    return sorted(changed & REPLACED_BY.get(type_, frozenset()))
