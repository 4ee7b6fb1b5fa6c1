"""Deployability across resources (docs/controls.md): what AWS would refuse given how resources relate.

A replica and its source, a Multi-AZ DB cluster and its subnets, a proxy target and its
instance. A relation that cannot be followed (a source outside the stack, an id not known
before deploy) gives no verdict. Advisory by default; the prod config makes them mandatory.
"""

from __future__ import annotations

# The rules, in the pack's order, are here; their checks, by concern, in deployability_replicas.py
# (replicas, sources, proxy writer), deployability_clusters.py (subnets, global databases, Serverless
# v2, parameter group family) and deployability_topics.py (SNS topic keys).

from rds_guardrails.deployability import SECRETS_MANAGER_RDS
from rds_guardrails.deployability_clusters import (AUTO_PAUSE, auto_pause_effective, family_matches_version,
                                                   secondary_autoscaling, serverless_scaling, three_azs)
from rds_guardrails.deployability_replicas import (blue_green, managed_source, proxy_writer, replica_version,
                                                   source_backups)
from rds_guardrails.deployability_topics import topic_keys
from rds_guardrails.rule import ADVISORY, StackCheck, StackRule


def _rule(name: str, description: str, check: StackCheck, fix: str, source: str) -> StackRule:
    return StackRule(name, description, check, fix=fix, source=source, enforcement_level=ADVISORY)


RULES = [
    _rule("rds-replica-source-not-managed-password", "No read replica of a source whose master password RDS "
          "manages", managed_source, "set manageMasterUserPassword: false on the source and give it a password "
          "from a rotated secret", SECRETS_MANAGER_RDS),
    _rule("rds-multi-az-cluster-three-azs", "A Multi-AZ DB cluster's subnet group covers three Availability Zones",
          three_azs, "put subnets of three Availability Zones in the cluster's DB subnet group (subnetIds)",
          "RDS User Guide, 'Creating a Multi-AZ DB cluster for Amazon RDS', DB cluster prerequisites "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/create-multi-az-db-cluster.html)"),
    _rule("rds-proxy-target-writer", "An RDS Proxy targets the writer, never a read replica", proxy_writer,
          "set dbInstanceIdentifier to the source (writer) instance", "RDS User Guide, 'Quotas and limitations "
          "for RDS Proxy'"),
    _rule("rds-blue-green-supported", "Blue/green updates only where blue/green deployments are supported",
          blue_green, "set blueGreenUpdate.enabled: false, or remove what blue/green deployments do not support",
          "RDS User Guide, 'Limitations and considerations for Amazon RDS blue/green deployments', General "
          "limitations (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/blue-green-deployments-considerations.html); "
          "'Using RDS Proxy with Blue/Green Deployments' "
          "(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-blue-green.html)"),
    _rule("rds-replica-source-backups", "The source of a read replica keeps automated backups", source_backups,
          "set backupRetentionPeriod to 1 or more on the source", "RDS API Reference, CreateDBInstanceReadReplica; "
          "pulumi-aws Instance.backup_retention_period docstring"),
    _rule("sns-topic-key-allows-publishers", "An encrypted SNS topic's key lets CloudWatch and RDS events publish "
          "to it", topic_keys, "encrypt the topic with a customer-managed key whose policy allows the publishers",
          "Amazon SNS Developer Guide, 'Key management', Enable compatibility between event sources from AWS "
          "services and encrypted topics (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)"),
    _rule("rds-global-secondary-no-autoscaling", "No Aurora Auto Scaling on a global database's secondary cluster",
          secondary_autoscaling, "remove the aws.appautoscaling.Target (scale the secondary's readers by hand)",
          "Aurora User Guide, 'Limitations of Amazon Aurora global databases'"),
    _rule("rds-serverless-v2-scaling-configuration", "db.serverless instances join a cluster with a Serverless v2 "
          "capacity range", serverless_scaling, "set serverlessv2ScalingConfiguration on the cluster",
          "Aurora User Guide, 'Requirements and limitations for Aurora Serverless v2'"),
    _rule("rds-parameter-group-family-matches-version", "A database's parameter group is of its engine version's "
          "family", family_matches_version, "give the database a parameter group of its engine version's family "
          "(a new group beside the old one for a major upgrade)", "RDS API Reference, ModifyDBInstance, EngineVersion "
          "and DBParameterGroupName (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
          "API_ModifyDBInstance.html)"),
    _rule("rds-replica-engine-version", "A read replica that states an engine version runs its source's or a later "
          "one (PostgreSQL: its source's major)", replica_version, "remove engineVersion from the replica (it "
          "runs its source's) or set one its source allows", "RDS API Reference, ModifyDBInstance, EngineVersion; "
          "RDS User Guide, 'How to perform a major version upgrade for RDS for PostgreSQL', Handle read replicas"),
    _rule("rds-serverless-auto-pause-effective", "A Serverless v2 minimum of 0 ACUs only where instances can pause",
          auto_pause_effective, "set serverlessv2ScalingConfiguration.minCapacity to 0.5 or more, or remove what keeps the "
          "instances up (proxy, global database, provisioned instances) and use a supported engine version",
          AUTO_PAUSE),
]
