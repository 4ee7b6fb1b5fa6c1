"""Import IDs: resources that already exist, adopted by the first `up` instead of created.

Each ID is passed as Pulumi's `import` resource option (pulumi.com, Resource option `import`,
read 2026-12-07): the engine reads the resource with that ID into the stack, and, where the
program's inputs differ from what it read, updates it to them ("the import will succeed, and
the resource will then be modified to reflect the inputs in your Pulumi program"). `python -m
operations adopt` writes these from a live database; docs/adopting.md is the procedure.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field

from components.settings.base import SettingsModel

# An RDS identifier (letters, digits, single hyphens, starting with a letter; settings `naming`
# checks what the program derives, rule 40) and a KMS key ID (a key's UUID or a multi-Region key's mrk-).
IDENTIFIER = r"^[a-z][a-z0-9-]{0,62}$"
# A DB subnet group name (RDS API CreateDBSubnetGroup, DBSubnetGroupName: letters, digits, periods,
# underscores, spaces, hyphens; at most 255; not "default": rules.import_problems).
SUBNET_GROUP_NAME = r"^[A-Za-z0-9._ -]{1,255}$"
KMS_KEY_ID = r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"


class ImportIdSettings(SettingsModel):
    """The IDs of resources that exist already; each is imported by the first `up`."""

    database: Optional[str] = Field(None, pattern=IDENTIFIER,
                                    description="The DB instance or DB cluster identifier to adopt: must be <name>-<stack>.")
    kms_key: Optional[str] = Field(None, pattern=KMS_KEY_ID,
                                   description="The customer managed KMS key ID the database is encrypted with.")
    # Replica name (of `replicas`) -> the identifier of the live read replica, <name>-<stack>-<replica>.
    replicas: dict[str, str] = Field({}, description="Replica name of `replicas` -> identifier of the live replica.")
    # Aurora: instance role (writer, reader-1, ...) -> the identifier of the live cluster instance,
    # <name>-<stack>-<role> (components/aurora.py names them so).
    instances: dict[str, str] = Field({}, description=("Aurora: instance role (writer, reader-1, ...) -> identifier of the "
                                                       "live cluster instance, <name>-<stack>-<role>."))
    # A cluster's subnet group cannot change without replacing the cluster (plan/forcenew.json
    # dbSubnetGroupName): the stack takes the live one over, by name.
    subnet_group: Optional[str] = Field(None, pattern=SUBNET_GROUP_NAME,
                                        description="The live DB subnet group of the database, kept by name (needed for a cluster).")
    # The live RDS Proxy in front of the database, when it has the name the program gives its
    # proxy (<name>-<stack>-proxy): imported by name, its target with it (pulumi-aws `rds.Proxy`
    # and `rds.ProxyTarget` docstrings, Import).
    proxy: Optional[str] = Field(None, pattern=IDENTIFIER,
                                 description="The live RDS Proxy in front of the database: must be <name>-<stack>-proxy.")


def proxy_target_import_id(proxy: str, database: str, *, cluster: bool) -> str:
    """The import ID of an RDS Proxy's target in its default target group: <proxy>/default/
    RDS_INSTANCE|TRACKED_CLUSTER/<database> (pulumi-aws `rds.ProxyTarget` docstring, Import;
    docs/aws-rules.md row 95). The program imports it, adopt records its live values under it."""
    return f"{proxy}/default/{'TRACKED_CLUSTER' if cluster else 'RDS_INSTANCE'}/{database}"
