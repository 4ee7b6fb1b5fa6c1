"""A new environment (tools/new_stack.py, `make new-stack`) and the gate's warning of stacks on
overlapping network ranges (plan/networks.py)."""

import ipaddress
import shutil
import subprocess
import sys

import pytest

from plan.networks import StackRange, free_range, overlaps, stack_ranges
from plan.stack_config import PROJECT_DIR, stack_names
from tests.tool_modules import load_tool


def _tool(repo):
    return load_tool("new_stack", repo)


def _preview(repo, stack):
    return subprocess.run([sys.executable, "-m", "preview", "--stack", stack, "--quiet"], cwd=repo,
                          capture_output=True, text=True)


@pytest.mark.parametrize("source", ["dev", "prod"])
def test_a_new_stack_gets_its_own_ranges_and_its_sources_policy_config(committed_copy, source):
    tool = _tool(committed_copy)
    assert tool.main(["--name", "staging", "--from", source, "--project-dir", str(committed_copy)]) == 0
    assert stack_names(committed_copy) == sorted(["dev", "prod", "staging"])
    assert (committed_copy / "policies" / "config" / "staging.json").read_bytes() == \
        (PROJECT_DIR / "policies" / "config" / f"{source}.json").read_bytes()
    new = stack_ranges("staging", committed_copy)
    assert [r.key for r in new] == [r.key for r in stack_ranges(source, committed_copy)]
    others = [r for s in ("dev", "prod") for r in stack_ranges(s, committed_copy)]
    assert overlaps(new + others) == []
    # allowedCidrs followed the VPC's range: the clients in the new VPC may reach its database.
    text = (committed_copy / "Pulumi.staging.yaml").read_text()
    assert f"- {new[0].network}" in text


def test_the_new_stack_passes_the_gate_without_a_warning(committed_copy):
    assert _tool(committed_copy).main(["--name", "staging", "--from", "dev",
                                        "--project-dir", str(committed_copy)]) == 0
    run = _preview(committed_copy, "staging")
    assert run.returncode == 0, run.stderr[-800:]
    assert "warning:" not in run.stderr


def test_a_stack_file_copied_by_hand_is_warned_of_its_overlap(committed_copy):
    shutil.copy2(committed_copy / "Pulumi.dev.yaml", committed_copy / "Pulumi.staging.yaml")
    run = _preview(committed_copy, "staging")
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: stack dev's vpcCidr 10.42.0.0/16 overlaps stack staging's vpcCidr 10.42.0.0/16: "
                        "give one of them a range no other stack uses (docs/environments.md)"]


@pytest.mark.parametrize("name, source, named", [
    ("dev", "dev", "NAME=dev: Pulumi.dev.yaml exists already"),
    ("staging", "nope", "FROM='nope': no such stack; copy one of: dev, prod"),
    ("stag ing", "dev", "NAME='stag ing': a stack name is letters, digits"),
    ("", "dev", "NAME='': a stack name is letters, digits"),
])
def test_bad_input_is_refused_and_writes_nothing(committed_copy, capsys, name, source, named):
    before = sorted(p.name for p in committed_copy.rglob("*") if ".git" not in p.parts)
    assert _tool(committed_copy).main(["--name", name, "--from", source, "--project-dir", str(committed_copy)]) == 2
    assert named in capsys.readouterr().err
    assert sorted(p.name for p in committed_copy.rglob("*") if ".git" not in p.parts) == before


def test_make_new_stack_runs_the_tool_with_name_and_from():
    dry = subprocess.run(["make", "-n", "-o", ".venv/.preview-installed", "-C", str(PROJECT_DIR), "new-stack",
                          "NAME=staging", "FROM=prod"], capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "tools/new_stack.py --name 'staging' --from 'prod'" in dry.stdout


def _range(stack, cidr, key="vpcCidr"):
    return StackRange(stack, key, ipaddress.ip_network(cidr))


@pytest.mark.parametrize("ranges, expected", [
    ([_range("a", "10.1.0.0/16"), _range("b", "10.2.0.0/16")], []),
    ([_range("a", "10.1.0.0/16"), _range("b", "10.1.128.0/24")], [("a", "b")]),
    ([_range("a", "10.1.0.0/16"), _range("a", "10.1.0.0/16", "disasterRecovery.vpcCidr")], []),  # one stack
    ([_range("a", "10.1.0.0/16"), _range("b", "fd00::/8")], []),
])
def test_overlaps_are_pairs_of_two_stacks(ranges, expected):
    assert [(a.stack, b.stack) for a, b in overlaps(ranges)] == expected


@pytest.mark.parametrize("used, expected", [
    ([], "10.0.0.0/16"),
    (["10.0.0.0/16", "10.1.0.0/16"], "10.2.0.0/16"),
    (["10.0.0.0/8"], None),
    (["10.0.5.0/24"], "10.1.0.0/16"),
])
def test_the_free_range_overlaps_nothing_used(used, expected):
    networks = [ipaddress.ip_network(u) for u in used]
    if expected is None:
        with pytest.raises(ValueError, match="no free /16 left in 10.0.0.0/8"):
            free_range(networks)
    else:
        assert str(free_range(networks)) == expected
