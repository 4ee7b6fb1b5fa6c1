"""Every control of the pack, in the pack's order: resource controls by concern, then stack controls.

Where each control looks (and where it deliberately does not):
- Cluster-owned settings (encryption, backups, deletion protection, copy tags, IAM auth) are
  judged on aws.rds.Cluster, never on its ClusterInstances.
- A read replica (replicateSourceDb set) inherits encryption, backups and credentials from
  its source; only what it controls itself is judged on it: public access, and a key in its
  own region when it is cross-region. Multi-AZ and final snapshots are not replica concerns.
- Deployability controls (deployability*.py) say what AWS or the provider would refuse or get
  wrong; they are advisory unless a config raises them (prod does).
- An unset property means what AWS does when it is unset (`unset_means`); an unknown value
  (first preview) is never a violation.
"""

from __future__ import annotations

from rds_guardrails import (availability, data_safety, deployability, deployability_stack, encryption, network, retention,
                            stack_controls)
from rds_guardrails.rule import Rule, StackRule

RESOURCE_RULES: list[Rule] = (encryption.RULES + network.RULES + data_safety.RULES + retention.RULES
                              + availability.RULES + deployability.RULES)
STACK_RULES: list[StackRule] = stack_controls.RULES + deployability_stack.RULES
