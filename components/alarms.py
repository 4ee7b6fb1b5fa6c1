"""CloudWatch alarms of one instance or proxy, from the table in components/alarm_catalog.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from components import alarm_catalog
from components.alarm_catalog import InstanceFacts


@dataclass
class AlarmsArgs:
    """What is watched (an instance or a proxy), where, and whom to tell."""

    # The DB instance or cluster identifier, or the proxy name: CloudWatch's dimension value.
    target: str
    # One of the kinds in alarm_catalog (PRIMARY, REPLICA, PROXY, AURORA_READER, ...).
    kind: str
    region: str
    topic_arn: pulumi.Input[str]
    facts: Optional[InstanceFacts] = None
    thresholds: dict[str, float] = field(default_factory=dict)
    # The dimension's value when it differs from `target` (known only once AWS names it).
    dimension_value: Optional[pulumi.Input[str]] = None


def _kebab(metric: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "-", metric).lower()


class Alarms(pulumi.ComponentResource):
    """Every applicable alarm for one target; each notifies the topic on alarm and on recovery."""

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Alarms", name, None, opts)
        dimension = alarm_catalog.dimension(args.kind)
        self.alarms: list[aws.cloudwatch.MetricAlarm] = []
        for spec in alarm_catalog.ALARMS:
            if not spec.applies(args.kind, args.facts):
                continue
            threshold = spec.threshold(args.facts, args.thresholds.get(spec.key) if spec.configurable else None)
            suffix = spec.suffix or _kebab(spec.metric)
            self.alarms.append(aws.cloudwatch.MetricAlarm(
                f"{name}-{suffix}",
                region=args.region,
                name=f"{args.target}-{suffix}",
                alarm_description=(
                    f"{args.target}: {spec.description}. Threshold in rdsplatform:alarms.thresholds."
                    f"{spec.key} ({spec.unit})." if spec.configurable else f"{args.target}: {spec.description}."
                ),
                namespace="AWS/RDS",
                metric_name=spec.metric,
                dimensions={dimension: args.target if args.dimension_value is None else args.dimension_value},
                statistic=spec.statistic,
                comparison_operator=spec.comparison,
                threshold=threshold,
                period=spec.period_seconds,
                evaluation_periods=spec.evaluation_periods,
                datapoints_to_alarm=spec.evaluation_periods,
                treat_missing_data=spec.missing_data(args.kind, args.facts),
                alarm_actions=[args.topic_arn],
                ok_actions=[args.topic_arn],
                opts=pulumi.ResourceOptions(parent=self),
            ))
        self.register_outputs({"count": len(self.alarms)})
