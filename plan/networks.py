"""The network ranges each stack builds, read from its stack file, and which of them overlap.

A stack builds an isolated VPC of `vpcCidr` (Pulumi.yaml's default when the stack file leaves it
out) unless it names existing `subnetIds`, and one of `disasterRecovery.vpcCidr` in its DR
region. Two stacks of one repository on overlapping ranges cannot be peered or routed to each
other later, and one copied from the other gets its range too: `make new-stack` picks a range
no stack uses, and the offline gate warns of an overlap (docs/environments.md).
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from plan.stack_config import PROJECT_DIR, StackConfigError, project_name, stack_config, stack_names

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
# Where new ranges come from: the private 10/8 block, a /16 each (a VPC's largest size).
POOL = ipaddress.IPv4Network("10.0.0.0/8")
NEW_PREFIX = 16


@dataclass(frozen=True)
class StackRange:
    stack: str
    key: str  # the config key, as in the stack file (`vpcCidr`, `disasterRecovery.vpcCidr`)
    network: Network

    def __str__(self) -> str:
        return f"stack {self.stack}'s {self.key} {self.network}"


def _network(text: object) -> Optional[Network]:
    try:
        return ipaddress.ip_network(str(text), strict=False) if text else None
    except ValueError:
        return None  # the settings' own check refuses it, with its key


def stack_ranges(stack: str, project_dir: Path = PROJECT_DIR, config: Optional[dict[str, str]] = None) -> list[StackRange]:
    """The ranges `stack` builds (none that cannot be read: the settings check reports those)."""
    try:
        config = config if config is not None else stack_config(stack, project_dir=project_dir)
        name = project_name(project_dir)
    except (StackConfigError, OSError):
        return []
    ranges = []
    subnets = config.get(f"{name}:subnetIds")
    own = _network(config.get(f"{name}:vpcCidr"))
    if own is not None and subnets in (None, "", "[]"):
        ranges.append(StackRange(stack, "vpcCidr", own))
    try:
        dr = json.loads(config.get(f"{name}:disasterRecovery") or "null")
    except json.JSONDecodeError:
        dr = None
    dr_network = _network(dr.get("vpcCidr")) if isinstance(dr, dict) else None
    if dr_network is not None:
        ranges.append(StackRange(stack, "disasterRecovery.vpcCidr", dr_network))
    return ranges


def all_ranges(project_dir: Path = PROJECT_DIR) -> list[StackRange]:
    return [r for stack in stack_names(project_dir) for r in stack_ranges(stack, project_dir)]


def overlaps(ranges: Iterable[StackRange]) -> list[tuple[StackRange, StackRange]]:
    """Pairs of ranges of two different stacks that overlap."""
    ranges = list(ranges)
    return [(a, b) for i, a in enumerate(ranges) for b in ranges[i + 1:]
            if a.stack != b.stack and a.network.version == b.network.version and a.network.overlaps(b.network)]


def overlap_warnings(stacks: Iterable[str], project_dir: Path = PROJECT_DIR) -> list[str]:
    """One line per overlap between a range of `stacks` and one of another stack of the project."""
    checked = set(stacks)
    return [f"{a} overlaps {b}: give one of them a range no other stack uses (docs/environments.md)"
            for a, b in overlaps(all_ranges(project_dir)) if a.stack in checked or b.stack in checked]


def free_range(used: Iterable[Network], prefix: int = NEW_PREFIX) -> ipaddress.IPv4Network:
    """The first /`prefix` of POOL that overlaps none of `used`."""
    taken = [n for n in used if n.version == 4]
    for candidate in POOL.subnets(new_prefix=prefix):
        if not any(candidate.overlaps(n) for n in taken):
            return candidate
    raise ValueError(f"no free /{prefix} left in {POOL}")
