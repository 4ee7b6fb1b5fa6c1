"""Which stack config key of this program fixes each policy of the pack (policies/).

Kept beside the settings it names so a renamed key is renamed here too. The tooling (the
offline check's fix hints and SARIF locations) reads it; nothing in the program does.
A policy missing here has no key: the program always sets what it checks (encryption with
its own key, private placement, TLS...), so only another program can break it and the
pack's own hint (the resource property) is the right one.
"""

from __future__ import annotations

from components.settings.base import PROJECT

# policy -> (config key without the namespace, what to set it to). Structured keys are named
# by their path (alarms.enabled); the stack file sets the top-level key (alarms).
POLICY_KEYS: dict[str, tuple[str, str]] = {
    "rds-backup-retention": ("backupRetentionDays", "at least the policy's minimum (days)"),
    "rds-multi-az": ("multiAz", "true"),
    "rds-deletion-protection": ("deletionProtection", "true"),
    "rds-protected-resource": ("protectResources", "true"),
    "rds-enhanced-monitoring": ("monitoringInterval", "1, 5, 10, 15, 30 or 60"),
    "rds-performance-insights": ("performanceInsights", "true"),
    "rds-auto-minor-version-upgrade": ("autoMinorVersionUpgrade", "true"),
    "rds-iam-authentication": ("iamAuth", "true"),
    "rds-no-default-master-username": ("masterUsername", "a name that is not a well-known default"),
    "secret-recovery-window": ("secretRecoveryWindowDays", "at least the policy's minimum (days)"),
    "rds-credentials-rotate": ("secretRotationDays", "the days between rotations, 1 up to the policy's maximumDays"),
    "log-group-retention": ("logRetentionDays", "at least the policy's minimum (days)"),
    "rds-alarms-notify": ("alarms.enabled", "true"),
    "rds-event-subscription": ("alarms.enabled", "true"),
    "rds-required-tags": ("tags", "every tag the policy requires"),
    "rds-proxy-iam-auth": ("proxy.iamAuth", "true"),
    "rds-cross-region-backups": ("disasterRecovery.replicateBackups", "true"),
    "rds-backup-replication-retention": ("disasterRecovery.backupRetentionDays",
                                         "at least the policy's minimum (days)"),
    "no-public-ingress-to-database-ports": ("allowedCidrs", "private ranges only"),
    "no-public-ingress-to-database-ports-vpc-rule": ("allowedCidrs", "private ranges only"),
}


# Without a disasterRecovery object there is no region to copy backups to: that is what to add
# (its replicateBackups defaults to true, components/settings/replicas.py).
_NO_DISASTER_RECOVERY = ("disasterRecovery.region",
                         "the region to copy backups to (add disasterRecovery with its vpcCidr, "
                         "or vpcId and subnetIds; replicateBackups defaults to true)")


def config_fix(policy: str, stack_keys: set[str] | frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(namespaced key, what to set it to) that fixes `policy`, given the keys the stack file sets."""
    entry = POLICY_KEYS.get(policy)
    if entry and entry[0].startswith("disasterRecovery.") and f"{PROJECT}:disasterRecovery" not in stack_keys:
        entry = _NO_DISASTER_RECOVERY
    return (f"{PROJECT}:{entry[0]}", entry[1]) if entry else None


def from_this_program(urn: str) -> bool:
    """True for a resource this program registered: its type chain starts at our component."""
    parts = urn.split("::")
    return len(parts) >= 4 and parts[2].startswith(f"{PROJECT}:")
