"""Single-value checks the settings models share: instance classes, ids, CIDRs, ranges."""

from __future__ import annotations

import ipaddress
import re

from components import catalog


def instance_class(v: str) -> str:
    """An RDS instance class of an offered family, e.g. db.t4g.micro."""
    match = re.fullmatch(catalog.INSTANCE_CLASS_PATTERN, v)
    if not match:
        raise ValueError("must look like db.<family>.<size>, e.g. db.t4g.micro or db.r7g.large")
    if match.group("family") not in catalog.INSTANCE_FAMILIES:
        allowed = ", ".join(sorted(catalog.INSTANCE_FAMILIES))
        raise ValueError(f"family {match.group('family')!r} is not offered; allowed: {allowed}")
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
    """A private VPC range from /16 to /24, so each AZ gets a subnet."""
    net = require_private_cidr(v)
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
