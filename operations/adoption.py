"""adopt: what adopting any live database shares, a DB instance (operations/adopt.py) or a DB
cluster (operations/adopt_cluster.py).

`Adoption` holds the stack file being written (settings, `importIds`), what it cannot express,
what the first `up` changes and the defaults kept off (operations/adopt_changes.py), and the
reading both kinds need: the identifier as `<name>-<stack>`, the initial database name and master
user name (both force replacement), the customer managed key, the subnet group's network, the
tags, the proxy and alarms around the database; then the check by the program's own settings
code and the text of the stack file.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from components import catalog
from components.settings import SettingsError, parse_config_text
from components.settings.adoption import proxy_target_import_id
from operations import adopt_live, lookup
from operations.adopt_changes import NAMESPACE, FirstUpChanges
from operations.adopt_changes import config_key as _key
from operations.clients import AWS_ERRORS
from operations.errors import RunbookError
from operations.runbook import Context

# Platform tags the program sets itself (settings refuse them in `tags`), and AWS's own.
PLATFORM_TAGS = ("Environment", "Project", "ManagedBy")


class Adoption(FirstUpChanges):
    """What one live database becomes: settings, import IDs, and what cannot be said or kept.
    A subclass reads its kind of database in `build`."""

    kind = "database"  # the --db-<kind> option, and the word in messages
    # The CloudWatch dimension that names this kind of database in an alarm.
    alarm_dimension = ""
    # How this kind of database is re-encrypted with a customer managed key, and the rule's row.
    reencrypt = ""
    encryption_rule = ""

    def __init__(self, ctx: Context, db: dict[str, Any], stack: str, identifier: str) -> None:
        self.ctx, self.db, self.stack, self.identifier = ctx, db, stack, identifier
        self.config: dict[str, Any] = {"aws:region": ctx.clients.region}
        self.import_ids: dict[str, Any] = {}
        self.cannot_express: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.defaults_kept_off: list[dict[str, Any]] = []
        # What adopt read, for the offline gate: adoption/<stack>.json (operations/adopt_live.py).
        self.live = adopt_live.LiveSnapshot()

    def build(self) -> None:
        raise NotImplementedError

    # --- shared reading ---------------------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        if value is not None:
            self.config[_key(name)] = value

    def _express(self, what: str, live: Any, do: str) -> None:
        self.cannot_express.append({"what": what, "live": live, "do": do})

    def _major(self, spec: catalog.EngineSpec, version: str) -> None:
        if spec.major_of(version) not in spec.majors:
            raise RunbookError(f"{self.identifier}: {spec.name} {version} is not a major version the platform runs "
                               f"({', '.join(spec.majors)}); upgrade it first (python -m operations upgrade-check)")

    def _identity(self, spec: catalog.EngineSpec, db_name: Any, username: str) -> None:
        """The name (<name>-<stack>), the initial database name and the master user name: the
        program names the database so, and a change of either name replaces it (plan/forcenew.json)."""
        suffix = f"-{self.stack}"
        name = self.identifier[:-len(suffix)] if self.identifier.endswith(suffix) else ""
        if not name:
            raise RunbookError(f"{self.identifier}: the program names a database <name>-<stack>; run adopt with "
                               f"--stack {self.identifier.rsplit('-', 1)[-1]} (the identifier's last part), or "
                               f"rename the {self.kind} (ModifyDB{self._api} New{self._api}Identifier) first")
        self._set("name", name)
        self.import_ids["database"] = self.identifier
        if not db_name:
            raise RunbookError(f"{self.identifier}: it has no initial database name; the program always sets one, "
                               f"and a change of it replaces a {self.kind} (plan/forcenew.json): it cannot be "
                               "adopted without replacement")
        self._set("dbName", db_name)
        if username.lower() in spec.reserved_usernames:
            raise RunbookError(f"{self.identifier}: master user name {username!r} is one the platform refuses (a "
                               "default name scanners flag, rds-no-default-master-username), and a change of username "
                               f"replaces a {self.kind} (plan/forcenew.json): it cannot be adopted as it is")
        self._set("masterUsername", username)

    @property
    def _api(self) -> str:
        return "DBCluster" if self.kind == "cluster" else "DBInstance"

    def _encryption(self) -> None:
        """The customer managed key of the storage, imported with the database (a change of key
        replaces it: plan/forcenew.json kmsKeyId, storageEncrypted)."""
        key_id = self.db.get("KmsKeyId")
        if not self.db.get("StorageEncrypted") or not key_id:
            raise RunbookError(
                f"{self.identifier}: its storage is not encrypted. The platform encrypts with a customer managed key, "
                f"and a {self.kind}'s encryption cannot change without replacing it ({self.encryption_rule}): "
                f"{self.reencrypt}, then adopt the restored one")
        kms = self.ctx.clients.client("kms")
        key = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        if key.get("KeyManager") == "AWS":
            raise RunbookError(
                f"{self.identifier}: it is encrypted with the AWS managed key (aws/rds); the platform needs a customer "
                f"managed key it can govern, and a change of kmsKeyId replaces a {self.kind} (plan/forcenew.json): "
                f"{self.reencrypt}, then adopt the restored one")
        self.import_ids["kmsKey"] = key["KeyId"]
        self.live.add(adopt_live.KEY, key["KeyId"], adopt_live.key_inputs(kms, key))

    def _network(self, group: dict[str, Any], security_groups: list[str]) -> None:
        """The VPC and subnets of the database's subnet group; its security groups, said."""
        subnets = [s["SubnetIdentifier"] for s in group.get("Subnets", [])]
        if group.get("VpcId") and len(subnets) >= 2:
            self._set("vpcId", group["VpcId"])
            self._set("subnetIds", sorted(subnets))
        else:
            self._express("network", group.get("DBSubnetGroupName"),
                          "the platform places a database in at least 2 private subnets of a VPC: set vpcId and subnetIds")
        self._express("security groups", security_groups,
                      "the platform builds its own security group; set allowedSecurityGroupIds (client security "
                      "groups) and allowedCidrs (private client ranges) to the sources these groups allow today")

    def _tags(self, type_: str) -> None:
        tags = lookup.tags(self.db)
        kept = {k: v for k, v in tags.items() if k not in PLATFORM_TAGS and not k.lower().startswith("aws:")}
        self._set("tags", kept)
        added = {k: v for k, v in {"Environment": self.stack, "Project": NAMESPACE, "ManagedBy": "pulumi"}.items()
                 if tags.get(k) != v}
        if added:
            self.changes.append(self._change(type_, "tags", {k: tags.get(k) for k in added}, added))

    def _around(self) -> None:
        """The proxy and alarms of the database: not adopted, said with what to do."""
        rds = self.ctx.clients.rds()
        try:
            proxies = rds.describe_db_proxies().get("DBProxies", [])
        except AWS_ERRORS:
            proxies = []
        for proxy in proxies:
            try:
                targets = rds.describe_db_proxy_targets(DBProxyName=proxy["DBProxyName"]).get("Targets", [])
            except AWS_ERRORS:
                targets = []
            if not any(self.identifier in (t.get("RdsResourceId"), t.get("TrackedClusterId")) for t in targets):
                continue
            if proxy["DBProxyName"] == f"{self.identifier}-proxy" and "proxy" not in self.import_ids:
                self._proxy(proxy)
            else:
                self._express(f"RDS Proxy {proxy['DBProxyName']}", proxy["DBProxyName"],
                              f"not adopted: the program names its proxy {self.identifier}-proxy; set proxy: {{}} for "
                              "the platform's proxy (a new endpoint), move the clients to it, then delete this one")
        try:
            alarms = self.ctx.clients.client("cloudwatch").describe_alarms().get("MetricAlarms", [])
        except AWS_ERRORS:
            alarms = []
        mine = sorted(a["AlarmName"] for a in alarms
                      if any(d.get("Name") == self.alarm_dimension and d.get("Value") == self.identifier
                             for d in a.get("Dimensions", [])))
        if mine:
            self._express("CloudWatch alarms", mine, "not adopted: the platform creates its own (alarms.enabled); "
                                                     "delete these once its alarms notify the right people")

    def _proxy(self, proxy: dict[str, Any]) -> None:
        """The proxy the program would name so: its settings, its import ID, its live values."""
        name = proxy["DBProxyName"]
        auths = proxy.get("Auth") or [{}]
        settings: dict[str, Any] = {"iamAuth": auths[0].get("IAMAuth") == "REQUIRED"}
        if proxy.get("IdleClientTimeout") is not None:
            settings["idleClientTimeout"] = proxy["IdleClientTimeout"]
        try:
            groups = self.ctx.clients.rds().describe_db_proxy_target_groups(DBProxyName=name).get("TargetGroups", [])
        except AWS_ERRORS:
            groups = []
        pool = next((g.get("ConnectionPoolConfig") or {} for g in groups if g.get("IsDefault", True)), {})
        for field, key in (("MaxConnectionsPercent", "maxConnectionsPercent"),
                           ("MaxIdleConnectionsPercent", "maxIdleConnectionsPercent"),
                           ("ConnectionBorrowTimeout", "connectionBorrowTimeout")):
            if pool.get(field) is not None:
                settings[key] = pool[field]
        self._set("proxy", settings)
        self.import_ids["proxy"] = name
        self.live.add(adopt_live.PROXY, name, adopt_live.proxy_inputs(proxy))
        cluster = self.kind == "cluster"
        target = "dbClusterIdentifier" if cluster else "dbInstanceIdentifier"
        self.live.add(adopt_live.PROXY_TARGET, proxy_target_import_id(name, self.identifier, cluster=cluster),
                      {"dbProxyName": name, "targetGroupName": "default", target: self.identifier})

    # --- checking and writing ---------------------------------------------------------------------

    def checked(self) -> None:
        """The settings as the program reads them: any problem stops the run, nothing written."""
        values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.config.items()}
        try:
            parse_config_text(values, environment=self.stack)
        except SettingsError as exc:
            raise RunbookError(f"{self.identifier}: the settings that reproduce it are ones the platform refuses, so "
                               f"it cannot be adopted as it is:\n" + "\n".join(f"  - {p}" for p in exc.problems)) from None

    def text(self) -> str:
        header = (f"# Written by `python -m operations adopt --db-{self.kind} {self.identifier} --stack {self.stack}`:\n"
                  "# the settings that reproduce the live database, and the import IDs the first `up` adopts.\n"
                  "# Before the first `up`, read docs/adopting.md: what it changes, and how to roll back.\n")
        return header + yaml.safe_dump({"config": self.config}, sort_keys=False, default_flow_style=False)
