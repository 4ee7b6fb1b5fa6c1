"""adopt: what the first `up` changes on the live database, and the platform defaults kept off.

A mixin of adoption.Adoption (operations/adoption.py), which reads the live database and writes
the stack file; each change carries what AWS does with it as the day-N gate says it
(plan/change_effects.py). The instance's changes are here; a cluster's are in
operations/adopt_cluster.py, from the same pieces (TLS, credentials, defaults kept off).
"""

from __future__ import annotations

from typing import Any, Optional

from components import catalog
from components.settings.model import Settings
from operations.clients import AWS_ERRORS
from operations.runbook import Context
from operations.live import INSTANCE
from plan import change_effects

PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
NAMESPACE = "rdsplatform"


def config_key(name: str) -> str:
    return f"{NAMESPACE}:{name}"


def platform_default(field: str) -> Any:
    """The platform's default of a setting (the model's), for what a stack file leaves unset."""
    return Settings.model_fields[field].default


class FirstUpChanges:
    """What the first `up` changes and which defaults stay off; Adoption sets these attributes."""

    ctx: Context
    db: dict[str, Any]
    identifier: str
    config: dict[str, Any]
    changes: list[dict[str, Any]]
    defaults_kept_off: list[dict[str, Any]]
    cannot_express: list[dict[str, Any]]
    # The platform defaults a stack file may keep off: (key, Settings field, type, input).
    kept_off_rows: tuple[tuple[str, str, str, str], ...] = (
        ("deletionProtection", "deletion_protection", INSTANCE, "deletionProtection"),
        ("multiAz", "multi_az", INSTANCE, "multiAz"),
        ("iamAuth", "iam_auth", INSTANCE, "iamDatabaseAuthenticationEnabled"),
        ("performanceInsights", "performance_insights", INSTANCE, "performanceInsightsEnabled"),
        ("autoMinorVersionUpgrade", "auto_minor_version_upgrade", INSTANCE, "autoMinorVersionUpgrade"),
        ("monitoringInterval", "monitoring_interval", INSTANCE, "monitoringInterval"))

    def _change(self, type_: str, prop: str, live: Any, planned: Any, effect: Optional[change_effects.Effect] = None,
                resource: Optional[str] = None) -> dict[str, Any]:
        inputs = {"applyImmediately": platform_default("apply_immediately"), "engine": self.db["Engine"],
                  "maxAllocatedStorage": self.config.get(config_key("maxAllocatedStorage"), 0),
                  "manageMasterUserPassword": self.config.get(config_key("credentialsMode")) == "managed"}
        found = effect or change_effects.effect(type_, prop, live, planned, inputs)
        return {"resource": resource or self.identifier, "property": prop, "live": live, "planned": planned,
                "outcome": found.outcome if found else None, "effect": found.text if found else "not judged",
                "source": found.source if found else None}

    def _forced_changes(self, spec: catalog.EngineSpec) -> None:
        db, stack_group = self.db, "(the stack's own, TLS required)"
        groups = [g.get("DBParameterGroupName") for g in db.get("DBParameterGroups", [])]
        self.changes.append(self._change(INSTANCE, "parameterGroupName", groups[0] if groups else None, stack_group))
        self._tls(PARAMETER_GROUP, spec, self._parameter(groups[0], spec.tls_parameter[0]) if groups else None)
        self.changes.append(self._change(INSTANCE, "dbSubnetGroupName", (db.get("DBSubnetGroup") or {}).get(
            "DBSubnetGroupName"), "(the stack's own, same subnets)"))
        self.changes.append(self._change(INSTANCE, "vpcSecurityGroupIds", [g["VpcSecurityGroupId"] for g in
                                                                           db.get("VpcSecurityGroups", [])],
                                         ["(the stack's own)"]))
        for prop, live, planned in (
            ("publiclyAccessible", bool(db.get("PubliclyAccessible")), False),
            ("copyTagsToSnapshot", bool(db.get("CopyTagsToSnapshot")), True),
            ("caCertIdentifier", db.get("CACertificateIdentifier"), catalog.CA_CERTIFICATE),
            ("enabledCloudwatchLogsExports", sorted(db.get("EnabledCloudwatchLogsExports", [])), sorted(spec.log_exports)),
        ):
            if live != planned:
                self.changes.append(self._change(INSTANCE, prop, live, planned))
        if self.config[config_key("monitoringInterval")]:
            self.changes.append(self._change(INSTANCE, "monitoringRoleArn", db.get("MonitoringRoleArn"),
                                             "(the stack's own role)"))
        if db.get("PerformanceInsightsEnabled") and db.get("PerformanceInsightsKMSKeyId") != db.get("KmsKeyId"):
            self.changes.append(self._change(INSTANCE, "performanceInsightsKmsKeyId",
                                             db.get("PerformanceInsightsKMSKeyId"), db.get("KmsKeyId")))
        self._credentials(INSTANCE, "password")

    def _tls(self, group_type: str, spec: catalog.EngineSpec, live: Optional[str]) -> None:
        """The stack's own parameter group requires TLS: a change where the live group does not."""
        name, value = spec.tls_parameter
        if live != value:
            self.changes.append(self._change(
                group_type, "parameters", {name: live}, {name: value},
                change_effects.parameter_effect(group_type, "pending-reboot", {}), resource=f"{name} (TLS)"))

    def _credentials(self, type_: str, password: str) -> None:
        """A managed secret is kept, on the database's key; generated credentials get a new password."""
        db, secret = self.db, self.db.get("MasterUserSecret") or {}
        if secret and secret.get("KmsKeyId") != db.get("KmsKeyId"):
            change = self._change(type_, "masterUserSecretKmsKeyId", secret.get("KmsKeyId"), db.get("KmsKeyId"))
            self.changes.append(change)
            if change["outcome"] == "refused":
                self._express_refused(change, "the master secret RDS manages is encrypted with another key, and "
                                      "AWS refuses to change it while RDS manages the password: before the first "
                                      "up, turn ManageMasterUserPassword off and on again with "
                                      "MasterUserSecretKmsKeyId set to the database's key (importIds.kmsKey)")
        if not secret:
            self.changes.append(self._change(type_, password, "[secret]", "[secret] (a new generated password)"))

    def _express_refused(self, change: dict[str, Any], do: str) -> None:
        self.cannot_express.append({"what": f"{change['property']} (the first up fails: {change['effect']})",
                                    "live": change["live"], "do": do})

    def _parameter(self, group: str, name: str, cluster: bool = False) -> Optional[str]:
        """A parameter's value in a DB (or DB cluster) parameter group; None when unset or unreadable."""
        rds = self.ctx.clients.rds()
        try:
            pages = (rds.get_paginator("describe_db_cluster_parameters").paginate(DBClusterParameterGroupName=group)
                     if cluster else rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName=group))
            for page in pages:
                for p in page.get("Parameters", []):
                    if p.get("ParameterName") == name:
                        value = p.get("ParameterValue")
                        return None if value is None else str(value)
        except AWS_ERRORS:
            return None
        return None

    def _kept_off(self) -> None:
        """Platform defaults the stack file keeps as the database has them, each with the outcome
        of turning it on (the stack file's value: the next change is yours)."""
        for key, field, type_, prop in self.kept_off_rows:
            live, platform = self.config.get(config_key(key)), platform_default(field)
            if live != platform:
                change = self._change(type_, prop, live, platform)
                self.defaults_kept_off.append({"key": config_key(key), "live": live, "platform_default": platform,
                                               "outcome": change["outcome"], "effect": change["effect"],
                                               "source": change["source"]})
