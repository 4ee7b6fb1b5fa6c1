"""Add an environment: a stack file and its policy config, copied from a stack, on a free network range.

    make new-stack NAME=staging FROM=dev
    .venv/bin/python tools/new_stack.py --name staging --from dev

Writes Pulumi.<name>.yaml (the `FROM` stack's file, each network range it builds, and every
other mention of that range such as allowedCidrs, moved to a /16 of 10.0.0.0/8 that no stack of
the project uses) and policies/config/<name>.json (the `FROM` stack's policy config: without
one, every control is mandatory). Refuses an existing stack, an unknown `FROM` and a name the
Pulumi CLI refuses, writing nothing (exit 2). docs/environments.md says what to review next.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plan.networks import all_ranges, free_range, stack_ranges  # noqa: E402
from plan.stack_config import project_name, stack_names  # noqa: E402

# Pulumi stack names: letters, digits, hyphens, underscores and periods.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


class NewStackError(Exception):
    """Bad input: nothing was written."""


def new_stack(name: str, source: str, project_dir: Path = ROOT) -> list[Path]:
    """Write the stack file and policy config of `name`, copied from `source`; the files written."""
    stacks = stack_names(project_dir)
    if not STACK_NAME.fullmatch(name or ""):
        raise NewStackError(f"NAME={name!r}: a stack name is letters, digits, '-', '_' and '.' (e.g. staging)")
    if name in stacks:
        raise NewStackError(f"NAME={name}: Pulumi.{name}.yaml exists already (stacks: {', '.join(stacks)})")
    if source not in stacks:
        raise NewStackError(f"FROM={source!r}: no such stack; copy one of: {', '.join(stacks)}")
    stack_file = project_dir / f"Pulumi.{name}.yaml"
    policy_source = project_dir / "policies" / "config" / f"{source}.json"
    policy_file = project_dir / "policies" / "config" / f"{name}.json"
    if policy_file.exists():
        raise NewStackError(f"NAME={name}: {policy_file.relative_to(project_dir)} exists already; remove it first")

    text = (project_dir / f"Pulumi.{source}.yaml").read_text()
    vpc_key = f"{project_name(project_dir)}:vpcCidr"
    sets_vpc = re.search(rf"^\s+{re.escape(vpc_key)}:", text, flags=re.M) is not None
    used = [r.network for r in all_ranges(project_dir)]
    moves = []
    for old in stack_ranges(source, project_dir):
        new = free_range(used, old.network.prefixlen if old.network.version == 4 else 16)
        used.append(new)
        moves.append((old, new))
        text = text.replace(str(old.network), str(new))  # the key and every mention (allowedCidrs)
        if old.key == "vpcCidr" and not sets_vpc:  # Pulumi.yaml's default: set it in the new file
            config = re.search(r"^config:[^\n]*\n", text, flags=re.M)
            if config is not None:
                text = text[:config.end()] + f"  {vpc_key}: {new}\n" + text[config.end():]
    header = (f"# {name}: copied from {source} by `make new-stack`"
              + "".join(f"; {old.key} {old.network} -> {new}" for old, new in moves) + ".\n")
    written = [stack_file]
    stack_file.write_text(header + text)
    if policy_source.exists():
        policy_file.write_bytes(policy_source.read_bytes())
        written.append(policy_file)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/new_stack.py", description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="the new stack (make's NAME)")
    parser.add_argument("--from", dest="source", default="dev", help="the stack to copy (make's FROM; default dev)")
    parser.add_argument("--project-dir", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        written = new_stack(args.name, args.source, args.project_dir)
    except NewStackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(args.project_dir)}")
    if len(written) == 1:
        print(f"note: stack {args.source} has no policy config: every control is mandatory for {args.name}")
    print(f"next: review it (docs/environments.md), then make preview STACK={args.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
