"""Where the database may be reached from: a DB subnet group and a locked-down security group."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Optional, Sequence, TypeVar

import pulumi
import pulumi_aws as aws


@dataclass
class NetworkArgs:
    """Either existing private subnets (vpc_id + subnet_ids) or a CIDR for an isolated VPC."""

    region: str
    port: int
    vpc_id: Optional[str] = None
    subnet_ids: Sequence[str] = ()
    vpc_cidr: str = "10.42.0.0/16"
    az_count: int = 2
    allowed_cidrs: Sequence[str] = ()
    allowed_security_group_ids: Sequence[str] = ()
    description: str = "database"
    # An interface endpoint for Secrets Manager in the isolated VPC, for the password rotation
    # function and RDS Proxy, which have no other way to it (no NAT here).
    secrets_manager_endpoint: bool = False
    # An existing DB subnet group the stack takes over by name (pulumi-aws `rds.SubnetGroup`
    # import by `name`): a cluster cannot move to another without being replaced.
    subnet_group_import_id: Optional[str] = None

    def __post_init__(self) -> None:
        # Settings refuse subnetIds without vpcId; without one the security group would land in
        # the region's default VPC, away from the subnets.
        if self.subnet_ids and self.vpc_id is None:
            raise ValueError(f"NetworkArgs: subnet_ids {list(self.subnet_ids)} need vpc_id, the VPC they are in")


def subnet_cidrs(vpc_cidr: str, count: int) -> list[str]:
    """Carve `count` equal subnets from the VPC, 16 per VPC at most, /28 at the smallest."""
    net = ipaddress.ip_network(vpc_cidr)
    prefix = min(net.prefixlen + 4, 28)
    return [str(s) for s in list(net.subnets(new_prefix=prefix))[:count]]


# Either rule class: both take the same arguments.
_TcpRule = TypeVar("_TcpRule", aws.vpc.SecurityGroupIngressRule, aws.vpc.SecurityGroupEgressRule)


def _tcp_rule(rule_class: type[_TcpRule], name: str, *, security_group_id: pulumi.Input[str], port: int, region: str,
              description: str, parent: pulumi.Resource, cidr: Optional[str],
              group_id: Optional[pulumi.Input[str]]) -> _TcpRule:
    """One rule of `rule_class` on one TCP port, for a CIDR (IPv4 or IPv6) or another group."""
    peer: dict[str, Any] = ({"referenced_security_group_id": group_id} if group_id is not None
                            else {"cidr_ipv6" if ":" in str(cidr) else "cidr_ipv4": cidr})
    return rule_class(
        name,
        region=region,
        security_group_id=security_group_id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=description,
        **peer,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def tcp_ingress(name: str, *, security_group_id: pulumi.Input[str], port: int, region: str,
                description: str, parent: pulumi.Resource, cidr: Optional[str] = None,
                source_group_id: Optional[pulumi.Input[str]] = None) -> aws.vpc.SecurityGroupIngressRule:
    """One ingress rule on one TCP port, from a CIDR (IPv4 or IPv6) or from another group."""
    return _tcp_rule(aws.vpc.SecurityGroupIngressRule, name, security_group_id=security_group_id, port=port,
                     region=region, description=description, parent=parent, cidr=cidr, group_id=source_group_id)


def tcp_egress(name: str, *, security_group_id: pulumi.Input[str], port: int, region: str,
               description: str, parent: pulumi.Resource, cidr: Optional[str] = None,
               target_group_id: Optional[pulumi.Input[str]] = None) -> aws.vpc.SecurityGroupEgressRule:
    """One egress rule on one TCP port, to a CIDR (IPv4 or IPv6) or to another group."""
    return _tcp_rule(aws.vpc.SecurityGroupEgressRule, name, security_group_id=security_group_id, port=port,
                     region=region, description=description, parent=parent, cidr=cidr, group_id=target_group_id)


def allow_clients(name: str, *, security_group_id: pulumi.Input[str], port: int, region: str,
                  cidrs: Sequence[str], group_ids: Sequence[pulumi.Input[str]], what: str,
                  parent: pulumi.Resource) -> None:
    """One rule per allowed source, each with a description: reviewers see who may connect."""
    for i, cidr in enumerate(cidrs):
        tcp_ingress(f"{name}-from-cidr-{i}", security_group_id=security_group_id, port=port, region=region,
                    description=f"{what} port from {cidr}", parent=parent, cidr=cidr)
    for i, group_id in enumerate(group_ids):
        tcp_ingress(f"{name}-from-sg-{i}", security_group_id=security_group_id, port=port, region=region,
                    description=f"{what} port from {group_id}", parent=parent, source_group_id=group_id)


class Network(pulumi.ComponentResource):
    """The DB subnet group and the database security group in one region."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.endpoint_security_group_id: Optional[pulumi.Output[str]] = None
        if args.subnet_ids:
            assert args.vpc_id is not None  # NetworkArgs refuses subnet_ids without it
            vpc_id: pulumi.Input[str] = args.vpc_id
            subnet_ids: list[pulumi.Input[str]] = list(args.subnet_ids)
        else:
            vpc_id, subnet_ids = self._isolated_vpc(name, args, child)

        adopted = args.subnet_group_import_id
        self.subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            region=args.region,
            # Auto-named, unless adopted: then its own name (the name is force-new).
            name=adopted,
            description=f"Private subnets of the {args.description}",
            subnet_ids=subnet_ids,
            # An adopted group predates the stack: a destroy leaves it where it was.
            opts=child.merge(pulumi.ResourceOptions(import_=adopted, retain_on_delete=True)) if adopted else child,
        )
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            region=args.region,
            vpc_id=vpc_id,
            description=f"Clients of the {args.description}",
            # Rules live in their own resources below; inline rules would fight them.
            revoke_rules_on_delete=True,
            opts=child,
        )
        allow_clients(name, security_group_id=self.security_group.id, port=args.port, region=args.region,
                      cidrs=args.allowed_cidrs, group_ids=args.allowed_security_group_ids,
                      what="database", parent=self)

        self.vpc_id = pulumi.Output.from_input(vpc_id)
        self.subnet_ids = subnet_ids
        self.subnet_group_name = self.subnet_group.name
        self.security_group_id = self.security_group.id
        self.register_outputs({
            "vpc_id": self.vpc_id,
            "subnet_group_name": self.subnet_group_name,
            "security_group_id": self.security_group_id,
        })

    def _isolated_vpc(self, name: str, args: NetworkArgs,
                      child: pulumi.ResourceOptions) -> tuple[pulumi.Output[str], list[pulumi.Input[str]]]:
        # No internet gateway and no NAT: the database needs neither, and a route to the
        # internet is one misconfiguration away from a public database.
        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            region=args.region,
            cidr_block=args.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            opts=child,
        )
        # The VPC's default group allows all traffic between its members; strip it (CKV2_AWS_12).
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", region=args.region, vpc_id=vpc.id, opts=child)
        zones = aws.get_availability_zones_output(state="available", region=args.region)
        subnets = [
            aws.ec2.Subnet(
                f"{name}-private-{i}",
                region=args.region,
                vpc_id=vpc.id,
                cidr_block=cidr,
                # The subnet count comes from settings, so every subnet is visible at preview;
                # only the zone name waits for the lookup.
                availability_zone=zones.names[i],
                map_public_ip_on_launch=False,
                opts=child,
            )
            for i, cidr in enumerate(subnet_cidrs(args.vpc_cidr, args.az_count))
        ]
        subnet_ids: list[pulumi.Input[str]] = [s.id for s in subnets]
        if args.secrets_manager_endpoint:
            self._secrets_manager_endpoint(name, args, vpc.id, subnet_ids, child)
        return vpc.id, subnet_ids

    def _secrets_manager_endpoint(self, name: str, args: NetworkArgs, vpc_id: pulumi.Input[str],
                                  subnet_ids: list[pulumi.Input[str]], child: pulumi.ResourceOptions) -> None:
        # AWS Secrets Manager User Guide, "Network access for Lambda rotation function": "If your
        # Lambda function runs in a VPC that doesn't have internet access, we recommend you configure
        # Secrets Manager service private endpoints within your VPC. Your VPC can then intercept
        # requests addressed to the public regional endpoint and redirect them to the private
        # endpoint" (private DNS; needs enable_dns_support/hostnames, set on the VPC above).
        # https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-function-network-access.html
        group = aws.ec2.SecurityGroup(
            f"{name}-secrets-endpoint-sg",
            region=args.region,
            vpc_id=vpc_id,
            description=f"Secrets Manager endpoint of the {args.description} VPC",
            revoke_rules_on_delete=True,
            opts=child,
        )
        # HTTPS from inside the VPC only (the rotation function's and the proxy's interfaces).
        tcp_ingress(f"{name}-secrets-endpoint-from-vpc", security_group_id=group.id, port=443, region=args.region,
                    description="HTTPS to Secrets Manager from the VPC", parent=self, cidr=args.vpc_cidr)
        aws.ec2.VpcEndpoint(
            f"{name}-secrets-endpoint",
            region=args.region,
            vpc_id=vpc_id,
            service_name=f"com.amazonaws.{args.region}.secretsmanager",
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=subnet_ids,
            security_group_ids=[group.id],
            opts=child,
        )
        self.endpoint_security_group_id = group.id
