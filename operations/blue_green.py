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
import datetime
import json
import re
import shlex
from dataclasses import dataclass
from typing import Any, Optional

from operations import lookup
from operations.cli import require_confirm
from operations.clients import AWS_ERRORS, describe_error, error_code
from operations.errors import RunbookError
from operations.pack import engine_version
from operations.identifiers import db_identifier, derived_name, positive_seconds, same_identifier
from operations.waiting import WaitTimeout, wait_for

HELP = ("blue/green deployment: create green with changes, check it, switch over (--switchover), "
        "delete the old environment (--delete-old)")

RDS_ENGINES = ("mysql", "mariadb", "postgres")
AURORA_ENGINES = ("aurora-mysql", "aurora-postgresql")
STORAGE_TYPES = ("gp2", "gp3", "io1", "io2")
SWITCHOVER_TIMEOUT = range(30, 3601)
NAME_MAX = 60  # CreateBlueGreenDeployment, BlueGreenDeploymentName
CONSIDERATIONS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/blue-green-deployments-considerations.html"
AURORA_CONSIDERATIONS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/blue-green-deployments-considerations.html"
ENGINES_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.RDS_Fea_Regions_DB-eng.Feature.BlueGreenDeployments.html"
# The config keys of this project's stacks that each requested change corresponds to.
CONFIG_KEYS = {"engine_version": "engineVersion", "instance_class": "instanceClass", "storage_type": "storageType",
               "allocated_storage": "allocatedStorage", "iops": "iops", "storage_throughput": "storageThroughput"}
# A lag measured longer ago than this does not show that replication is caught up now.
LAG_WINDOW_MINUTES = 10
BLUE_RESOURCE_TAG = "ops:blue-resource-id"
# The program's names (Pulumi.yaml `name`; components/platform.py, database.py, replica.py): the
# engine's URN of a resource carries the type of every ancestor below the stack.
PROJECT = "rdsplatform"
PLATFORM_TYPE = "rdsplatform:index:DatabasePlatform"


def _deployment_id(value: str) -> str:
    """A blue/green deployment identifier as the API allows it (1-255, [A-Za-z][0-9A-Za-z-:._]*)."""
    if not (1 <= len(value) <= 255 and re.fullmatch(r"[A-Za-z][0-9A-Za-z\-:._]*", value)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a blue/green deployment identifier "
                                         "(1-255 characters: a letter, then letters, digits, - : . _)")
    return value


def _positive_int(value: str) -> int:
    """A whole number above zero (GiB, IOPS, MiB/s)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above zero")
    return number


def _switchover_seconds(value: str) -> int:
    """SwitchoverTimeout: 30-3600 whole seconds (Switching a blue/green deployment -> Switchover timeout)."""
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds not in SWITCHOVER_TIMEOUT:
        raise argparse.ArgumentTypeError(f"{value!r} is not a switchover timeout (whole seconds, 30-3600)")
    return seconds


def add_arguments(p: Any) -> None:
    """The database or the deployment, the changes, --switchover, --delete-old and --confirm."""
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--db-instance", metavar="ID", type=db_identifier, help="create a deployment of this instance")
    which.add_argument("--db-cluster", metavar="ID", type=db_identifier, help="create a deployment of this Aurora cluster")
    which.add_argument("--deployment", metavar="BGD", type=_deployment_id,
                       help="resume a deployment created earlier (its identifier, bgd-...)")
    p.add_argument("--engine-version", metavar="VERSION", help="green's engine version (a major upgrade too)")
    p.add_argument("--instance-class", metavar="CLASS", help="green's instance class (instances only)")
    p.add_argument("--parameter-group", metavar="NAME", help="green's DB parameter group")
    p.add_argument("--cluster-parameter-group", metavar="NAME", help="green's DB cluster parameter group (Aurora)")
    p.add_argument("--storage-type", choices=STORAGE_TYPES, help="green's storage type (instances only)")
    p.add_argument("--allocated-storage", type=_positive_int, metavar="GIB", help="green's storage (instances only)")
    p.add_argument("--iops", type=_positive_int, help="green's provisioned IOPS (io1, io2, gp3)")
    p.add_argument("--storage-throughput", type=_positive_int, metavar="MIBPS", help="green's throughput (gp3)")
    p.add_argument("--switchover", action="store_true", help="switch over once every check passes")
    p.add_argument("--switchover-timeout", type=_switchover_seconds, default=300, metavar="SECONDS",
                   help="RDS rolls the switchover back after this long (30-3600, default 300)")
    p.add_argument("--max-replica-lag", type=positive_seconds, default=30, metavar="SECONDS",
                   help="green's ReplicaLag may be at most this before a switchover (default 30)")
    p.add_argument("--delete-old", action="store_true",
                   help="after a switchover: delete the old (blue) environment of --deployment")
    p.add_argument("--confirm", metavar="ID", type=db_identifier,
                   help="the database the call changes: the blue database, or the old one for --delete-old")


# --- what the run asks for -------------------------------------------------------------------

def requested(args: Any) -> dict[str, Any]:
    """The changes asked for, by CONFIG_KEYS name (and the parameter groups)."""
    changes = {name: getattr(args, name) for name in (*CONFIG_KEYS, "parameter_group", "cluster_parameter_group")}
    return {k: v for k, v in changes.items() if v is not None}


_version_key = engine_version.numbers


def major_of(engine: str, version: str) -> str:
    """The major version as the stack's engineVersion takes it: PostgreSQL '16', MySQL/MariaDB '8.0'."""
    return engine_version.major_of(engine, version) or version


@dataclass
class Blue:
    """The database a deployment starts from."""

    kind: str  # "instance" or "cluster"
    identifier: str
    description: dict

    @property
    def arn(self) -> str:
        return self.description["DBClusterArn" if self.kind == "cluster" else "DBInstanceArn"]

    @property
    def engine(self) -> str:
        return self.description.get("Engine", "")

    @property
    def version(self) -> str:
        return self.description.get("EngineVersion", "")


def unsupported(ctx: Any, blue: Blue) -> list[str]:
    """Why blue/green deployments are not possible for this database (AWS's limitations), or []."""
    db, problems = blue.description, []
    clients = ctx.clients
    if blue.kind == "instance":
        if db.get("DBClusterIdentifier"):
            problems.append(f"'{blue.identifier}' is a member of cluster {db['DBClusterIdentifier']}: "
                            f"use --db-cluster {db['DBClusterIdentifier']}")
        if blue.engine not in RDS_ENGINES:
            problems.append(f"engine {blue.engine}: RDS blue/green deployments support MySQL, MariaDB and PostgreSQL "
                            f"only (not Db2, SQL Server, Oracle; {ENGINES_DOC})")
        for replica in db.get("ReadReplicaDBInstanceIdentifiers") or []:
            if replica.startswith("arn:"):
                problems.append(f"cross-Region read replica {replica}: not supported by blue/green deployments "
                                f"({CONSIDERATIONS}, General limitations)")
                continue
            own = lookup.instance_or_none(clients, replica) or {}
            if own.get("ReadReplicaDBInstanceIdentifiers"):
                problems.append(f"read replica {replica} has replicas of its own (cascading read replicas): not "
                                f"supported by blue/green deployments ({CONSIDERATIONS}, General limitations)")
    else:
        if blue.engine not in AURORA_ENGINES:
            problems.append(f"engine {blue.engine}: a Multi-AZ DB cluster; blue/green deployments support Multi-AZ "
                            f"DB instance deployments, not Multi-AZ DB clusters ({CONSIDERATIONS}, General limitations)")
        if db.get("EngineMode") == "serverless":
            problems.append(f"Aurora Serverless v1: not supported by blue/green deployments ({AURORA_CONSIDERATIONS})")
        for replica in db.get("ReadReplicaIdentifiers") or []:
            problems.append(f"cross-Region read replica {replica}: not supported by blue/green deployments "
                            f"({AURORA_CONSIDERATIONS}, General limitations)")
    if db.get("MasterUserSecret"):
        problems.append("the master password is managed in AWS Secrets Manager: blue/green deployments don't support "
                        f"that ({CONSIDERATIONS if blue.kind == 'instance' else AURORA_CONSIDERATIONS}, General limitations)")
    return problems


def _engine_version(ctx: Any, engine: str, version: str) -> Optional[dict]:
    found = ctx.clients.rds().describe_db_engine_versions(Engine=engine, EngineVersion=version).get("DBEngineVersions")
    return next((v for v in found or [] if v.get("EngineVersion") == version), None)


def change_problems(ctx: Any, blue: Blue, changes: dict[str, Any]) -> list[str]:
    """Why RDS would refuse (or blue/green does not allow) the requested changes, or []."""
    problems: list[str] = []
    db = blue.description
    if blue.kind == "cluster":
        for name in ("instance_class", "storage_type", "allocated_storage", "iops", "storage_throughput"):
            if name in changes:
                problems.append(f"--{name.replace('_', '-')}: does not apply to an Aurora blue/green deployment "
                                "(CreateBlueGreenDeployment); change the green instances once it exists")
    elif "cluster_parameter_group" in changes:
        problems.append("--cluster-parameter-group: an instance has no DB cluster parameter group")
    storage = changes.get("storage_type") or db.get("StorageType")
    if "iops" in changes and storage not in ("io1", "io2", "gp3"):
        problems.append(f"--iops with storage type {storage}: provisioned IOPS need io1, io2 or gp3")
    if "storage_throughput" in changes and storage != "gp3":
        problems.append(f"--storage-throughput with storage type {storage}: throughput applies to gp3 only")
    if changes.get("allocated_storage") is not None and changes["allocated_storage"] < 20 and blue.kind == "instance":
        problems.append(f"--allocated-storage {changes['allocated_storage']}: RDS instances take at least 20 GiB")

    target = changes.get("engine_version", blue.version)
    family = None
    if target != blue.version:
        current = _engine_version(ctx, blue.engine, blue.version)
        targets = {t["EngineVersion"]: t for t in (current or {}).get("ValidUpgradeTarget") or []
                   if t.get("Engine", blue.engine) == blue.engine}
        if current is None:
            problems.append(f"engine {blue.engine} {blue.version}: DescribeDBEngineVersions does not list it, so its "
                            "upgrade targets are unknown")
        elif target not in targets:
            if _version_key(target) < _version_key(blue.version):
                problems.append(f"--engine-version {target} is below blue's {blue.version}: green can't run an older "
                                f"version than blue ({CONSIDERATIONS}, General limitations)")
            else:
                allowed = sorted(targets, key=_version_key)
                problems.append(f"--engine-version {target} is not an upgrade target of {blue.engine} {blue.version} "
                                f"(DescribeDBEngineVersions ValidUpgradeTarget: {', '.join(allowed[-12:]) or 'none'})")
        else:
            major = bool(targets[target].get("IsMajorVersionUpgrade"))
            groups = [g.get("OptionGroupName", "") for g in db.get("OptionGroupMemberships") or []]
            custom = [g for g in groups if g and not g.startswith("default:")]
            if major and blue.engine == "mysql" and custom:
                problems.append(f"--engine-version {target} is a major upgrade and the source has the custom option "
                                f"group {custom[0]}: RDS for MySQL blue/green deployments can't take a major upgrade "
                                "at creation then; create it without, and upgrade green afterwards "
                                f"({CONSIDERATIONS}, RDS for MySQL limitations)")
            family = (_engine_version(ctx, blue.engine, target) or {}).get("DBParameterGroupFamily")
    else:
        family = (_engine_version(ctx, blue.engine, blue.version) or {}).get("DBParameterGroupFamily") \
            if ("parameter_group" in changes or "cluster_parameter_group" in changes) else None

    if family is None and ("parameter_group" in changes or "cluster_parameter_group" in changes):
        problems.append(f"cannot tell the parameter group family of {blue.engine} {target} (DescribeDBEngineVersions "
                        "does not list it), so the group's family cannot be checked")
    problems += _group_problems(ctx, changes, family)
    return problems


def _group_problems(ctx: Any, changes: dict[str, Any], family: Optional[str]) -> list[str]:
    problems = []
    for option, call, listing in (("parameter_group", "describe_db_parameter_groups", "DBParameterGroups"),
                                  ("cluster_parameter_group", "describe_db_cluster_parameter_groups",
                                   "DBClusterParameterGroups")):
        name = changes.get(option)
        if not name:
            continue
        key = "DBParameterGroupName" if option == "parameter_group" else "DBClusterParameterGroupName"
        try:
            groups = getattr(ctx.clients.rds(), call)(**{key: name})[listing]
        except AWS_ERRORS as exc:
            if error_code(exc) in ("DBParameterGroupNotFound", "DBClusterParameterGroupNotFoundFault"):
                groups = []
            else:
                raise
        if not groups:
            problems.append(f"--{option.replace('_', '-')} {name}: no such group in {ctx.clients.region}")
        elif family and groups[0].get("DBParameterGroupFamily") != family:
            problems.append(f"--{option.replace('_', '-')} {name} is of family {groups[0].get('DBParameterGroupFamily')}; "
                            f"green's engine version needs family {family}")
    return problems


# --- the deployment --------------------------------------------------------------------------

def describe(ctx: Any, identifier: str) -> dict:
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
    return match[0]


def _name_of(arn: str) -> str:
    """The identifier at the end of an RDS ARN (arn:aws:rds:<region>:<account>:db:<id>)."""
    return arn.split(":")[-1]


def _kind_of(arn: str) -> str:
    return "cluster" if ":cluster:" in arn else "instance"


def _members(dep: dict) -> list[tuple[str, str]]:
    """(blue member ARN, green member ARN) of every database of the deployment."""
    details = dep.get("SwitchoverDetails") or []
    pairs = [(d.get("SourceMember", ""), d.get("TargetMember", "")) for d in details]
    return pairs or [(dep.get("Source", ""), dep.get("Target", ""))]


def _describe_arn(ctx: Any, arn: str) -> Optional[dict]:
    """The instance or cluster an ARN names, or None when it is gone."""
    name = _name_of(arn)
    try:
        return lookup.cluster(ctx.clients, name) if _kind_of(arn) == "cluster" else lookup.instance(ctx.clients, name)
    except RunbookError:
        return None


def _resource_id(db: dict) -> str:
    """The resource ID RDS keeps for the life of an instance or cluster, whatever its name."""
    return db.get("DbClusterResourceId") or db.get("DbiResourceId") or ""


def _created(dep: dict) -> dict:
    """What the deployment created, for every output line after the create call."""
    return {"deployment": dep.get("BlueGreenDeploymentIdentifier"), "name": dep.get("BlueGreenDeploymentName"),
            "green": [_name_of(g) for _, g in _members(dep) if g]}


def _wait_status(ctx: Any, dep_id: str, what: str, wanted: set[str], stop: set[str], timeout: float) -> tuple[dict, float]:
    """Poll the deployment until its status is in `wanted` (or in `stop`, which ends the wait too)."""
    return wait_for(ctx.out, what, lambda: describe(ctx, dep_id), lambda d: d.get("Status") in wanted | stop,
                    timeout, lambda d: d.get("Status", "?"))


# --- the checks before a switchover ----------------------------------------------------------

@dataclass
class Check:
    """One pre-switchover check and what it found."""

    name: str
    ok: bool
    detail: str


def _replica_lag(ctx: Any, green: dict, kind: str) -> Check:
    """Green primary's ReplicaLag (CloudWatch, Maximum per minute) over the last minutes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    if kind == "cluster":
        identifier = lookup.writer(green) or ""
    else:
        identifier = green.get("DBInstanceIdentifier", "")
    response = ctx.clients.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/RDS", MetricName="ReplicaLag", Dimensions=[{"Name": "DBInstanceIdentifier", "Value": identifier}],
        StartTime=now - datetime.timedelta(minutes=LAG_WINDOW_MINUTES), EndTime=now, Period=60, Statistics=["Maximum"])
    points = sorted(response.get("Datapoints") or [], key=lambda d: d["Timestamp"])
    if not points:
        return Check("replication caught up", False, f"no ReplicaLag datapoint of green {identifier or '(no writer)'} "
                     f"in the last {LAG_WINDOW_MINUTES} minutes: replication is not shown to be caught up")
    lag = points[-1]["Maximum"]
    limit = ctx.args.max_replica_lag
    return Check("replication caught up", lag <= limit,
                 f"ReplicaLag of green {identifier}: {lag:g} s (at most {limit:g} s allowed)")


def _pending_maintenance(ctx: Any, arns: list[str]) -> Check:
    pending = []
    for arn in arns:
        response = ctx.clients.rds().describe_pending_maintenance_actions(ResourceIdentifier=arn)
        for resource in response.get("PendingMaintenanceActions") or []:
            for action in resource.get("PendingMaintenanceActionDetails") or []:
                pending.append(f"{_name_of(resource.get('ResourceIdentifier', arn))}: {action.get('Action')}")
    return Check("no pending maintenance", not pending,
                 "; ".join(pending) + " (apply or defer it first)" if pending else "none on blue or green")


def _in_sync(green: dict, kind: str, green_instances: list[dict]) -> Check:
    states = []
    if kind == "cluster":
        states += [(f"cluster group of {m['DBInstanceIdentifier']}", m.get("DBClusterParameterGroupStatus", "?"))
                   for m in green.get("DBClusterMembers") or []]
    for instance in green_instances:
        states += [(f"{g.get('DBParameterGroupName')} on {instance['DBInstanceIdentifier']}",
                    g.get("ParameterApplyStatus", "?")) for g in instance.get("DBParameterGroups") or []]
    behind = [f"{what}: {state}" for what, state in states if state != "in-sync"]
    return Check("parameter groups in sync", bool(states) and not behind,
                 "; ".join(behind) if behind else ("every group in-sync" if states else "no parameter group reported"))


def _as_requested(blue_version: str, green: dict, green_instances: list[dict], wanted: dict[str, Any]) -> Check:
    differences = []
    version = wanted.get("engine_version") or blue_version
    if green.get("EngineVersion") != version:
        differences.append(f"engine version {green.get('EngineVersion')}, not {version}")
    if "cluster_parameter_group" in wanted and green.get("DBClusterParameterGroup") != wanted["cluster_parameter_group"]:
        differences.append(f"cluster parameter group {green.get('DBClusterParameterGroup')}, "
                           f"not {wanted['cluster_parameter_group']}")
    for instance in green_instances:
        for name, field in (("instance_class", "DBInstanceClass"), ("storage_type", "StorageType"),
                            ("allocated_storage", "AllocatedStorage"), ("iops", "Iops"),
                            ("storage_throughput", "StorageThroughput"), ("parameter_group", None)):
            if name not in wanted:
                continue
            have = ([g.get("DBParameterGroupName") for g in instance.get("DBParameterGroups") or []]
                    if field is None else instance.get(field))
            if (wanted[name] not in have) if field is None else have != wanted[name]:
                differences.append(f"{instance['DBInstanceIdentifier']} {name.replace('_', ' ')} {have}, not {wanted[name]}")
    return Check("engine version and changes as requested", not differences,
                 "; ".join(differences) if differences else f"engine version {version}"
                 + "".join(f", {k.replace('_', ' ')} {v}" for k, v in wanted.items() if k != "engine_version"))


def readiness(ctx: Any, dep: dict, wanted: dict[str, Any]) -> list[Check]:
    """The checks AWS recommends before a switchover, on the deployment as it is now."""
    status = dep.get("Status")
    members = [d.get("Status") for d in dep.get("SwitchoverDetails") or []]
    tasks = [f"{t.get('Name')} {t.get('Status')}" for t in dep.get("Tasks") or [] if t.get("Status") != "COMPLETED"]
    checks = [Check("deployment available", status == "AVAILABLE" and all(m == "AVAILABLE" for m in members) and not tasks,
                    f"status {status}; members {', '.join(str(m) for m in members) or '-'}"
                    + (f"; unfinished tasks: {', '.join(tasks)}" if tasks else ""))]
    source_arn, target_arn = dep.get("Source", ""), dep.get("Target", "")
    kind = _kind_of(source_arn)
    blue_db, green = _describe_arn(ctx, source_arn), _describe_arn(ctx, target_arn)
    if blue_db is None or green is None:
        missing = [arn for arn, db in ((source_arn, blue_db), (target_arn, green)) if db is None]
        checks.append(Check("blue and green exist", False, f"not found: {', '.join(missing)}"))
        return checks
    green_instances = ([lookup.instance(ctx.clients, m["DBInstanceIdentifier"]) for m in green.get("DBClusterMembers") or []]
                       if kind == "cluster" else [green])
    blue = Blue(kind, _name_of(source_arn), blue_db)
    checks.append(_replica_lag(ctx, green, kind))
    checks.append(_pending_maintenance(ctx, [arn for pair in _members(dep) for arn in pair if arn]))
    checks.append(_in_sync(green, kind, green_instances))
    checks.append(_as_requested(blue.version, green, green_instances, wanted))
    problems = unsupported(ctx, blue)
    checks.append(Check("no unsupported features", not problems, "; ".join(problems) if problems else "none found"))
    return checks


def _report(ctx: Any, checks: list[Check]) -> None:
    ctx.out.table("pre-switchover checks", ["check", "result", "detail"],
                  [[c.name, "pass" if c.ok else "FAIL", c.detail] for c in checks])
    if ctx.out.as_json:
        for c in checks:
            ctx.out.note(f"check {c.name}: {'pass' if c.ok else 'FAIL'}", check=c.name, ok=c.ok, detail=c.detail)


def _wanted_from_tags(dep: dict) -> dict[str, Any]:
    """The changes a deployment was created with, kept in its tags by the create call."""
    tags = {t["Key"]: t.get("Value", "") for t in dep.get("TagList") or []}
    wanted: dict[str, Any] = {}
    for name in (*CONFIG_KEYS, "parameter_group", "cluster_parameter_group"):
        value = tags.get(f"ops:{name}")
        if value:
            wanted[name] = int(value) if name in ("allocated_storage", "iops", "storage_throughput") else value
    return wanted


# --- after a switchover ----------------------------------------------------------------------

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


def stack_steps(blue_db: dict, identifier: str, kind: str, wanted: dict[str, Any], green_version: str,
                tracked: Optional[dict[str, str]] = None) -> tuple[dict, list[str]]:
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


def _print_steps(out: Any, old: list[str], dep_id: str, steps: list[str]) -> None:
    out.note(f"the old (blue) environment is kept: {', '.join(old)}")
    out.note(f"delete it once the stack is aligned (below) and the new one is trusted: python -m operations "
             f"blue-green --deployment {dep_id} --delete-old --confirm {old[0]}")
    out.note("next, for the Pulumi stack:")
    for step in steps:
        out.note(f"  {step}")


# --- the three calls -------------------------------------------------------------------------

def _blue(ctx: Any) -> Blue:
    args = ctx.args
    if args.db_cluster:
        return Blue("cluster", args.db_cluster, lookup.cluster(ctx.clients, args.db_cluster))
    return Blue("instance", args.db_instance, lookup.instance(ctx.clients, args.db_instance))


def _existing(ctx: Any, blue: Blue) -> list[str]:
    found = ctx.clients.rds().describe_blue_green_deployments(
        Filters=[{"Name": "source", "Values": [blue.arn]}]).get("BlueGreenDeployments") or []
    return [d["BlueGreenDeploymentIdentifier"] for d in found
            if d.get("Source") == blue.arn and d.get("Status") not in ("SWITCHOVER_COMPLETED", "DELETING")]


def create(ctx: Any) -> int:
    """Validate, create the green environment, wait for it, run the checks; switch over when asked."""
    args, out = ctx.args, ctx.out
    changes = requested(args)
    if not changes:
        raise RunbookError("nothing to change: give at least one of --engine-version, --instance-class, "
                           "--parameter-group, --cluster-parameter-group, --storage-type, --allocated-storage, "
                           "--iops, --storage-throughput")
    identifier = args.db_cluster or args.db_instance
    require_confirm(args, identifier)
    blue = _blue(ctx)
    if blue.description.get("DBInstanceStatus", blue.description.get("Status")) != "available":
        raise RunbookError(f"'{identifier}' is {blue.description.get('DBInstanceStatus', blue.description.get('Status'))}; "
                           "a blue/green deployment starts from an available database")
    problems = unsupported(ctx, blue) + change_problems(ctx, blue, changes)
    existing = _existing(ctx, blue)
    if existing:
        problems.append(f"'{identifier}' already has the blue/green deployment {existing[0]}: resume it with "
                        f"--deployment {existing[0]}, or delete it first")
    if problems:
        raise RunbookError(f"refusing to create a blue/green deployment of '{identifier}' (nothing was created): "
                           + "; ".join(problems))

    name = derived_name(identifier, f"-{datetime.datetime.now(datetime.timezone.utc):%Y%m%d%H%M%S}", NAME_MAX)
    request: dict[str, Any] = {"BlueGreenDeploymentName": name, "Source": blue.arn}
    for option, parameter in (("engine_version", "TargetEngineVersion"), ("instance_class", "TargetDBInstanceClass"),
                              ("parameter_group", "TargetDBParameterGroupName"),
                              ("cluster_parameter_group", "TargetDBClusterParameterGroupName"),
                              ("storage_type", "TargetStorageType"), ("allocated_storage", "TargetAllocatedStorage"),
                              ("iops", "TargetIops"), ("storage_throughput", "TargetStorageThroughput")):
        if option in changes:
            request[parameter] = changes[option]
    # The changes ride along as tags, so a resumed run checks green against what was asked.
    # The blue database's resource ID survives its rename at switchover: --delete-old deletes only
    # the database that still carries it, never one that merely has the old name.
    request["Tags"] = [{"Key": "CreatedBy", "Value": "operations blue-green"},
                       {"Key": BLUE_RESOURCE_TAG, "Value": _resource_id(blue.description)}] + [
        {"Key": f"ops:{k}", "Value": str(v)} for k, v in changes.items()]
    out.note(f"creating blue/green deployment {name} of {blue.kind} {identifier}: "
             + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in changes.items()))
    dep = ctx.clients.rds().create_blue_green_deployment(**request)["BlueGreenDeployment"]
    created = _created(dep)
    out.note(f"created {created['deployment']}; green: {', '.join(created['green']) or '(being named)'}",
             created=created)
    try:
        return _until_ready(ctx, dep["BlueGreenDeploymentIdentifier"], changes, blue_id=identifier)
    except (RunbookError, *AWS_ERRORS) as exc:
        # Whatever stops the run now, the message names what it created and how to go on.
        why = str(exc) if isinstance(exc, RunbookError) else describe_error(exc, ctx.clients.last_operation)
        raise RunbookError(f"{why} (created and kept: blue/green deployment {created['deployment']}, green "
                           f"{', '.join(created['green']) or '-'}; resume with --deployment {created['deployment']}, "
                           "or delete it with delete-blue-green-deployment --delete-target)") from None


def _until_ready(ctx: Any, dep_id: str, wanted: dict[str, Any], blue_id: Optional[str]) -> int:
    """Wait for green, run the checks; stop, or switch over when --switchover was given."""
    args, out = ctx.args, ctx.out
    try:
        dep, seconds = _wait_status(ctx, dep_id, f"green environment of {dep_id} available", {"AVAILABLE"},
                                    {"INVALID_CONFIGURATION", "SWITCHOVER_COMPLETED", "SWITCHOVER_FAILED"},
                                    args.wait_timeout)
    except WaitTimeout as exc:
        dep = describe(ctx, dep_id)
        out.note(f"{exc}; the deployment is kept: resume with --deployment {dep_id}")
        out.result(deployment=dep_id, status=dep.get("Status"), created=_created(dep), ready=False, switched=False)
        return 1
    if dep.get("Status") == "SWITCHOVER_COMPLETED":
        raise RunbookError(f"{dep_id} was switched over already; its old environment: --delete-old")
    out.note(f"{dep_id} is {dep.get('Status')} after {seconds:.0f}s")
    checks = readiness(ctx, dep, wanted)
    _report(ctx, checks)
    ready = all(c.ok for c in checks)
    blue_name = _name_of(dep.get("Source", ""))
    if not args.switchover:
        out.note(("every check passed" if ready else "a check failed: no switchover now")
                 + f"; to switch over: python -m operations blue-green --deployment {dep_id} --switchover "
                   f"--confirm {blue_name}")
        out.result(deployment=dep_id, status=dep.get("Status"), created=_created(dep), ready=ready, switched=False,
                   checks=[c.__dict__ for c in checks])
        return 0 if ready else 1
    require_confirm(args, blue_id or blue_name)
    if not same_identifier(blue_id or blue_name, blue_name):
        raise RunbookError(f"--confirm {blue_id} is not the blue database of {dep_id} ({blue_name})")
    if not ready:
        failed = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
        raise RunbookError(f"refusing to switch {dep_id} over while a check fails (nothing was switched; the "
                           f"deployment is kept): {'; '.join(failed)}")
    return _switchover(ctx, dep, wanted)


def _switchover(ctx: Any, dep: dict, wanted: dict[str, Any]) -> int:
    args, out = ctx.args, ctx.out
    dep_id = dep["BlueGreenDeploymentIdentifier"]
    blue_db = _describe_arn(ctx, dep["Source"]) or {}
    identifier = _name_of(dep["Source"])
    blue_names = [_name_of(source) for source, _ in _members(dep) if source]
    out.note(f"switching {dep_id} over (RDS rolls it back after {args.switchover_timeout}s)")
    ctx.clients.rds().switchover_blue_green_deployment(BlueGreenDeploymentIdentifier=dep_id,
                                                       SwitchoverTimeout=args.switchover_timeout)
    try:
        done, seconds = _wait_status(ctx, dep_id, f"switchover of {dep_id}", {"SWITCHOVER_COMPLETED"},
                                     {"SWITCHOVER_FAILED", "INVALID_CONFIGURATION"}, args.wait_timeout)
    except WaitTimeout as exc:
        out.note(f"RDS accepted the switchover but it was not confirmed: {exc}. Check describe-blue-green-deployments "
                 f"{dep_id}: RDS either completes it or rolls it back; nothing is half-switched")
        out.result(deployment=dep_id, status=describe(ctx, dep_id).get("Status"), switched=None, created=_created(dep))
        return 1
    if done.get("Status") != "SWITCHOVER_COMPLETED":
        out.note(f"switchover {done.get('Status')}: {done.get('StatusDetails') or ''}; RDS rolled the changes back, "
                 "blue still serves")
        out.result(deployment=dep_id, status=done.get("Status"), switched=False, created=_created(done))
        return 1
    old = [_name_of(source) for source, _ in _members(done)]
    kind = _kind_of(dep["Source"])
    green_now = (lookup.cluster if kind == "cluster" else lookup.instance)(ctx.clients, identifier)
    # Each blue name now belongs to the former green database, under a resource ID of its own.
    tracked = ({name: _resource_id(lookup.instance_or_none(ctx.clients, name) or {}) for name in blue_names}
               if kind == "instance" else None)
    config, steps = stack_steps(blue_db, identifier, kind, wanted,
                                green_now.get("EngineVersion", wanted.get("engine_version", "")), tracked)
    out.note(f"switched over after {seconds:.0f}s: '{identifier}' is the former green")
    _print_steps(out, old, dep_id, steps)
    out.result(deployment=dep_id, status="SWITCHOVER_COMPLETED", switched=True, switchover_seconds=round(seconds, 1),
               database=identifier, engine_version=green_now.get("EngineVersion"), old_environment=old,
               config_changes=config, stack_steps=steps)
    return 0


def resume(ctx: Any) -> int:
    """A deployment created earlier: wait, check, and switch over when asked."""
    args = ctx.args
    if requested(args):
        raise RunbookError("changes belong to a new deployment (--db-instance / --db-cluster), not to --deployment")
    if args.switchover and not args.confirm:
        raise RunbookError(f"refusing to switch over {args.deployment} without --confirm <its blue database>")
    dep = describe(ctx, args.deployment)
    return _until_ready(ctx, args.deployment, _wanted_from_tags(dep), blue_id=args.confirm if args.switchover else None)


def _delete_instance(ctx: Any, identifier: str, final_snapshot: Optional[str]) -> None:
    rds = ctx.clients.rds()
    db = lookup.instance(ctx.clients, identifier)
    if db.get("DeletionProtection"):
        ctx.out.note(f"turning deletion protection off on {identifier}")
        rds.modify_db_instance(DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True)
    request: dict[str, Any] = {"DBInstanceIdentifier": identifier}
    if final_snapshot:
        request["FinalDBSnapshotIdentifier"] = final_snapshot
    else:
        request["SkipFinalSnapshot"] = True
    ctx.out.note(f"deleting instance {identifier}" + (f" (final snapshot {final_snapshot})" if final_snapshot else ""))
    rds.delete_db_instance(**request)


def _gone(ctx: Any, kind: str, identifier: str) -> bool:
    try:
        (lookup.cluster if kind == "cluster" else lookup.instance)(ctx.clients, identifier)
    except RunbookError:
        return True
    return False


def delete_old(ctx: Any) -> int:
    """After a switchover: delete the deployment record and the old (blue) environment."""
    args, out = ctx.args, ctx.out
    if not args.deployment:
        raise RunbookError("--delete-old needs --deployment <the switched-over deployment>")
    if requested(args) or args.switchover:
        raise RunbookError("--delete-old takes no changes and no --switchover")
    dep = describe(ctx, args.deployment)
    if dep.get("Status") != "SWITCHOVER_COMPLETED":
        raise RunbookError(f"{args.deployment} is {dep.get('Status')}, not SWITCHOVER_COMPLETED: there is no old "
                           "environment yet (the blue database still serves)")
    old_arns = [source for source, _ in _members(dep)]
    primary_arn = dep.get("Source") or old_arns[0]
    old_primary, kind = _name_of(primary_arn), _kind_of(primary_arn)
    require_confirm(args, old_primary)
    recorded = {t["Key"]: t.get("Value", "") for t in dep.get("TagList") or []}.get(BLUE_RESOURCE_TAG)
    if not recorded:
        raise RunbookError(f"{args.deployment} was not created by this runbook (no {BLUE_RESOURCE_TAG} tag): it cannot "
                           f"tell the old database from the new one; delete '{old_primary}' by hand once verified")
    old_db = _describe_arn(ctx, primary_arn)
    if old_db is None or _resource_id(old_db) != recorded:
        raise RunbookError(f"'{old_primary}' is not the former blue database of {args.deployment} (its resource ID "
                           f"{_resource_id(old_db or {}) or '-'} is not {recorded}); refusing to delete it")
    stamp = f"{datetime.datetime.now(datetime.timezone.utc):%Y%m%d-%H%M%S}"
    # An instance's final snapshot name may be 255 characters long, a cluster's 63 (identifiers.py).
    final = derived_name(old_primary, f"-final-{stamp}", 63 if kind == "cluster" else 255)
    deleted: list[str] = []
    out.note(f"deleting blue/green deployment record {args.deployment} (the old environment stays until deleted below)")
    ctx.clients.rds().delete_blue_green_deployment(BlueGreenDeploymentIdentifier=args.deployment)
    try:
        if kind == "cluster":
            cluster = lookup.cluster(ctx.clients, old_primary)
            for member in cluster.get("DBClusterMembers") or []:
                _delete_instance_of_cluster(ctx, member["DBInstanceIdentifier"])
                deleted.append(member["DBInstanceIdentifier"])
            if cluster.get("DeletionProtection"):
                out.note(f"turning deletion protection off on cluster {old_primary}")
                ctx.clients.rds().modify_db_cluster(DBClusterIdentifier=old_primary, DeletionProtection=False,
                                                    ApplyImmediately=True)
            out.note(f"deleting cluster {old_primary} (final snapshot {final})")
            ctx.clients.rds().delete_db_cluster(DBClusterIdentifier=old_primary, FinalDBSnapshotIdentifier=final)
        else:
            replicas = [_name_of(a) for a in old_arns if _name_of(a) != old_primary]
            for replica in replicas:
                _delete_instance(ctx, replica, None)  # a read replica takes no final snapshot
                deleted.append(replica)
            _delete_instance(ctx, old_primary, final)
        deleted.append(old_primary)
        _, seconds = wait_for(out, f"deletion of {old_primary}", lambda: _gone(ctx, kind, old_primary), bool,
                              args.wait_timeout)
    except WaitTimeout as exc:
        out.note(f"deletion requested but not confirmed: {exc}")
        out.result(deployment=args.deployment, deleted=deleted, confirmed=False, final_snapshot=final)
        return 1
    except AWS_ERRORS as exc:
        raise RunbookError(f"{describe_error(exc, ctx.clients.last_operation)} (deleted so far: "
                           f"{', '.join(deleted) or 'nothing'}; the deployment record {args.deployment} is deleted)") from None
    out.note(f"old environment deleted after {seconds:.0f}s: {', '.join(deleted)}")
    out.result(deployment=args.deployment, deleted=deleted, confirmed=True, final_snapshot=final)
    return 0


def _delete_instance_of_cluster(ctx: Any, identifier: str) -> None:
    ctx.out.note(f"deleting cluster instance {identifier}")
    ctx.clients.rds().delete_db_instance(DBInstanceIdentifier=identifier)


def run(ctx: Any) -> int:
    """Create, resume (and switch over), or delete the old environment."""
    args = ctx.args
    if args.delete_old:
        return delete_old(ctx)
    if args.deployment:
        return resume(ctx)
    return create(ctx)
