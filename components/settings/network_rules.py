"""Rules across keys about the network: existing subnets, their VPC, client security groups."""

from __future__ import annotations

from components.settings.base import config_key
from components.settings.model import Settings

# RDS User Guide, "Creating a Multi-AZ DB cluster for Amazon RDS", "DB cluster prerequisites" ->
# "Configure the network for the DB cluster": "It must be in an AWS Region that has at least three
# Availability Zones. The DB subnet group that you choose for the DB cluster must cover at least
# three Availability Zones." (pulumi-aws Cluster.availability_zones: "Multi-AZ DB clusters require
# exactly 3 Availability Zones in the DB subnet group".)
MULTI_AZ_CLUSTER_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/create-multi-az-db-cluster.html"


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
    if s.deployment_option == "multi-az-cluster":
        if s.uses_own_vpc and s.effective_az_count < 3:
            problems.append(
                f"{key('azCount')} = {s.effective_az_count} with {key('deploymentOption')} = 'multi-az-cluster': "
                "the DB subnet group of a Multi-AZ DB cluster must cover at least three availability zones; "
                f"set azCount: 3 or leave it unset (see {MULTI_AZ_CLUSTER_DOC}, prerequisites)")
        if s.subnet_ids and len(s.subnet_ids) < 3:
            problems.append(
                f"{key('subnetIds')} = {list(s.subnet_ids)} with {key('deploymentOption')} = 'multi-az-cluster': "
                "a Multi-AZ DB cluster needs subnets in at least three availability zones (one per zone; "
                f"the zones themselves are checked by AWS at create) — see {MULTI_AZ_CLUSTER_DOC}, prerequisites")
    return problems
