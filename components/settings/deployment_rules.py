"""Rules across keys per deployment option: instance, Multi-AZ DB cluster, Aurora (incl. Serverless v2)."""

from __future__ import annotations

from typing import Callable

from components import catalog
from components.settings.base import config_key
from components.settings.clusters import ClusterSettings
from components.settings.model import Settings

# Aurora User Guide, "Configuration requirements of an Amazon Aurora global database": "An Aurora
# global database requires DB instance classes that are optimized for memory-intensive
# applications"; the primary cluster has at most "15 - s" read-only instances with s secondary
# clusters (one here: the DR cluster).
GLOBAL_DB_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-getting-started.html"
AURORA_MAX_READERS = 15


def deployment_problems(s: Settings) -> list[str]:
    """Engine, classes and features per deployment option (instance, Multi-AZ cluster, Aurora)."""
    key, option = config_key, s.deployment_option
    engines = catalog.DEPLOYMENT_ENGINES[option]
    if s.engine not in engines:
        return [f"{key('engine')} = {s.engine!r} with {key('deploymentOption')} = {option!r}: "
                f"allowed engines are {', '.join(engines)}"]
    problems: list[str] = []
    family, size = s.instance_class.split(".")[1:3]
    c = s.cluster
    if option == "multi-az-cluster":
        if family not in catalog.MULTI_AZ_CLUSTER_FAMILIES:
            problems.append(f"{key('instanceClass')} = {s.instance_class!r}: Multi-AZ DB clusters run on "
                            f"{', '.join(sorted(catalog.MULTI_AZ_CLUSTER_FAMILIES))} classes")
        if s.storage_type not in catalog.MULTI_AZ_CLUSTER_STORAGE:
            problems.append(f"{key('storageType')} = {s.storage_type!r}: Multi-AZ DB clusters use "
                            f"{', '.join(catalog.MULTI_AZ_CLUSTER_STORAGE)}")
        if s.max_allocated_storage:
            problems.append(f"{key('maxAllocatedStorage')} = {s.max_allocated_storage}: Multi-AZ DB clusters have "
                            "no storage autoscaling; set it to 0 and grow allocatedStorage yourself")
        if s.iops is None:
            # pulumi-aws Cluster.iops: "(This setting is required to create a Multi-AZ DB cluster)";
            # Cluster.storage_type: "For Multi-AZ DB Clusters, the iops argument must also be set."
            # (gp3 takes IOPS only from 400 GiB, storage_rules.)
            problems.append(f"{key('iops')} is unset with {key('deploymentOption')} = 'multi-az-cluster': a Multi-AZ "
                            f"DB cluster is created with provisioned IOPS for every storage type ({s.storage_type}: "
                            "set iops; gp3 needs allocatedStorage >= 400 for it) — see the pulumi-aws "
                            "aws.rds.Cluster `iops` argument")
    if option == "aurora":
        classes = [("instanceClass", s.instance_class)]
        if c.reader_instance_class:
            classes.append(("cluster.readerInstanceClass", c.reader_instance_class))
        for name, value in classes if not c.serverless else []:
            fam, sz = value.split(".")[1:3]
            if fam not in catalog.AURORA_FAMILIES or (
                    fam in catalog.BURSTABLE_FAMILIES and sz not in catalog.AURORA_BURSTABLE_SIZES):
                problems.append(f"{key(name)} = {value!r}: Aurora runs on "
                                f"{', '.join(sorted(catalog.AURORA_FAMILIES))} (burstable: medium or large only)")
        problems += serverless_problems(s)
        if c.backtrack_hours and s.engine != "aurora-mysql":
            problems.append(f"{key('cluster')}.backtrackHours = {c.backtrack_hours}: only Aurora MySQL backtracks")
        lo, hi = catalog.BACKTRACK_HOURS
        if not lo <= c.backtrack_hours <= hi:
            problems.append(f"{key('cluster')}.backtrackHours = {c.backtrack_hours}: must be {lo}..{hi}")
        if c.backtrack_hours and s.disaster_recovery is not None:
            problems.append(f"{key('cluster')}.backtrackHours: Aurora global databases do not support "
                            "backtrack; set it to 0 or remove disasterRecovery")
        problems += global_database_problems(s)
        scaling = c.reader_auto_scaling
        if scaling and scaling.min_readers > scaling.max_readers:
            problems.append(f"{key('cluster')}.readerAutoScaling: minReaders ({scaling.min_readers}) is above "
                            f"maxReaders ({scaling.max_readers})")
    elif c != ClusterSettings():
        problems.append(f"{key('cluster')} is set but {key('deploymentOption')} is {option!r}: cluster "
                        "options (readers, Serverless v2, backtrack) are for Aurora")
    if s.is_cluster:
        if s.replicas:
            instead = ("cluster.readers (and disasterRecovery for a global database)" if s.is_aurora
                       else "the cluster's two readable standbys (its reader endpoint)")
            problems.append(f"{key('replicas')}: instance read replicas are not used with {option}; use {instead}")
        if s.disaster_recovery and s.disaster_recovery.replicate_backups:
            instead = ("an Aurora global database replaces it: keep disasterRecovery and set replicateBackups: false"
                       if s.is_aurora else "Multi-AZ DB clusters do not support it; set replicateBackups: false")
            problems.append(f"{key('disasterRecovery')}.replicateBackups: cross-region automated backups are for "
                            f"instances; {instead}")
        if s.disaster_recovery and not s.is_aurora:
            problems.append(f"{key('disasterRecovery')}: Multi-AZ DB clusters have no cross-region copy; "
                            "remove disasterRecovery or use deploymentOption aurora (global database)")
        if s.restore is not None:
            problems.append(f"{key('restore')}: restoring is supported for instances only (cluster snapshots "
                            "and point-in-time restores of clusters are not wired yet)")
        if s.blue_green_update:
            problems.append(f"{key('blueGreenUpdate')}: supported for instances only here")
    return problems


def global_database_problems(s: Settings) -> list[str]:
    """An Aurora global database: memory-optimized classes, and room for the secondary's replicas."""
    c, key = s.cluster, config_key
    if s.disaster_recovery is None:
        return []
    problems: list[str] = []
    classes = [] if c.serverless else [("instanceClass", s.instance_class)] + (
        [("cluster.readerInstanceClass", c.reader_instance_class)] if c.reader_instance_class else [])
    for name, value in classes:
        if value.split(".")[1] in catalog.BURSTABLE_FAMILIES:
            problems.append(f"{key(name)} = {value!r} with {key('disasterRecovery')}: an Aurora global database "
                            f"needs memory-optimized classes (r5 or later, x2g) or Serverless v2 (see {GLOBAL_DB_DOC})")
    limit = AURORA_MAX_READERS - 1  # one secondary cluster
    readers = max(c.readers, c.reader_auto_scaling.max_readers if c.reader_auto_scaling else 0)
    if readers > limit:
        problems.append(f"{key('cluster')}.readers / readerAutoScaling.maxReaders = {readers} with "
                        f"{key('disasterRecovery')}: a global database's primary has at most 15 - 1 = {limit} "
                        f"readers (one secondary cluster); see {GLOBAL_DB_DOC}")
    return problems


def serverless_problems(s: Settings) -> list[str]:
    """Serverless v2 needs a capacity range in half-ACU steps that Aurora offers."""
    c, key = s.cluster, f"{config_key('cluster')}"
    if not c.serverless:
        return []
    if c.serverless_min_acu is None or c.serverless_max_acu is None:
        return [f"{key}: Serverless v2 needs both serverlessMinAcu and serverlessMaxAcu"]
    problems = []
    lo, hi = catalog.SERVERLESS_ACU
    for name, value in (("serverlessMinAcu", c.serverless_min_acu), ("serverlessMaxAcu", c.serverless_max_acu)):
        if not lo <= value <= hi or (value * 2) % 1:
            problems.append(f"{key}.{name} = {value:g}: must be {lo:g}..{hi:g} ACU in steps of 0.5")
    if c.serverless_min_acu > c.serverless_max_acu:
        problems.append(f"{key}.serverlessMinAcu ({c.serverless_min_acu:g}) is above serverlessMaxAcu "
                        f"({c.serverless_max_acu:g})")
    if c.serverless_max_acu < 1:
        problems.append(f"{key}.serverlessMaxAcu = {c.serverless_max_acu:g}: must be at least 1 ACU")
    if c.serverless_min_acu == 0:
        problems += auto_pause_problems(s)
    return problems


def auto_pause_problems(s: Settings) -> list[str]:
    """serverlessMinAcu 0 asks instances to pause when idle: refused where AWS refuses it (engine
    version) or where they would never pause, which Aurora does not report as an error."""
    doc, key = catalog.AUTO_PAUSE_DOC, config_key
    zero = f"{key('cluster')}.serverlessMinAcu = 0"
    problems = []
    if not catalog.auto_pause_supported(s.engine, s.version):
        problems.append(f"{zero} with {key('engineVersion')} = {s.version!r}: {s.engine} scales to 0 ACUs from "
                        f"{catalog.AUTO_PAUSE_FLOORS}; use a major-only "
                        f"engineVersion or a later minor (see {doc}, Prerequisites and Limitations)")
    # Same page, "Situations where Aurora Serverless v2 doesn't auto-pause".
    if s.proxy is not None:
        problems.append(f"{zero} with {key('proxy')}: RDS Proxy keeps a connection open to every instance, so "
                        f"none would ever pause; set serverlessMinAcu to 0.5 or more, or remove proxy (see {doc})")
    if s.disaster_recovery is not None:
        problems.append(f"{zero} with {key('disasterRecovery')}: in an Aurora global database the primary's "
                        "writer (and its tier 0/1 readers) and every secondary instance never pause; set "
                        f"serverlessMinAcu to 0.5 or more, or remove disasterRecovery (see {doc})")
    replications: dict[str, tuple[str, Callable[[str], bool]]] = {
        "aurora-postgresql": ("rds.logical_replication", lambda v: v == "1"),
        "aurora-mysql": ("binlog_format", lambda v: v.upper() != "OFF")}
    replication = replications.get(s.engine)
    if replication and replication[0] in s.parameters and replication[1](s.parameters[replication[0]]):
        name = replication[0]
        problems.append(f"{zero} with {key('parameters')}.{name} = {s.parameters[name]!r}: with logical or binlog "
                        "replication on, the writer and its tier 0/1 readers never pause; set serverlessMinAcu "
                        f"to 0.5 or more, or turn replication off (see {doc})")
    return problems
