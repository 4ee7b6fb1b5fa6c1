"""The plan model shared by the tooling: stack config, registrations, stateful types.

Imported by preview/, automation/, benchmarks/ and tests/; never by components/ or policies/.
It imports neither the mock engine (preview/) nor the Automation API. Its AWS facts (change
effects, ForceNew inputs, versions) come from the pack's `rds_guardrails.facts`, whose folder
`policies/` goes on sys.path here (as in components/__init__.py).
"""

import sys
from pathlib import Path

_PACK = str(Path(__file__).resolve().parent.parent / "policies")
if _PACK not in sys.path:
    sys.path.append(_PACK)
