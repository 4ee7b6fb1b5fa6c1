"""Fix hints a reviewer can act on: this project's config key for its own resources.

The pack's messages end in a fix for the resource property (`Fix: set multiAz: true`), right
for any program. For a resource this program registered the change belongs in the stack
file, so the hint names the config key (components/settings/policy_keys.py) and where it is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from plan.stack_config import PROJECT_DIR
from preview.analyzer import Violation
from preview.sources import Source, config_source


def project_key(v: Violation) -> Optional[str]:
    """The namespaced config key that fixes this violation, when the resource is this program's."""
    # Imported when a violation is shown, not with the harness: the harness also plans a git
    # ref's program (preview/diff.py), whose components/ may predate this table.
    from components.settings.policy_keys import config_key, from_this_program

    return config_key(v.policy) if from_this_program(v.urn) else None


def location(v: Violation, stack: str, project_dir: Path = PROJECT_DIR) -> Source:
    """Where the fix goes: the config key's line, else the stack file's first line."""
    return config_source(project_dir, stack, project_key(v))


def shown_message(v: Violation, stack: str, project_dir: Path = PROJECT_DIR) -> str:
    """The message's last line, its `Fix:` naming the config key for this program's resources."""
    from components.settings.policy_keys import POLICY_KEYS  # as in project_key

    text = v.message.splitlines()[-1] if v.message.strip() else ""
    key = project_key(v)
    if key is None:
        return text
    source = config_source(project_dir, stack, key)
    head = text.split(" Fix: ", 1)[0]
    return (f"{head} Fix: set {key} to {POLICY_KEYS[v.policy][1]} "
            f"({source.path} line {source.line}).")
