"""adopt (read-only): the stack file that brings an existing DB instance or DB cluster under the platform.

Given a DB instance (its read replicas come with it) or a DB cluster (operations/adopt_cluster.py:
Aurora with its instances, or a Multi-AZ DB cluster), it reads the live database and writes
`Pulumi.<stack>.yaml` with:
- the settings that reproduce it (engine, version, class, storage, network, backups, monitoring,
  credentials mode, tags), checked by the program's own settings code (components/settings/);
- `importIds`: the instance, its KMS key and its replicas, which the program creates with Pulumi's
  `import` option, so the first `up` adopts them instead of creating new ones.

It then says what it cannot express (each with what to do), what the first `up` changes on the
live database because the platform always sets it (a new parameter group with TLS forced, the
platform's subnet and security groups, ...), each with what AWS does with that change as the
day-N gate says it (plan/change_effects.py), and which platform defaults the stack file keeps
off because the database has them off today (each with the outcome of turning it on).

It refuses (exit 2, nothing written) what the platform cannot adopt without replacing the
database: an engine or major version it does not run, storage that is not encrypted with a
customer managed key (the key of an instance cannot change in place: plan/forcenew.json
kmsKeyId, storageEncrypted), no initial database name or a master user name the platform
refuses (dbName and username force replacement), a read replica or cluster member (adopt its
source or cluster), an identifier that is not `<name>-<stack>`, and a database of another account or
region. What every kind of database shares is `operations.adoption.Adoption`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from components import catalog
from operations import lookup
from operations import adopt_live
from operations.live import INSTANCE
from operations.adopt_changes import platform_default as _default
from operations.adopt_changes import config_key as _key
from operations.adopt_cluster import ClusterAdoption
from operations.adoption import Adoption
from operations.errors import RunbookError
from operations.runbook import Context
from plan.adoption import path_for as live_record_path

HELP = ("read-only: write the stack file and import IDs that adopt an existing DB instance or DB cluster; "
        "say what the first up changes and what cannot be adopted")

# A Pulumi stack name (Pulumi docs, Concepts > Stacks: alphanumerics, hyphens, underscores, periods).
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+\Z")
ARN = re.compile(r"arn:(?P<partition>[a-z-]+):rds:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<kind>db|cluster):"
                 r"(?P<identifier>[A-Za-z0-9-]+)\Z")


def _stack(value: str) -> str:
    if not STACK_NAME.match(value):
        raise ValueError(value)
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--db-instance", metavar="ID|ARN", help="the DB instance to adopt (its replicas come with it)")
    which.add_argument("--db-cluster", metavar="ID|ARN",
                       help="the DB cluster to adopt: Aurora (with its instances) or a Multi-AZ DB cluster")
    p.add_argument("--stack", required=True, type=_stack, help="the stack to write (Pulumi.<stack>.yaml)")
    p.add_argument("--out", type=Path, default=Path("."), metavar="DIR",
                   help="where to write Pulumi.<stack>.yaml (default: the current directory); never overwritten")


class InstanceAdoption(Adoption):
    """What one live DB instance (and its read replicas) becomes."""

    kind = "instance"
    alarm_dimension = "DBInstanceIdentifier"
    reencrypt = "snapshot it, copy the snapshot with a customer managed key, restore it"
    encryption_rule = "RDS encrypts a DB instance only when it is created: docs/aws-rules.md row 86"

    # --- reading the live database --------------------------------------------------------------

    def build(self) -> None:
        db = self.db
        engine = db["Engine"]
        if engine not in catalog.DEPLOYMENT_ENGINES["instance"]:
            raise RunbookError(f"{self.identifier}: engine {engine} is not one the platform runs as a DB instance "
                               f"(it runs {', '.join(catalog.DEPLOYMENT_ENGINES['instance'])}: components/catalog.py); "
                               "it cannot be adopted")
        spec = catalog.ENGINES[engine]
        version = db["EngineVersion"]
        self._major(spec, version)
        major = spec.major_of(version)
        self._identity(spec, db.get("DBName"), db["MasterUsername"])
        self.live.add(INSTANCE, self.identifier, adopt_live.instance_inputs(db))
        self._encryption()
        auto_minor = bool(db.get("AutoMinorVersionUpgrade", True))
        self._set("engine", engine)
        self._set("engineVersion", major if auto_minor else version)
        self._set("autoMinorVersionUpgrade", auto_minor)
        self._set("instanceClass", db["DBInstanceClass"])
        self._storage()
        self._set("multiAz", bool(db.get("MultiAZ")))
        self._backups()
        self._set("maintenanceWindow", db.get("PreferredMaintenanceWindow"))
        self._set("deletionProtection", bool(db.get("DeletionProtection")))
        # Adopted data is real data: protect and retain it (a `pulumi destroy` leaves it in AWS).
        self._set("protectResources", True)
        port = (db.get("Endpoint") or {}).get("Port") or db.get("DbInstancePort")
        if port and port != spec.default_port:
            self._set("port", port)
        self._set("iamAuth", bool(db.get("IAMDatabaseAuthenticationEnabled")))
        self._monitoring()
        self._set("credentialsMode", "managed" if db.get("MasterUserSecret") else "generated")
        if db.get("EngineLifecycleSupport") and engine in catalog.EXTENDED_SUPPORT_ENGINES:
            self._set("engineLifecycleSupport", db["EngineLifecycleSupport"])
        self._network(self.db.get("DBSubnetGroup") or {},
                      [g["VpcSecurityGroupId"] for g in self.db.get("VpcSecurityGroups", [])])
        self._tags(INSTANCE)
        self._replicas()
        self._around()
        self.config[_key("importIds")] = self.import_ids
        self._forced_changes(spec)
        self._kept_off()

    def _storage(self) -> None:
        db = self.db
        storage_type = db.get("StorageType", "gp2")
        if storage_type not in ("gp2", "gp3", "io1", "io2"):
            self._express("storageType", storage_type, "the platform runs gp2, gp3, io1 or io2: change the storage "
                                                        "type first (ModifyDBInstance StorageType)")
        else:
            self._set("storageType", storage_type)
        self._set("allocatedStorage", db["AllocatedStorage"])
        self._set("maxAllocatedStorage", db.get("MaxAllocatedStorage") or 0)
        if storage_type in ("io1", "io2") and db.get("Iops"):
            self._set("iops", db["Iops"])
        elif storage_type == "gp3" and (db.get("Iops") or db.get("StorageThroughput")):
            self._express("iops, storageThroughput (gp3)", {"iops": db.get("Iops"), "throughput": db.get("StorageThroughput")},
                          "set rdsplatform:iops and rdsplatform:storageThroughput if they are above gp3's baseline for "
                          "this size; the plan diff shows any change")

    def _backups(self) -> None:
        retention = self.db.get("BackupRetentionPeriod", 0)
        if retention < 1:
            # Settings refuse 0 (backups are always on): the platform's default turns them on.
            self.changes.append(self._change(INSTANCE, "backupRetentionPeriod", retention, _default("backup_retention_days")))
        else:
            self._set("backupRetentionDays", retention)
        self._set("backupWindow", self.db.get("PreferredBackupWindow"))

    def _monitoring(self) -> None:
        db = self.db
        interval = db.get("MonitoringInterval", 0)
        self._set("monitoringInterval", interval if interval in catalog.MONITORING_INTERVALS else _default("monitoring_interval"))
        pi = bool(db.get("PerformanceInsightsEnabled"))
        self._set("performanceInsights", pi)
        days = db.get("PerformanceInsightsRetentionPeriod")
        if pi and days in catalog.PERFORMANCE_INSIGHTS_RETENTION_DAYS:
            self._set("performanceInsightsRetentionDays", days)
        if db.get("DatabaseInsightsMode") in ("standard", "advanced") and pi:
            self._set("databaseInsights", db["DatabaseInsightsMode"])

    def _replicas(self) -> None:
        rds = self.ctx.clients.rds()
        replicas: list[dict[str, Any]] = []
        imported: dict[str, str] = {}
        for ref in self.db.get("ReadReplicaDBInstanceIdentifiers", []):
            if ref.startswith("arn:"):
                self._express(f"cross-Region read replica {ref}", ref,
                              "not adopted: it keeps running, unmanaged; the platform's cross-Region replicas need "
                              "disasterRecovery (docs/configuration.md); add one there, then delete this one")
                continue
            prefix = f"{self.identifier}-"
            name = ref[len(prefix):] if ref.startswith(prefix) else ""
            if not re.fullmatch(r"[a-z][a-z0-9-]{0,14}[a-z0-9]", name):
                self._express(f"read replica {ref}", ref, f"not adopted: the program names replicas {prefix}<name> "
                              "(2-16 characters); rename it (ModifyDBInstance NewDBInstanceIdentifier) and run adopt again")
                continue
            live = rds.describe_db_instances(DBInstanceIdentifier=ref)["DBInstances"][0]
            replica: dict[str, Any] = {"name": name, "instanceClass": live["DBInstanceClass"],
                                       "multiAz": bool(live.get("MultiAZ")),
                                       "performanceInsights": bool(live.get("PerformanceInsightsEnabled"))}
            if live.get("MonitoringInterval", 0) in catalog.MONITORING_INTERVALS:
                replica["monitoringInterval"] = live.get("MonitoringInterval", 0)
            replicas.append(replica)
            imported[name] = ref
            self.live.add(INSTANCE, ref, adopt_live.instance_inputs(live))
        if replicas:
            self._set("replicas", replicas)
            self.import_ids["replicas"] = imported


def _target(ctx: Context) -> tuple[str, str]:
    """(kind, identifier) of the database asked for; an ARN of another account or region refused."""
    args = ctx.args
    kind, value = ("instance", args.db_instance) if args.db_instance else ("cluster", args.db_cluster)
    account = ctx.clients.client("sts").get_caller_identity()["Account"]
    match = ARN.match(value)
    if value.startswith("arn:") and not match:
        raise RunbookError(f"--db-{kind} {value!r}: not an RDS {kind} ARN (arn:aws:rds:REGION:ACCOUNT:"
                           f"{'db' if kind == 'instance' else 'cluster'}:ID) or identifier")
    if match:
        if match["account"] != account:
            raise RunbookError(f"{value}: is in account {match['account']}, these credentials are account {account}; "
                               "the program deploys to the account of its credentials: run adopt (and the stack) "
                               f"with credentials of account {match['account']}")
        if match["region"] != ctx.clients.region:
            raise RunbookError(f"{value}: is in region {match['region']}, not {ctx.clients.region}: pass "
                               f"--region {match['region']}")
        value = match["identifier"]
    return kind, value


def _instance(ctx: Context, identifier: str) -> Adoption:
    db = lookup.instance(ctx.clients, identifier)
    if db.get("ReadReplicaSourceDBInstanceIdentifier"):
        raise RunbookError(f"{identifier}: is a read replica of {db['ReadReplicaSourceDBInstanceIdentifier']}; adopt "
                           "its source, and its replicas come with it")
    if db.get("DBClusterIdentifier"):
        raise RunbookError(f"{identifier}: is a member of DB cluster {db['DBClusterIdentifier']}: adopt the cluster "
                           f"(--db-cluster {db['DBClusterIdentifier']}), and its instances come with it")
    return InstanceAdoption(ctx, db, ctx.args.stack, db["DBInstanceIdentifier"])


def _cluster(ctx: Context, identifier: str) -> Adoption:
    db = lookup.cluster(ctx.clients, identifier)
    return ClusterAdoption(ctx, db, ctx.args.stack, db["DBClusterIdentifier"])


def run(ctx: Context) -> int:
    out, args = ctx.out, ctx.args
    kind, identifier = _target(ctx)
    adoption = (_instance if kind == "instance" else _cluster)(ctx, identifier)
    account = ctx.clients.client("sts").get_caller_identity()["Account"]
    arn = ARN.match(adoption.db.get("DBInstanceArn") or adoption.db.get("DBClusterArn") or "")
    if arn and arn["account"] != account:
        raise RunbookError(f"{identifier}: is in account {arn['account']}, not {account}")
    path = args.out / f"Pulumi.{args.stack}.yaml"
    live_path = live_record_path(args.out, args.stack)
    for existing in (path, live_path):
        if existing.exists():
            raise RunbookError(f"{existing} exists: adopt never overwrites a stack file or an adoption record; "
                               "choose another --stack or --out")
    adoption.build()
    adoption.checked()
    command = f"python -m operations adopt --db-{adoption.kind} {identifier} --stack {args.stack}"
    try:
        path.write_text(adoption.text())
        adoption.live.write(args.out, args.stack, ctx.clients.region, command)
    except OSError as exc:
        path.unlink(missing_ok=True)  # nothing half-written: both files or neither
        raise RunbookError(f"cannot write {path} and {live_path}: {exc.strerror or exc}") from None
    out.note(f"wrote {path}: the settings of {identifier} and the import IDs of "
             + ", ".join(f"{k} {v}" for k, v in adoption.import_ids.items() if not isinstance(v, dict))
             + "".join(f", {k.rstrip('s')} {v}" for k, ids in adoption.import_ids.items() if isinstance(ids, dict)
                       for v in ids.values()))
    out.note(f"wrote {live_path}: the live values the offline gate compares the program with (commit it with "
             "the stack file; remove both once the first up has adopted the database)")
    out.table("what the first up changes on the live database", ["resource", "property", "live", "planned", "effect"],
              [[c["resource"], c["property"], c["live"], c["planned"], c["effect"]] for c in adoption.changes])
    out.table("platform defaults kept as the database has them (set them to change it)",
              ["key", "live", "platform default", "effect of the change"],
              [[d["key"], d["live"], d["platform_default"], d["effect"]] for d in adoption.defaults_kept_off])
    out.table("what the stack file cannot express", ["what", "live", "what to do"],
              [[c["what"], c["live"], c["do"]] for c in adoption.cannot_express])
    out.note(f"next: python -m preview --stack {args.stack} (offline: the adopted resources plan as import), then "
             f"pulumi preview --stack {args.stack}; docs/adopting.md")
    out.result(database=identifier, stack=args.stack, stack_file=str(path), adoption_record=str(live_path),
               import_ids=adoption.import_ids,
               settings={k: v for k, v in adoption.config.items() if k != _key("importIds")},
               first_up_changes=adoption.changes, defaults_kept_off=adoption.defaults_kept_off,
               cannot_express=adoption.cannot_express)
    return 0
