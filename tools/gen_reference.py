"""Write the reference pages (docs/reference/*.md, docs/controls.md) from the code, never by hand.

    .venv/bin/python tools/gen_reference.py          # rewrite the pages
    .venv/bin/python tools/gen_reference.py --check  # exit 1 and name the pages that differ

Sources: the config keys from `Pulumi.yaml` and the settings models (`components/settings/`),
the policies from the pack's rules and `policies/config/<stack>.json`, the runbooks from
`operations/cli.py`'s argparse, and the exit codes of every command from the module that
returns them. tests/test_docs.py fails when a committed page is not what this writes.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "policies", ROOT / "tools"):  # the pack is imported as the CLI runs it: from policies/
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

# The configuration page, and what every page shares, are sibling modules of this one.
from reference_config import _nested_model as _nested_model  # noqa: E402 (after the path set-up); tests read it here
from reference_config import config_page  # noqa: E402
from reference_tables import COMMAND, HEADER, _table  # noqa: E402

DOCS = ROOT / "docs"


# --- policies -----------------------------------------------------------------------------------------------------

ANCHORS = [
    ("`CKV_AWS_<n>`, `CKV2_AWS_<n>`", "Checkov check ids (the scanner the benchmarks compare against)"),
    ("`RDS.<n>`, `KMS.<n>`, `SecretsManager.<n>`", "AWS Security Hub control ids (AWS Foundational Security Best Practices)"),
    ("`AG`", "Pulumi AWSGuard (`@pulumi/awsguard`) has an equivalent policy"),
    ("`CP`", "Pulumi's compliance-ready policies have an equivalent policy"),
    ("`TV AWS-<n>`", "Aqua Trivy / tfsec check `AVD-AWS-<n>`"),
    ("no peer check", "no scanner above checks it: this pack's own control"),
]


def _short_type(token: str) -> str:
    module, cls = token.split(":")[1].split("/")[0], token.split(":")[-1]
    return f"{module}.{cls}"


def _schema(rule: Any) -> str:
    parts = []
    for prop, spec in rule.config.items():
        bounds = [f"{k} {spec[k]}" for k in ("minimum", "maximum") if k in spec]
        shown = f"`{prop}` ({spec.get('type', '')}, default `{json.dumps(spec.get('default'))}`"
        parts.append(shown + (f"; {', '.join(bounds)}" if bounds else "") + ")")
    return "; ".join(parts) or "-"


def _overrides(rule: Any, configs: dict[str, dict[str, Any]]) -> str:
    """Thresholds a stack's config sets for this policy, e.g. prod: minimumDays 14."""
    found = []
    for stack, config in configs.items():
        entry = config.get(rule.name)
        if isinstance(entry, dict):
            values = ", ".join(f"{k} {json.dumps(v)}" for k, v in entry.items() if k != "enforcementLevel")
            if values:
                found.append(f"{stack}: {values}")
    return "; ".join(found)


def _exceptions_note() -> str:
    """The config keys every policy takes beside its thresholds (rds_guardrails/waivers.py)."""
    from rds_guardrails import waivers

    return (f"Every policy's config also takes `{waivers.EXCEPTIONS_KEY}` (records with "
            f"{', '.join(f'`{k}`' for k in waivers.REQUIRED)}, optional {', '.join(f'`{k}`' for k in waivers.OPTIONAL)}) "
            f"and `{waivers.HORIZON_KEY}` (default {waivers.DEFAULT_HORIZON_DAYS}, at most "
            f"{waivers.MAX_HORIZON_DAYS}): [Exceptions](../policies.md#exceptions).")


def policies_page() -> str:
    """Every policy: what it checks, where, its level per stack, its config schema and its anchors."""
    from rds_guardrails.controls import RESOURCE_RULES, STACK_RULES
    from rds_guardrails.levels import PACK_LEVEL, resolve_rules

    configs = {p.stem: json.loads(p.read_text()) for p in sorted((ROOT / "policies" / "config").glob("*.json"))}
    stacks = list(configs)
    resolved = {stack: resolve_rules([*RESOURCE_RULES, *STACK_RULES], config) for stack, config in configs.items()}
    lines = [HEADER + "# Policies", "",
             f"The {len(RESOURCE_RULES) + len(STACK_RULES)} policies of the `rds-guardrails` pack, from "
             "`policies/rds_guardrails/` (what each control inspects: [Controls](../controls.md)). \"default\" is the",
             "level without a config; the stack columns are the levels `policies/config/<stack>.json` gives.", "",
             _exceptions_note(), "",
             "## Resource policies", ""]
    head = ["policy", "checks", "resources", "unset means", "default"] + stacks + ["config", "anchors"]

    def row(rule: Any, resources: str, unset: str) -> list[Any]:
        config = _schema(rule)
        overrides = _overrides(rule, configs)
        return ([f"`{rule.name}`", rule.description, resources, unset, rule.enforcement_level or PACK_LEVEL]
                + [resolved[s][rule.name][0] for s in stacks]
                + [config + (f" — {overrides}" if overrides else ""), rule.anchors or "no peer check"])

    lines += _table(head, [row(r, ", ".join(_short_type(t) for t in r.types), r.unset_means) for r in RESOURCE_RULES])
    lines += ["", "## Stack policies", "",
              "These look across resources (every output of the stack), so they name no single type.", ""]
    lines += _table(head, [row(r, "stack", "-") for r in STACK_RULES])
    lines += ["", "## AWS sources", "", "The AWS page and section (or pulumi-aws docstring) each AWS rule comes from.", ""]
    lines += _table(["policy", "source"], [[f"`{r.name}`", r.source] for r in RESOURCE_RULES + STACK_RULES if r.source])
    lines += ["", "## Anchors", "", "Where another scanner checks the same thing:", ""]
    lines += _table(["anchor", "meaning"], [list(a) for a in ANCHORS])
    return "\n".join(lines) + "\n"


# --- controls -----------------------------------------------------------------------------------------------------

MARK = " (docs/controls.md)"


def controls_page() -> str:
    """The controls by section (one module of rds_guardrails each): what each inspects, its fix, what unset means."""
    import rds_guardrails.controls as controls

    rules = controls.RESOURCE_RULES + controls.STACK_RULES
    # The section modules controls.py gathers, in the pack's order; a rule belongs to the one listing it.
    modules = sorted((m for m in vars(controls).values() if isinstance(m, types.ModuleType) and hasattr(m, "RULES")),
                     key=lambda m: min(rules.index(r) for r in m.RULES))
    lines = [HEADER + "# Controls", "",
             "What the `rds-guardrails` policy pack enforces, section by section (one module of",
             "`policies/rds_guardrails/` each). The same checks judge a planned stack (the pack, the pull-request",
             "gate) and live resources (`python -m operations audit`). Levels per stack and config schemas:",
             "[reference/policies.md](reference/policies.md).", "",
             "## Rules every control keeps", ""]
    intro, *items = (controls.__doc__ or "").strip().splitlines()[2:]
    lines += [intro, ""] + items  # Markdown wants a blank line before a list
    for module in modules:
        title, _, rest = (module.__doc__ or "").strip().partition(MARK)
        lines += ["", f"## {title}", "", f"`policies/rds_guardrails/{module.__name__.split('.')[-1]}.py`: "
                  + " ".join(rest.lstrip(":,. ").split()), ""]
        # Each row carries an anchor named after its policy: the URL in the policy's metadata.
        rows = [[f"`{r.name}`", f'<a id="{r.name}"></a>{r.description}',
                 ", ".join(_short_type(t) for t in getattr(r, "types", ())) or "stack",
                 r.fix, getattr(r, "unset_means", "-"), r.anchors or "no peer check"] for r in module.RULES]
        lines += _table(["control", "inspects", "resources", "fix", "unset means", "anchors"], rows)
    lines += ["", "## Anchors", "", "Where another scanner checks the same thing:", ""]
    lines += _table(["anchor", "meaning"], [list(a) for a in ANCHORS])
    return "\n".join(lines) + "\n"


# --- FSBP ---------------------------------------------------------------------------------------------------------

def fsbp_page() -> str:
    """Every control of Security Hub's RDS list and the pack's answer (policies/rds_guardrails/fsbp.json)."""
    from rds_guardrails import fsbp

    source = fsbp.table()["source"]
    lines = [HEADER + "# Security Hub RDS controls", "",
             f"Every control of [{source['controlsTitle']}]({source['controls']}) (read {source['read']}) and how the",
             "`rds-guardrails` pack answers it: the policies that enforce it, not applicable to what a Pulumi program",
             "declares (with the reason), or checked by `operations audit` only (with the reason). \"FSBP\" says whether",
             f"the [AWS Foundational Security Best Practices standard]({source['standard']}) includes it (\"-\": newer",
             "than the standard's list read). The table is `policies/rds_guardrails/fsbp.json`; what a stack's result",
             "is per control: [Compliance evidence](../compliance.md).", ""]
    rows = []
    for c in fsbp.controls():
        kind = fsbp.answer(c)
        if kind == "policies":
            how = ", ".join(f"[`{p}`](../controls.md#{p})" for p in c["policies"])
        else:
            how = f"not applicable: {c[kind]}" if kind == "notApplicable" else f"`operations audit` only: {c[kind]}"
        shown = {True: "yes", False: "no", None: "-"}[c["fsbp"]]
        rows.append([c["id"], c["title"], c["severity"], shown, how])
    lines += _table(["control", "title", "severity", "FSBP", "answered by"], rows)
    return "\n".join(lines) + "\n"


# --- runbooks -----------------------------------------------------------------------------------------------------

def _option(action: argparse.Action, one_of: str) -> list[str]:
    names = ", ".join(f"`{s}`" for s in action.option_strings) or f"`{action.dest}`"
    if action.option_strings and action.nargs != 0:
        names += f" `{action.metavar or action.dest.upper()}`"
    default = "" if action.default in (None, False, argparse.SUPPRESS) or action.nargs == 0 else f"`{action.default}`"
    required = "yes" if action.required or not action.option_strings else one_of
    choices = ", ".join(f"`{c}`" for c in action.choices) if action.choices else ""
    return [names, required, default, choices, action.help or ""]


def _options(parser: argparse.ArgumentParser, skip: set[str]) -> list[list[str]]:
    # argparse keeps "exactly one of these" on the group, not on its options.
    one_of = {}
    for group in parser._mutually_exclusive_groups:
        if group.required:
            names = " or ".join(f"`{a.option_strings[0]}`" for a in group._group_actions)
            one_of.update({a.dest: f"one of {names}" for a in group._group_actions})
    return [_option(a, one_of.get(a.dest, "")) for a in parser._actions
            if not isinstance(a, argparse._HelpAction) and a.dest not in skip]


def runbooks_page() -> str:
    """Every runbook of `python -m operations` with its options, from the argparse parser."""
    from operations import cli

    top = cli.parser()
    subs = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    common = cli._common()
    common_dests = {a.dest for a in common._actions}
    lines = [HEADER + "# Runbooks", "", f"`{top.prog} RUNBOOK [options]`. {top.description}", "",
             "## Options of every runbook", ""]
    head = ["option", "required", "default", "choices", "meaning"]
    lines += _table(head, _options(common, set()))
    for name, sub in subs.choices.items():
        lines += ["", f"## {name}", "", sub.description or "", ""]
        rows = _options(sub, common_dests)
        lines += _table(head, rows) if rows else ["No options of its own."]
    return "\n".join(lines) + "\n"


# --- exit codes ---------------------------------------------------------------------------------------------------

def _automation_codes() -> list[tuple[int, str, str]]:
    """(code, meaning, error kinds) of `python -m automation`, from automation/errors.py."""
    import automation.errors as errors

    # The base classes only group codes; every other class is a kind an error line can name.
    bases = (errors.AutomationError, errors.GuardRailRefusedError, errors.BadInputError)
    meaning = {0: "done", errors.INTERNAL_ERROR: "unexpected error (a bug; the message says what)"}
    kinds: dict[int, list[str]] = {0: ["(a result line)"], errors.BadInputError.exit_code: ["BadArguments"],
                                   errors.INTERNAL_ERROR: ["InternalError"]}
    for name, cls in vars(errors).items():  # in definition order: the first class of a code says what it means
        if not (isinstance(cls, type) and issubclass(cls, errors.AutomationError)) or cls is errors.AutomationError:
            continue
        meaning.setdefault(cls.exit_code, (cls.__doc__ or "").strip().splitlines()[0])
        if cls not in bases:
            kinds.setdefault(cls.exit_code, []).append(name)
    return [(code, meaning[code], ", ".join(f"`{k}`" for k in sorted(kinds.get(code, []))))
            for code in sorted(meaning)]


def exit_codes_page() -> str:
    """The exit codes of every command, from the module that returns them."""
    from operations.cli import EXIT_CODES as OPERATIONS
    from preview.verdict import EXIT_CODES as PREVIEW
    from preview.verdict import PRECEDENCE

    lines = [HEADER + "# Exit codes", "", "Every command's exit codes in one place. `make` reports a failing command as",
             "`Error N` and itself exits 2.", "", "## python -m preview", ""]
    lines += _table(["code", "meaning"], [[c, m] for c, m in sorted(PREVIEW.items())])
    lines += ["", "With several problems (in one stack or across stacks) the code is the first found of "
              + ", ".join(str(c) for c in PRECEDENCE) + "."]
    lines += ["", "## python -m automation", "",
              "The last JSON line is a `result`, or an `error` line whose `error` is the kind below and whose",
              "`exitCode` is the code.", ""]
    lines += _table(["code", "meaning", "error kinds"], [list(r) for r in _automation_codes()])
    lines += ["", "## python -m operations", ""]
    lines += _table(["code", "meaning"], [[c, m] for c, m in sorted(OPERATIONS.items())])
    return "\n".join(lines) + "\n"


# Page paths under docs/.
PAGES: dict[str, Callable[[], str]] = {
    "controls.md": controls_page,
    "reference/config.md": config_page,
    "reference/policies.md": policies_page,
    "reference/fsbp.md": fsbp_page,
    "reference/runbooks.md": runbooks_page,
    "reference/exit-codes.md": exit_codes_page,
}


def render() -> dict[str, str]:
    """Each reference page's file name and text."""
    return {name: build() for name, build in PAGES.items()}


def main(argv: list[str]) -> int:
    """Write the pages, or with --check report the ones that differ from what is committed."""
    check = "--check" in argv
    stale = []
    for name, text in render().items():
        path = DOCS / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(f"docs/{name}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print(f"out of date: {', '.join(stale)}; regenerate: {COMMAND}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
