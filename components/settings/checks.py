"""Single-value checks the settings models share: instance classes, ids, CIDRs, ranges."""

from __future__ import annotations

import difflib
import ipaddress
import re

from components import catalog


def instance_class(v: str) -> str:
    """An RDS instance class of an offered family, e.g. db.t4g.micro."""
    match = re.fullmatch(catalog.INSTANCE_CLASS_PATTERN, v)
    if not match:
        raise ValueError("must look like db.<family>.<size>, e.g. db.t4g.micro or db.r7g.large")
    family, size = match.group("family"), match.group("size")
    if family not in catalog.INSTANCE_FAMILIES:
        allowed = ", ".join(sorted(catalog.INSTANCE_FAMILIES))
        raise ValueError(f"family {family!r} is not offered; allowed: {allowed}")
    sizes = catalog.INSTANCE_SIZES[family]
    if size not in sizes:
        close = difflib.get_close_matches(size, sizes, n=1)
        hint = f"did you mean db.{family}.{close[0]}? " if close else ""
        raise ValueError(f"db.{family} has no size {size!r}; {hint}sizes: {', '.join(sizes)} "
                         f"({catalog.INSTANCE_SIZES_SOURCE})")
    return v


def subnet_ids(v: tuple[str, ...]) -> tuple[str, ...]:
    """Subnet ids (subnet-0123abcd...)."""
    bad = [s for s in v if not re.fullmatch(r"subnet-[0-9a-f]{8,17}", s)]
    if bad:
        raise ValueError(f"{bad} are not subnet ids (subnet-0123abcd...)")
    return v


def security_group_ids(v: tuple[str, ...]) -> tuple[str, ...]:
    """Security group ids (sg-0123abcd...)."""
    bad = [s for s in v if not re.fullmatch(r"sg-[0-9a-f]{8,17}", s)]
    if bad:
        raise ValueError(f"{bad} are not security group ids (sg-0123abcd...)")
    return v


def private_cidrs(v: tuple[str, ...]) -> tuple[str, ...]:
    """Client CIDR blocks, each a private range."""
    for cidr in v:
        require_private_cidr(cidr)
    return v


def vpc_cidr(v: str) -> str:
    """A private IPv4 VPC range from /16 to /24, so each AZ gets a subnet."""
    net = require_private_cidr(v)
    # CloudFormation reference, AWS::EC2::VPCCidrBlock: "A VPC must have an associated IPv4 CIDR
    # block. You can optionally associate additional IPv4 CIDR blocks ... an IPv6 CIDR block";
    # the VPC's own range (aws.ec2.Vpc cidr_block) is that IPv4 block.
    if net.version != 4:
        raise ValueError(f"{v} is an IPv6 block; a VPC's own range is IPv4 (e.g. 10.42.0.0/16)")
    if not 16 <= net.prefixlen <= 24:
        raise ValueError(f"{v} must be between /16 and /24 so that each AZ gets a subnet")
    return v


def within(value: int, bounds: tuple[int, int], unit: str) -> int:
    """A value inside inclusive bounds."""
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"must be {bounds[0]}..{bounds[1]} {unit}")
    return value


def one_of(value: int, allowed: tuple[int, ...]) -> int:
    """A value from a fixed list."""
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(map(str, allowed))}")
    return value


def require_private_cidr(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The network of a private CIDR block, or a ValueError that says why not."""
    try:
        net = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        raise ValueError(f"{cidr!r} is not a CIDR block ({exc})") from None
    # is_private is also true for loopback and link-local ranges, which are never clients.
    if not net.is_private or net.is_loopback or net.is_link_local or net.prefixlen == 0:
        raise ValueError(f"{cidr} is not a private range (10/8, 172.16/12, 192.168/16, fc00::/7)")
    return net


def https_urls(v: tuple[str, ...]) -> tuple[str, ...]:
    """https:// URLs; the message names positions only, since the URLs may carry tokens."""
    bad = [str(i) for i, u in enumerate(v) if not re.fullmatch(r"https://[^\s/]+(/\S*)?", u)]
    if bad:
        raise ValueError(f"item(s) {', '.join(bad)} are not https:// URLs (https://host/path; SNS refuses "
                         "plain http for alarms here)")
    return v
