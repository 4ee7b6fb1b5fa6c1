"""Print the repository's stacks as a JSON list, for the pull-request workflow's job matrix.

    python3 tools/stack_matrix.py [PROJECT_DIR]   # ["dev", "prod"]

Standard library only: it runs before any setup. One stack per Pulumi.<stack>.yaml, sorted,
as plan/stack_config.py's stack_names() finds them (tests/test_workflow.py keeps the two equal).
"""

import json
import sys
from pathlib import Path


def stacks(project_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


if __name__ == "__main__":
    print(json.dumps(stacks(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))))
