"""What the stack watches and where alerts go: alert topics per region, alarms per instance,
cluster and proxy, and the dashboard (the targets are chosen in components/wiring.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi

from components import alarm_catalog
from components.alarm_catalog import InstanceFacts
from components.alarms import Alarms, AlarmsArgs
from components.alerting import Alerting, AlertingArgs
from components.catalog import EngineSpec
from components.dashboard import Dashboard, DashboardArgs


@dataclass(frozen=True)
class Monitored:
    """One instance or cluster to alarm on, in its region."""

    identifier: str
    region: str
    kind: str
    memory_gib: float
    # The CloudWatch dimension value when it is not `identifier` (a Multi-AZ DB cluster's members).
    dimension_value: Optional[pulumi.Input[str]] = None

    @property
    def is_member(self) -> bool:
        """A member of a Multi-AZ DB cluster: alarmed on, but events and the dashboard use the cluster."""
        return self.kind == alarm_catalog.MULTI_AZ_MEMBER

    @property
    def is_cluster(self) -> bool:
        return alarm_catalog.dimension(self.kind) == "DBClusterIdentifier"


@dataclass
class ObservabilityArgs:
    """What is watched, where alerts go, and what the alarm thresholds depend on."""

    # The primary's identifier and region: names of the topics and the dashboard's home.
    identifier: str
    region: str
    targets: list[Monitored]
    # The key that encrypts each region's alert topic.
    keys: dict[str, pulumi.Input[str]]
    account_id: pulumi.Input[str]
    engine: EngineSpec
    allocated_storage_gib: int
    storage_type: str
    serverless: bool
    # Serverless v2 with a minimum of 0 ACUs (its instances pause when idle).
    auto_pause: bool = False
    emails: Sequence[str] = ()
    https_endpoints: Sequence[pulumi.Input[str]] = ()
    # Overrides of the defaults in components/alarm_catalog.py, by key.
    thresholds: dict[str, float] = field(default_factory=dict)
    dashboard: bool = True
    proxy_name: Optional[str] = None
    global_database: bool = False


class Observability(pulumi.ComponentResource):
    """Alert topics (one per region with targets), alarms for every target, the dashboard."""

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Observability", name, None, opts)
        # These children were declared directly under this component's parent before it existed;
        # the alias keeps their identity, and the engine extends it to their own children
        # (Pulumi docs, Resource option: aliases: "the engine combines a parent's aliases with
        # each child's own name and type when computing the child's identity").
        moved_from = opts.parent if opts is not None else None
        child = pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=moved_from)])
        targets, proxy_name = args.targets, args.proxy_name
        regions = [args.region] + sorted({t.region for t in targets} - {args.region})
        self.topics: dict[str, Alerting] = {}
        for region in regions:
            here = [t for t in targets if t.region == region and not t.is_member]
            suffix = "" if region == args.region else "-dr"
            self.topics[region] = Alerting(
                f"{name}{suffix}-alerts",
                AlertingArgs(
                    name=f"{args.identifier}{suffix}-alerts",
                    region=region,
                    account_id=args.account_id,
                    kms_key_arn=args.keys[region],
                    instance_identifiers=[t.identifier for t in here if not t.is_cluster],
                    cluster_identifiers=[t.identifier for t in here if t.is_cluster],
                    has_replicas=any(t.kind in (alarm_catalog.REPLICA, alarm_catalog.AURORA_READER,
                                                alarm_catalog.AURORA_SECONDARY_READER) for t in here),
                    global_database=args.global_database,
                    emails=args.emails,
                    https_endpoints=args.https_endpoints,
                ),
                opts=child,
            )
        for t in targets:
            Alarms(
                f"{t.identifier}-alarms",
                AlarmsArgs(
                    target=t.identifier, kind=t.kind, region=t.region,
                    topic_arn=self.topics[t.region].topic_arn,
                    facts=InstanceFacts(engine=args.engine, memory_gib=t.memory_gib,
                                        allocated_storage_gib=args.allocated_storage_gib,
                                        storage_type=args.storage_type, serverless=args.serverless,
                                        auto_pause=args.auto_pause),
                    thresholds=args.thresholds,
                    dimension_value=t.dimension_value,
                ),
                opts=child,
            )
        if proxy_name is not None:
            Alarms(
                f"{proxy_name}-alarms",
                AlarmsArgs(target=proxy_name, kind=alarm_catalog.PROXY, region=args.region,
                           topic_arn=self.topics[args.region].topic_arn, thresholds=args.thresholds),
                opts=child,
            )
        self.dashboard: Optional[Dashboard] = None
        if args.dashboard:
            self.dashboard = Dashboard(
                f"{name}-dashboard",
                DashboardArgs(
                    name=args.identifier,
                    region=args.region,
                    instances=[(alarm_catalog.dimension(t.kind), t.identifier, t.region) for t in targets
                               if not t.is_member],
                    proxy_name=proxy_name,
                ),
                opts=child,
            )
        self.register_outputs({
            "topic_arns": {region: topic.topic_arn for region, topic in self.topics.items()},
            "dashboard_name": self.dashboard.dashboard_name if self.dashboard else None,
        })
