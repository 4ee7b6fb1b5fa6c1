"""A customer-managed KMS key for one region, usable by the services that store our data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws


@dataclass
class KeysArgs:
    """Where the key lives and who owns it."""

    region: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    description: str
    # protect + retain_on_delete: data encrypted with a deleted key is gone for good.
    protect: bool = True
    # An existing key to adopt (Pulumi's import option) instead of creating one.
    import_id: Optional[str] = None


def key_policy(account_id: str, partition: str, region: str) -> str:
    """The key policy: the account administers it; AWS services may use it on our behalf."""
    root = f"arn:{partition}:iam::{account_id}:root"
    use = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    statements = [
        # Without this statement IAM policies cannot grant use of the key and the account can
        # lock itself out (KMS's own lockout check would refuse the policy).
        {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": root},
         "Action": "kms:*", "Resource": "*"},
        # RDS (storage, Performance Insights, managed master secret, backup replication) and
        # Secrets Manager use the key as the calling principal, so grant it only through them.
        {"Sid": "UseThroughRdsAndSecretsManager", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": use + ["kms:CreateGrant", "kms:ListGrants"], "Resource": "*",
         "Condition": {
             "StringEquals": {
                 "kms:CallerAccount": account_id,
                 "kms:ViaService": [f"rds.{region}.amazonaws.com",
                                    f"secretsmanager.{region}.amazonaws.com"],
             }}},
        # CloudWatch Logs encrypts the engine log groups itself, scoped to this account's groups.
        {"Sid": "CloudWatchLogsEncryptsLogGroups", "Effect": "Allow",
         "Principal": {"Service": f"logs.{region}.amazonaws.com"},
         "Action": use, "Resource": "*",
         "Condition": {"ArnLike": {
             "kms:EncryptionContext:aws:logs:arn":
                 f"arn:{partition}:logs:{region}:{account_id}:log-group:*"}}},
        # CloudWatch alarms and RDS events publish to an SNS topic encrypted with this key; the
        # AWS-managed alias/aws/sns key would silently drop their messages.
        {"Sid": "AlarmsAndEventsPublishToEncryptedTopics", "Effect": "Allow",
         "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


class Keys(pulumi.ComponentResource):
    """One rotating customer-managed key (and alias) in one region."""

    def __init__(self, name: str, args: KeysArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Keys", name, None, opts)

        self.key = aws.kms.Key(
            f"{name}-key",
            region=args.region,
            description=args.description,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(args.account_id, args.partition).apply(
                lambda v: key_policy(v[0], v[1], args.region)
            ),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect, import_=args.import_id
            ),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            region=args.region,
            name=f"alias/{name}",
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn = self.key.arn
        self.register_outputs({"key_arn": self.key_arn, "alias": self.alias.name})
