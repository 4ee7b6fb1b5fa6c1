"""docs/reference/policies.md against the running pack: names, default levels and each stack's level."""

import pytest


def test_policy_reference_lists_exactly_the_packs_policies_at_their_levels(pack):
    """docs/reference/policies.md is what other teams read: the running pack's names and levels."""
    from preview.harness import PROJECT_DIR
    import re

    page = (PROJECT_DIR / "docs" / "reference" / "policies.md").read_text()
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", page.split("## AWS sources", 1)[0], flags=re.M))
    levels = {0: "advisory", 1: "mandatory", 2: "disabled"}
    assert pack.info.policies
    assert documented == {p.name for p in pack.info.policies}
    for p in pack.info.policies:
        # columns: policy | checks | resources | unset means | default | ...
        row = re.search(rf"^\| `{p.name}` \|.*$", page, flags=re.M).group(0)
        assert row.split(" | ")[4] == levels[p.enforcementLevel], p.name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_policy_reference_gives_each_stack_the_level_the_gate_applies(pack, stack):
    """The per-stack level columns resolve a config as the offline gate does (preview/analyzer.py)."""
    from preview.analyzer import LEVEL_NAMES, load_policy_config, reconcile_config
    from preview.harness import PROJECT_DIR
    import re

    page = (PROJECT_DIR / "docs" / "reference" / "policies.md").read_text().split("## AWS sources", 1)[0]
    column = re.search(r"^\| policy \|.*$", page, flags=re.M).group(0).split(" | ").index(stack)
    applied = {name: LEVEL_NAMES[c.enforcementLevel]
               for name, c in reconcile_config(pack.info, load_policy_config(stack)).items()}
    documented = {m.group(1): m.group(0).split(" | ")[column]
                  for m in re.finditer(r"^\| `([a-z0-9-]+)` \|.*$", page, flags=re.M)}
    assert applied and documented == applied
