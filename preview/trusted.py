"""The trusted rules: the pack's code and policy config at a git ref, judging the head's plan.

A pull request must not be judged by the rules it changes. With `--rules git:REF` (and with
`--baseline git:REF`, which implies it), the pack's folder is exported from REF into a
temporary folder and run from there, configured with REF's `policies/config/<stack>.json`; a
stack with no config at REF gets REF's pack defaults, never the head's file. The head's own
rules run too: the report shows what changed between the two (preview/policy_change.py) and
what each would say. Without approval (--allow-policy-change) a violation counts at the
stricter of its two levels; with it, the head's rules judge.
"""

from __future__ import annotations

import argparse
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Optional

from plan.registration import Plan
from preview.analyzer import (PolicyConfigError, PolicyPackProcess, Violation, exceptions_of, levels,
                              load_policy_config, waivers, with_waivers,
                              policy_config_path, resolve_config)
from preview.policy_change import PolicyChange, code_changes, config_changes

# The pack's config lives here; every other file under policies/ is the pack's code or requirements.
CONFIG_DIR = "policies/config/"


class RulesError(Exception):
    """The trusted ref cannot be read: exit 2 before anything is planned."""


def rules_source(value: str) -> str:
    """The --rules option: a git ref, as `git:REF`."""
    if not value.startswith("git:") or len(value) == 4:
        raise argparse.ArgumentTypeError(f"{value!r}: expected git:REF, e.g. git:origin/main")
    return value


def _git(project_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True)
    except OSError as exc:
        raise RulesError(f"cannot run git: {exc.strerror or exc}") from None


@dataclass
class TrustedRules:
    """REF's pack folder in a temporary folder, and the files of the pack's code the head changed."""

    source: str  # git:REF
    policy_dir: Path
    changed_code: list[str]
    _tmp: Any = None
    _pack: Optional[PolicyPackProcess] = field(default=None, repr=False)

    def config_path(self, stack: str) -> Optional[Path]:
        path = self.policy_dir / "config" / f"{stack}.json"
        return path if path.exists() else None

    def pack(self, head: PolicyPackProcess) -> PolicyPackProcess:
        """REF's pack: the head's process when the code is the same, else one started from REF's folder."""
        if not self.changed_code:
            return head if head.connected else head.connect()
        if self._pack is None:
            self._pack = PolicyPackProcess(self.policy_dir, head.python).start().connect()
        return self._pack

    def close(self) -> None:
        if self._pack is not None:
            self._pack.close()
        if self._tmp is not None:
            self._tmp.cleanup()


def load_trusted(source: str, project_dir: Path) -> TrustedRules:
    """Export `policies/` at the ref of `source` (git:REF); RulesError when the ref does not exist."""
    ref = source[len("git:"):]
    found = _git(project_dir, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise RulesError(f"trusted rules {source}: no commit {ref!r} in the git repository of {project_dir} "
                         f"(a branch, tag or SHA; fetch it first, e.g. git fetch origin main)")
    prefix = _git(project_dir, "rev-parse", "--show-prefix").stdout.decode().strip()
    archive = _git(project_dir, "archive", "--format=tar", f"{ref}:{prefix}policies")
    if archive.returncode != 0:
        raise RulesError(f"trusted rules {source}: no policies/ folder at {ref}: {archive.stderr.decode().strip()}")
    tmp = tempfile.TemporaryDirectory(prefix="trusted-rules-")
    policy_dir = Path(tmp.name) / "policies"
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(policy_dir, filter="data")
    diff = _git(project_dir, "diff", "--name-only", "--relative", ref, "--", "policies")
    untracked = _git(project_dir, "ls-files", "--others", "--exclude-standard", "--", "policies")
    paths = {p for run in (diff, untracked) for p in run.stdout.decode().splitlines() if p}
    return TrustedRules(source, policy_dir, sorted(p for p in paths if not p.startswith(CONFIG_DIR)), tmp)


def _key(v: Violation) -> tuple[str, str, str]:
    return v.policy, v.urn, v.message


def merged(trusted: list[Violation], head: list[Violation]) -> list[Violation]:
    """Every violation either rule set reports, at the stricter of its two levels."""
    by_key = {_key(v): v for v in trusted}
    for v in head:
        known = by_key.get(_key(v))
        if known is None or levels.STRENGTH[v.level] > levels.STRENGTH[known.level]:
            by_key[_key(v)] = v
    return list(by_key.values())


def judge_with_trusted(result: Any, plan: Plan, head_pack: PolicyPackProcess, trusted: TrustedRules,
                       head_config: dict[str, Any], head_has_file: bool, approved: bool) -> None:
    """Run the trusted rules on `plan`, record both verdicts and the policy changes on `result`."""
    stack = plan.stack
    path = trusted.config_path(stack)
    try:
        trusted_config = load_policy_config(stack, path) if path is not None else {}
        pack = trusted.pack(head_pack)
        trusted_resolved = resolve_config(pack.info, trusted_config)
        pack.configure(trusted_config)
    except (PolicyConfigError, RuntimeError) as exc:  # RuntimeError: REF's pack did not start
        raise PolicyConfigError(f"the trusted rules ({trusted.source}): {exc}") from None
    # Each side's violations with the exceptions of its own config; an exception new at the head
    # (not among the trusted ones) may not start expired (exit 2, as a bad exception).
    result.trusted_violations = with_waivers(pack.check_plan(plan), trusted_config)
    trusted_ids = {(w.policy, w.id) for w in exceptions_of(trusted_config)}
    for waiver in exceptions_of(head_config):
        if (waiver.policy, waiver.id) not in trusted_ids:
            try:
                waivers.check_new(waiver)
            except waivers.WaiverError as exc:
                raise PolicyConfigError(str(exc)) from None
    head_resolved = resolve_config(head_pack.info, head_config)
    changes: list[PolicyChange] = code_changes(trusted.changed_code)
    changes += config_changes(trusted_resolved, head_resolved, f"{CONFIG_DIR}{stack}.json",
                              path is not None, head_has_file)
    result.head_violations = list(result.violations)
    result.policy_changes = changes
    result.rules_from = trusted.source
    result.policy_change_approved = approved
    result.violations = (result.head_violations if approved
                         else merged(result.trusted_violations, result.head_violations))


def head_config_of(stack: str, policy_config: Optional[Path]) -> tuple[dict[str, Any], bool]:
    """The head's policy config of `stack`, and whether it comes from a file."""
    return load_policy_config(stack, policy_config), bool(policy_config or policy_config_path(stack))
