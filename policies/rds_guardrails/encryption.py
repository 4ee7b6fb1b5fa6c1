"""Encryption at rest (docs/controls.md): encrypted storage, customer-managed keys, key rotation."""

from __future__ import annotations

from typing import Any, Optional

from rds_guardrails.rule import CLUSTER, CLUSTER_INSTANCE, INSTANCE, Check, Rule
from rds_guardrails.values import UNKNOWN, arn_region, get, is_cross_region_replica, is_customer_managed_key, is_primary


def _cmk(prop: str, what: str) -> Check:
    def check(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
        key = get(props, prop)
        if key is UNKNOWN or is_customer_managed_key(key):
            return None
        shown = "unset (an AWS-managed key)" if key is None else f"{key} (AWS-managed)"
        return f"{what} is not encrypted with a customer-managed key: {prop} is {shown}"

    return check


def _storage_encrypted(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    value = get(props, "storageEncrypted")
    if value is UNKNOWN or value is True:
        return None
    if value is None and (get(props, "snapshotIdentifier") or get(props, "engineMode") == "serverless"):
        return None  # a restore inherits the snapshot's encryption; Serverless v1 always encrypts
    return "storage is not encrypted (storageEncrypted is " + ("unset, which means false" if value is None else "false") + ")"


def _pi_cmk(props: Any, config: dict[str, Any], opts: Any = None) -> Optional[str]:
    if get(props, "performanceInsightsEnabled") is not True:
        return None
    return _cmk("performanceInsightsKmsKeyId", "Performance Insights")(props, config, opts)


def _master_secret_cmk(props: Any, config: dict[str, Any], opts: Any = None) -> Optional[str]:
    if get(props, "manageMasterUserPassword") is not True:
        return None
    return _cmk("masterUserSecretKmsKeyId", "the RDS-managed master secret")(props, config, opts)


def _cross_region_replica_key(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    if not is_cross_region_replica(props):
        return None
    key, region = get(props, "kmsKeyId"), get(props, "region")
    if key is UNKNOWN:
        return None
    if not isinstance(key, str) or not key:
        return (f"cross-region replica in {region} names no key of its own region "
                "(kmsKeyId unset; the source's key cannot be used there)")
    key_region = arn_region(key)
    if key_region and key_region != region:
        return f"cross-region replica in {region} uses a key from {key_region} (kmsKeyId)"
    return None


def _kms_rotation(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    spec = get(props, "customerMasterKeySpec") or get(props, "keySpec") or "SYMMETRIC_DEFAULT"
    if get(props, "bypassPolicyLockoutSafetyCheck") is True:
        return "the key policy lockout safety check is bypassed (bypassPolicyLockoutSafetyCheck is true)"
    if spec != "SYMMETRIC_DEFAULT":
        return None  # KMS rotates only symmetric encryption keys
    rotation = get(props, "enableKeyRotation", False)
    if rotation is UNKNOWN or rotation is True:
        return None
    return "automatic key rotation is off (enableKeyRotation is false by default)"


RULES = [
    Rule("rds-storage-encrypted", "RDS instance and cluster storage is encrypted at rest",
         (INSTANCE, CLUSTER), _storage_encrypted, fix="set storageEncrypted: true (with kmsKeyId)",
         unset_means="false: unencrypted (a snapshot restore inherits the snapshot's setting)",
         anchors="CKV_AWS_16, CKV_AWS_96, RDS.3, RDS.27, AG", severity="critical",
         applies=is_primary),
    Rule("rds-storage-customer-managed-key", "RDS storage uses a customer-managed KMS key",
         (INSTANCE, CLUSTER), _cmk("kmsKeyId", "storage"), fix="set kmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/rds", anchors="CKV_AWS_327, CP",
         applies=is_primary),
    Rule("rds-performance-insights-customer-managed-key",
         "Performance Insights data is encrypted with a customer-managed key (when PI is on)",
         (INSTANCE, CLUSTER_INSTANCE, CLUSTER), _pi_cmk,
         fix="set performanceInsightsKmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/rds", anchors="CKV_AWS_354"),
    Rule("rds-master-secret-customer-managed-key",
         "The RDS-managed master user secret is encrypted with a customer-managed key",
         (INSTANCE, CLUSTER), _master_secret_cmk, fix="set masterUserSecretKmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/secretsmanager", anchors="no peer check"),
    Rule("secretsmanager-secret-customer-managed-key", "Secrets Manager secrets use a customer-managed key",
         ("aws:secretsmanager/secret:Secret",), _cmk("kmsKeyId", "the secret"),
         fix="set kmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/secretsmanager", anchors="CKV_AWS_149, CP"),
    Rule("sns-topic-customer-managed-key", "SNS topics are encrypted with a customer-managed key",
         ("aws:sns/topic:Topic",), _cmk("kmsMasterKeyId", "the topic"),
         fix="set kmsMasterKeyId to a customer-managed key ARN (CloudWatch cannot publish to alias/aws/sns topics)",
         unset_means="no encryption", anchors="CKV_AWS_26, TV AWS-0136"),
    Rule("rds-backup-replication-customer-managed-key",
         "Cross-region automated backup replication is encrypted with a customer-managed key",
         ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",),
         _cmk("kmsKeyId", "the replicated backups"), fix="set kmsKeyId to a customer-managed key in the destination region",
         unset_means="the AWS-managed key alias/aws/rds of the destination region", anchors="CKV_AWS_245"),
    Rule("rds-cross-region-replica-key", "A cross-region read replica names a key in its own region",
         (INSTANCE,), _cross_region_replica_key, fix="set kmsKeyId to a customer-managed key in the replica's region",
         unset_means="refused by RDS for an encrypted source", anchors="no peer check"),
    Rule("kms-key-rotation", "KMS keys rotate yearly and keep the policy lockout safety check",
         ("aws:kms/key:Key",), _kms_rotation, fix="set enableKeyRotation: true and leave bypassPolicyLockoutSafetyCheck unset",
         unset_means="rotation off; lockout check kept", anchors="CKV_AWS_7, KMS.4, CP"),
]
