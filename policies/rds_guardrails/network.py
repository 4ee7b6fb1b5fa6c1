"""Private access and encryption in transit (docs/controls.md): public access, open ingress to
database ports, subnet groups, RDS Proxy TLS and IAM auth, public snapshots. (TLS through
parameter groups looks across resources: stack_controls.py.)"""

from __future__ import annotations

from typing import Any, Optional

from rds_guardrails.facts import limit
from rds_guardrails.rule import ADVISORY, CLUSTER, CLUSTER_INSTANCE, INSTANCE, Rule, must_be_true, must_not_be_true
from rds_guardrails.values import UNKNOWN, get, is_cross_region_replica, items, replica_source


DEFAULT_DB_PORTS = [1433, 1521, 2484, 3306, 5432]
_OPEN = {"0.0.0.0/0", "::/0"}

# Each engine's default port (limits.json engineDefaultPorts, with its source). A read replica's
# default "Inherits from the source DB instance", a snapshot restore's is "The same port as the
# original", a cluster's point-in-time restore takes "The default port for the engine". RDS.23.
ENGINE_DEFAULT_PORTS: dict[str, int] = limit("engineDefaultPorts")
FSBP_SOURCE = "Security Hub User Guide, 'Security Hub CSPM controls for Amazon RDS', " \
              "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html"


def engine_default_port(engine: Any) -> Optional[int]:
    """The engine's default port ("oracle-ee" -> 1521), None for an unknown engine."""
    if not isinstance(engine, str):
        return None
    for prefix in sorted(ENGINE_DEFAULT_PORTS, key=len, reverse=True):
        if engine == prefix or engine.startswith(prefix + "-"):
            return ENGINE_DEFAULT_PORTS[prefix]
    return None


def _default_port(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    engine, port = get(props, "engine"), get(props, "port")
    default = engine_default_port(engine)
    if engine is UNKNOWN or port is UNKNOWN or default is None:
        return None
    if port is None:
        # A replica or a snapshot restore takes its source's port when none is given: no verdict.
        # (An instance's point-in-time restore: its default is not read here, so no verdict either.)
        if replica_source(props) is not None or get(props, "snapshotIdentifier"):
            return None
        if get(props, "restoreToPointInTime") and get(props, "clusterIdentifier") is None:
            return None
        return f"it listens on the {engine} default port {default} (port unset)"
    if int(port) == default:
        return f"it listens on the {engine} default port {default} (port is {int(port)})"
    return None


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


def _sg_inline(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    for rule in items(get(props, "ingress")):
        if rule is not UNKNOWN:
            problem = _ingress_problem(rule, config["ports"], "protocol")
            if problem:
                return problem
    return None


def _sg_rule(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    if get(props, "type") != "ingress":
        return None
    return _ingress_problem(props, config["ports"], "protocol")


def _vpc_ingress_rule(props: Any, config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    return _ingress_problem(props, config["ports"], "ipProtocol")


_PORTS_CONFIG = {"ports": {"type": "array", "items": {"type": "integer"}, "default": DEFAULT_DB_PORTS,
                           "description": "Ports treated as database ports"}}


def _public_ingress_rule(name: str, shape: str, type_: str, check: Any, instead: str) -> Rule:
    """The same control for each of the three ways AWS lets a program write an ingress rule."""
    return Rule(name, f"No 0.0.0.0/0 or ::/0 ingress reaches a database port ({shape})", (type_,), check,
                fix=f"replace the open CIDR with {instead} or a private CIDR",
                unset_means="no ingress", anchors="no peer check on DB ports", severity="critical",
                config=_PORTS_CONFIG)


def _subnet_group(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    value = get(props, "dbSubnetGroupName")
    if value is UNKNOWN or value:
        return None
    return "no DB subnet group (dbSubnetGroupName unset places it in the default VPC)"


def _same_region_replica_inherits(props: Any) -> bool:
    # A same-region replica lands in its source's VPC; a cross-region one needs its own group.
    return replica_source(props) is None or is_cross_region_replica(props)


def _proxy_iam(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    if get(props, "auths") is UNKNOWN:
        return None
    auths = items(get(props, "auths"))
    modes = [get(a, "iamAuth") for a in auths if a is not UNKNOWN]
    if UNKNOWN in auths or UNKNOWN in modes:
        return None
    if not auths or any(m != "REQUIRED" for m in modes):
        return "clients may connect without IAM authentication (auths[].iamAuth is not REQUIRED)"
    return None


def _snapshot_public(props: Any, _config: dict[str, Any], _opts: Any = None) -> Optional[str]:
    shared = items(get(props, "sharedAccounts"))
    if "all" in shared:
        return "the snapshot is shared publicly (sharedAccounts contains 'all')"
    return None


RULES = [
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
         enforcement_level=ADVISORY),
    Rule("rds-no-default-port", "Databases do not listen on their engine's default port",
         (INSTANCE, CLUSTER), _default_port, fix="set port to a port other than the engine's default",
         unset_means="the engine's default port (3306, 5432, 1521, 1433, 50000)", anchors="RDS.23",
         severity="low", source=f"{FSBP_SOURCE}, RDS.23", enforcement_level=ADVISORY),
    Rule("rds-snapshot-not-public", "Manual snapshots are not shared publicly",
         ("aws:rds/snapshot:Snapshot", "aws:rds/clusterSnapshot:ClusterSnapshot"), _snapshot_public,
         fix="remove 'all' from sharedAccounts", unset_means="not shared", anchors="CKV_AWS_302, RDS.1",
         severity="critical"),
]
