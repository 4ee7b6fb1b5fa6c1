"""Each AWS rule of issue 29 from the gate's side: `python -m preview --stack S --baseline B` with one
change against a compliant baseline, and what a reviewer reads about it (docs/aws-rules.md)."""

import pytest

from preview.__main__ import EXIT_CLEAN, EXIT_ERROR, main
from tests.test_plan_diff_values import _baseline, _diff

PRIMARY = "appdb-prod-db-instance"


@pytest.fixture(scope="module")
def prod_base(tmp_path_factory):
    return _baseline(tmp_path_factory.mktemp("prod"), "prod")


@pytest.fixture(scope="module")
def dev_base(tmp_path_factory):
    return _baseline(tmp_path_factory.mktemp("dev"), "dev")


def _said(text: str, name: str, prop: str) -> str:
    """The reviewer's line for one input of one resource."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if name in line and line.lstrip().startswith(("update", "replace")))
    return next(line.strip() for line in lines[start + 1:] if line.strip().startswith(f"{prop} "))


# Enhanced Monitoring, Performance Insights, the autoscaling limit and copying tags: applied at once,
# whatever applyImmediately says (prod leaves applyImmediately off), no outage (RDS UG, Settings for
# DB instances).
@pytest.mark.parametrize("config, prop", [
    ("monitoringInterval=30", "monitoringInterval"),
    ("performanceInsightsRetentionDays=62", "performanceInsightsRetentionPeriod"),
    ("maxAllocatedStorage=2000", "maxAllocatedStorage"),
])
def test_settings_applied_at_once_whatever_apply_immediately_says(tmp_path, capsys, prod_base, config, prop):
    code, diff, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, config)
    assert code == EXIT_CLEAN
    line = _said(text, PRIMARY, prop)
    assert "in place, applied immediately: whatever applyImmediately says, no outage" in line, line
    assert "maintenance window" not in line


# Storage modifications: storage-optimization, then at most four in 24 hours (RDS UG, Modifying settings
# for Provisioned IOPS SSD / gp3 storage, Note); the older six-hour wording is named, not relied on.
@pytest.mark.parametrize("config, prop", [("iops=13200", "iops"), ("storageThroughput=600", "storageThroughput")])
def test_a_storage_change_says_the_four_in_24_hours_limit(tmp_path, capsys, prod_base, config, prop):
    code, _, _, _, text = _diff(tmp_path, capsys, "prod", prod_base, config)
    assert code == EXIT_CLEAN
    line = _said(text, PRIMARY, prop)
    assert "applied in the next maintenance window" in line, line
    assert "at most 4 storage modifications in any 24 hours" in line and "may be refused" in line, line


def test_a_storage_autoscaling_limit_under_ten_percent_above_is_refused(tmp_path, capsys, prod_base):
    # RDS UG, storage autoscaling: the maximum storage threshold at least 10 % above the allocated
    # storage. The program refuses it (exit 2, tests/test_aws_rules.py); the pack, for any program,
    # flags the planned instance (rds-max-allocated-storage-headroom, tests/test_policy_deployability.py).
    capsys.readouterr()
    code = main(["--stack", "prod", "--quiet", "--baseline", str(prod_base), "--config", "maxAllocatedStorage=439"])
    out = capsys.readouterr()
    assert code == EXIT_ERROR
    assert "rdsplatform:maxAllocatedStorage = 439: must be at least 10 % above allocatedStorage (400), so 440" \
        in out.out + out.err


# storageType between SSD types is online (RDS UG, I/O-intensive storage modifications; gp3 page); only
# to or from magnetic storage reboots (ModifyDBInstance StorageType / Iops), which the program never plans
# (tests/test_change_effects.py covers that row).
def test_a_storage_type_change_between_ssd_types_has_no_outage(tmp_path, capsys, dev_base):
    code, _, _, _, text = _diff(tmp_path, capsys, "dev", dev_base, "storageType=gp2")
    assert code == EXIT_CLEAN
    line = _said(text, "appdb-dev-db-instance", "storageType")
    assert line.startswith("storageType gp3 → gp2: in place, applied immediately: between SSD types (gp2, gp3, io1, "
                           "io2): no outage"), line
