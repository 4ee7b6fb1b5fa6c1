"""Offline preview: the plan of one or every stack, from the mock engine, without AWS or the CLI.

    python -m preview --stack prod
    python -m preview --all --config instanceClass=db.r7g.xlarge

Each plan then goes through the policy pack (policies/) over the analyzer protocol with the
stack's policies/config/<stack>.json, as `pulumi preview --policy-pack` would.

Exit codes: 0 clean; 1 a mandatory policy violation; 2 bad config or program error.
"""

from __future__ import annotations

import argparse
import sys

from preview.analyzer import PolicyPackProcess, load_policy_config
from preview.harness import StackConfigError, run_program, stack_names
from preview.tree import render


def _override(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected key=value, e.g. multiAz=false")
    return key, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preview", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help=f"stack name ({', '.join(stack_names())})")
    which.add_argument("--all", action="store_true", help="every Pulumi.<stack>.yaml")
    parser.add_argument("--config", action="append", type=_override, default=[], metavar="KEY=VALUE",
                        help="override a config key for this run (repeatable)")
    parser.add_argument("--first-preview", action="store_true",
                        help="leave computed outputs unknown, as before the first deploy")
    parser.add_argument("--no-policy", action="store_true", help="print the plan only")
    args = parser.parse_args(argv)

    stacks = stack_names() if args.all else [args.stack]
    status = 0
    for stack in stacks:
        try:
            plan = run_program(stack, dict(args.config), first_preview=args.first_preview)
        except StackConfigError as exc:
            print(f"error: stack {stack}: {exc}", file=sys.stderr)
            status = 2
            continue
        if plan.error:
            print(f"error: stack {stack}: {plan.error}", file=sys.stderr)
            status = 2
            continue
        print(render(plan))
        if not args.no_policy:
            with PolicyPackProcess() as pack:
                pack.configure(load_policy_config(stack))
                violations = pack.check_plan(plan)
            print(f"policy check ({len(violations)} violation(s)):")
            for v in sorted(violations, key=lambda v: (v.level != "mandatory", v.urn, v.policy)):
                print(f"  [{v.level}] {v.policy}: {v.message.splitlines()[-1]}")
            if any(v.level == "mandatory" for v in violations):
                status = max(status, 1)
        print()
    return status


if __name__ == "__main__":
    sys.exit(main())
