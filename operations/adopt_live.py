"""adopt: the live values of what it adopts, for the offline gate (`adoption/<stack>.json`).

One function per resource type maps an AWS describe answer to the provider's input names: an
instance, a cluster and its Aurora instances, a KMS key, an RDS Proxy.

Each adopted resource is recorded under the provider's input names (pulumi-aws v7) with the value
AWS reports, so `python -m preview` can show what the first `up` changes on it (plan/adoption.py
says the format and how the gate compares). Only what a describe call returns is recorded; a value
AWS does not return (a password), or one only the provider keeps (skipFinalSnapshot), is left out
and so not compared. `replicateSourceDb` is left out too: the program names the source by ARN, and
what the provider reads back for a same-Region replica is not documented.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from operations.clients import AWS_ERRORS
from plan import adoption

KEY = "aws:kms/key:Key"
PROXY = "aws:rds/proxy:Proxy"
PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget"


class LiveSnapshot:
    """The adopted resources' live inputs, in the order adopt read them."""

    def __init__(self) -> None:
        self.resources: list[dict[str, Any]] = []

    def add(self, type_: str, import_id: str, inputs: dict[str, Any]) -> None:
        """One adopted resource: its type, the ID the program imports, its live inputs (None: not read)."""
        self.resources.append({"type": type_, "importId": import_id,
                               "inputs": {k: v for k, v in inputs.items() if v is not None}})

    def write(self, out: Path, stack: str, region: str, command: str) -> Path:
        """`adoption/<stack>.json` under `out`; OSError is the caller's to report."""
        path = adoption.path_for(out, stack)
        path.parent.mkdir(parents=True, exist_ok=True)
        read_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = json.dumps(adoption.document(stack, region, read_at, command, self.resources), indent=2)
        path.write_text(text + "\n")
        return path


def instance_inputs(db: dict[str, Any]) -> dict[str, Any]:
    """A DescribeDBInstances entry as rds.Instance inputs (a source or a read replica)."""
    groups = db.get("DBParameterGroups") or []
    secret = db.get("MasterUserSecret") or {}
    return {
        "identifier": db.get("DBInstanceIdentifier"),
        "engine": db.get("Engine"),
        "engineVersion": db.get("EngineVersion"),
        "engineLifecycleSupport": db.get("EngineLifecycleSupport"),
        "instanceClass": db.get("DBInstanceClass"),
        "allocatedStorage": db.get("AllocatedStorage"),
        "maxAllocatedStorage": db.get("MaxAllocatedStorage"),
        "storageType": db.get("StorageType"),
        "iops": db.get("Iops"),
        "storageThroughput": db.get("StorageThroughput"),
        "storageEncrypted": db.get("StorageEncrypted"),
        "kmsKeyId": db.get("KmsKeyId"),
        "multiAz": db.get("MultiAZ"),
        "dbName": db.get("DBName"),
        "username": db.get("MasterUsername"),
        "port": (db.get("Endpoint") or {}).get("Port") or db.get("DbInstancePort") or None,
        "manageMasterUserPassword": True if secret else None,
        "masterUserSecretKmsKeyId": secret.get("KmsKeyId"),
        "backupRetentionPeriod": db.get("BackupRetentionPeriod"),
        "backupWindow": db.get("PreferredBackupWindow"),
        "maintenanceWindow": db.get("PreferredMaintenanceWindow"),
        "autoMinorVersionUpgrade": db.get("AutoMinorVersionUpgrade"),
        "deletionProtection": db.get("DeletionProtection"),
        "publiclyAccessible": db.get("PubliclyAccessible"),
        "copyTagsToSnapshot": db.get("CopyTagsToSnapshot"),
        "caCertIdentifier": db.get("CACertificateIdentifier"),
        "iamDatabaseAuthenticationEnabled": db.get("IAMDatabaseAuthenticationEnabled"),
        "monitoringInterval": db.get("MonitoringInterval"),
        "monitoringRoleArn": db.get("MonitoringRoleArn"),
        "performanceInsightsEnabled": db.get("PerformanceInsightsEnabled"),
        "performanceInsightsKmsKeyId": db.get("PerformanceInsightsKMSKeyId"),
        "performanceInsightsRetentionPeriod": db.get("PerformanceInsightsRetentionPeriod"),
        "databaseInsightsMode": db.get("DatabaseInsightsMode"),
        "enabledCloudwatchLogsExports": sorted(db.get("EnabledCloudwatchLogsExports") or []),
        "parameterGroupName": groups[0].get("DBParameterGroupName") if groups else None,
        "dbSubnetGroupName": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "vpcSecurityGroupIds": sorted(g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups") or []),
    }


def cluster_inputs(db: dict[str, Any]) -> dict[str, Any]:
    """A DescribeDBClusters entry as rds.Cluster inputs. `engineVersion` is left out: the
    provider takes "a partial version where supported by the API" (pulumi-aws Cluster
    engine_version docstring) without saying whether it then shows a difference from the full one."""
    secret = db.get("MasterUserSecret") or {}
    scaling = db.get("ServerlessV2ScalingConfiguration") or {}
    return {
        "clusterIdentifier": db.get("DBClusterIdentifier"),
        "engine": db.get("Engine"),
        "engineMode": db.get("EngineMode"),
        "engineLifecycleSupport": db.get("EngineLifecycleSupport"),
        "databaseName": db.get("DatabaseName"),
        "masterUsername": db.get("MasterUsername"),
        "manageMasterUserPassword": True if secret else None,
        "masterUserSecretKmsKeyId": secret.get("KmsKeyId"),
        "port": db.get("Port"),
        "storageEncrypted": db.get("StorageEncrypted"),
        "kmsKeyId": db.get("KmsKeyId"),
        "dbSubnetGroupName": db.get("DBSubnetGroup"),
        "vpcSecurityGroupIds": sorted(g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups") or []),
        "dbClusterParameterGroupName": db.get("DBClusterParameterGroup"),
        "backupRetentionPeriod": db.get("BackupRetentionPeriod"),
        "preferredBackupWindow": db.get("PreferredBackupWindow"),
        "preferredMaintenanceWindow": db.get("PreferredMaintenanceWindow"),
        "copyTagsToSnapshot": db.get("CopyTagsToSnapshot"),
        "deletionProtection": db.get("DeletionProtection"),
        "iamDatabaseAuthenticationEnabled": db.get("IAMDatabaseAuthenticationEnabled"),
        "enabledCloudwatchLogsExports": sorted(db.get("EnabledCloudwatchLogsExports") or []),
        "databaseInsightsMode": db.get("DatabaseInsightsMode"),
        "backtrackWindow": db.get("BacktrackWindow") if str(db.get("Engine")) == "aurora-mysql" else None,
        "serverlessv2ScalingConfiguration": ({"minCapacity": scaling.get("MinCapacity"),
                                              "maxCapacity": scaling.get("MaxCapacity")} if scaling else None),
        # A Multi-AZ DB cluster's instance settings are the cluster's (DescribeDBClusters returns
        # them for that kind only; Aurora's are its instances').
        **({} if str(db.get("Engine", "")).startswith("aurora") else {
            "dbClusterInstanceClass": db.get("DBClusterInstanceClass"),
            "storageType": db.get("StorageType"),
            "allocatedStorage": db.get("AllocatedStorage"),
            "iops": db.get("Iops"),
            "monitoringInterval": db.get("MonitoringInterval"),
            "monitoringRoleArn": db.get("MonitoringRoleArn"),
            "performanceInsightsEnabled": db.get("PerformanceInsightsEnabled"),
            "performanceInsightsKmsKeyId": db.get("PerformanceInsightsKMSKeyId"),
            "performanceInsightsRetentionPeriod": db.get("PerformanceInsightsRetentionPeriod"),
            "publiclyAccessible": db.get("PubliclyAccessible"),
            "autoMinorVersionUpgrade": db.get("AutoMinorVersionUpgrade"),
            "caCertificateIdentifier": (db.get("CertificateDetails") or {}).get("CAIdentifier"),
        }),
    }


def cluster_instance_inputs(m: dict[str, Any]) -> dict[str, Any]:
    """A DescribeDBInstances entry of an Aurora instance as rds.ClusterInstance inputs."""
    return {
        "identifier": m.get("DBInstanceIdentifier"),
        "clusterIdentifier": m.get("DBClusterIdentifier"),
        "engine": m.get("Engine"),
        "instanceClass": m.get("DBInstanceClass"),
        "promotionTier": m.get("PromotionTier"),
        "dbSubnetGroupName": (m.get("DBSubnetGroup") or {}).get("DBSubnetGroupName"),
        "publiclyAccessible": m.get("PubliclyAccessible"),
        "caCertIdentifier": m.get("CACertificateIdentifier"),
        "monitoringInterval": m.get("MonitoringInterval"),
        "monitoringRoleArn": m.get("MonitoringRoleArn"),
        "performanceInsightsEnabled": m.get("PerformanceInsightsEnabled"),
        "performanceInsightsKmsKeyId": m.get("PerformanceInsightsKMSKeyId"),
        "performanceInsightsRetentionPeriod": m.get("PerformanceInsightsRetentionPeriod"),
        "autoMinorVersionUpgrade": m.get("AutoMinorVersionUpgrade"),
        "copyTagsToSnapshot": m.get("CopyTagsToSnapshot"),
    }


def key_inputs(kms: Any, key: dict[str, Any]) -> dict[str, Any]:
    """A KMS DescribeKey's KeyMetadata (+ rotation status and key policy, when readable) as kms.Key inputs."""
    rotation: Optional[bool] = None
    policy: Optional[str] = None
    try:
        rotation = bool(kms.get_key_rotation_status(KeyId=key["KeyId"]).get("KeyRotationEnabled"))
    except AWS_ERRORS:
        pass
    try:
        policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default").get("Policy")
    except AWS_ERRORS:
        pass
    return {"description": key.get("Description"), "keyUsage": key.get("KeyUsage"),
            "customerMasterKeySpec": key.get("KeySpec") or key.get("CustomerMasterKeySpec"),
            "multiRegion": key.get("MultiRegion"), "enableKeyRotation": rotation, "policy": policy}


def proxy_inputs(proxy: dict[str, Any]) -> dict[str, Any]:
    """A DescribeDBProxies entry as rds.Proxy inputs; of each auth, the fields the program sets."""
    auths = [{"authScheme": a.get("AuthScheme"), "description": a.get("Description"), "iamAuth": a.get("IAMAuth"),
              "secretArn": a.get("SecretArn")} for a in proxy.get("Auth") or []]
    return {
        "name": proxy.get("DBProxyName"),
        "engineFamily": proxy.get("EngineFamily"),
        "roleArn": proxy.get("RoleArn"),
        "requireTls": proxy.get("RequireTLS"),
        "idleClientTimeout": proxy.get("IdleClientTimeout"),
        "debugLogging": proxy.get("DebugLogging"),
        "vpcSubnetIds": sorted(proxy.get("VpcSubnetIds") or []),
        "vpcSecurityGroupIds": sorted(proxy.get("VpcSecurityGroupIds") or []),
        "auths": [{k: v for k, v in a.items() if v is not None} for a in auths] or None,
    }
