"""The policy pack's rules, imported read-only: one rule, two front ends.

`policies/` is a separately installed pack directory whose module is `rds_guardrails`; the
audit puts that directory on sys.path and uses the same checks the pack runs at preview time.
"""

from __future__ import annotations

import sys
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"
if str(POLICY_DIR) not in sys.path:
    sys.path.insert(0, str(POLICY_DIR))

from rds_guardrails import compliance, lifecycle  # noqa: E402  (support dates: the same table as the pack's)
from rds_guardrails.evaluate import Finding, Resource, evaluate, levels_from_config, stale_exceptions  # noqa: E402
from rds_guardrails.values import UNKNOWN  # noqa: E402

__all__ = ["Finding", "POLICY_DIR", "Resource", "UNKNOWN", "compliance", "evaluate", "levels_from_config", "lifecycle",
           "stale_exceptions"]
