"""Compare two plans of a stack: added, removed and changed resources, and data at risk.

The baseline is a plan saved with `python -m preview --json` or the plan of a git ref.
A resource is the same one in both plans when its URN, or one of its aliases, matches
(plan/aliases.py). A stateful resource (plan/replacements.py) that would be deleted, or replaced because a
force-new property changed, is a *risk* a reviewer must approve before merge.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from plan import replacements
from plan.aliases import match_baseline
from plan.registration import SECRET_TEXT, UNKNOWN, Registration, is_secret
from plan.stack_config import PROJECT_DIR

# The harness that plans a git ref's program: these packages of this checkout.
_HARNESS = ("preview", "plan")
_HARNESS_ROOT = Path(__file__).resolve().parent.parent


class BaselineError(Exception):
    """The baseline cannot be read or built."""


@dataclass(frozen=True)
class Change:
    """One resource that is in one plan and not the other, or whose inputs differ."""

    urn: str
    type: str
    name: str
    action: str  # "create", "delete", "update", "replace"
    properties: tuple[str, ...] = ()
    # Properties whose new value is unknown until deploy (a first preview): they may change.
    unknown: tuple[str, ...] = ()
    protected: bool = False
    retained: bool = False

    @property
    def at_risk(self) -> bool:
        """Data would be lost: a stateful resource replaced, or deleted without retainOnDelete."""
        if not replacements.is_stateful(self.type):
            return False
        return self.action == "replace" or (self.action == "delete" and not self.retained)

    @property
    def marks(self) -> tuple[str, ...]:
        """What a reviewer must know beyond the action, for the text and Markdown reports."""
        marks = ["DATA AT RISK"] if self.at_risk else []
        if self.action in ("delete", "replace"):
            if self.retained:
                marks.append("RETAINED: leaves the stack, stays in AWS (retainOnDelete)")
            if self.protected:
                marks.append("PROTECTED: pulumi refuses until the protect option is removed")
        return tuple(marks)


@dataclass
class PlanDiff:
    baseline: str
    changes: list[Change] = field(default_factory=list)

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    @property
    def risks(self) -> list[Change]:
        return [c for c in self.changes if c.at_risk]


def _normal(value: Any) -> Any:
    """Secrets compare by presence only; a secret's value never leaves the plan."""
    if is_secret(value):
        return SECRET_TEXT
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _contains_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False


def diff_plans(baseline: list[Registration], current: list[Registration], label: str) -> PlanDiff:
    """What applying `current` over `baseline` would do, resource by resource."""
    old = {r.urn: r for r in baseline if r.custom}
    new = {r.urn: r for r in current if r.custom}
    # Current URN -> baseline URN: the same URN, or an alias of a resource that moved.
    previous = {urn: was for urn, was in match_baseline(baseline, current).items() if urn in new and was in old}
    result = PlanDiff(baseline=label)
    for urn in sorted(new.keys() - previous.keys()):
        r = new[urn]
        result.changes.append(Change(urn, r.type, r.name, "create"))
    for urn in sorted(old.keys() - set(previous.values())):
        r = old[urn]
        result.changes.append(Change(urn, r.type, r.name, "delete", protected=r.options.get("protect", False),
                                     retained=r.options.get("retainOnDelete", False)))
    for urn in sorted(previous):
        before, after = old[previous[urn]], new[urn]
        ignored = set(after.options.get("ignoreChanges", []))
        changed, unknown = set(), set()
        for key in (before.inputs.keys() | after.inputs.keys()) - ignored:
            a, b = _normal(before.inputs.get(key)), _normal(after.inputs.get(key))
            if a == b or (b is None and replacements.kept_when_unset(after.type, key)):
                continue
            (unknown if _contains_unknown(b) else changed).add(key)
        if not changed and not unknown:
            continue
        forcing = replacements.forcing_properties(after.type, changed | unknown)
        # Only a known change of a force-new property is a certain replacement; an unknown one
        # is listed so the reviewer sees it, but cannot be judged offline.
        action = "replace" if set(forcing) & changed else "update"
        result.changes.append(Change(urn, after.type, after.name, action, tuple(sorted(changed)),
                                     tuple(sorted(unknown)), protected=after.options.get("protect", False),
                                     retained=after.options.get("retainOnDelete", False)))
    return result


# --- baselines ---------------------------------------------------------------------------------------

def registrations_from_report(report: dict) -> list[Registration]:
    """The resources of a `--json` report (see Registration.to_dict)."""
    try:
        return [Registration.from_dict(r) for r in report["resources"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"not a plan report from `python -m preview --json` ({exc})") from None


def load_baseline(source: str, stack: str, project_dir: Path = PROJECT_DIR) -> list[Registration]:
    """A saved report (a path), or `git:<ref>`: the program at that ref, run offline."""
    if source.startswith("git:"):
        return registrations_from_report(plan_of_git_ref(source[4:], stack, project_dir))
    path = Path(source)
    try:
        report = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {source}: {exc}") from None
    reports = report.get("stacks", [report]) if isinstance(report, dict) else []
    for item in reports:
        if item.get("stack") == stack:
            return registrations_from_report(item)
    raise BaselineError(f"baseline {source} has no plan of stack {stack}")


def plan_of_git_ref(ref: str, stack: str, project_dir: Path = PROJECT_DIR) -> dict:
    """Export the tree at `ref` and run its program with today's harness, in a subprocess
    (the two versions of `components` cannot share one interpreter)."""
    archive = subprocess.run(["git", "-C", str(project_dir), "archive", "--format=tar", ref],
                             capture_output=True)
    if archive.returncode != 0:
        raise BaselineError(f"git ref {ref!r}: {archive.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory(prefix="baseline-") as tmp:
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        if not (Path(tmp) / f"Pulumi.{stack}.yaml").exists():
            return {"stack": stack, "resources": []}  # a new stack: everything is added
        # The subprocess starts in the export, which `python -m` puts first on sys.path: every
        # import of `components` is the ref's. (Started in this checkout, the ref's __main__.py ran
        # this checkout's components: a change there never showed in the diff.) Today's harness
        # (preview/, plan/) replaces the ref's, so the two plans differ only by the program.
        for package in _HARNESS:
            shutil.rmtree(Path(tmp) / package, ignore_errors=True)
            shutil.copytree(_HARNESS_ROOT / package, Path(tmp) / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        out = Path(tmp) / "baseline.json"
        run = subprocess.run(
            [sys.executable, "-m", __package__, "--stack", stack, "--project-dir", tmp, "--no-policy",
             "--quiet", "--json", str(out)],
            cwd=tmp, capture_output=True, text=True,
        )
        if run.returncode != 0 or not out.exists():
            raise BaselineError(f"the program at {ref} did not plan stack {stack}: "
                                f"{(run.stderr or run.stdout).strip()}")
        return json.loads(out.read_text())
