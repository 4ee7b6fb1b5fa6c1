"""Rules across keys about the network: existing subnets, their VPC, client security groups."""

from __future__ import annotations

from components.settings.base import config_key
from components.settings.model import Settings


def network_problems(s: Settings) -> list[str]:
    """Existing subnets need their VPC and two AZs; client security groups need that VPC."""
    problems: list[str] = []
    key = config_key
    if s.subnet_ids and not s.vpc_id:
        problems.append(f"{key('subnetIds')} is set but {key('vpcId')} is not: name the subnets' VPC")
    if s.vpc_id and len(s.subnet_ids) < 2:
        problems.append(
            f"{key('subnetIds')} = {list(s.subnet_ids)}: a DB subnet group needs private subnets "
            "in at least 2 availability zones"
        )
    if s.vpc_id is None and s.allowed_security_group_ids:
        problems.append(
            f"{key('allowedSecurityGroupIds')} needs {key('vpcId')}: security groups of another VPC "
            "cannot reach the platform's own VPC"
        )
    return problems
