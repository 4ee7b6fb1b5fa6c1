"""Which settings may hold secrets, the placeholders tools plan them with offline, and keeping
secret values out of every error message.

Decision (docs/configuration.md, "Secrets in config"): two keys may carry secrets.
- `alarmHttpsEndpoints`: webhook URLs of alarm subscriptions, which usually carry a token.
- `parameters`: DB parameter values (an audit or replication setting may hold a credential).
Both are declared `secret: true` in Pulumi.yaml without a `type`. Why (Pulumi CLI source,
sdk/go/common/workspace): `mergeConfig` reports a project key without a default as missing in
every stack; `validateStackConfigValue` ("Stack '%v' with configuration key '%v' must be
encrypted as it's secret") runs only for explicitly typed keys, so a typed secret key is
required everywhere and its plain default is refused; project.json allows `default` of any shape
without `type`. Untyped, the empty default applies and the stacks stay valid. The program then
enforces what matters: every value derived from them reaches
the resources as a Pulumi secret, whether the stack file encrypts them or not. Every other key
names or shapes resources, appears in the plan and in AWS in clear, and so may not be set as a
secret: `reading.parse` refuses that instead of leaking it.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from components.settings.base import config_key

SECRET_SETTINGS = ("alarmHttpsEndpoints", "parameters")
SECRET_KEYS = frozenset(config_key(k) for k in SECRET_SETTINGS)
# Valid config text standing in for an encrypted value the offline tools cannot decrypt: one
# webhook (so the plan shows a subscription), no parameters of the stack's own.
SECRET_PLACEHOLDERS = {
    config_key("alarmHttpsEndpoints"): json.dumps(["https://offline-placeholder.invalid/encrypted-webhook"]),
    config_key("parameters"): "{}",
}
REDACTED = "[secret]"


# Where webhook URLs used to go: refused there, and never echoed either.
_SECRET_PATHS = (("alarms", "httpsEndpoints"),)


def is_secret_setting(key: str) -> bool:
    """True for a setting (camelCase, without namespace) whose values are secrets."""
    return key in SECRET_SETTINGS


def is_secret_location(loc: tuple[str | int, ...]) -> bool:
    """True for a place in the config (a pydantic error location) whose value must not be echoed."""
    return bool(loc) and (is_secret_setting(str(loc[0])) or any(tuple(loc[:len(p)]) == p for p in _SECRET_PATHS))


def secret_key_problems(secret_keys: Iterable[str]) -> list[str]:
    """Keys the CLI marks secret that cannot stay secret: their values name or shape resources."""
    prefix = f"{config_key('')}"
    return [
        f"{key}: is set as a secret, but its value names or shapes resources and would be in the plan and "
        f"in AWS in clear; only {', '.join(sorted(SECRET_KEYS))} may hold secrets. Set it in plaintext "
        "(pulumi config set --plaintext)"
        for key in sorted(secret_keys) if key.startswith(prefix) and key not in SECRET_KEYS
    ]


def secret_texts(raw: dict[str, Any]) -> list[str]:
    """Every text inside the secret settings' values, longest first (what must never be echoed)."""
    texts: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif value is not None:
            texts.add(value if isinstance(value, str) else json.dumps(value))

    for key in SECRET_SETTINGS:
        if key in raw:
            walk(raw[key])
    return sorted(texts, key=len, reverse=True)


def redact(problems: list[str], texts: list[str]) -> list[str]:
    """Problems with every secret text replaced: quoted ('v', "v") always, bare when 6+ characters
    long (a short bare text such as "1" also occurs in ordinary words and numbers)."""
    out = []
    for problem in problems:
        for text in texts:
            for quoted in (repr(text), json.dumps(text)):
                problem = problem.replace(quoted, REDACTED)
            if len(text) >= 6:
                problem = problem.replace(text, REDACTED)
        out.append(problem)
    return out
