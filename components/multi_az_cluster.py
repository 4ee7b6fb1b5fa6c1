"""A Multi-AZ DB cluster: one writer and two readable standbys in three AZs, created by RDS.

Instance class, storage and instance-level monitoring are settings of the cluster itself; RDS
creates and names the three instances, so this program declares none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import pulumi

from components.cluster import ClusterArgs, DatabaseCluster
from components.catalog import CA_CERTIFICATE


@dataclass
class MultiAzClusterArgs(ClusterArgs):
    """A Multi-AZ DB cluster's storage, on top of what every cluster needs."""

    storage_type: str = "gp3"
    allocated_storage: int = 20
    iops: Optional[int] = None


class MultiAzCluster(DatabaseCluster):
    """A Multi-AZ DB cluster (RDS for PostgreSQL or MySQL) with its three instances."""

    def _option_settings(self, args: ClusterArgs, monitoring_role_arn: Optional[pulumi.Output[str]]) -> dict[str, Any]:
        assert isinstance(args, MultiAzClusterArgs)
        pi = args.basics.performance_insights
        return {
            "db_cluster_instance_class": args.basics.instance_class, "storage_type": args.storage_type,
            "allocated_storage": args.allocated_storage, "iops": args.iops,
            "monitoring_interval": args.basics.monitoring_interval,
            "monitoring_role_arn": monitoring_role_arn,
            "performance_insights_enabled": pi,
            "performance_insights_kms_key_id": args.basics.kms_key_arn if pi else None,
            "performance_insights_retention_period": args.basics.performance_insights_retention_days if pi else None,
            "publicly_accessible": False, "auto_minor_version_upgrade": args.basics.auto_minor_version_upgrade,
            "ca_certificate_identifier": CA_CERTIFICATE,
        }
