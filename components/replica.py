"""A read replica of the primary, in the primary's region or in the disaster-recovery region."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from components import instance_parts
from components.instance_parts import InstanceBasics


@dataclass
class ReadReplicaArgs(InstanceBasics):
    """A replica and where it lives. Credentials, encryption at rest and backups come from
    the source; only what the replica itself controls is set here."""

    # The primary's ARN. pulumi-aws Instance.replicate_source_db: "If specifying the
    # dbSubnetGroupName in the same region, use the arn of the source DB. If replicating an
    # Instance in a different region, use the arn of the source DB." Every replica here names a
    # subnet group, so the ARN is right in both cases.
    source: pulumi.Input[str]
    cross_region: bool
    monitoring_role_arn: Optional[pulumi.Input[str]]
    # The primary's parameter group, reusable in the same region; None builds one here.
    parameter_group_name: Optional[pulumi.Input[str]] = None
    tags: dict[str, str] = field(default_factory=dict)
    # An existing read replica to adopt (Pulumi's import option) instead of creating one.
    import_id: Optional[str] = None


class ReadReplica(pulumi.ComponentResource):
    """One read replica: private, encrypted with its region's key, monitored, TLS-only."""

    def __init__(self, name: str, args: ReadReplicaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:ReadReplica", name, None, opts)

        parameter_group_name = args.parameter_group_name
        if parameter_group_name is None:
            # Parameter groups are regional: a cross-region replica needs its own, with the
            # same TLS enforcement as the primary's.
            parameter_group_name = instance_parts.parameter_group(
                f"{name}-params", region=args.basics.region, family=args.basics.parameter_group_family,
                identifier=args.basics.identifier, engine=args.basics.engine, parameters=args.basics.parameters, parent=self,
            ).name

        self.log_groups = instance_parts.log_groups(
            name, region=args.basics.region, identifier=args.basics.identifier, exports=args.basics.engine.log_exports,
            retention_days=args.basics.log_retention_days, kms_key_arn=args.basics.kms_key_arn, parent=self,
        )

        instance_args = instance_parts.instance_args(args, parameter_group_name=parameter_group_name,
                                                     monitoring_role_arn=args.monitoring_role_arn)
        if not args.cross_region:
            # RDS API CreateDBInstanceReadReplica, KmsKeyId: "If you create an encrypted read replica
            # in the same AWS Region as the source DB instance or Multi-AZ DB cluster, don't specify
            # a value for this parameter. A read replica in the same AWS Region is always encrypted
            # with the same KMS key as the source DB instance or cluster." A cross-region replica
            # keeps its region's key (required there).
            instance_args["kms_key_id"] = None
        # RDS API CreateDBInstanceReadReplica takes no EngineLifecycleSupport (only CreateDBInstance
        # and the restores do): a replica is not given one, so the plan asks for nothing RDS ignores.
        instance_args["engine_lifecycle_support"] = None
        self.instance = aws.rds.Instance(
            f"{name}-instance",
            **instance_args,
            replicate_source_db=args.source,
            # No username, password or managed-password flag: a replica uses its source's
            # credentials, and RDS rejects (or the provider endlessly diffs) any of them here.
            # RDS refuses a final snapshot of a read replica; its data lives in the source.
            skip_final_snapshot=True,
            tags=args.tags or None,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=self.log_groups,
                protect=args.basics.protect,
                # Storage is inherited from the source and grown in the cloud by autoscaling.
                ignore_changes=["allocatedStorage"],
                import_=args.import_id,
            ),
        )

        self.identifier = args.basics.identifier
        self.region = args.basics.region
        self.endpoint = self.instance.endpoint
        self.address = self.instance.address
        self.register_outputs({"endpoint": self.endpoint, "address": self.address})
