"""Stack controls (docs/controls.md): rules about how resources relate (AnalyzeStack sees every output).

Each check gets every resource of the stack (or of the account, live) and returns the
problems it found, one per resource at fault.
"""

from __future__ import annotations

# The rules, in the pack's order, are here; their checks, by concern, in stack_encryption.py (also the
# shared helpers), stack_monitoring.py, stack_resilience.py and stack_network.py.

from rds_guardrails.rule import ADVISORY, CLUSTER, INSTANCE, StackRule
from rds_guardrails.stack_encryption import SNAPSHOTS, rotation, snapshots_encrypted, tls
from rds_guardrails.stack_encryption import TLS_PARAMETERS as TLS_PARAMETERS  # tests read it here
from rds_guardrails.stack_monitoring import (ALARMS_FIX, EVENTS_FIX, TAGGED_TYPES, alarms, aurora_mysql_audit,
                                             event_subscription, required_tags)
from rds_guardrails.stack_network import public_subnets
from rds_guardrails.stack_resilience import backup_plan, cluster_multi_az, cross_region_backups
from rds_guardrails.values import get, replica_source

FSBP_PAGE = "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html"

RULES = [
    StackRule("rds-tls-required", "The parameter group of every database requires TLS", tls,
              fix="set the parameter group's TLS parameter", anchors="CKV2_AWS_69, RDS.38, RDS.39, RDS.41, RDS.44", tags=("encryption", "network")),
    StackRule("rds-cross-region-backups", "Every primary instance replicates automated backups to another region",
              cross_region_backups, anchors="no peer check",
              fix="add an aws.rds.InstanceAutomatedBackupsReplication with sourceDbInstanceArn set to its arn", tags=("backup",)),
    StackRule("rds-credentials-rotate", "Master credentials rotate: an RDS-managed secret, or a rotation of at "
              "most maximumDays", rotation, anchors="CKV2_AWS_57, SecretsManager.1/4",
              fix="set manageMasterUserPassword: true or add an aws.secretsmanager.SecretRotation",
              config={"maximumDays": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90}}, tags=("encryption",)),
    StackRule("rds-alarms-notify", "Every database has CloudWatch alarms whose actions reach an SNS topic",
              alarms, anchors="no peer check", severity="medium",
              fix=ALARMS_FIX, tags=("availability",)),
    StackRule("rds-event-subscription", "Every database is covered by an RDS event subscription", event_subscription,
              anchors="no peer check", severity="medium",
              fix=EVENTS_FIX, tags=("availability",)),
    StackRule("rds-required-tags", "RDS databases, snapshots, subnet groups, parameter groups and event "
              "subscriptions carry the required tags", required_tags,
              anchors="RDS.28, RDS.29, RDS.30, RDS.32, RDS.33", types=TAGGED_TYPES,
              severity="low", fix="add them to tags (or the provider's defaultTags)",
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.28-RDS.33",
              config={"keys": {"type": "array", "items": {"type": "string"}, "default": ["Environment", "Owner"]}}, tags=("cost",)),
    StackRule("rds-snapshot-encrypted", "Snapshots and snapshot copies are encrypted", snapshots_encrypted,
              fix="encrypt the source database, or copy the snapshot with kmsKeyId set", anchors="RDS.4",
              severity="medium", types=SNAPSHOTS, source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.4", tags=("encryption", "backup")),
    StackRule("rds-cluster-multi-az", "Aurora clusters have instances in more than one Availability Zone",
              cluster_multi_az, fix="add a reader instance in another Availability Zone (leave its availabilityZone "
              "unset or name another AZ)",
              anchors="RDS.15", severity="medium", types=(CLUSTER,),
              applies=lambda props: replica_source(props) is None and get(props, "dbClusterInstanceClass") is None,
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.15; pulumi-aws Cluster.availability_zones", tags=("availability",)),
    StackRule("rds-aurora-mysql-audit-logging", "Aurora MySQL clusters audit through their cluster parameter group",
              aurora_mysql_audit, fix="set server_audit_logging=1 and server_audit_events (e.g. CONNECT,QUERY_DCL,"
              "QUERY_DDL) in the cluster parameter group, and export the audit log", anchors="RDS.45",
              severity="medium", types=(CLUSTER,), source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.45", tags=("availability",)),
    StackRule("rds-no-internet-gateway-route", "No DB subnet group holds a subnet routed to an internet gateway",
              public_subnets, fix="use subnets whose route table sends 0.0.0.0/0 and ::/0 nowhere or to a NAT "
              "gateway", anchors="RDS.46", severity="high",
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.46", tags=("network",)),
    StackRule("rds-backup-plan", "Every primary instance is named by an AWS Backup selection (advisory by default)",
              backup_plan, fix="add an aws.backup.Selection whose resources name the instance's ARN",
              anchors="RDS.26", severity="medium", types=(INSTANCE,), enforcement_level=ADVISORY,
              applies=lambda props: replica_source(props) is None,
              source=f"Security Hub User Guide, {FSBP_PAGE}, RDS.26", tags=("backup",)),
]
