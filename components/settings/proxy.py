"""RDS Proxy settings: pool sizes and timeouts, each within what RDS Proxy accepts."""

from __future__ import annotations

from pydantic import Field, field_validator

from components import catalog
from components.settings import checks
from components.settings.base import SettingsModel


class ProxySettings(SettingsModel):
    """RDS Proxy in front of the primary: connection pooling and faster failover."""

    # Seconds a client connection may idle before the proxy closes it.
    idle_client_timeout: int = Field(1800, description="Seconds an idle client connection is kept (1-28800).")
    # Percent of the database's max_connections the proxy may open / keep idle.
    max_connections_percent: int = Field(90, description="Share of the database's max_connections the proxy may use (1-100).")
    max_idle_connections_percent: int = Field(50, description="Share kept open while idle (at most maxConnectionsPercent).")
    # Seconds a client waits for a pooled connection before an error.
    connection_borrow_timeout: int = Field(120, description="Seconds a client waits for a pooled connection (0-300).")
    # Clients authenticate with IAM tokens instead of the database password.
    iam_auth: bool = Field(True, description="Clients authenticate with IAM tokens; TLS is always required.")

    @field_validator("idle_client_timeout")
    @classmethod
    def _idle(cls, v: int) -> int:
        return checks.within(v, catalog.PROXY_IDLE_CLIENT_TIMEOUT_SECONDS, "seconds")

    @field_validator("connection_borrow_timeout")
    @classmethod
    def _borrow(cls, v: int) -> int:
        return checks.within(v, catalog.PROXY_BORROW_TIMEOUT_SECONDS, "seconds")

    @field_validator("max_connections_percent")
    @classmethod
    def _max(cls, v: int) -> int:
        return checks.within(v, catalog.PROXY_CONNECTIONS_PERCENT, "percent")

    @field_validator("max_idle_connections_percent")
    @classmethod
    def _idle_pct(cls, v: int) -> int:
        return checks.within(v, catalog.PROXY_IDLE_CONNECTIONS_PERCENT, "percent")
