"""Where the database may be reached from: a DB subnet group and a locked-down security group."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional, Sequence

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


def subnet_cidrs(vpc_cidr: str, count: int) -> list[str]:
    """Carve `count` equal subnets from the VPC, 16 per VPC at most, /28 at the smallest."""
    net = ipaddress.ip_network(vpc_cidr)
    prefix = min(net.prefixlen + 4, 28)
    return [str(s) for s in list(net.subnets(new_prefix=prefix))[:count]]


class Network(pulumi.ComponentResource):
    """The DB subnet group and the database security group in one region."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("rdsplatform:index:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        if args.subnet_ids:
            vpc_id: pulumi.Input[str] = args.vpc_id
            subnet_ids: list[pulumi.Input[str]] = list(args.subnet_ids)
        else:
            vpc_id, subnet_ids = self._isolated_vpc(name, args, child)

        self.subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            region=args.region,
            description=f"Private subnets of the {args.description}",
            subnet_ids=subnet_ids,
            opts=child,
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
        # One rule per source, each with a description: reviewers see exactly who may connect.
        for i, cidr in enumerate(args.allowed_cidrs):
            self.allow_cidr(f"{name}-from-cidr-{i}", cidr, args.port, args.region)
        for i, group_id in enumerate(args.allowed_security_group_ids):
            self.allow_security_group(f"{name}-from-sg-{i}", group_id, args.port, args.region,
                                      f"database port from {group_id}")

        self.vpc_id = pulumi.Output.from_input(vpc_id)
        self.subnet_ids = subnet_ids
        self.subnet_group_name = self.subnet_group.name
        self.security_group_id = self.security_group.id
        self.register_outputs({
            "vpc_id": self.vpc_id,
            "subnet_group_name": self.subnet_group_name,
            "security_group_id": self.security_group_id,
        })

    def allow_cidr(self, name: str, cidr: str, port: int, region: str) -> aws.vpc.SecurityGroupIngressRule:
        """Let a private CIDR reach the database port."""
        family = "cidr_ipv6" if ":" in cidr else "cidr_ipv4"
        return aws.vpc.SecurityGroupIngressRule(
            name,
            region=region,
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=f"database port from {cidr}",
            **{family: cidr},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def allow_security_group(self, name: str, group_id: pulumi.Input[str], port: int, region: str,
                             description: str) -> aws.vpc.SecurityGroupIngressRule:
        """Let members of another security group reach the database port."""
        return aws.vpc.SecurityGroupIngressRule(
            name,
            region=region,
            security_group_id=self.security_group.id,
            referenced_security_group_id=group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=description,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _isolated_vpc(self, name: str, args: NetworkArgs, child: pulumi.ResourceOptions):
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
        return vpc.id, [s.id for s in subnets]
