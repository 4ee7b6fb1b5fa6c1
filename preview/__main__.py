"""Offline check: the plan of one or every stack, from the mock engine, without AWS or the CLI.

    python -m preview --stack prod
    python -m preview --all --config instanceClass=db.r7g.xlarge
    python -m preview --stack prod --baseline git:origin/main --markdown summary.md --sarif prod.sarif

Each plan goes through the policy pack (policies/) over the analyzer protocol with the
stack's policies/config/<stack>.json, as `pulumi preview --policy-pack` would.

Exit codes: 0 clean; 1 a mandatory policy violation; 2 bad config, bad baseline or program
error; 3 (with --baseline) a stateful resource would be replaced or deleted and
--allow-replacement was not given; 4 (with --baseline) AWS would refuse a change (e.g. shrinking
allocatedStorage): the apply would fail, whatever --allow-replacement says; 141 the reader of
stdout left (`| head`) before the end; 5 (with --rules git:REF or --baseline git:REF) the
change weakens the trusted rules of REF and --allow-policy-change was not given. With several
problems: 2, then 5, then 1, then 4, then 3 (preview/verdict.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Optional, TextIO, Union, cast

import grpc
import yaml

from plan.adoption import AdoptionError, LiveValues
from plan.adoption import path_for as adoption_path
from plan.adoption import read as read_adoption
from plan.networks import overlap_warnings
from plan.registration import Plan
from plan.stack_config import PROJECT_DIR, StackConfigError, stack_names
from preview.analyzer import (POLICY_DIR, LEVEL_NAMES, PolicyConfigError, PolicyPackProcess, load_policy_config,
                              policy_config_path, stale_waivers, with_waivers)
from preview.deployed import deployed_from
from preview.diff import FINGERPRINT_KEY_ENV, Baseline, BaselineError, diff_plans, load, secret_fingerprints
from preview.harness import run_program
from preview.hints import location, shown_message
from preview.report import StackResult, live_line, lookups_line, to_json, to_markdown
from preview.parallel import plan_stacks
from preview.stream import PackStream
from preview.tree import render
from preview.trusted import RulesError, TrustedRules, head_config_of, judge_with_trusted, load_trusted, rules_source
from preview.report import policy_change_lines
from preview.verdict import (EXIT_AT_RISK, EXIT_CLEAN, EXIT_CODES, EXIT_ERROR, EXIT_MANDATORY,  # noqa: F401
                             EXIT_POLICY_WEAKENED, EXIT_READER_LEFT, EXIT_REFUSED, PRECEDENCE, policy_config_note,
                             verdict_json, verdict_line)

def _override(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected key=value, e.g. multiAz=false")
    return key, value


def _parser() -> argparse.ArgumentParser:
    # `python -m preview` in the checkout, `python -m rdsplatform.preview` installed.
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="stack name (a Pulumi.<stack>.yaml)")
    which.add_argument("--all", action="store_true", help="every Pulumi.<stack>.yaml")
    parser.add_argument("--config", action="append", type=_override, default=[], metavar="KEY=VALUE",
                        help="override a config key for this run (repeatable)")
    parser.add_argument("--first-preview", action="store_true",
                        help="leave computed outputs unknown, as before the first deploy")
    parser.add_argument("--no-policy", action="store_true", help="plan only, no policy pack")
    parser.add_argument("--policy-config", type=Path, metavar="FILE",
                        help="the policy config for every stack checked (default: policies/config/<stack>.json)")
    parser.add_argument("--baseline", metavar="FILE|git:REF|state:FILE",
                        help="diff against a saved --json report, the program at a git ref, "
                             "or a `pulumi stack export` file (what is deployed)")
    parser.add_argument("--allow-replacement", action="store_true",
                        help="accept replacing or deleting stateful resources (exit 0 instead of 3)")
    parser.add_argument("--rules", metavar="git:REF", type=rules_source,
                        help="judge with the pack and policy config at this git ref, beside the head's own "
                             "(default: the --baseline's ref when it is git:REF)")
    parser.add_argument("--allow-policy-change", action="store_true",
                        help="accept a change that weakens the trusted rules (exit 0 instead of 5): the head's rules judge")
    parser.add_argument("--json", metavar="PATH", help="write the JSON report ('-' for stdout)")
    parser.add_argument("--sarif", metavar="PATH", help="write SARIF 2.1.0 for code scanning")
    parser.add_argument("--markdown", metavar="PATH", help="write the Markdown summary (PR comment, job summary)")
    parser.add_argument("--compliance", metavar="PATH",
                        help="write the compliance report (JSON, per Security Hub RDS control and stack)")
    parser.add_argument("--compliance-markdown", metavar="PATH", help="write the compliance report as Markdown")
    parser.add_argument("--quiet", action="store_true", help="no tree on stdout, only errors and the verdict")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)
    # For a git-ref baseline's subprocess (preview/diff.py): the plan's secret fingerprints, keyed
    # by the parent's key from the environment, so the parent compares secrets without their values.
    parser.add_argument("--secret-fingerprints", metavar="PATH", help=argparse.SUPPRESS)
    return parser


def check_stack(stack: str, args: argparse.Namespace, pack: Optional[PolicyPackProcess],
                baseline: Optional[Baseline] = None) -> StackResult:
    """Plan one stack, run the pack on it, and diff it against the baseline when asked."""
    # Resources go to the pack as the program registers them (preview/stream.py).
    stream = PackStream(pack, load_policy_config(stack, args.policy_config)) if pack is not None else None
    try:
        plan = run_program(stack, dict(args.config), project_dir=args.project_dir,
                           first_preview=args.first_preview, on_register=stream,
                           deployed=deployed_from(baseline.resources) if baseline is not None else None)
    except StackConfigError as exc:
        _abandon(stream)
        return StackResult(stack=stack, error=str(exc), policy_checked=pack is not None)
    return judge_plan(plan, args, pack, stream, baseline)


def judge_plan(plan: Plan, args: argparse.Namespace, pack: Optional[PolicyPackProcess],
               stream: Optional[PackStream] = None, baseline: Optional[Baseline] = None) -> StackResult:
    """The pack's verdict on a plan (from its stream when there is one) and the baseline diff."""
    result = StackResult(stack=plan.stack, policy_checked=pack is not None, plan=plan,
                         deployed_from=args.baseline)
    if plan.error:
        result.error = plan.error
        _abandon(stream)
        return result
    if stream is not None:
        result.violations = stream.finish(plan)
    elif pack is not None:
        if not pack.connected:
            pack.connect()
        pack.configure(load_policy_config(plan.stack, args.policy_config))
        result.violations = pack.check_plan(plan)
    if pack is not None:  # the exceptions of the config the pack ran with (Configure checked them)
        policy_config = load_policy_config(plan.stack, args.policy_config)
        result.violations = with_waivers(result.violations, policy_config)
        result.stale_exceptions = stale_waivers(plan, policy_config)
    trusted: Optional[TrustedRules] = getattr(args, "trusted", None)
    if trusted is not None and pack is not None:
        config, from_file = head_config_of(plan.stack, args.policy_config)
        judge_with_trusted(result, plan, pack, trusted, config, from_file, args.allow_policy_change)
    if args.baseline:
        if baseline is None:
            baseline = load(args.baseline, plan.stack, args.project_dir)
        try:
            live = live_values(plan, args.project_dir)
        except AdoptionError as exc:
            result.error, result.error_kind = str(exc), "adoption"
            return result
        result.diff = diff_plans(baseline.resources, plan.resources, args.baseline, baseline.key,
                                 baseline.unset_is_kept, live)
        # Both plans carry the same placeholder for an encrypted stack-file value: never comparable.
        result.diff.uncompared += [f"config {key} (encrypted: planned with a placeholder)" for key in plan.encrypted]
    if args.secret_fingerprints and os.environ.get(FINGERPRINT_KEY_ENV):
        prints = secret_fingerprints(plan.resources, bytes.fromhex(os.environ[FINGERPRINT_KEY_ENV]))
        Path(args.secret_fingerprints).write_text(json.dumps(prints))
    return result


def live_values(plan: Plan, project_dir: Path) -> Optional[LiveValues]:
    """adopt's record of what the plan imports (adoption/<stack>.json), when it imports anything."""
    path = adoption_path(project_dir, plan.stack)
    if not any(r.options.get("importId") for r in plan.resources) or not path.exists():
        return None
    return read_adoption(path, plan.stack, path.relative_to(project_dir).as_posix())


def check_stacks(stacks: list[str], args: argparse.Namespace, pack: Optional[PolicyPackProcess]) -> list[StackResult]:
    """Every stack's result in order: one stack in this process, several planned in parallel."""
    results: dict[str, StackResult] = {}
    # The baseline is what is deployed: read first, so the program's lookups find it.
    baselines: dict[str, Baseline] = {}
    for stack in stacks if args.baseline else []:
        try:
            baselines[stack] = load(args.baseline, stack, args.project_dir)
        except BaselineError as exc:
            results[stack] = StackResult(stack=stack, error=str(exc), error_kind="baseline")
    todo = [s for s in stacks if s not in results]
    planned: Iterable[tuple[str, Union[Plan, str, None]]]
    if len(todo) == 1:
        planned = ((stack, None) for stack in todo)
    else:
        planned = plan_stacks(todo, dict(args.config), args.project_dir, args.first_preview,
                              {s: deployed_from(b.resources) for s, b in baselines.items()})
    for stack, plan in planned:
        try:
            if plan is None:
                results[stack] = check_stack(stack, args, pack, baselines.get(stack))
            elif isinstance(plan, str):
                results[stack] = StackResult(stack=stack, error=plan, policy_checked=pack is not None)
            else:
                results[stack] = judge_plan(plan, args, pack, baseline=baselines.get(stack))
        except PolicyConfigError as exc:
            results[stack] = StackResult(stack=stack, error=str(exc), error_kind="policy config")
        except BaselineError as exc:
            results[stack] = StackResult(stack=stack, error=str(exc), error_kind="baseline")
    return [results[s] for s in stacks]


def _abandon(stream: Optional[PackStream]) -> None:
    """A stack that did not plan has no verdict: stop its stream, whatever it ran into."""
    if stream is not None:
        try:
            stream.close()
        except (PolicyConfigError, RuntimeError, grpc.RpcError):
            pass


def exit_code(result: StackResult, allow_replacement: bool) -> int:
    if result.error:
        return EXIT_ERROR
    if result.weakened_unapproved:
        return EXIT_POLICY_WEAKENED
    if result.mandatory:
        return EXIT_MANDATORY
    if result.diff and result.diff.refusals:
        return EXIT_REFUSED
    if result.diff and result.diff.risks and not allow_replacement:
        return EXIT_AT_RISK
    return EXIT_CLEAN


def _print(result: StackResult, quiet: bool, project_dir: Path = PROJECT_DIR, out: Optional[TextIO] = None) -> None:
    """The human-readable result on `out` (stdout; stderr when stdout carries the JSON report)."""
    out = out or sys.stdout
    encrypted = result.plan.encrypted if result.plan else []
    if encrypted:
        print(f"note: stack {result.stack}: {len(encrypted)} encrypted (secure) config value(s) planned with "
              f"placeholders, as they cannot be decrypted without the Pulumi CLI: {', '.join(encrypted)}",
              file=sys.stderr)
    if result.error:
        print(f"error: stack {result.stack}: {result.error}", file=sys.stderr)
        return
    note = lookups_line(result)
    if note:
        print(f"note: stack {result.stack}: {note}", file=sys.stderr if result.deployed_from is None else out)
    if not quiet:
        print(render(cast(Plan, result.plan)), file=out)
    if result.policy_checked:
        print(f"policy check of {result.stack} ({len(result.unwaived)} violation(s)):", file=out)
        for v in sorted(result.unwaived, key=lambda v: (v.level != "mandatory", v.urn, v.policy)):
            print(f"  [{v.level}] {v.policy}: {shown_message(v, result.stack, project_dir, result.overrides)}",
                  file=out)
        for v in sorted(result.waived, key=lambda v: (v.urn, v.policy)):
            w = v.waiver
            if w is not None:
                ticket = f", ticket {w.ticket}" if w.ticket else ""
                print(f"  [waived] {v.policy}: {v.urn.rsplit('::', 1)[-1]}: exception {w.id}, owner {w.owner}, "
                      f"until {w.expires}{ticket}: {w.reason}", file=out)
        for w in result.stale_exceptions:
            print(f"  [stale exception] {w.policy}: {w.id} (owner {w.owner}, until {w.expires}) covers no resource "
                  f"of {result.stack}: {', '.join(w.resources)}; remove it", file=out)
    for line in policy_change_lines(result):
        print(line, file=out)
    if result.diff is not None:
        d = result.diff
        no_effect = f", {len(d.of('no-effect'))} with no effect" if d.of("no-effect") else ""
        imports = f"{len(d.of('import'))} to import, " if d.of("import") else ""
        print(f"diff of {result.stack} against {d.baseline}: {imports}{len(d.of('create'))} to create, "
              f"{len(d.of('update'))} to update, {len(d.of('replace'))} to replace, {len(d.of('delete'))} to delete"
              f"{no_effect}", file=out)
        print(f"  capacity: {d.capacity}", file=out)
        if live := live_line(d):
            print(f"  {live}", file=out)
        for c in d.changes:
            mark = "".join(f"  {m}" for m in c.marks)
            props = f" ({', '.join(c.properties + c.unknown)})" if c.properties or c.unknown else ""
            print(f"  {c.action:8} {c.type}  {c.name}{props}{mark}", file=out)
            for value in c.values:
                print(f"      {value.line()}", file=out)
            for p in c.unknown:
                print(f"      {p} → (known after deploy): cannot be judged offline", file=out)
        if d.uncompared:
            print(f"  secrets not compared (a saved baseline holds no secret; a git: baseline compares them): "
                  f"{', '.join(d.uncompared)}", file=out)
    print(file=out)


def _shown_path(path: Path) -> Path:
    """A path under the project as a relative path, any other as given."""
    try:
        return path.resolve().relative_to(PROJECT_DIR)
    except ValueError:
        return path


def _write(path: str, text: str) -> Optional[str]:
    """Write one report; the problem, if it cannot be written."""
    if path == "-":
        sys.stdout.write(text)
        return None
    try:
        Path(path).write_text(text)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.no_policy and (args.compliance or args.compliance_markdown):
        parser.error("--compliance and --compliance-markdown need the policy pack: drop --no-policy")
    stacks = stack_names(args.project_dir) if args.all else [args.stack]
    # The trusted rules: --rules, or the --baseline's git ref (preview/trusted.py).
    source = args.rules or (args.baseline if args.baseline and args.baseline.startswith("git:") else None)
    args.trusted = None
    if source and not args.no_policy:
        try:
            args.trusted = load_trusted(source, args.project_dir)
        except RulesError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_ERROR
    # The pack starts first: it imports while the program runs (two cores, half the wait).
    pack = None if args.no_policy else PolicyPackProcess().start()
    try:
        results = check_stacks(stacks, args, pack)
        for result in results:
            result.overrides = dict(args.config)
        policies = {p.name: (p.description, LEVEL_NAMES.get(p.enforcementLevel, "advisory"))
                    for p in pack.info.policies} if pack is not None and pack.connected else {}
    finally:
        if pack is not None:
            pack.close()
        if args.trusted is not None:
            args.trusted.close()

    for result in results:
        _print(result, args.quiet or args.json == "-", args.project_dir,
               sys.stderr if args.json == "-" else sys.stdout)
    for warning in overlap_warnings(stacks, args.project_dir):
        print(f"warning: {warning}", file=sys.stderr)
    codes = [exit_code(r, args.allow_replacement) for r in results]
    problems = []
    compliance_path = args.compliance or args.compliance_markdown
    if compliance_path:
        from preview import compliance

        report_json, report_md = compliance.texts(compliance.build(results, args.policy_config, args.project_dir))
        problems += [_write(args.compliance, report_json) if args.compliance else None,
                     _write(args.compliance_markdown, report_md) if args.compliance_markdown else None]
    if args.json:
        reports = [{**to_json(r), "verdict": verdict_json(code)} for r, code in zip(results, codes)]
        problems.append(_write(args.json, json.dumps(reports[0] if len(reports) == 1 else {"stacks": reports},
                                                     indent=1, sort_keys=True) + "\n"))
    if args.markdown:
        problems.append(_write(args.markdown, "\n".join(to_markdown(r) for r in results)
                               + (f"\n{compliance.summary_line(compliance_path)}" if compliance_path else "")))
    if args.sarif:
        from preview.sarif import to_sarif  # sarif-om and attrs: only when asked for

        version = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text()).get("version", "0.0.0")
        sarif = to_sarif(results, policies, str(version), lambda stack, v: location(v, stack, args.project_dir, dict(args.config)))
        problems.append(_write(args.sarif, json.dumps(sarif, indent=1) + "\n"))
    for problem in filter(None, problems):
        print(f"error: {problem}", file=sys.stderr)
    if any(problems):
        return EXIT_ERROR

    # The last lines: one verdict per stack (stderr when stdout carries the JSON).
    advisory = [name for name, (_, level) in policies.items() if level != "mandatory"]
    for result, code in zip(results, codes):
        config = args.policy_config or policy_config_path(result.stack)
        note = policy_config_note(_shown_path(config) if config else None, advisory)
        print(verdict_line(result, code == EXIT_CLEAN, note), file=sys.stderr if args.json == "-" else sys.stdout)
    for code in PRECEDENCE:
        if code in codes:
            return code
    return EXIT_CLEAN




def exit_without_teardown(code: int) -> None:
    """Flush the output and end the process without the interpreter's teardown.

    By now every report is written and closed and the pack process is killed and reaped;
    what is left is freeing the ~150,000 objects the provider SDK and the mock engine built,
    about 0.2 s of a 1.5 s check (a garbage collection, then every module's dictionary).
    mypy ends its command line the same way (mypy.util.hard_exit). main() itself returns,
    so callers in a process of their own (tests, the benchmarks) keep the normal exit.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = EXIT_READER_LEFT
    os._exit(code)


def _run_as_command() -> None:
    try:
        code = main()
    except BrokenPipeError:  # `| head`: the reader left while the plan was printed; say nothing more
        code = EXIT_READER_LEFT
    exit_without_teardown(code)


if __name__ == "__main__":
    _run_as_command()
