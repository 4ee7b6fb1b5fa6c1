"""Cross-region automated backups: the primary's backups and logs copied to the DR region."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass
class CrossRegionBackupsArgs:
    """Source instance, destination region and its key, and how long copies are kept."""

    source_db_instance_arn: pulumi.Input[str]
    region: str
    kms_key_arn: pulumi.Input[str]
    retention_days: int
    protect: bool = True


class CrossRegionBackups(pulumi.ComponentResource):
    """Point-in-time restore in another region if the primary's region is lost."""

    def __init__(self, name: str, args: CrossRegionBackupsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:CrossRegionBackups", name, None, opts)
        self.replication = aws.rds.InstanceAutomatedBackupsReplication(
            f"{name}-replication",
            # Created in the destination region; the provider signs the request for the source.
            region=args.region,
            source_db_instance_arn=args.source_db_instance_arn,
            kms_key_id=args.kms_key_arn,
            retention_period=args.retention_days,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.register_outputs({"id": self.replication.id})
