"""Where alerts go in one region: an encrypted SNS topic, its subscribers, RDS event subscription.

CloudWatch alarms can only notify a topic in their own region, and RDS event subscriptions
are regional, so the disaster-recovery region gets its own Alerting beside the primary's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Sequence

import pulumi
import pulumi_aws as aws

# What on-call must hear about, by RDS event source type (categories differ per type).
EVENT_CATEGORIES = {
    "db-instance": ("failover", "failure", "low storage", "maintenance", "configuration change"),
    "db-cluster": ("failover", "failure", "maintenance", "notification", "configuration change"),
}
# Replication stopped or errored: only worth subscribing to where replicas live.
REPLICA_EVENT_CATEGORY = "read replica"
GLOBAL_FAILOVER_CATEGORY = "global-failover"


@dataclass
class AlertingArgs:
    """The topic's region and key, who is notified, and which instances' events to forward."""

    name: str
    region: str
    account_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    instance_identifiers: Sequence[str] = ()
    cluster_identifiers: Sequence[str] = ()
    has_replicas: bool = False
    global_database: bool = False
    emails: Sequence[str] = ()
    https_endpoints: Sequence[pulumi.Input[str]] = ()
    tags: dict[str, str] = field(default_factory=dict)


def topic_policy(topic_arn: str, account_id: str) -> str:
    """CloudWatch and RDS of this account may publish; nothing may talk to the topic unencrypted."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AlarmsAndEventsPublish", "Effect": "Allow",
             "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"]},
             "Action": "sns:Publish", "Resource": topic_arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
             "Action": "sns:*", "Resource": topic_arn,
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ],
    }, sort_keys=True)


class Alerting(pulumi.ComponentResource):
    """The alert topic of one region and what feeds it besides alarms (RDS events)."""

    def __init__(self, name: str, args: AlertingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Alerting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.topic = aws.sns.Topic(
            f"{name}-topic",
            region=args.region,
            name=args.name,
            # Our key, whose policy lets CloudWatch and RDS use it: with alias/aws/sns their
            # messages would be dropped without a trace.
            kms_master_key_id=args.kms_key_arn,
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-policy",
            region=args.region,
            arn=self.topic.arn,
            policy=pulumi.Output.all(self.topic.arn, args.account_id).apply(lambda v: topic_policy(v[0], v[1])),
            opts=child,
        )
        for i, email in enumerate(args.emails):
            # Email subscriptions wait for the recipient to confirm; AWS sends the link.
            aws.sns.TopicSubscription(f"{name}-email-{i}", region=args.region, topic=self.topic.arn,
                                      protocol="email", endpoint=email, opts=child)
        for i, url in enumerate(args.https_endpoints):
            aws.sns.TopicSubscription(f"{name}-https-{i}", region=args.region, topic=self.topic.arn,
                                      protocol="https", endpoint=url, opts=child)

        sources = [
            ("db-instance", "events", args.instance_identifiers,
             [REPLICA_EVENT_CATEGORY] if args.has_replicas else []),
            ("db-cluster", "cluster-events", args.cluster_identifiers,
             [GLOBAL_FAILOVER_CATEGORY] if args.global_database else []),
        ]
        self.event_subscriptions = [
            aws.rds.EventSubscription(
                f"{name}-{suffix}",
                region=args.region,
                name=f"{args.name}-{suffix}",
                sns_topic=self.topic.arn,
                source_type=source_type,
                # Named sources only: an empty list would forward every one in the account.
                source_ids=list(ids),
                event_categories=list(EVENT_CATEGORIES[source_type]) + extra,
                enabled=True,
                opts=child,
            )
            for source_type, suffix, ids, extra in sources if ids
        ]

        self.topic_arn = self.topic.arn
        self.register_outputs({"topic_arn": self.topic_arn})
