"""Alarm settings: who is notified, threshold overrides, the dashboard."""

from __future__ import annotations

import re

from pydantic import field_validator

from components import alarm_catalog
from components.settings.base import SettingsModel


class AlarmSettings(SettingsModel):
    """CloudWatch alarms, the SNS topic they notify, RDS event subscription and dashboard."""

    enabled: bool = True
    # Addresses subscribed to the alarm topics.
    emails: tuple[str, ...] = ()
    # Refused: webhook URLs carry tokens and belong in the secret key alarmHttpsEndpoints.
    https_endpoints: tuple[str, ...] = ()
    # Overrides of the defaults in components/alarm_catalog.py, by key (e.g. cpuUtilizationPercent).
    thresholds: dict[str, float] = {}
    dashboard: bool = True

    @field_validator("emails")
    @classmethod
    def _emails(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [e for e in v if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}", e)]
        if bad:
            raise ValueError(f"{bad} are not email addresses")
        return v

    @field_validator("https_endpoints")
    @classmethod
    def _https(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        # Webhook URLs carry tokens: they live in the secret key alarmHttpsEndpoints, never in
        # this plain object (whose value would be in the stack file and the state in clear).
        if v:
            raise ValueError("webhook URLs carry tokens: set them in the secret key rdsplatform:alarmHttpsEndpoints "
                             "(pulumi config set --secret alarmHttpsEndpoints '[\"https://...\"]') and remove "
                             "alarms.httpsEndpoints")
        return v

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(alarm_catalog.CONFIGURABLE))
        if unknown:
            raise ValueError(f"unknown {unknown}; allowed: {', '.join(alarm_catalog.CONFIGURABLE)}")
        negative = sorted(k for k, t in v.items() if t < 0)
        if negative:
            raise ValueError(f"{negative} must not be negative")
        over = sorted(k for k, t in v.items() if alarm_catalog.CONFIGURABLE[k].unit == "percent" and t > 100)
        if over:
            raise ValueError(f"{over} are percentages: at most 100")
        return v
