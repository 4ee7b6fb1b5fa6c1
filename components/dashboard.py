"""One CloudWatch dashboard of the key metrics of every instance (all regions) and the proxy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

# (metric, title) per graph; every instance is one line on each.
INSTANCE_GRAPHS = (
    ("CPUUtilization", "CPU (%)"),
    ("DatabaseConnections", "Connections"),
    ("FreeableMemory", "Freeable memory (bytes)"),
    ("FreeStorageSpace", "Free storage (bytes)"),
    ("ReadLatency", "Read latency (s)"),
    ("WriteLatency", "Write latency (s)"),
    ("DiskQueueDepth", "Disk queue depth"),
    ("ReplicaLag", "Replica lag (s)"),
)
PROXY_GRAPHS = (
    ("ClientConnections", "Proxy client connections"),
    ("DatabaseConnectionsBorrowLatency", "Proxy borrow latency (µs)"),
)


@dataclass
class DashboardArgs:
    """The dashboard's home region and what it shows: (dimension, identifier, region) per
    instance or cluster (DBInstanceIdentifier or DBClusterIdentifier)."""

    name: str
    region: str
    instances: Sequence[tuple[str, str, str]]
    proxy_name: Optional[str] = None


def dashboard_body(args: DashboardArgs) -> str:
    """The dashboard JSON. Known at preview: names come from settings, not from the cloud."""
    widgets: list[dict[str, Any]] = []

    def graph(metric: str, title: str, targets: Sequence[tuple[str, str, str]]) -> None:
        i = len(widgets)
        widgets.append({
            "type": "metric", "x": (i % 2) * 12, "y": (i // 2) * 6, "width": 12, "height": 6,
            "properties": {
                "title": title, "region": args.region, "view": "timeSeries", "stat": "Average",
                "period": 300,
                "metrics": [["AWS/RDS", metric, dimension, target, {"region": region, "label": target}]
                            for dimension, target, region in targets],
            },
        })

    for metric, title in INSTANCE_GRAPHS:
        graph(metric, title, args.instances)
    if args.proxy_name:
        for metric, title in PROXY_GRAPHS:
            graph(metric, title, [("ProxyName", args.proxy_name, args.region)])
    return json.dumps({"widgets": widgets}, sort_keys=True)


class Dashboard(pulumi.ComponentResource):
    """The stack's dashboard, declared (not clicked together), so it follows the config."""

    def __init__(self, name: str, args: DashboardArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Dashboard", name, None, opts)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            region=args.region,
            dashboard_name=args.name,
            dashboard_body=dashboard_body(args),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dashboard_name = self.dashboard.dashboard_name
        self.register_outputs({"dashboard_name": self.dashboard_name})
