"""The Pulumi program's components.

AWS facts (engine versions, support calendars, limits) have one home, the policy pack's
`rds_guardrails.facts` (docs/architecture.md). The pack is a folder of its own, `policies/`, beside
this package in a checkout and in the installed `rdsplatform` package alike; it goes on sys.path
here so that `from rds_guardrails.facts import ...` works under `pulumi up`, the component package
and the tooling.
"""

import sys
from pathlib import Path

_PACK = str(Path(__file__).resolve().parent.parent / "policies")
if _PACK not in sys.path:
    sys.path.append(_PACK)
