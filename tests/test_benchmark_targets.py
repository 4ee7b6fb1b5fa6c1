"""The benchmarks' regression check (benchmarks/measure.py): every target a section records is
listed, and `make bench` fails when one is not met. The figures themselves are measurements,
never timed tests (docs/benchmarks.md)."""

import pytest

from benchmarks import measure


@pytest.fixture
def targets(monkeypatch):
    monkeypatch.setattr(measure, "TARGETS", [])
    return measure.TARGETS


@pytest.mark.parametrize("value, limit, at_most, met", [
    (0.30, 0.33, True, True),
    (0.33, 0.33, True, True),
    (0.40, 0.33, True, False),
    (0.71, 0.7, False, True),
    (0.62, 0.7, False, False),
])
def test_a_target_is_met_on_its_side_of_the_limit(targets, value, limit, at_most, met):
    assert measure.target("figure", value, limit, at_most) == ("met" if met else "NOT MET")
    assert [(f, m) for f, m, _ in targets] == [("figure", met)]


def test_the_regression_check_lists_every_target_and_fails_on_one_not_met(targets):
    measure.target("main command / Checkov", 0.30, 0.33)
    assert measure.regression_check()[1] == 0
    measure.target("pack / no-op pack throughput", 0.62, 0.7, at_most=False)
    lines, code = measure.regression_check()
    assert code == 1
    assert "| main command / Checkov | 0.30x (<= 0.33x) | met |" in lines
    assert "| pack / no-op pack throughput | 0.62x (>= 0.7x) | NOT MET |" in lines
    assert lines[-1] == "\n1 of 2 targets met; NOT MET: pack / no-op pack throughput."
