"""Report a waived violation at advisory level, over the analyzer protocol, whatever the policy's level.

pulumi-policy's `ReportViolation` takes (message, urn) only: every diagnostic of a policy carries
the level the policy is configured at, and the SDK has no public way to report one violation at
another level (1.21.0). A waived violation must not block, and must still be shown: the pack
reports it through `report_waived`, and this module wraps the SDK's reporter factory
(`_PolicyAnalyzerServicer._create_report_violation`) so that a diagnostic reported that way
leaves as ADVISORY. Nothing else changes: the diagnostic, its message (which names the
exception) and every other report are the SDK's own.

It touches an SDK internal, so it wraps only a release it was checked against (the one
sdk_speedup knows) that still has that name. On any other SDK nothing is wrapped and a waived
violation keeps the policy's level: it blocks as if there were no exception (fail closed), its
message still naming the exception.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, Optional

import pulumi_policy.policy as _typed_sdk_policy
from pulumi.runtime.proto import analyzer_pb2

from rds_guardrails import sdk_speedup

_sdk_policy: Any = _typed_sdk_policy
_FACTORY = "_create_report_violation"
# Per thread (the server runs several calls at once): set while report_waived reports.
_waiving = threading.local()


def report_waived(report: Callable[[str, Optional[str]], None], message: str, urn: Optional[str]) -> None:
    """report(message, urn), its diagnostic at advisory level when the wrapper is installed."""
    _waiving.on = True
    try:
        report(message, urn)
    finally:
        _waiving.on = False


def _advisory(factory: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(factory)
    def create(self: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        report = factory(self, response, *args, **kwargs)

        def report_violation(message: str, urn: Optional[str] = None) -> None:
            before = len(response.diagnostics)
            report(message, urn)
            if getattr(_waiving, "on", False):
                for diagnostic in response.diagnostics[before:]:
                    diagnostic.enforcementLevel = analyzer_pb2.ADVISORY

        return report_violation

    return create


def unsupported_reason() -> Optional[str]:
    """Why the installed SDK cannot be wrapped, or None."""
    reason = sdk_speedup.unsupported_reason()
    if reason is not None:
        return reason
    servicer = getattr(_sdk_policy, "_PolicyAnalyzerServicer", None)
    if servicer is None or not hasattr(servicer, _FACTORY):
        return f"pulumi-policy has no _PolicyAnalyzerServicer.{_FACTORY}"
    return None


def install() -> Optional[str]:
    """Wrap the SDK's reporter factory (idempotent); on an SDK it does not know, the reason."""
    reason = unsupported_reason()
    if reason is not None:
        return reason
    servicer = _sdk_policy._PolicyAnalyzerServicer
    if not getattr(servicer, "_reports_waived_as_advisory", False):
        setattr(servicer, _FACTORY, _advisory(getattr(servicer, _FACTORY)))
        servicer._reports_waived_as_advisory = True
    return None


def installed() -> bool:
    """The running SDK reports waived violations at advisory level."""
    return bool(getattr(getattr(_sdk_policy, "_PolicyAnalyzerServicer", None), "_reports_waived_as_advisory", False))
