"""After a switchover: the stack's config changes and the steps that align its state with green."""

from __future__ import annotations

import json
import shlex
from typing import Any, Optional

from operations import lookup
from operations.blue_green_args import CONFIG_KEYS
from operations.blue_green_versions import major_of

# The program's names (Pulumi.yaml `name`; components/platform.py, database.py, replica.py): the
# engine's URN of a resource carries the type of every ancestor below the stack.
PROJECT = "rdsplatform"
PLATFORM_TYPE = "rdsplatform:index:DatabasePlatform"


def instance_urn(stack: str, primary: str, identifier: str) -> str:
    """The URN of the program's aws.rds.Instance for `identifier` (the primary or one of its replicas)."""
    if identifier == primary:
        component, name = "rdsplatform:index:Database", f"{primary}-db-instance"
    else:
        replica = identifier.removeprefix(f"{primary}-")
        component, name = "rdsplatform:index:ReadReplica", f"{primary}-replica-{replica}-instance"
    return f"urn:pulumi:{stack}::{PROJECT}::{PLATFORM_TYPE}${component}$aws:rds/instance:Instance::{name}"


def _state_steps(stack: str, primary: str, tracked: dict[str, str]) -> list[str]:
    """Point the state's instances at the databases that now carry their names (by resource ID)."""
    # pulumi-aws reads an rds.Instance by its ID, the DbiResourceId, which stayed with the renamed
    # old instance: a plain refresh would adopt '<id>-old1' and --delete-old then deletes the
    # database the stack tracks. `pulumi state delete` is refused for a resource others depend on
    # (the connection secret, replicas, proxy target), so the export gets the new IDs instead.
    ids = json.dumps({instance_urn(stack, primary, name): rid for name, rid in tracked.items() if rid},
                     separators=(",", ":"))
    state, aligned = f"{stack}-state.json", f"{stack}-aligned.json"
    # Not read back after the switchover: its ID must be looked up, never guessed into the state.
    unread = [f"add {instance_urn(stack, primary, name)}: <its DbiResourceId> to ids (aws rds describe-db-instances "
              f"--db-instance-identifier {name} --query 'DBInstances[0].DbiResourceId')"
              for name, rid in tracked.items() if not rid]
    return unread + [
        f"pulumi stack export --stack {stack} --file {state}   # keep it: the state as it was",
        f"jq -e --argjson ids {shlex.quote(ids)} '[.deployment.resources[] | select($ids[.urn])] | length == "
        f"($ids | length)' {state}   # must print true; else find the URNs: pulumi stack --stack {stack} --show-urns",
        f"jq --argjson ids {shlex.quote(ids)} '.deployment.resources |= map(if $ids[.urn] then .id = $ids[.urn] "
        f"else . end)' {state} > {aligned}",
        f"pulumi stack import --stack {stack} --file {aligned}   # the state now tracks "
        + ", ".join(f"'{name}' as {rid}" for name, rid in tracked.items() if rid),
    ]


def stack_steps(blue_db: dict[str, Any], identifier: str, kind: str, wanted: dict[str, Any], green_version: str,
                tracked: Optional[dict[str, str]] = None) -> tuple[dict[str, Any], list[str]]:
    """The stack config the program needs to match what now runs, and the commands to align its state.

    `tracked`: for instances, each switched database's identifier and the resource ID it has now.
    """
    stack = lookup.tags(blue_db).get("Environment", "<stack>")
    config: dict[str, Any] = {}
    if "engine_version" in wanted:
        # The settings refuse a pinned minor version with autoMinorVersionUpgrade on (the next plan
        # would go back after RDS moved the minor): such a stack keeps the major version only.
        engine = blue_db.get("Engine", "")
        config["rdsplatform:engineVersion"] = (major_of(engine, green_version) if blue_db.get("AutoMinorVersionUpgrade")
                                               else green_version)
    for name, key in CONFIG_KEYS.items():
        if name != "engine_version" and name in wanted:
            config[f"rdsplatform:{key}"] = wanted[name]
    steps = [f"Pulumi.{stack}.yaml: {key}: {json.dumps(value)}" for key, value in config.items()]
    if "parameter_group" in wanted or "cluster_parameter_group" in wanted:
        steps.append("the program manages its own parameter group (rdsplatform:parameters): put the settings of the "
                     "group chosen here there, or the next up attaches the stack's group again")
    if kind == "instance":
        steps += _state_steps(stack, identifier, tracked or {})
        steps.append(f"pulumi refresh --stack {stack} --yes   # reads the instance now named '{identifier}' "
                     "(the former green)")
    else:
        # An rds.Cluster's (and ClusterInstance's) ID is its identifier, which the switchover gave green.
        steps.append(f"pulumi refresh --stack {stack} --yes   # the state reads the cluster now named '{identifier}' "
                     "(the former green)")
    steps.append(f"pulumi preview --stack {stack} --diff   # must show no replace or delete of '{identifier}'")
    return config, steps


def print_steps(out: Any, old: list[str], dep_id: str, steps: list[str]) -> None:
    out.note(f"the old (blue) environment is kept: {', '.join(old)}")
    out.note(f"delete it once the stack is aligned (below) and the new one is trusted: python -m operations "
             f"blue-green --deployment {dep_id} --delete-old --confirm {old[0]}")
    out.note("next, for the Pulumi stack:")
    for step in steps:
        out.note(f"  {step}")
