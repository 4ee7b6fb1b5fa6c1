"""Compare two plans of a stack: added, removed and changed resources, and data at risk.

The baseline is a plan saved with `python -m preview --json`, the plan of a git ref, or the
state of a `pulumi stack export` (`state:FILE`, preview/stack_export.py).
A resource is the same one in both plans when its URN, or one of its aliases, matches
(plan/aliases.py). A stateful resource (plan/replacements.py) that would be deleted, or replaced because a
force-new property changed, is a *risk* a reviewer must approve before merge.

Each changed input carries its values (preview/values.py) and, for the RDS types, what AWS does
with the change (plan/change_effects.py); a change AWS refuses is a *refusal*. An input the
program ignores after create (ignoreChanges) is listed as having no effect, never dropped.

Secrets are compared without their values: each is an HMAC-SHA256 under a key made for this run
and never written. The plan of a git ref is made in a subprocess given the key, which hands back
only the fingerprints; a saved report holds no secret, so its secrets cannot be compared and the
diff says so (`uncompared`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import Any, Optional

from plan import adoption, capacity, change_effects, replacements
from plan.aliases import match_baseline
from plan.registration import UNKNOWN, Registration, is_secret, masked, secrets_at
from plan.stack_config import PROJECT_DIR
from preview.values import Secret, describe

# The environment variable that hands a baseline subprocess the run's fingerprint key (hex).
FINGERPRINT_KEY_ENV = "RDSPLATFORM_PREVIEW_FINGERPRINT_KEY"

# The harness that plans a git ref's program: these packages of this checkout.
# Today's harness, and the AWS facts it reads (plan/ imports them; the ref's program reads them too:
# what AWS does is today's reading, whatever the ref).
_HARNESS = ("preview", "plan", "policies/rds_guardrails/facts")
_HARNESS_ROOT = Path(__file__).resolve().parent.parent


class BaselineError(Exception):
    """The baseline cannot be read or built."""


@dataclass(frozen=True)
class ValueChange:
    """One input's change: the values as reports may show them, in words, and what AWS does with it."""

    property: str
    before: Any  # masked: a secret is "[secret]"
    after: Any
    text: str
    effect: Optional[change_effects.Effect] = None

    def line(self) -> str:
        """'backupRetentionPeriod 14 → 21: in place, applied immediately: ...'"""
        return f"{self.property} {self.text}" + (f": {self.effect.text}" if self.effect else "")


@dataclass(frozen=True)
class Change:
    """One resource that is in one plan and not the other, or whose inputs differ."""

    urn: str
    type: str
    name: str
    # "create", "import" (created with an import ID: adopted, not created), "delete", "update",
    # "replace"; "no-effect": only ignored inputs differ
    action: str
    properties: tuple[str, ...] = ()
    # Properties whose new value is unknown until deploy (a first preview): they may change.
    unknown: tuple[str, ...] = ()
    protected: bool = False
    retained: bool = False
    # The known changes with their values and effects, then the ignored ones (no effect).
    values: tuple[ValueChange, ...] = ()
    # Created with an import ID: "import" (its values: what the first up changes on the live
    # resource, from adopt's record), or "replace" when one of those changes forces a replacement.
    imported: bool = False

    @property
    def refusals(self) -> list[ValueChange]:
        """The changes AWS refuses: applying this plan would fail."""
        return [v for v in self.values if v.effect is not None and v.effect.refused]

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
        if self.imported and self.action == "replace":
            marks.append("ADOPTED: imported, then replaced by the first up")
        if self.refusals:
            marks.append("REFUSED BY AWS")
        if self.action in ("delete", "replace"):
            if self.retained:
                marks.append("RETAINED: leaves the stack, stays in AWS (retainOnDelete)")
            if self.protected:
                marks.append("PROTECTED: pulumi refuses until the protect option is removed")
        return tuple(marks)


@dataclass
class PlanDiff:
    """Every change of one stack against its baseline, and the capacity before and after."""

    baseline: str
    changes: list[Change] = field(default_factory=list)
    # "<resource> <property>" whose secrets could not be compared (a saved baseline holds none).
    uncompared: list[str] = field(default_factory=list)
    capacity_before: capacity.Capacity = field(default_factory=capacity.Capacity)
    capacity_after: capacity.Capacity = field(default_factory=capacity.Capacity)
    # Where the live values of imported resources came from (adopt's record), and the imported
    # resources it has no values for (their first-up changes are not known offline).
    live_source: Optional[str] = None
    live_unknown: list[str] = field(default_factory=list)

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    @property
    def risks(self) -> list[Change]:
        return [c for c in self.changes if c.at_risk]

    @property
    def refusals(self) -> list[Change]:
        return [c for c in self.changes if c.refusals]

    @property
    def capacity(self) -> str:
        return capacity.summary(self.capacity_before, self.capacity_after)


def fingerprint(key: bytes, value: Any) -> str:
    """A secret's keyed fingerprint: equal values give equal ones under one key, and nothing else can."""
    return hmac.new(key, json.dumps(value, sort_keys=True, default=str).encode(), hashlib.sha256).hexdigest()


def _normal(value: Any, key: Optional[bytes]) -> Any:
    """A value to compare: a secret becomes its fingerprint (None without a key or a value to key)."""
    if is_secret(value):
        if value.get("fingerprint"):
            return Secret(value["fingerprint"])
        inner = value.get("value")
        return Secret(fingerprint(key, inner) if key is not None and inner is not None else None)
    if isinstance(value, dict):
        return {k: _normal(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v, key) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _has_uncomparable_secret(value: Any) -> bool:
    if isinstance(value, Secret):
        return value.fingerprint is None
    if isinstance(value, dict):
        return any(_has_uncomparable_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_uncomparable_secret(v) for v in value)
    return False


def secret_fingerprints(resources: list[Registration], key: bytes) -> dict[str, dict[str, str]]:
    """URN -> secret path -> fingerprint, for handing a plan's secrets to another process without them."""
    out: dict[str, dict[str, str]] = {}
    for r in resources:
        found = {path: fingerprint(key, v.get("value")) for path, v in secrets_at(r.inputs)}
        if found:
            out[r.urn] = found
    return out


def _with_fingerprints(value: Any, found: dict[str, str], path: str = "") -> Any:
    """`value` with each secret carrying the fingerprint of the same path (from secret_fingerprints)."""
    if is_secret(value):
        return {**value, "fingerprint": found.get(path)}
    if isinstance(value, dict):
        return {k: _with_fingerprints(v, found, f"{path}.{k}" if path else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_fingerprints(v, found, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _contains_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return False


def diff_plans(baseline: list[Registration], current: list[Registration], label: str,
               key: Optional[bytes] = None, unset_is_kept: bool = False,
               live: Optional[adoption.LiveValues] = None) -> PlanDiff:
    """What applying `current` over `baseline` would do, resource by resource. `key` fingerprints
    the secrets of both plans (the baseline's may carry theirs already); without it they compare
    by presence and are listed as uncompared. With `unset_is_kept` (a deployed state, whose inputs
    carry the provider's defaults), an input `current` does not set is not a change. `live`: what
    adopt read of the resources `current` imports, so each import shows what the first up changes."""
    old = {r.urn: r for r in baseline if r.custom}
    new = {r.urn: r for r in current if r.custom}
    # Current URN -> baseline URN: the same URN, or an alias of a resource that moved.
    previous = {urn: was for urn, was in match_baseline(baseline, current).items() if urn in new and was in old}
    result = PlanDiff(baseline=label, live_source=live.source if live else None)
    for urn in sorted(new.keys() - previous.keys()):
        r = new[urn]
        if r.options.get("importId"):
            result.changes.append(_imported(r, live, key, result))
        else:
            result.changes.append(Change(urn, r.type, r.name, "create"))
    for urn in sorted(old.keys() - set(previous.values())):
        r = old[urn]
        result.changes.append(Change(urn, r.type, r.name, "delete", protected=r.options.get("protect", False),
                                     retained=r.options.get("retainOnDelete", False)))
    for urn in sorted(previous):
        before, after = old[previous[urn]], new[urn]
        change = _compared(before, after, key, result.uncompared, unset_is_kept)
        if change is not None:
            result.changes.append(change)
    result.capacity_before = capacity.capacity(baseline)
    # Storage the program ignores after create (autoscaling) stays what the baseline has.
    kept = {urn: old[was].inputs["allocatedStorage"] for urn, was in previous.items()
            if "allocatedStorage" in new[urn].options.get("ignoreChanges", [])
            and "allocatedStorage" in old[was].inputs}
    result.capacity_after = capacity.capacity(current, kept)
    return result


def _imported(r: Registration, live: Optional[adoption.LiveValues], key: Optional[bytes], result: PlanDiff) -> Change:
    """An import: Pulumi reads the live resource, then updates it to the program's inputs. Each
    input adopt recorded and the program sets differently is a change of the first up, judged as
    a day-N change; an input adopt did not record (provider-only, write-only) is not compared."""
    import_id = str(r.options["importId"])
    unchanged = Change(r.urn, r.type, r.name, "import", protected=r.options.get("protect", False),
                       retained=r.options.get("retainOnDelete", False), imported=True)
    found = live.of(r.type, import_id) if live else None
    if found is None:
        result.live_unknown.append(r.name)
        return unchanged
    read = {prop: r.inputs[prop] if prop not in found or adoption.same_as_live(
        r.type, prop, r.inputs[prop], found[prop], r.inputs) else found[prop] for prop in r.inputs}
    before = Registration(urn=r.urn, type=r.type, name=r.name, custom=True, parent=r.parent, provider=r.provider,
                          inputs=read, options={}, id=import_id)
    change = _compared(before, r, key, result.uncompared, unset_is_kept=True)
    if change is None:
        return unchanged
    return replace(change, action="replace" if change.action == "replace" else "import", imported=True)


def _compared(before: Registration, after: Registration, key: Optional[bytes],
              uncompared: list[str], unset_is_kept: bool = False) -> Optional[Change]:
    """The change of one resource in both plans, or None when nothing differs."""
    ignored = set(after.options.get("ignoreChanges", []))
    changed, unknown, skipped = set[str](), set[str](), set[str]()
    normal: dict[str, tuple[Any, Any]] = {}
    for prop in before.inputs.keys() | after.inputs.keys():
        a, b = _normal(before.inputs.get(prop), key), _normal(after.inputs.get(prop), key)
        if a is not None and b is not None and (_has_uncomparable_secret(a) or _has_uncomparable_secret(b)):
            uncompared.append(f"{after.name} {prop}")
        if a == b or (b is None and (unset_is_kept or replacements.kept_when_unset(after.type, prop))):
            continue
        normal[prop] = (a, b)
        if prop in ignored:
            skipped.add(prop)
        else:
            (unknown if _contains_unknown(b) else changed).add(prop)
    if not changed and not unknown and not skipped:
        return None
    forcing = replacements.forcing_properties(after.type, changed | unknown)
    # Only a known change of a force-new property is a certain replacement; an unknown one
    # is listed so the reviewer sees it, but cannot be judged offline.
    values = [_value(after, prop, *normal[prop], before.inputs, prop in forcing)
              for prop in sorted(changed)]
    # A conditional replacement (the provider's ForceNewIf, e.g. a Multi-AZ DB cluster's storageType)
    # is judged by the table, and replaces the resource as surely as a force-new property.
    replaced = set(forcing) & changed or any(v.effect is not None and v.effect.outcome == "replacement" for v in values)
    action = "replace" if replaced else "update" if changed or unknown else "no-effect"
    # An ignored input whose new value is unknown says nothing either way: left out.
    values += [ValueChange(prop, masked(before.inputs.get(prop)), masked(after.inputs.get(prop)),
                           describe(*normal[prop]), change_effects.ignored(after.type, prop, after.inputs))
               for prop in sorted(skipped) if not _contains_unknown(normal[prop][1])]
    return Change(after.urn, after.type, after.name, action, tuple(sorted(changed)), tuple(sorted(unknown)),
                  protected=after.options.get("protect", False),
                  retained=after.options.get("retainOnDelete", False), values=tuple(values))


def _value(after: Registration, prop: str, a: Any, b: Any, before_inputs: dict[str, Any], forcing: bool) -> ValueChange:
    """One known change with its effect: replacement (force-new), the table's, or none known."""
    effect: Optional[change_effects.Effect]
    if forcing:
        effect = change_effects.replacement(replacements.RULES[after.type].source, after.type, prop, after.inputs)
    elif prop == "parameters" and isinstance(a, list) and isinstance(b, list):
        effect = _parameters_effect(after, a, b)
    else:
        effect = change_effects.effect(after.type, prop, a, b, after.inputs, before_inputs)
    return ValueChange(prop, masked(before_inputs.get(prop)), masked(after.inputs.get(prop)), describe(a, b), effect)


def _parameters_effect(after: Registration, a: list[Any], b: list[Any]) -> Optional[change_effects.Effect]:
    """The strongest effect among the parameters set, changed or reset (a reboot outranks in place)."""
    old = {p.get("name"): p for p in a if isinstance(p, dict)}
    new = {p.get("name"): p for p in b if isinstance(p, dict)}
    methods = [(new.get(n) or old.get(n) or {}).get("applyMethod", "immediate")
               for n in old.keys() | new.keys() if old.get(n) != new.get(n)]
    if not methods:
        return None
    method = "pending-reboot" if "pending-reboot" in methods else "immediate"
    return change_effects.parameter_effect(after.type, method, after.inputs)


# --- baselines ---------------------------------------------------------------------------------------

def registrations_from_report(report: dict[str, Any]) -> list[Registration]:
    """The resources of a `--json` report (see Registration.to_dict)."""
    try:
        return [Registration.from_dict(r) for r in report["resources"]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"not a plan report from `python -m preview --json` ({exc})") from None


@dataclass
class Baseline:
    """A baseline's resources, and the key their secrets were fingerprinted with (None: not compared)."""

    resources: list[Registration]
    key: Optional[bytes] = None
    # A deployed state (state:FILE): inputs the program does not set are the provider's to keep.
    unset_is_kept: bool = False


def load_baseline(source: str, stack: str, project_dir: Path = PROJECT_DIR) -> list[Registration]:
    """A saved report (a path), or `git:<ref>`: the program at that ref, run offline."""
    return load(source, stack, project_dir).resources


def load(source: str, stack: str, project_dir: Path = PROJECT_DIR) -> Baseline:
    """The baseline of `source`; a git ref's with its secrets fingerprinted under a fresh key,
    `state:FILE` (a `pulumi stack export`) with its readable secrets fingerprinted the same way."""
    if source.startswith("state:"):
        from preview.stack_export import StackExportError, registrations

        key = secrets.token_bytes(32)
        try:
            return Baseline(registrations(source[6:], stack, key, fingerprint), key, unset_is_kept=True)
        except StackExportError as exc:
            raise BaselineError(str(exc)) from None
    if source.startswith("git:"):
        key = secrets.token_bytes(32)
        report = plan_of_git_ref(source[4:], stack, project_dir, key)
        found = report.pop("secretFingerprints", {})
        resources = registrations_from_report(report)
        for r in resources:
            r.inputs = _with_fingerprints(r.inputs, found.get(r.urn, {}))
        return Baseline(resources, key)
    path = Path(source)
    try:
        report = json.loads(path.read_text())
    except OSError as exc:
        hint = f"; {source!r} is a git ref: use --baseline git:{source}" if _is_git_ref(source, project_dir) else ""
        raise BaselineError(f"cannot read baseline {source}: {exc.strerror or exc}{hint}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {source}: not a --json report ({exc})") from None
    reports = report.get("stacks", [report]) if isinstance(report, dict) else []
    for item in reports:
        if item.get("stack") == stack:
            return Baseline(registrations_from_report(item))
    raise BaselineError(f"baseline {source} has no plan of stack {stack}")


def _is_git_ref(name: str, project_dir: Path) -> bool:
    """True when `name` names a commit of the project's repository (origin/main, a tag, a SHA)."""
    try:
        found = subprocess.run(["git", "-C", str(project_dir), "rev-parse", "--verify", "--quiet", "--end-of-options",
                                f"{name}^{{commit}}"], capture_output=True)
    except OSError:  # no git
        return False
    return found.returncode == 0


def plan_of_git_ref(ref: str, stack: str, project_dir: Path = PROJECT_DIR, key: Optional[bytes] = None) -> dict[str, Any]:
    """Export the tree at `ref` and run its program with today's harness, in a subprocess
    (the two versions of `components` cannot share one interpreter). With `key`, the report
    also has `secretFingerprints` (see secret_fingerprints), read from a file of the subprocess's
    own temporary directory and deleted with it."""
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
        # (preview/, plan/, the pack's facts) replaces the ref's, so the two plans differ only by the program.
        for package in _HARNESS:
            shutil.rmtree(Path(tmp) / package, ignore_errors=True)
            shutil.copytree(_HARNESS_ROOT / package, Path(tmp) / package,
                            ignore=shutil.ignore_patterns("__pycache__"))
        out, prints = Path(tmp) / "baseline.json", Path(tmp) / "fingerprints.json"
        env = {k: v for k, v in os.environ.items() if k != FINGERPRINT_KEY_ENV}
        extra: list[str] = []
        if key is not None:
            env[FINGERPRINT_KEY_ENV] = key.hex()
            extra = ["--secret-fingerprints", str(prints)]
        run = subprocess.run(
            [sys.executable, "-m", __package__, "--stack", stack, "--project-dir", tmp, "--no-policy",
             "--quiet", "--json", str(out), *extra],
            cwd=tmp, capture_output=True, text=True, env=env,
        )
        if run.returncode != 0 or not out.exists():
            raise BaselineError(f"the program at {ref} did not plan stack {stack}: "
                                f"{(run.stderr or run.stdout).strip()}")
        report: dict[str, Any] = json.loads(out.read_text())
        if key is not None and prints.exists():
            report["secretFingerprints"] = json.loads(prints.read_text())
        return report
