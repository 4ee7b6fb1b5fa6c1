#!/usr/bin/env bash
# The offline JSON of every stack and every stack example of docs/configuration.md, for proving
# a refactor keeps plans byte-identical:
#   tools/plan_snapshot.sh /tmp/before   # on the old commit
#   tools/plan_snapshot.sh /tmp/after    # on the new one
#   diff -r /tmp/before /tmp/after       # empty: the same plans and verdicts
# Runs in a copy of the tree (the examples become Pulumi.example<N>.yaml there, in page order, as
# tests/stack_cases.py reads them), with this checkout's .venv (make setup).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
python="$repo/.venv/bin/python"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$tmp")
cd "$tmp"
"$python" - <<'PY'
import pathlib, re
page = pathlib.Path("docs/configuration.md").read_text()
examples = [b for b in re.findall(r"```yaml\n(.*?)```", page, flags=re.S) if "config:" in b]
assert examples, "docs/configuration.md has no stack example"
for i, block in enumerate(examples):
    pathlib.Path(f"Pulumi.example{i}.yaml").write_text(block)
PY
for file in Pulumi.*.yaml; do
  stack=${file#Pulumi.}; stack=${stack%.yaml}
  set +e
  "$python" -m preview --stack "$stack" --quiet --json "$out/$stack.json" > "$out/$stack.txt" 2>&1
  echo "$stack exit $?" >> "$out/exit-codes.txt"
  set -e
done
cat "$out/exit-codes.txt"
