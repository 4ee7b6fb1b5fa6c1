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

from rds_guardrails import compliance  # noqa: E402  (the compliance report: one builder for both front ends)
from rds_guardrails.facts import engine_version, lifecycle  # noqa: E402  (the pack's AWS facts: one home)
from rds_guardrails.evaluate import Finding, Resource, evaluate, levels_from_config, stale_exceptions  # noqa: E402
from rds_guardrails.values import UNKNOWN  # noqa: E402

__all__ = ["Finding", "POLICY_DIR", "Resource", "UNKNOWN", "compliance", "engine_version", "evaluate",
           "levels_from_config", "lifecycle", "stale_exceptions"]
