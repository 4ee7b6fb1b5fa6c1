"""The repository's stacks for the pull-request workflow.

    python3 tools/stack_matrix.py [PROJECT_DIR]                 # ["dev", "prod"]: the job matrix
    .venv/bin/python tools/stack_matrix.py --outputs STACK [PROJECT_DIR]
        # region=<aws:region of Pulumi.STACK.yaml> and policy-config=<policies/config/STACK.json, or
        # empty when the stack has none>, as GitHub step outputs

The matrix mode is standard library only: it runs before any setup. One stack per
Pulumi.<stack>.yaml, sorted, as plan/stack_config.py's stack_names() finds them
(tests/test_workflow.py keeps the two equal). `--outputs` reads YAML (PyYAML, from the venv).
"""

import json
import sys
from pathlib import Path


def stacks(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def outputs(stack: str, project_dir: Path) -> list[str]:
    """The stack's region and policy config as `name=value` lines; SystemExit naming what is missing."""
    import yaml

    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
    region = config.get("aws:region")
    if not isinstance(region, str) or not region:
        raise SystemExit(f"::error::{stack_file.name} sets no aws:region: the preview cannot pick AWS credentials' region")
    policy = Path("policies") / "config" / f"{stack}.json"
    if not (project_dir / policy).exists():
        print(f"::notice::{policy} does not exist: the pack's own levels apply to stack {stack}", file=sys.stderr)
    return [f"region={region}", f"policy-config={policy.as_posix() if (project_dir / policy).exists() else ''}"]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--outputs"]:
        print("\n".join(outputs(sys.argv[2], Path(sys.argv[3]) if len(sys.argv) > 3 else Path("."))))
    else:
        print(json.dumps(stacks(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))))
