"""The runbooks' arithmetic without AWS: CloudWatch periods, statistics, sizes and prices."""

import datetime

import pytest

from operations import rightsizing, stats

NOW = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("hours, period", [
    (1, 60),            # 60 one-minute points
    (24, 60),           # 1,440 one-minute points: the most one call returns
    (48, 120),          # twice as many would exceed 1,440: two-minute periods
    (30 * 24, 1800),    # older than 15 days: 5-minute data at best, and 1,440 points at most
    (100 * 24, 6000),   # older than 63 days: hourly data at best
])
def test_period_keeps_to_1440_points_and_the_retention_of_its_age(hours, period):
    start = NOW - datetime.timedelta(hours=hours)
    got = stats.period_for(hours * 3600, NOW, start)
    assert got == period and got % 60 == 0 and hours * 3600 / got <= 1440


def test_summary_weights_the_average_and_takes_p95_of_the_periods():
    points = [{"Average": float(v), "Minimum": v - 1.0, "Maximum": v + 1.0, "SampleCount": 1} for v in range(1, 21)]
    points.append({"Average": 100.0, "Minimum": 90.0, "Maximum": 110.0, "SampleCount": 20})
    s = stats.summary(points, 1)
    assert s["min"] == 0 and s["max"] == 110 and s["datapoints"] == 21
    assert s["avg"] == pytest.approx((sum(range(1, 21)) + 100 * 20) / 40, abs=0.001)
    assert 20 <= s["p95"] <= 100
    assert stats.summary([], 1) == {"min": None, "avg": None, "max": None, "p95": None, "datapoints": 0}


def test_sizes_move_within_the_family_and_stop_at_its_ends():
    assert rightsizing.neighbour("db.r6g.xlarge", -1) == "db.r6g.large"
    assert rightsizing.neighbour("db.r6g.xlarge", +1) == "db.r6g.2xlarge"
    assert rightsizing.neighbour("db.t4g.micro", -1) is None
    assert rightsizing.neighbour("db.x2g.large", -1) is None  # not in the price table: no guess
    assert rightsizing.neighbour("db.serverless", -1) is None


def test_monthly_price_doubles_for_multi_az_and_connections_follow_memory():
    assert rightsizing.monthly("db.r6g.large", False) == pytest.approx(0.225 * 730)
    assert rightsizing.monthly("db.r6g.large", True) == pytest.approx(2 * 0.225 * 730)
    assert rightsizing.monthly("db.unknown.large", False) is None
    # PostgreSQL: LEAST(memory / 9531392, 5000); MySQL: memory / 12582880.
    assert rightsizing.max_connections("postgres", "db.t4g.micro") == pytest.approx(2**30 / 9531392)
    assert rightsizing.max_connections("postgres", "db.r6g.4xlarge") == 5000
    assert rightsizing.max_connections("mysql", "db.m5.large") == pytest.approx(8 * 2**30 / 12582880)


def test_the_price_table_states_its_source_date_and_that_it_is_an_estimate():
    prices = rightsizing.PRICES
    assert prices["source"].startswith("https://aws.amazon.com/rds/") and prices["date"] and prices["region"]
    assert "ESTIMATES" in prices["note"]
    assert all(rightsizing.memory_gib(cls) for cls in prices["instance_per_hour"])
