"""What the stack watches and where alerts go: alert topics per region, alarms per instance,
cluster and proxy, and the dashboard — wired from the settings and what the platform built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import pulumi

from components import alarm_catalog, catalog
from components.alarm_catalog import InstanceFacts
from components.alarms import Alarms, AlarmsArgs
from components.alerting import Alerting, AlertingArgs
from components.cluster import DatabaseCluster
from components.dashboard import Dashboard, DashboardArgs
from components.database import Database
from components.settings import Settings


@dataclass(frozen=True)
class Monitored:
    """One instance or cluster to alarm on, in its region."""

    identifier: str
    region: str
    kind: str
    memory_gib: float

    @property
    def is_cluster(self) -> bool:
        return alarm_catalog.dimension(self.kind) == "DBClusterIdentifier"


def monitored_targets(s: Settings, database: Union[Database, DatabaseCluster],
                      secondary: Optional[DatabaseCluster]) -> list[Monitored]:
    """Every instance and cluster the stack runs, with what its alarms need."""
    c = s.cluster

    def memory(instance_class: str) -> float:
        # Serverless v2: about 2 GiB per ACU at the maximum capacity.
        if s.is_aurora and c.serverless and c.serverless_max_acu:
            return c.serverless_max_acu * 2
        return catalog.instance_memory_gib(instance_class)

    if not s.is_cluster:
        return [Monitored(s.identifier, s.region, alarm_catalog.PRIMARY, memory(s.instance_class))] + [
            Monitored(s.replica_identifier(r), s.replica_region(r), alarm_catalog.REPLICA,
                      memory(r.instance_class or s.instance_class)) for r in s.replicas]
    if not s.is_aurora:
        return [Monitored(s.identifier, s.region, alarm_catalog.MULTI_AZ_CLUSTER, memory(s.instance_class))]
    out = []
    for cluster, region in [(database, s.region)] + ([(secondary, s.dr_region)] if secondary else []):
        assert isinstance(cluster, DatabaseCluster) and region
        out.append(Monitored(cluster.identifier, region, alarm_catalog.AURORA_CLUSTER, memory(s.instance_class)))
        for identifier, reader in cluster.instance_roles:
            kind = alarm_catalog.AURORA_READER if reader else alarm_catalog.AURORA_WRITER
            instance_class = (c.reader_instance_class or s.instance_class) if reader else s.instance_class
            out.append(Monitored(identifier, region, kind, memory(instance_class)))
    return out


def observe(name: str, s: Settings, *, targets: list[Monitored], keys: dict[str, pulumi.Input[str]],
            account_id: pulumi.Input[str], proxy_name: Optional[str], global_database: bool,
            opts: pulumi.ResourceOptions) -> tuple[dict[str, Alerting], Optional[Dashboard]]:
    """Alert topics (one per region with targets), alarms for every target, the dashboard."""
    regions = [s.region] + sorted({t.region for t in targets} - {s.region})
    topics: dict[str, Alerting] = {}
    for region in regions:
        here = [t for t in targets if t.region == region]
        suffix = "" if region == s.region else "-dr"
        topics[region] = Alerting(
            f"{name}{suffix}-alerts",
            AlertingArgs(
                name=f"{s.identifier}{suffix}-alerts",
                region=region,
                account_id=account_id,
                kms_key_arn=keys[region],
                instance_identifiers=[t.identifier for t in here if not t.is_cluster],
                cluster_identifiers=[t.identifier for t in here if t.is_cluster],
                has_replicas=any(t.kind in (alarm_catalog.REPLICA, alarm_catalog.AURORA_READER) for t in here),
                global_database=global_database,
                emails=s.alarms.emails,
                https_endpoints=s.alarms.https_endpoints,
            ),
            opts=opts,
        )
    for t in targets:
        Alarms(
            f"{t.identifier}-alarms",
            AlarmsArgs(
                target=t.identifier, kind=t.kind, region=t.region,
                topic_arn=topics[t.region].topic_arn,
                facts=InstanceFacts(engine=s.engine_spec, memory_gib=t.memory_gib,
                                    allocated_storage_gib=s.allocated_storage, storage_type=s.storage_type,
                                    serverless=s.is_aurora and s.cluster.serverless),
                thresholds=s.alarms.thresholds,
            ),
            opts=opts,
        )
    if proxy_name is not None:
        Alarms(
            f"{proxy_name}-alarms",
            AlarmsArgs(target=proxy_name, kind=alarm_catalog.PROXY, region=s.region,
                       topic_arn=topics[s.region].topic_arn, thresholds=s.alarms.thresholds),
            opts=opts,
        )
    dashboard = None
    if s.alarms.dashboard:
        dashboard = Dashboard(
            f"{name}-dashboard",
            DashboardArgs(
                name=s.identifier,
                region=s.region,
                instances=[(alarm_catalog.dimension(t.kind), t.identifier, t.region) for t in targets],
                proxy_name=proxy_name,
            ),
            opts=opts,
        )
    return topics, dashboard
