"""adopt a DB cluster: Aurora (deploymentOption aurora, with its writer and readers) or a
Multi-AZ DB cluster (deploymentOption multi-az-cluster, whose three instances RDS names itself).

Read from DescribeDBClusters, the members' DescribeDBInstances, the subnet group, the cluster
parameter group (the TLS parameter) and the key. The stack file imports the cluster, its KMS key,
its DB subnet group (a cluster's subnet group is force-new: plan/forcenew.json) and, for Aurora,
each instance as the role the program declares (`<identifier>-writer`, `<identifier>-reader-N`).

Refused, with why: Aurora Serverless v1 (engine mode serverless: the program runs provisioned,
and engineMode is force-new), a member of a global database or a cluster read replica, an engine
or major the platform does not run, storage not on a customer managed key, an instance layout
the settings cannot express (say which names the program declares), an identifier not
`<name>-<stack>` (operations/adoption.py).
"""

from __future__ import annotations

from typing import Any

from components import catalog
from components.settings.clusters import ClusterSettings
from operations import adopt_live
from operations.adopt_changes import config_key as _key
from operations.adopt_changes import platform_default as _default
from operations.adoption import Adoption
from operations.clients import AWS_ERRORS
from operations.errors import RunbookError
from operations.live import CLUSTER, CLUSTER_INSTANCE

CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
# A DescribeDBInstances class of Aurora Serverless v2.
SERVERLESS_CLASS = "db.serverless"


class ClusterAdoption(Adoption):
    """What one live DB cluster (and, for Aurora, its instances) becomes."""

    kind = "cluster"
    alarm_dimension = "DBClusterIdentifier"
    reencrypt = ("snapshot it and restore the snapshot into a new cluster with KmsKeyId set to a customer managed key "
                 "(RestoreDBClusterFromSnapshot)")
    encryption_rule = "plan/forcenew.json storageEncrypted, kmsKeyId: docs/aws-rules.md row 94"

    @property
    def aurora(self) -> bool:
        return str(self.db.get("Engine", "")).startswith("aurora")

    def build(self) -> None:
        db = self.db
        option = self._option()
        engine = db["Engine"]
        spec = catalog.ENGINES[engine]
        version = db["EngineVersion"]
        self._major(spec, version)
        self._global()
        self._identity(spec, db.get("DatabaseName"), db["MasterUsername"])
        self.live.add(CLUSTER, self.identifier, adopt_live.cluster_inputs(db))
        self._encryption()
        members = self._members()
        on = CLUSTER_INSTANCE if self.aurora else CLUSTER
        self.kept_off_rows = (("deletionProtection", "deletion_protection", CLUSTER, "deletionProtection"),
                              ("iamAuth", "iam_auth", CLUSTER, "iamDatabaseAuthenticationEnabled"),
                              ("performanceInsights", "performance_insights", on, "performanceInsightsEnabled"),
                              ("autoMinorVersionUpgrade", "auto_minor_version_upgrade", on, "autoMinorVersionUpgrade"),
                              ("monitoringInterval", "monitoring_interval", on, "monitoringInterval"))
        # Aurora: the instances carry class, monitoring and minor upgrades (the writer's are taken).
        first = members[0][1] if members else db
        auto_minor = bool(first.get("AutoMinorVersionUpgrade", True))
        self._set("deploymentOption", option)
        self._set("engine", engine)
        self._set("engineVersion", spec.major_of(version) if auto_minor else version)
        self._set("autoMinorVersionUpgrade", auto_minor)
        if self.aurora:
            self._aurora(members)
        else:
            self._multi_az()
        self._set("backupRetentionDays", db.get("BackupRetentionPeriod"))
        self._set("backupWindow", db.get("PreferredBackupWindow"))
        self._set("maintenanceWindow", db.get("PreferredMaintenanceWindow"))
        self._set("deletionProtection", bool(db.get("DeletionProtection")))
        # Adopted data is real data: protect and retain it (a `pulumi destroy` leaves it in AWS).
        self._set("protectResources", True)
        if db.get("Port") and db["Port"] != spec.default_port:
            self._set("port", db["Port"])
        self._set("iamAuth", bool(db.get("IAMDatabaseAuthenticationEnabled")))
        self._monitoring(first)
        self._set("credentialsMode", "managed" if db.get("MasterUserSecret") else "generated")
        if db.get("EngineLifecycleSupport") and engine in catalog.EXTENDED_SUPPORT_ENGINES:
            self._set("engineLifecycleSupport", db["EngineLifecycleSupport"])
        group = self._subnet_group()
        self._network(group, [g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", [])])
        self._tags(CLUSTER)
        self._around()
        self.config[_key("importIds")] = self.import_ids
        self._forced_changes_of_cluster(spec, members)
        self._kept_off()

    # --- what cannot be adopted -------------------------------------------------------------------

    def _option(self) -> str:
        db, engine = self.db, self.db.get("Engine", "")
        if db.get("EngineMode") == "serverless":
            raise RunbookError(f"{self.identifier}: is Aurora Serverless v1 (engine mode serverless); the platform runs "
                               "Aurora provisioned or Serverless v2, and a change of engine mode replaces a cluster "
                               "(plan/forcenew.json engineMode): upgrade it to Serverless v2 first (Aurora User Guide, "
                               "Upgrading from an Aurora Serverless v1 cluster to Aurora Serverless v2), then adopt it")
        if db.get("EngineMode", "provisioned") != "provisioned":
            raise RunbookError(f"{self.identifier}: engine mode {db['EngineMode']} is not one the platform runs "
                               "(provisioned, with Serverless v2 instances or not); it cannot be adopted")
        if engine in catalog.DEPLOYMENT_ENGINES["aurora"]:
            return "aurora"
        if engine in catalog.DEPLOYMENT_ENGINES["multi-az-cluster"] and db.get("DBClusterInstanceClass"):
            return "multi-az-cluster"
        runs = ", ".join(catalog.DEPLOYMENT_ENGINES["aurora"] + catalog.DEPLOYMENT_ENGINES["multi-az-cluster"])
        raise RunbookError(f"{self.identifier}: engine {engine} is not one the platform runs as a DB cluster (it runs "
                           f"{runs}: Aurora, and Multi-AZ DB clusters of postgres or mysql; components/catalog.py); "
                           "it cannot be adopted")

    def _global(self) -> None:
        """A global database's member, or a cluster read replica: its source owns it."""
        db = self.db
        if db.get("ReplicationSourceIdentifier"):
            raise RunbookError(f"{self.identifier}: is a read replica of {db['ReplicationSourceIdentifier']}; adopt its "
                               "source")
        try:
            globals_ = self.ctx.clients.rds().describe_global_clusters().get("GlobalClusters", [])
        except AWS_ERRORS:
            globals_ = []
        for g in globals_:
            members = g.get("GlobalClusterMembers", [])
            mine = next((m for m in members if m.get("DBClusterArn") == db.get("DBClusterArn")), None)
            if mine is None:
                continue
            name = g.get("GlobalClusterIdentifier")
            if not mine.get("IsWriter"):
                primary = next((m["DBClusterArn"] for m in members if m.get("IsWriter")), "")
                parts = primary.split(":")
                where = (f" --region {parts[3]} --db-cluster {parts[6]}" if len(parts) == 7 else "")
                raise RunbookError(f"{self.identifier}: is a secondary cluster of global database {name}; the program "
                                   "creates a secondary itself (disasterRecovery), it does not adopt one: adopt the "
                                   f"primary instead{where}, as a standalone cluster once the global database is "
                                   "dissolved (RemoveFromGlobalCluster for each member), then delete this one or keep "
                                   "it unmanaged")
            raise RunbookError(f"{self.identifier}: is the primary of global database {name}; the program builds a "
                               "global database (disasterRecovery) only around a cluster it creates, and an existing "
                               "cluster cannot join one (importIds with disasterRecovery are refused): to adopt it, "
                               "detach its secondaries, then itself (RemoveFromGlobalCluster), delete the empty global "
                               "cluster, and adopt it as a standalone cluster")

    def _members(self) -> list[tuple[str, dict[str, Any]]]:
        """(role, DescribeDBInstances) of each Aurora instance as the program declares it, the
        writer first; refused when the live layout is not one the settings can express."""
        names = [m["DBInstanceIdentifier"] for m in self.db.get("DBClusterMembers", [])]
        if not self.aurora:
            return []  # A Multi-AZ DB cluster's instances are RDS's: not declared, not imported.
        prefix = f"{self.identifier}-"
        roles = {n[len(prefix):]: n for n in names if n.startswith(prefix)}
        expected = ClusterSettings(readers=max(len(names) - 1, 0)).instance_roles
        if not names:
            raise RunbookError(f"{self.identifier}: has no instances; the program declares at least a writer: add one "
                               f"named {prefix}writer (CreateDBInstance with DBClusterIdentifier {self.identifier}), "
                               "then adopt it")
        if set(roles) != set(expected) or len(roles) != len(names):
            declared = ", ".join(prefix + r for r in expected)
            raise RunbookError(
                f"{self.identifier}: its instances ({', '.join(sorted(names)) or 'none'}) are not the ones the program "
                f"declares for {len(names)} instance(s): {declared} (a writer, then numbered readers; an "
                "instance's identifier is force-new, plan/forcenew.json). Rename them (ModifyDBInstance "
                "NewDBInstanceIdentifier; the cluster endpoints do not change) and run adopt again")
        rds = self.ctx.clients.rds()
        return [(role, rds.describe_db_instances(DBInstanceIdentifier=roles[role])["DBInstances"][0])
                for role in expected]

    # --- reading the live cluster -------------------------------------------------------------------

    def _aurora(self, members: list[tuple[str, dict[str, Any]]]) -> None:
        db = self.db
        classes = {role: m["DBInstanceClass"] for role, m in members}
        readers = {c for role, c in classes.items() if role != "writer"}
        scaling = db.get("ServerlessV2ScalingConfiguration") or {}
        cluster: dict[str, Any] = {"readers": len(members) - 1}
        if set(classes.values()) == {SERVERLESS_CLASS} and scaling:
            cluster.update(serverlessMinAcu=scaling.get("MinCapacity"), serverlessMaxAcu=scaling.get("MaxCapacity"))
        elif SERVERLESS_CLASS in classes.values():
            raise RunbookError(f"{self.identifier}: mixes Serverless v2 and provisioned instances ({classes}); the "
                               "platform runs every instance as db.serverless or none: modify the instances to one "
                               "kind (ModifyDBInstance DBInstanceClass), then adopt it")
        elif len(readers) > 1:
            raise RunbookError(f"{self.identifier}: its readers have different classes ({classes}); the platform runs "
                               "its readers on one class (cluster.readerInstanceClass): modify them to one class "
                               "(ModifyDBInstance DBInstanceClass), then adopt it")
        else:
            self._set("instanceClass", classes["writer"])
            if readers and readers != {classes["writer"]}:
                cluster["readerInstanceClass"] = readers.pop()
        if db.get("StorageType") == "aurora-iopt1":
            cluster["storageType"] = "aurora-iopt1"
        backtrack = db.get("BacktrackWindow") or 0
        if backtrack:
            cluster["backtrackHours"] = -(-backtrack // 3600)
            if backtrack % 3600:
                self._express("backtrack window", backtrack, "the platform sets it in whole hours: the first up "
                                                            "rounds it up to the next hour")
        self._set("cluster", cluster)
        for role, m in members:
            self.import_ids.setdefault("instances", {})[role] = m["DBInstanceIdentifier"]
            self.live.add(CLUSTER_INSTANCE, m["DBInstanceIdentifier"], adopt_live.cluster_instance_inputs(m))

    def _multi_az(self) -> None:
        db = self.db
        self._set("instanceClass", db["DBClusterInstanceClass"])
        self._set("storageType", db.get("StorageType"))
        self._set("allocatedStorage", db.get("AllocatedStorage"))
        self._set("iops", db.get("Iops"))
        # Multi-AZ DB clusters have no storage autoscaling (settings refuse a ceiling).
        self._set("maxAllocatedStorage", 0)

    def _monitoring(self, source: dict[str, Any]) -> None:
        """Enhanced Monitoring and Performance Insights: the writer's (Aurora) or the cluster's."""
        interval = source.get("MonitoringInterval", 0)
        self._set("monitoringInterval", interval if interval in catalog.MONITORING_INTERVALS
                  else _default("monitoring_interval"))
        pi = bool(source.get("PerformanceInsightsEnabled"))
        self._set("performanceInsights", pi)
        days = source.get("PerformanceInsightsRetentionPeriod")
        if pi and days in catalog.PERFORMANCE_INSIGHTS_RETENTION_DAYS:
            self._set("performanceInsightsRetentionDays", days)
        if self.db.get("DatabaseInsightsMode") in ("standard", "advanced") and pi:
            self._set("databaseInsights", self.db["DatabaseInsightsMode"])

    def _subnet_group(self) -> dict[str, Any]:
        """The cluster's DB subnet group, imported by name: a cluster cannot move to another
        without being replaced (plan/forcenew.json dbSubnetGroupName)."""
        name = self.db.get("DBSubnetGroup") or ""
        groups = self.ctx.clients.rds().describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"] if name else []
        if groups:
            self.import_ids["subnetGroup"] = name
            self.live.add(SUBNET_GROUP, name, {
                "name": name, "description": groups[0].get("DBSubnetGroupDescription"),
                "subnetIds": sorted(s["SubnetIdentifier"] for s in groups[0].get("Subnets", []))})
        return groups[0] if groups else {"DBSubnetGroupName": name}

    # --- what the first up changes ------------------------------------------------------------------

    def _forced_changes_of_cluster(self, spec: catalog.EngineSpec, members: list[tuple[str, dict[str, Any]]]) -> None:
        db = self.db
        group = db.get("DBClusterParameterGroup")
        self.changes.append(self._change(CLUSTER, "dbClusterParameterGroupName", group,
                                         "(the stack's own, TLS required)"))
        self._tls(CLUSTER_PARAMETER_GROUP, spec,
                  self._parameter(group, spec.tls_parameter[0], cluster=True) if group else None)
        self.changes.append(self._change(CLUSTER, "vpcSecurityGroupIds",
                                         [g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups", [])],
                                         ["(the stack's own)"]))
        exports = spec.log_exports if self.aurora else catalog.MULTI_AZ_CLUSTER_LOG_EXPORTS[db["Engine"]]
        planned: list[tuple[str, Any, Any]] = [
            ("copyTagsToSnapshot", bool(db.get("CopyTagsToSnapshot")), True),
            ("enabledCloudwatchLogsExports", sorted(db.get("EnabledCloudwatchLogsExports") or []), sorted(exports))]
        if not self.aurora:
            planned += [("publiclyAccessible", bool(db.get("PubliclyAccessible")), False),
                        ("caCertificateIdentifier", (db.get("CertificateDetails") or {}).get("CAIdentifier"),
                         catalog.CA_CERTIFICATE)]
            if self.config[_key("monitoringInterval")]:
                planned.append(("monitoringRoleArn", db.get("MonitoringRoleArn"), "(the stack's own role)"))
        for prop, live, want in planned:
            if live != want:
                self.changes.append(self._change(CLUSTER, prop, live, want))
        if db.get("PerformanceInsightsEnabled") and db.get("PerformanceInsightsKMSKeyId") != db.get("KmsKeyId"):
            self.changes.append(self._change(CLUSTER, "performanceInsightsKmsKeyId",
                                             db.get("PerformanceInsightsKMSKeyId"), db.get("KmsKeyId")))
        self._credentials(CLUSTER, "masterPassword")
        for role, m in members:
            self._instance_changes(role, m)

    def _instance_changes(self, role: str, m: dict[str, Any]) -> None:
        """An Aurora instance: what the program sets on each (components/aurora.py)."""
        config = self.config
        wanted: list[tuple[str, Any, Any]] = [
            ("promotionTier", m.get("PromotionTier"), 0 if role == "writer" else 1),
            ("publiclyAccessible", bool(m.get("PubliclyAccessible")), False),
            ("caCertIdentifier", m.get("CACertificateIdentifier"), catalog.CA_CERTIFICATE),
            ("monitoringInterval", m.get("MonitoringInterval", 0), config[_key("monitoringInterval")]),
            ("performanceInsightsEnabled", bool(m.get("PerformanceInsightsEnabled")),
             config[_key("performanceInsights")]),
            ("autoMinorVersionUpgrade", bool(m.get("AutoMinorVersionUpgrade", True)),
             config[_key("autoMinorVersionUpgrade")]),
        ]
        if config[_key("monitoringInterval")]:
            wanted.append(("monitoringRoleArn", m.get("MonitoringRoleArn"), "(the stack's own role)"))
        if m.get("PerformanceInsightsEnabled"):
            wanted.append(("performanceInsightsKmsKeyId", m.get("PerformanceInsightsKMSKeyId"), self.db.get("KmsKeyId")))
        for prop, live, want in wanted:
            if live != want:
                self.changes.append(self._change(CLUSTER_INSTANCE, prop, live, want,
                                                 resource=m["DBInstanceIdentifier"]))
