"""Per-resource controls of CONTROLS.md, grouped by concern.

Where each control looks (and where it deliberately does not):
- Cluster-owned settings (encryption, backups, deletion protection, copy tags, IAM auth) are
  judged on aws.rds.Cluster, never on its ClusterInstances.
- A read replica (replicateSourceDb set) inherits encryption, backups and credentials from
  its source; only what it controls itself is judged on it: public access, and a key in its
  own region when it is cross-region. Multi-AZ and final snapshots are not replica concerns.
- An unset property means what AWS does when it is unset (`unset_means`); an unknown value
  (first preview) is never a violation.
"""

from __future__ import annotations

from typing import Any, Optional

from pulumi_policy import EnforcementLevel

from rds_guardrails.rule import (
    CLUSTER,
    CLUSTER_INSTANCE,
    INSTANCE,
    Rule,
    must_be_true,
    must_not_be_true,
)
from rds_guardrails.values import (
    UNKNOWN,
    arn_region,
    get,
    is_cross_region_replica,
    is_customer_managed_key,
    items,
    replica_source,
)


def _primary(props: Any) -> bool:
    """Not a read replica (clusters never are). An unknown source could be a replica: the
    primary-only checks wait until it is known."""
    return replica_source(props) is None


def _cmk(prop: str, what: str) -> Any:
    def check(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
        key = get(props, prop)
        if key is UNKNOWN or is_customer_managed_key(key):
            return None
        shown = "unset (an AWS-managed key)" if key is None else f"{key} (AWS-managed)"
        return f"{what} is not encrypted with a customer-managed key: {prop} is {shown}"

    return check


# --- encryption at rest ----------------------------------------------------------------------


def _storage_encrypted(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    value = get(props, "storageEncrypted")
    if value is UNKNOWN or value is True:
        return None
    if value is None and (get(props, "snapshotIdentifier") or get(props, "engineMode") == "serverless"):
        return None  # a restore inherits the snapshot's encryption; Serverless v1 always encrypts
    return "storage is not encrypted (storageEncrypted is " + ("unset, which means false" if value is None else "false") + ")"


def _pi_cmk(props: Any, config: dict, opts: Any = None) -> Optional[str]:
    if get(props, "performanceInsightsEnabled") is not True:
        return None
    return _cmk("performanceInsightsKmsKeyId", "Performance Insights")(props, config, opts)


def _master_secret_cmk(props: Any, config: dict, opts: Any = None) -> Optional[str]:
    if get(props, "manageMasterUserPassword") is not True:
        return None
    return _cmk("masterUserSecretKmsKeyId", "the RDS-managed master secret")(props, config, opts)


def _cross_region_replica_key(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    if not is_cross_region_replica(props):
        return None
    key, region = get(props, "kmsKeyId"), get(props, "region")
    if key is UNKNOWN:
        return None
    if not isinstance(key, str) or not key:
        return (f"cross-region replica in {region} names no key of its own region "
                "(kmsKeyId unset; the source's key cannot be used there)")
    key_region = arn_region(key)
    if key_region and key_region != region:
        return f"cross-region replica in {region} uses a key from {key_region} (kmsKeyId)"
    return None


def _kms_rotation(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    spec = get(props, "customerMasterKeySpec") or get(props, "keySpec") or "SYMMETRIC_DEFAULT"
    if get(props, "bypassPolicyLockoutSafetyCheck") is True:
        return "the key policy lockout safety check is bypassed (bypassPolicyLockoutSafetyCheck is true)"
    if spec != "SYMMETRIC_DEFAULT":
        return None  # KMS rotates only symmetric encryption keys
    rotation = get(props, "enableKeyRotation", False)
    if rotation is UNKNOWN or rotation is True:
        return None
    return "automatic key rotation is off (enableKeyRotation is false by default)"


ENCRYPTION = [
    Rule("rds-storage-encrypted", "RDS instance and cluster storage is encrypted at rest",
         (INSTANCE, CLUSTER), _storage_encrypted, fix="set storageEncrypted: true (with kmsKeyId)",
         unset_means="false: unencrypted (a snapshot restore inherits the snapshot's setting)",
         anchors="CKV_AWS_16, CKV_AWS_96, RDS.3, RDS.27, AG", severity="critical",
         applies=_primary),
    Rule("rds-storage-customer-managed-key", "RDS storage uses a customer-managed KMS key",
         (INSTANCE, CLUSTER), _cmk("kmsKeyId", "storage"), fix="set kmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/rds", anchors="CKV_AWS_327, CP",
         applies=_primary),
    Rule("rds-performance-insights-customer-managed-key",
         "Performance Insights data is encrypted with a customer-managed key (when PI is on)",
         (INSTANCE, CLUSTER_INSTANCE, CLUSTER), _pi_cmk,
         fix="set performanceInsightsKmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/rds", anchors="CKV_AWS_354"),
    Rule("rds-master-secret-customer-managed-key",
         "The RDS-managed master user secret is encrypted with a customer-managed key",
         (INSTANCE, CLUSTER), _master_secret_cmk, fix="set masterUserSecretKmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/secretsmanager", anchors="no peer check"),
    Rule("secretsmanager-secret-customer-managed-key", "Secrets Manager secrets use a customer-managed key",
         ("aws:secretsmanager/secret:Secret",), _cmk("kmsKeyId", "the secret"),
         fix="set kmsKeyId to a customer-managed key ARN",
         unset_means="the AWS-managed key alias/aws/secretsmanager", anchors="CKV_AWS_149, CP"),
    Rule("sns-topic-customer-managed-key", "SNS topics are encrypted with a customer-managed key",
         ("aws:sns/topic:Topic",), _cmk("kmsMasterKeyId", "the topic"),
         fix="set kmsMasterKeyId to a customer-managed key ARN (CloudWatch cannot publish to alias/aws/sns topics)",
         unset_means="no encryption", anchors="CKV_AWS_26, TV AWS-0136"),
    Rule("rds-backup-replication-customer-managed-key",
         "Cross-region automated backup replication is encrypted with a customer-managed key",
         ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",),
         _cmk("kmsKeyId", "the replicated backups"), fix="set kmsKeyId to a customer-managed key in the destination region",
         unset_means="the AWS-managed key alias/aws/rds of the destination region", anchors="CKV_AWS_245"),
    Rule("rds-cross-region-replica-key", "A cross-region read replica names a key in its own region",
         (INSTANCE,), _cross_region_replica_key, fix="set kmsKeyId to a customer-managed key in the replica's region",
         unset_means="refused by RDS for an encrypted source", anchors="no peer check"),
    Rule("kms-key-rotation", "KMS keys rotate yearly and keep the policy lockout safety check",
         ("aws:kms/key:Key",), _kms_rotation, fix="set enableKeyRotation: true and leave bypassPolicyLockoutSafetyCheck unset",
         unset_means="rotation off; lockout check kept", anchors="CKV_AWS_7, KMS.4, CP"),
]


# --- private access and encryption in transit ------------------------------------------------

DEFAULT_DB_PORTS = [1433, 1521, 2484, 3306, 5432]
_OPEN = {"0.0.0.0/0", "::/0"}


def _reaches_port(protocol: Any, from_port: Any, to_port: Any, ports: list[int]) -> bool:
    if protocol is UNKNOWN or from_port is UNKNOWN or to_port is UNKNOWN:
        return False
    if str(protocol).lower() in ("-1", "all"):
        return True
    if str(protocol).lower() not in ("tcp", "6"):
        return False
    lo = int(from_port) if from_port is not None else 0
    hi = int(to_port) if to_port is not None else 65535
    return any(lo <= p <= hi for p in ports)


def _open_sources(*values: Any) -> list[str]:
    found = []
    for value in values:
        for cidr in [value] if isinstance(value, str) else items(value):
            if isinstance(cidr, str) and cidr in _OPEN:
                found.append(cidr)
    return found


def _ingress_problem(rule: Any, ports: list[int], protocol_key: str) -> Optional[str]:
    sources = _open_sources(get(rule, "cidrBlocks"), get(rule, "ipv6CidrBlocks"),
                            get(rule, "cidrIpv4"), get(rule, "cidrIpv6"))
    if not sources:
        return None
    if not _reaches_port(get(rule, protocol_key), get(rule, "fromPort"), get(rule, "toPort"), ports):
        return None
    return (f"ingress from {', '.join(sources)} reaches a database port "
            f"(protocol {get(rule, protocol_key)}, ports {get(rule, 'fromPort')}-{get(rule, 'toPort')})")


def _sg_inline(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    for rule in items(get(props, "ingress")):
        if rule is not UNKNOWN:
            problem = _ingress_problem(rule, config["ports"], "protocol")
            if problem:
                return problem
    return None


def _sg_rule(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    if get(props, "type") != "ingress":
        return None
    return _ingress_problem(props, config["ports"], "protocol")


def _vpc_ingress_rule(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    return _ingress_problem(props, config["ports"], "ipProtocol")


_PORTS_CONFIG = {"ports": {"type": "array", "items": {"type": "integer"}, "default": DEFAULT_DB_PORTS,
                           "description": "Ports treated as database ports"}}


def _public_ingress_rule(name: str, shape: str, type_: str, check: Any, instead: str) -> Rule:
    """The same control for each of the three ways AWS lets a program write an ingress rule."""
    return Rule(name, f"No 0.0.0.0/0 or ::/0 ingress reaches a database port ({shape})", (type_,), check,
                fix=f"replace the open CIDR with {instead} or a private CIDR",
                unset_means="no ingress", anchors="no peer check on DB ports", severity="critical",
                config=_PORTS_CONFIG)


def _subnet_group(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    value = get(props, "dbSubnetGroupName")
    if value is UNKNOWN or value:
        return None
    return "no DB subnet group (dbSubnetGroupName unset places it in the default VPC)"


def _same_region_replica_inherits(props: Any) -> bool:
    # A same-region replica lands in its source's VPC; a cross-region one needs its own group.
    return replica_source(props) is None or is_cross_region_replica(props)


def _proxy_iam(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    if get(props, "auths") is UNKNOWN:
        return None
    auths = items(get(props, "auths"))
    modes = [get(a, "iamAuth") for a in auths if a is not UNKNOWN]
    if UNKNOWN in auths or UNKNOWN in modes:
        return None
    if not auths or any(m != "REQUIRED" for m in modes):
        return "clients may connect without IAM authentication (auths[].iamAuth is not REQUIRED)"
    return None


def _snapshot_public(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    shared = items(get(props, "sharedAccounts"))
    if "all" in shared:
        return "the snapshot is shared publicly (sharedAccounts contains 'all')"
    return None


PRIVATE_ACCESS = [
    Rule("rds-not-publicly-accessible", "RDS instances, cluster instances and Multi-AZ DB clusters are not "
         "publicly accessible", (INSTANCE, CLUSTER_INSTANCE, CLUSTER),
         must_not_be_true("publiclyAccessible", "the database is reachable from the internet"),
         fix="set publiclyAccessible: false", unset_means="false", anchors="CKV_AWS_17, RDS.2",
         severity="critical"),
    _public_ingress_rule("no-public-ingress-to-database-ports", "inline security group rules",
                         "aws:ec2/securityGroup:SecurityGroup", _sg_inline, "the clients' security group"),
    _public_ingress_rule("no-public-ingress-to-database-ports-rule", "aws.ec2.SecurityGroupRule",
                         "aws:ec2/securityGroupRule:SecurityGroupRule", _sg_rule, "the clients' security group"),
    _public_ingress_rule("no-public-ingress-to-database-ports-vpc-rule", "aws.vpc.SecurityGroupIngressRule",
                         "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", _vpc_ingress_rule,
                         "referencedSecurityGroupId"),
    Rule("rds-in-vpc-subnet-group", "Databases are placed in a VPC DB subnet group",
         (INSTANCE, CLUSTER), _subnet_group, fix="set dbSubnetGroupName to a group of private subnets",
         unset_means="the default VPC", anchors="CKV_AWS_198, RDS.18",
         applies=_same_region_replica_inherits),
    Rule("rds-proxy-require-tls", "RDS Proxy requires TLS from clients", ("aws:rds/proxy:Proxy",),
         must_be_true("requireTls", "TLS is not required"), fix="set requireTls: true",
         unset_means="false", anchors="RDS.43"),
    Rule("rds-proxy-iam-auth", "RDS Proxy requires IAM authentication from clients (advisory by default)",
         ("aws:rds/proxy:Proxy",), _proxy_iam, fix="set auths[].iamAuth: REQUIRED",
         unset_means="DISABLED", anchors="no peer check", severity="medium",
         enforcement_level=EnforcementLevel.ADVISORY),
    Rule("rds-snapshot-not-public", "Manual snapshots are not shared publicly",
         ("aws:rds/snapshot:Snapshot", "aws:rds/clusterSnapshot:ClusterSnapshot"), _snapshot_public,
         fix="remove 'all' from sharedAccounts", unset_means="not shared", anchors="CKV_AWS_302, RDS.1",
         severity="critical"),
]


# --- deletion protection and data safety ------------------------------------------------------


def _protected(props: Any, _config: dict, opts: Any = None) -> Optional[str]:
    if opts is not None and getattr(opts, "protect", False):
        return None
    return "`pulumi destroy` or a replacement can delete it (resource option protect is not set)"


def _recovery_window(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    days = get(props, "recoveryWindowInDays", 30)
    if days is UNKNOWN:
        return None
    if int(days) == 0:
        return "the secret is deleted at once, with no recovery (recoveryWindowInDays is 0)"
    if int(days) < config["minimumDays"]:
        return f"recoveryWindowInDays is {int(days)}, below the minimum of {config['minimumDays']:g}"
    return None


DATA_SAFETY = [
    Rule("rds-deletion-protection", "RDS instances and clusters have deletion protection",
         (INSTANCE, CLUSTER), must_be_true("deletionProtection", "deletion protection"),
         fix="set deletionProtection: true", unset_means="false",
         anchors="CKV_AWS_293, CKV_AWS_139, RDS.7, RDS.8", applies=_primary),
    Rule("rds-final-snapshot", "A final snapshot is taken when the database is deleted",
         (INSTANCE, CLUSTER), must_not_be_true("skipFinalSnapshot", "no final snapshot will be taken"),
         fix="set skipFinalSnapshot: false and a fixed finalSnapshotIdentifier",
         unset_means="false (a final snapshot is taken)", anchors="no peer check", applies=_primary),
    Rule("rds-keep-automated-backups", "Automated backups are kept after the database is deleted",
         (INSTANCE, CLUSTER), must_not_be_true("deleteAutomatedBackups", "automated backups are deleted with the database", unset=True),
         fix="set deleteAutomatedBackups: false", unset_means="true (backups are deleted)",
         anchors="no peer check", applies=_primary),
    Rule("rds-protected-resource", "Databases carry Pulumi's protect option",
         (INSTANCE, CLUSTER), _protected, fix="add the resource option protect=True",
         unset_means="not protected", anchors="no peer check", applies=_primary),
    Rule("secret-recovery-window", "Deleted secrets can be recovered for a while",
         ("aws:secretsmanager/secret:Secret",), _recovery_window, fix="set recoveryWindowInDays (7-30)",
         unset_means="30 days", anchors="no peer check",
         config={"minimumDays": {"type": "integer", "minimum": 7, "maximum": 30, "default": 7,
                                 "description": "Shortest recovery window allowed"}}),
]


# --- retention ---------------------------------------------------------------------------------


def _backup_retention(prop: str, unset: int) -> Any:
    def check(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
        days = get(props, prop, unset)
        if days is UNKNOWN:
            return None
        days = int(days)
        if days < config["minimumDays"]:
            shown = f"{days}{' by default' if get(props, prop) is None else ''}"
            return f"backups are kept {shown} day(s), below the minimum of {config['minimumDays']:g} ({prop})"
        if days > 35:
            return f"{prop} is {days}; RDS keeps automated backups at most 35 days"
        return None

    return check


_MIN_RETENTION = {"minimumDays": {"type": "integer", "minimum": 1, "maximum": 35, "default": 7,
                                  "description": "Fewest days of automated backups"}}


def _log_retention(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    days = get(props, "retentionInDays", 0)
    if days is UNKNOWN or int(days) == 0:
        return None  # 0/unset keeps logs forever, which meets any minimum
    if int(days) < config["minimumDays"]:
        return f"logs are kept {int(days)} day(s), below the minimum of {config['minimumDays']:g} (retentionInDays)"
    return None


RETENTION = [
    Rule("rds-backup-retention", "Automated backups are kept at least the minimum number of days",
         (INSTANCE, CLUSTER), _backup_retention("backupRetentionPeriod", 1),
         fix="set backupRetentionPeriod between the minimum and 35", unset_means="1 day (the API default)",
         anchors="CKV_AWS_133, RDS.11, RDS.50, AG, CP", applies=_primary, config=_MIN_RETENTION),
    Rule("rds-backup-replication-retention", "Replicated backups are kept at least the minimum number of days",
         ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",),
         _backup_retention("retentionPeriod", 7), fix="set retentionPeriod between the minimum and 35",
         unset_means="7 days", anchors="no peer check", config=_MIN_RETENTION),
    Rule("log-group-retention", "CloudWatch log groups keep logs at least the minimum number of days",
         ("aws:cloudwatch/logGroup:LogGroup",), _log_retention, fix="raise retentionInDays",
         unset_means="never expire", anchors="CKV_AWS_338",
         config={"minimumDays": {"type": "integer", "minimum": 1, "default": 30,
                                 "description": "Fewest days a log group keeps its logs"}}),
]


# --- availability, monitoring, hygiene -----------------------------------------------------------

ENGINE_LOGS = {
    "postgres": ["postgresql", "upgrade"],
    "aurora-postgresql": ["postgresql"],
    "mysql": ["audit", "error", "general", "slowquery"],
    "mariadb": ["audit", "error", "general", "slowquery"],
    "aurora-mysql": ["audit", "error", "general", "slowquery"],
    "oracle-ee": ["alert", "audit", "trace", "listener"],
    "oracle-se2": ["alert", "audit", "trace", "listener"],
    "sqlserver-ee": ["error", "agent"],
    "sqlserver-se": ["error", "agent"],
    "sqlserver-ex": ["error"],  # Express has no SQL Server Agent
    "sqlserver-web": ["error", "agent"],
}
DEFAULT_USERNAMES = ["admin", "administrator", "postgres", "root", "sa", "master", "mysql", "user", "rdsadmin"]


def _monitoring(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    interval, role = get(props, "monitoringInterval", 0), get(props, "monitoringRoleArn")
    if interval is UNKNOWN or role is UNKNOWN:
        return None
    if int(interval) not in (1, 5, 10, 15, 30, 60):
        return f"enhanced monitoring is off (monitoringInterval is {int(interval)})"
    if not role:
        return "enhanced monitoring has no role (monitoringRoleArn unset)"
    return None


# A Multi-AZ DB cluster (an rds.Cluster with dbClusterInstanceClass) has no option groups,
# so RDS for MySQL there has no audit log to export.
MULTI_AZ_CLUSTER_LOGS = {"postgres": ["postgresql"], "mysql": ["error", "general", "slowquery"]}


def _log_exports(props: Any, _config: dict, _opts: Any = None) -> Optional[str]:
    engine, exports = get(props, "engine"), get(props, "enabledCloudwatchLogsExports")
    table = MULTI_AZ_CLUSTER_LOGS if get(props, "dbClusterInstanceClass") is not None else ENGINE_LOGS
    if engine is UNKNOWN or exports is UNKNOWN or engine not in table:
        return None
    missing = [log for log in table[engine] if log not in items(exports)]
    if missing:
        return f"{engine} logs not exported to CloudWatch: {', '.join(missing)} (enabledCloudwatchLogsExports)"
    return None


def _username(props: Any, config: dict, _opts: Any = None) -> Optional[str]:
    name = get(props, "username") or get(props, "masterUsername")
    if isinstance(name, str) and name.lower() in [u.lower() for u in config["forbidden"]]:
        return f"the master user name '{name}' is a well-known default"
    return None


AVAILABILITY = [
    Rule("rds-multi-az", "Primary instances run Multi-AZ", (INSTANCE,),
         must_be_true("multiAz", "Multi-AZ"), fix="set multiAz: true", unset_means="false",
         anchors="CKV_AWS_157, RDS.5, AG", applies=_primary),
    Rule("rds-enhanced-monitoring", "Enhanced monitoring is on with a role",
         (INSTANCE, CLUSTER_INSTANCE), _monitoring, fix="set monitoringInterval (1-60) and monitoringRoleArn",
         unset_means="0 (off)", anchors="CKV_AWS_118, RDS.6", severity="medium", applies=_primary),
    Rule("rds-performance-insights", "Performance Insights is on", (INSTANCE, CLUSTER_INSTANCE),
         must_be_true("performanceInsightsEnabled", "Performance Insights"),
         fix="set performanceInsightsEnabled: true", unset_means="false", anchors="CKV_AWS_353",
         severity="low", applies=_primary),
    Rule("rds-log-exports", "Engine logs are exported to CloudWatch Logs", (INSTANCE, CLUSTER),
         _log_exports, fix="add the missing logs to enabledCloudwatchLogsExports", unset_means="no exports",
         anchors="CKV_AWS_129, RDS.9", severity="medium", applies=_primary),
    Rule("rds-auto-minor-version-upgrade", "Minor engine versions are applied automatically",
         (INSTANCE, CLUSTER_INSTANCE), must_be_true("autoMinorVersionUpgrade", "automatic minor upgrades", unset=True),
         fix="set autoMinorVersionUpgrade: true", unset_means="true", anchors="CKV_AWS_226, RDS.13",
         severity="medium"),
    Rule("rds-copy-tags-to-snapshot", "Tags are copied to snapshots", (INSTANCE, CLUSTER),
         must_be_true("copyTagsToSnapshot", "copying tags to snapshots"), fix="set copyTagsToSnapshot: true",
         unset_means="false", anchors="CKV2_AWS_60, RDS.16, RDS.17", severity="low",
         applies=_primary),
    Rule("rds-iam-authentication", "IAM database authentication is on", (INSTANCE, CLUSTER),
         must_be_true("iamDatabaseAuthenticationEnabled", "IAM database authentication"),
         fix="set iamDatabaseAuthenticationEnabled: true", unset_means="false",
         anchors="CKV_AWS_161, RDS.10, RDS.12", severity="medium", applies=_primary),
    Rule("rds-no-default-master-username", "The master user name is not a well-known default",
         (INSTANCE, CLUSTER), _username, fix="choose another username / masterUsername",
         unset_means="required for a new database", anchors="RDS.24, RDS.25", severity="medium",
         applies=_primary,
         config={"forbidden": {"type": "array", "items": {"type": "string"}, "default": DEFAULT_USERNAMES,
                               "description": "User names refused as defaults"}}),
]

ALL = ENCRYPTION + PRIVATE_ACCESS + DATA_SAFETY + RETENTION + AVAILABILITY
