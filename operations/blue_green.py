"""blue-green: create a green environment with the requested changes, check it, switch over when asked.

One call per decision, so a person can approve in between:
1. `--db-instance ID | --db-cluster ID` + changes + `--confirm ID`: the changes are checked against
   AWS's blue/green limitations (exit 2, nothing created), the deployment is created, the run waits
   until green is available and runs the pre-switchover checks; it stops there unless `--switchover`.
2. `--deployment BGD --switchover --confirm <blue ID>`: the checks again, then the switchover
   (refused while a check fails), then the old (blue) environment and the stack's alignment steps.
3. `--deployment BGD --delete-old --confirm <old ID>`: the deployment record and the old
   environment are deleted (final snapshot first for a primary).

AWS rules relied on (docs/aws-rules.md rows 5, 6, 70-76, 83):
- RDS UG *Supported Regions and DB engines for Amazon RDS Blue/Green Deployments*: not RDS for
  Db2, SQL Server or Oracle; Aurora UG *Supported Regions and Aurora DB engines for Blue/Green
  Deployments*: Aurora MySQL and Aurora PostgreSQL.
- RDS UG / Aurora UG *Limitations and considerations for ... blue/green deployments* -> General
  limitations: no master password managed in Secrets Manager; not for cascading or cross-Region
  read replicas, Multi-AZ DB cluster deployments, Aurora Serverless v1; the blue database can't
  get a higher engine version than green; MySQL limitations: no major version upgrade at creation
  when the source has a custom option group.
- RDS API *CreateBlueGreenDeployment*: TargetDBInstanceClass does not apply to Aurora clusters;
  TargetStorageType (gp2 | gp3 | io1 | io2), TargetIops, TargetAllocatedStorage and
  TargetStorageThroughput (gp3 only) do not apply to Aurora; BlueGreenDeploymentName 1-60 characters.
- RDS API *DescribeDBEngineVersions*: ValidUpgradeTarget lists the versions a version can be
  upgraded to; DBParameterGroupFamily the family a version's parameter group must be of.
- RDS UG *Switching a blue/green deployment* -> Switchover timeout: 30-3,600 s, default 300; if it
  takes longer "any changes are rolled back and no changes are made to either environment";
  -> Switchover guardrails (replication health, replica lag, no long-running writes or DDL);
  -> Switchover best practices (ReplicaLag, pending maintenance, parameter groups in sync).
- RDS API *DeleteBlueGreenDeployment*: DeleteTarget can't be given once the status is
  SWITCHOVER_COMPLETED (the old environment is deleted instance by instance here instead).
- pulumi-aws `rds.Instance` (terraform-provider-aws v5.0.0, #31232): the resource's ID is the
  DbiResourceId, which the switchover leaves with the renamed old instance; import is by
  identifier. `rds.Cluster`: import (and the ID) by cluster identifier (docs/aws-rules.md row 83).
"""

from __future__ import annotations

import argparse

from operations import blue_green_args
# The runbook's public names, where the other runbooks, docs/aws-rules.md and the tests find them.
from operations.blue_green_args import requested as requested
from operations.blue_green_limits import Blue as Blue, change_problems as change_problems, unsupported as unsupported
from operations.blue_green_readiness import readiness as readiness
from operations.blue_green_state import instance_urn as instance_urn, stack_steps as stack_steps
from operations.blue_green_steps import create, delete_old as delete_old, resume
from operations.blue_green_versions import major_of as major_of
from operations.runbook import Context

HELP = ("blue/green deployment: create green with changes, check it, switch over (--switchover), "
        "delete the old environment (--delete-old)")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The database or the deployment, the changes, --switchover, --delete-old and --confirm."""
    blue_green_args.add_arguments(p)


def run(ctx: Context) -> int:
    """Create, resume (and switch over), or delete the old environment."""
    args = ctx.args
    if args.delete_old:
        return delete_old(ctx)
    if args.deployment:
        return resume(ctx)
    return create(ctx)
