"""A blue/green deployment as RDS describes it: its members, what it created, waiting on its status."""

from __future__ import annotations

from typing import Any, Optional

from operations import lookup
from operations.clients import AWS_ERRORS, error_code
from operations.errors import RunbookError
from operations.runbook import Context
from operations.waiting import wait_for


def describe(ctx: Context, identifier: str) -> dict[str, Any]:
    """One blue/green deployment; RunbookError when it does not exist."""
    try:
        found = ctx.clients.rds().describe_blue_green_deployments(BlueGreenDeploymentIdentifier=identifier)
    except AWS_ERRORS as exc:
        if error_code(exc) == "BlueGreenDeploymentNotFoundFault":
            raise RunbookError(f"no blue/green deployment '{identifier}' in {ctx.clients.region}") from None
        raise
    match = [d for d in found.get("BlueGreenDeployments") or [] if d.get("BlueGreenDeploymentIdentifier") == identifier]
    if not match:
        raise RunbookError(f"no blue/green deployment '{identifier}' in {ctx.clients.region}")
    result: dict[str, Any] = match[0]
    return result


def name_of(arn: str) -> str:
    """The identifier at the end of an RDS ARN (arn:aws:rds:<region>:<account>:db:<id>)."""
    return arn.split(":")[-1]


def kind_of(arn: str) -> str:
    return "cluster" if ":cluster:" in arn else "instance"


def members(dep: dict[str, Any]) -> list[tuple[str, str]]:
    """(blue member ARN, green member ARN) of every database of the deployment."""
    details = dep.get("SwitchoverDetails") or []
    pairs = [(d.get("SourceMember", ""), d.get("TargetMember", "")) for d in details]
    return pairs or [(dep.get("Source", ""), dep.get("Target", ""))]


def describe_arn(ctx: Context, arn: str) -> Optional[dict[str, Any]]:
    """The instance or cluster an ARN names, or None when it is gone."""
    name = name_of(arn)
    try:
        return lookup.cluster(ctx.clients, name) if kind_of(arn) == "cluster" else lookup.instance(ctx.clients, name)
    except RunbookError:
        return None


def resource_id(db: dict[str, Any]) -> str:
    """The resource ID RDS keeps for the life of an instance or cluster, whatever its name."""
    return db.get("DbClusterResourceId") or db.get("DbiResourceId") or ""


def created_by(dep: dict[str, Any]) -> dict[str, Any]:
    """What the deployment created, for every output line after the create call."""
    return {"deployment": dep.get("BlueGreenDeploymentIdentifier"), "name": dep.get("BlueGreenDeploymentName"),
            "green": [name_of(g) for _, g in members(dep) if g]}


def wait_status(ctx: Context, dep_id: str, what: str, wanted: set[str], stop: set[str], timeout: float) -> tuple[dict[str, Any], float]:
    """Poll the deployment until its status is in `wanted` (or in `stop`, which ends the wait too)."""
    return wait_for(ctx.out, what, lambda: describe(ctx, dep_id), lambda d: d.get("Status") in wanted | stop,
                    timeout, lambda d: d.get("Status", "?"))
