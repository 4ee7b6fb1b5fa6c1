"""Settings rules that involve more than one key: what AWS refuses in combination.

Each entry names the keys, the values and what is allowed. Called by `settings.parse` after
every single-key rule has passed, so each function may rely on well-formed values.
"""

from __future__ import annotations

from components import catalog
from components.settings import ClusterSettings, Settings, _key, _windows_overlap


def cross_field_problems(s: Settings) -> list[str]:
    """Rules that involve more than one key; each entry names the keys and what is allowed."""
    problems: list[str] = []
    key = _key
    spec = s.engine_spec

    if s.engine_version is not None:
        major = spec.major_of(s.engine_version)
        if major is None:
            problems.append(
                f"{key('engineVersion')} = {s.engine_version!r}: not a {s.engine} version "
                f"(e.g. {spec.default_version})"
            )
        elif major not in spec.majors:
            problems.append(
                f"{key('engineVersion')} = {s.engine_version!r}: {s.engine} {major} is not offered; "
                f"allowed major versions: {', '.join(spec.majors)}"
            )

    storage = catalog.STORAGE_TYPES[s.storage_type]
    if not storage.min_gib <= s.allocated_storage <= storage.max_gib:
        problems.append(
            f"{key('allocatedStorage')} = {s.allocated_storage}: {s.storage_type} needs "
            f"{storage.min_gib}..{storage.max_gib} GiB"
        )
    if s.max_allocated_storage and not (
        s.allocated_storage < s.max_allocated_storage <= storage.max_gib
    ):
        problems.append(
            f"{key('maxAllocatedStorage')} = {s.max_allocated_storage}: must be above "
            f"allocatedStorage ({s.allocated_storage}) and at most {storage.max_gib}, "
            "or 0 to turn storage autoscaling off"
        )
    problems += _storage_performance_problems(s, storage)

    if s.master_username.lower() in spec.reserved_usernames:
        problems.append(
            f"{key('masterUsername')} = {s.master_username!r}: a default or reserved name on "
            f"{s.engine}; choose another (not {', '.join(sorted(spec.reserved_usernames))})"
        )
    if s.engine in ("mysql", "mariadb") and len(s.db_name) > 64:
        problems.append(f"{key('dbName')} = {s.db_name!r}: at most 64 characters on {s.engine}")

    try:
        if _windows_overlap(s.backup_window, s.maintenance_window):
            problems.append(
                f"{key('backupWindow')} = {s.backup_window!r} overlaps {key('maintenanceWindow')} = "
                f"{s.maintenance_window!r}: RDS refuses overlapping windows; move one of them"
            )
    except ValueError:
        pass  # already reported by the field validators

    if s.blue_green_update and s.credentials_mode == "managed":
        problems.append(
            f"{key('blueGreenUpdate')} = true with {key('credentialsMode')} = 'managed': RDS "
            "blue/green deployments do not support an RDS-managed master password; use "
            "credentialsMode 'generated' or turn blueGreenUpdate off"
        )
    if s.blue_green_update and s.backup_retention_days < 1:
        problems.append(f"{key('blueGreenUpdate')} needs automated backups")

    tls_name, _ = spec.tls_parameter
    if tls_name in s.parameters and s.parameters[tls_name] != spec.tls_parameter[1]:
        problems.append(
            f"{key('parameters')}.{tls_name} = {s.parameters[tls_name]!r}: TLS is enforced by the "
            f"platform; {tls_name} must stay {spec.tls_parameter[1]!r} (or be left out)"
        )

    if s.engine_version is not None and s.auto_minor_version_upgrade and spec.major_of(s.engine_version) \
            and not spec.is_major_only(s.engine_version):
        major = spec.major_of(s.engine_version)
        problems.append(
            f"{key('engineVersion')} = {s.engine_version!r} pins a minor version while "
            f"{key('autoMinorVersionUpgrade')} is on: RDS moves the minor version in a maintenance "
            f"window and the next plan would try to go back. Set engineVersion to {major!r} "
            "(RDS picks the latest minor) or turn autoMinorVersionUpgrade off"
        )

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
    problems += _deployment_problems(s)
    problems += _replica_problems(s)
    problems += _disaster_recovery_problems(s)
    problems += _restore_problems(s)
    problems += _alarm_problems(s)
    if s.proxy and s.proxy.max_idle_connections_percent > s.proxy.max_connections_percent:
        problems.append(
            f"{key('proxy')}.maxIdleConnectionsPercent = {s.proxy.max_idle_connections_percent}: must be "
            f"at most maxConnectionsPercent ({s.proxy.max_connections_percent})"
        )
    return problems


def _deployment_problems(s: Settings) -> list[str]:
    """Engine, classes and features per deployment option (instance, Multi-AZ cluster, Aurora)."""
    key, option = _key, s.deployment_option
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
        problems += _serverless_problems(s)
        if c.backtrack_hours and s.engine != "aurora-mysql":
            problems.append(f"{key('cluster')}.backtrackHours = {c.backtrack_hours}: only Aurora MySQL backtracks")
        lo, hi = catalog.BACKTRACK_HOURS
        if not lo <= c.backtrack_hours <= hi:
            problems.append(f"{key('cluster')}.backtrackHours = {c.backtrack_hours}: must be {lo}..{hi}")
        if c.backtrack_hours and s.disaster_recovery is not None:
            problems.append(f"{key('cluster')}.backtrackHours: Aurora global databases do not support "
                            "backtrack; set it to 0 or remove disasterRecovery")
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


def _serverless_problems(s: Settings) -> list[str]:
    c, key = s.cluster, f"{_key('cluster')}"
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
    return problems


def _replica_problems(s: Settings) -> list[str]:
    problems: list[str] = []
    key, spec = _key, s.engine_spec
    if len(s.replicas) > spec.max_read_replicas:
        problems.append(
            f"{key('replicas')}: {len(s.replicas)} replicas; {s.engine} allows at most "
            f"{spec.max_read_replicas} read replicas of one instance"
        )
    names = [r.name for r in s.replicas]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        problems.append(f"{key('replicas')}: names {duplicates} are used twice; each replica needs its own")
    for i, replica in enumerate(s.replicas):
        where = f"{key('replicas')}.{i} ({replica.name})"
        if len(s.replica_identifier(replica)) > 63:
            problems.append(f"{where}: identifier {s.replica_identifier(replica)!r} is longer than 63 characters")
        storage = replica.max_allocated_storage
        if storage and storage <= s.allocated_storage:
            problems.append(
                f"{where}.maxAllocatedStorage = {storage}: must be above allocatedStorage "
                f"({s.allocated_storage}) or 0 to turn storage autoscaling off"
            )
        if not s.is_cross_region(replica):
            continue
        region = s.replica_region(replica)
        if not spec.cross_region_replicas:
            problems.append(f"{where}: {s.engine} has no cross-region read replicas")
        if s.disaster_recovery is None or region != s.disaster_recovery.region:
            problems.append(
                f"{where}.region = {region!r}: a cross-region replica needs a key and a network in "
                f"that region; set {key('disasterRecovery')}.region to {region!r} with its vpcCidr "
                "(or vpcId and subnetIds)"
            )
    return problems


def _disaster_recovery_problems(s: Settings) -> list[str]:
    dr = s.disaster_recovery
    if dr is None:
        return []
    problems: list[str] = []
    key = f"{_key('disasterRecovery')}"
    if dr.region == s.region:
        problems.append(f"{key}.region = {dr.region!r}: must differ from aws:region ({s.region})")
    if not dr.has_network:
        problems.append(
            f"{key}: no network in {dr.region}; set vpcCidr (an isolated VPC of our own) or vpcId "
            "and subnetIds (existing private subnets)"
        )
    if dr.vpc_cidr and dr.subnet_ids:
        problems.append(f"{key}: set either vpcCidr or vpcId and subnetIds, not both")
    if dr.subnet_ids and (not dr.vpc_id or len(dr.subnet_ids) < 2):
        problems.append(f"{key}.subnetIds needs vpcId and private subnets in at least 2 availability zones")
    if dr.vpc_cidr and s.uses_own_vpc and dr.vpc_cidr == s.vpc_cidr:
        problems.append(
            f"{key}.vpcCidr = {dr.vpc_cidr!r} equals {_key('vpcCidr')}: choose a range that does not "
            "overlap, so the two VPCs can be peered later"
        )
    if dr.replicate_backups and not s.is_cluster and not s.engine_spec.cross_region_automated_backups:
        problems.append(f"{key}.replicateBackups: {s.engine} cannot replicate automated backups across regions")
    return problems


def _restore_problems(s: Settings) -> list[str]:
    r = s.restore
    if r is None:
        return []
    key = _key("restore")
    problems: list[str] = []
    point_in_time = r.source_db_instance_identifier is not None
    if r.snapshot_identifier and point_in_time:
        problems.append(f"{key}: choose snapshotIdentifier or sourceDbInstanceIdentifier, not both")
    elif not r.snapshot_identifier and not point_in_time:
        problems.append(f"{key}: set snapshotIdentifier (restore a snapshot) or sourceDbInstanceIdentifier "
                        "with restoreTime or useLatestRestorableTime (restore to a point in time)")
    if point_in_time and (r.restore_time is None) == (not r.use_latest_restorable_time):
        problems.append(f"{key}: a point-in-time restore needs exactly one of restoreTime and "
                        "useLatestRestorableTime: true")
    if not point_in_time and (r.restore_time or r.use_latest_restorable_time):
        problems.append(f"{key}: restoreTime and useLatestRestorableTime need sourceDbInstanceIdentifier")
    if r.source_db_instance_identifier == s.identifier:
        problems.append(f"{key}.sourceDbInstanceIdentifier = {s.identifier!r}: is this stack's own database")
    return problems


def _alarm_problems(s: Settings) -> list[str]:
    a = s.alarms
    if a.enabled or not (a.emails or a.https_endpoints or a.thresholds):
        return []
    return [f"{_key('alarms')}: enabled is false but emails, httpsEndpoints or thresholds are set; "
            "turn alarms on or remove them"]


def _storage_performance_problems(s: Settings, storage: catalog.StorageSpec) -> list[str]:
    problems: list[str] = []
    key = _key
    if s.iops is not None and not storage.iops_settable:
        problems.append(f"{key('iops')} = {s.iops}: {s.storage_type} storage has no provisioned IOPS")
    if s.storage_throughput is not None and not storage.throughput_settable:
        problems.append(
            f"{key('storageThroughput')} = {s.storage_throughput}: only gp3 storage takes a throughput"
        )
    if storage.iops_required and s.iops is None:
        lo, hi = storage.iops_range
        problems.append(f"{key('iops')} is required for {s.storage_type} storage ({lo}..{hi})")
    if storage.provisioned_from_gib is not None and s.allocated_storage < storage.provisioned_from_gib:
        for name, value in (("iops", s.iops), ("storageThroughput", s.storage_throughput)):
            if value is not None:
                problems.append(
                    f"{key(name)} = {value}: gp3 below {storage.provisioned_from_gib} GiB runs at its "
                    "baseline (3000 IOPS, 125 MiB/s) and takes neither; raise allocatedStorage or "
                    f"remove {name}"
                )
        return problems
    if s.iops is not None and storage.iops_range:
        lo, hi = storage.iops_range
        if not lo <= s.iops <= hi:
            problems.append(f"{key('iops')} = {s.iops}: {s.storage_type} takes {lo}..{hi}")
        if storage.iops_per_gib:
            ratio = s.iops / s.allocated_storage
            rlo, rhi = storage.iops_per_gib
            if not rlo <= ratio <= rhi:
                problems.append(
                    f"{key('iops')} = {s.iops} on {s.allocated_storage} GiB is {ratio:g} IOPS/GiB: "
                    f"{s.storage_type} allows {rlo:g}..{rhi:g} IOPS per GiB"
                )
    if s.storage_throughput is not None and storage.throughput_range:
        lo, hi = storage.throughput_range
        if not lo <= s.storage_throughput <= hi:
            problems.append(f"{key('storageThroughput')} = {s.storage_throughput}: gp3 takes {lo}..{hi} MiB/s")
        if s.iops and s.storage_throughput > s.iops * catalog.GP3_MAX_THROUGHPUT_PER_IOPS:
            problems.append(
                f"{key('storageThroughput')} = {s.storage_throughput}: gp3 allows at most "
                f"{catalog.GP3_MAX_THROUGHPUT_PER_IOPS} MiB/s per provisioned IOPS ({s.iops})"
            )
    return problems
