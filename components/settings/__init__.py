"""Stack settings: the one place `pulumi.Config` is read, validated and frozen.

Every other module receives a `Settings` (or arguments built from one). Validation happens
before the first resource is declared and reports every problem at once — the config key,
the value and what is allowed — so a bad stack file never leaves a half-created plan behind.

Modules: `base` (namespace, error, frozen base model), `checks` and `windows` (single-value
checks), one model module per concern (`replicas`, `proxy`, `alarms`, `clusters`, `restore`,
and `model` for the stack's own keys), the cross-key rules per concern (`*_rules`, run in
order by `rules`), the derived names (`naming`), regions (`regions`), tags (`tagging`), engine
parameters (`engine_parameters`), the secret keys (`secrets`), `reading` (config text to
`Settings`, every problem in one `SettingsError`), and `component_args` (the component's typed
args to and from `Settings`).
"""

from components.settings.alarms import AlarmSettings
from components.settings.base import PROJECT, SettingsError
from components.settings.component_args import from_component, parse_args, to_args
from components.settings.clusters import ClusterSettings, ReaderAutoScalingSettings
from components.settings.model import Settings
from components.settings.proxy import ProxySettings
from components.settings.reading import load, parse, parse_config_text
from components.settings.replicas import DisasterRecoverySettings, ReplicaSettings
from components.settings.restore import RestoreSettings
from components.settings.secrets import SECRET_KEYS, SECRET_PLACEHOLDERS

__all__ = [
    "PROJECT", "AlarmSettings", "ClusterSettings", "DisasterRecoverySettings", "ProxySettings",
    "ReaderAutoScalingSettings", "ReplicaSettings", "RestoreSettings", "SECRET_KEYS", "SECRET_PLACEHOLDERS",
    "Settings", "SettingsError", "from_component", "load", "parse", "parse_args", "parse_config_text", "to_args",
]
