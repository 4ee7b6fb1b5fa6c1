"""Deployability (CONTROLS.md): what AWS would refuse or get wrong. Empty until that pass lands.

Each rule here cites, in a comment and in its description, the AWS page and section (or the
pulumi-aws docstring) it comes from; see CONTROLS.md "Deployability".
"""

from __future__ import annotations

from rds_guardrails.rule import Rule

RULES: list[Rule] = []
