"""What AWS does not allow a blue/green deployment: of this database (`unsupported`), or with these
changes (`change_problems`). Sources: operations/blue_green.py's docstring and docs/aws-rules.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from operations import lookup
from operations.blue_green_versions import version_key
from operations.clients import AWS_ERRORS, error_code
from operations.runbook import Context

RDS_ENGINES = ("mysql", "mariadb", "postgres")
AURORA_ENGINES = ("aurora-mysql", "aurora-postgresql")
CONSIDERATIONS = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/blue-green-deployments-considerations.html"
AURORA_CONSIDERATIONS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/blue-green-deployments-considerations.html"
ENGINES_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.RDS_Fea_Regions_DB-eng.Feature.BlueGreenDeployments.html"


@dataclass
class Blue:
    """The database a deployment starts from."""

    kind: str  # "instance" or "cluster"
    identifier: str
    description: dict[str, Any]

    @property
    def arn(self) -> str:
        arn: str = self.description["DBClusterArn" if self.kind == "cluster" else "DBInstanceArn"]
        return arn

    @property
    def engine(self) -> str:
        engine: str = self.description.get("Engine", "")
        return engine

    @property
    def version(self) -> str:
        version: str = self.description.get("EngineVersion", "")
        return version


def unsupported(ctx: Context, blue: Blue) -> list[str]:
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


def _engine_version(ctx: Context, engine: str, version: str) -> Optional[dict[str, Any]]:
    found = ctx.clients.rds().describe_db_engine_versions(Engine=engine, EngineVersion=version).get("DBEngineVersions")
    return next((v for v in found or [] if v.get("EngineVersion") == version), None)


def change_problems(ctx: Context, blue: Blue, changes: dict[str, Any]) -> list[str]:
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
            if version_key(target) < version_key(blue.version):
                problems.append(f"--engine-version {target} is below blue's {blue.version}: green can't run an older "
                                f"version than blue ({CONSIDERATIONS}, General limitations)")
            else:
                allowed = sorted(targets, key=version_key)
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


def _group_problems(ctx: Context, changes: dict[str, Any], family: Optional[str]) -> list[str]:
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
