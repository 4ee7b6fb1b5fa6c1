"""Fix hints a reviewer can act on: this project's config key for its own resources.

The pack's messages end in a fix for the resource property (`Fix: set multiAz: true`), right
for any program. For a resource this program registered the change belongs in the stack
file, so the hint names the config key (components/settings/policy_keys.py), where it is set,
and, when the value is one word, the `--config` that tries it offline (a `pulumi config set
--path` key, which `python -m preview --config` reads the same way).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping, Optional

from plan.stack_config import PROJECT_DIR
from preview.analyzer import Violation
from preview.sources import Source, config_source, stack_keys


def _fix(v: Violation, stack: str, project_dir: Path) -> Optional[tuple[str, str]]:
    """(namespaced config key, what to set it to) that fixes this violation, for this program's resources."""
    # Imported when a violation is shown, not with the harness: the harness also plans a git
    # ref's program (preview/diff.py), whose components/ may predate this table.
    from components.settings.policy_keys import config_fix, from_this_program

    if not from_this_program(v.urn):
        return None
    return config_fix(v.policy, stack_keys(project_dir, stack))


def project_key(v: Violation, stack: str = "", project_dir: Path = PROJECT_DIR) -> Optional[str]:
    """The namespaced config key that fixes this violation, when the resource is this program's."""
    fix = _fix(v, stack, project_dir)
    return fix[0] if fix else None


def location(v: Violation, stack: str, project_dir: Path = PROJECT_DIR,
             overrides: Optional[Mapping[str, str]] = None) -> Source:
    """Where the fix goes: the key's `--config` override or line, else the stack file's first line."""
    return config_source(project_dir, stack, project_key(v, stack, project_dir), overrides)


def shown_message(v: Violation, stack: str, project_dir: Path = PROJECT_DIR,
                  overrides: Optional[Mapping[str, str]] = None) -> str:
    """The message's last line, its `Fix:` naming the config key for this program's resources."""
    text = v.message.splitlines()[-1] if v.message.strip() else ""
    fix = _fix(v, stack, project_dir)
    if fix is None:
        return text
    key, value = fix
    source = config_source(project_dir, stack, key, overrides)
    head = text.split(" Fix: ", 1)[0]
    # A one-word value can be tried as written; `key` is a --path key (alarms.enabled).
    paste = f"; try: --config {key}={value}" if re.fullmatch(r"[\w.-]+", value) else ""
    return f"{head} Fix: set {key} to {value} ({source}{paste})."
