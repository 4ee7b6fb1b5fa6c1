"""CloudWatch figures of one RDS instance: min / avg / max / p95 over a window.

AWS rules relied on (CloudWatch API Reference, GetMetricStatistics): at most 1,440 datapoints per
call; periods are multiples of 60 s; 1-minute data is kept 15 days, 5-minute data 63 days and
1-hour data 455 days -- so the period grows with the window. p95 here is the 95th percentile of
the per-period averages (Python's statistics.quantiles), not CloudWatch's p95 of raw samples:
ExtendedStatistics would give that, but it is not offered by every endpoint (moto ignores it).
"""

from __future__ import annotations

import datetime
import math
import statistics
from typing import Any, Optional

# metric -> unit shown, divisor applied to the raw value
METRICS = {
    "CPUUtilization": ("%", 1),
    "DatabaseConnections": ("count", 1),
    "FreeStorageSpace": ("GiB", 2**30),
    "FreeableMemory": ("GiB", 2**30),
    "ReadLatency": ("ms", 0.001),
    "WriteLatency": ("ms", 0.001),
    "ReplicaLag": ("s", 1),
}


def period_for(seconds: float, now: datetime.datetime, start: datetime.datetime) -> int:
    """The shortest period CloudWatch still keeps for that age that fits 1,440 datapoints."""
    age_days = (now - start).total_seconds() / 86400
    floor = 60 if age_days <= 15 else 300 if age_days <= 63 else 3600
    fitted = math.ceil(seconds / 1440 / 60) * 60
    return max(floor, fitted)


def summary(datapoints: list[dict[str, Any]], divisor: float) -> dict[str, Optional[float]]:
    """min/avg/max/p95 of GetMetricStatistics datapoints (Minimum, Maximum, Average, SampleCount)."""
    if not datapoints:
        return {"min": None, "avg": None, "max": None, "p95": None, "datapoints": 0}
    averages = [d["Average"] / divisor for d in datapoints]
    weights = [d.get("SampleCount") or 1 for d in datapoints]
    p95 = statistics.quantiles(averages, n=20, method="inclusive")[-1] if len(averages) > 1 else averages[0]
    return {
        "min": round(min(d["Minimum"] for d in datapoints) / divisor, 3),
        "avg": round(sum(a * w for a, w in zip(averages, weights)) / sum(weights), 3),
        "max": round(max(d["Maximum"] for d in datapoints) / divisor, 3),
        "p95": round(p95, 3),
        "datapoints": len(datapoints),
    }


def instance_metrics(cloudwatch: Any, identifier: str, hours: float, names: Optional[list[str]] = None,
                     now: Optional[datetime.datetime] = None) -> dict[str, dict[str, Any]]:
    """Every metric of METRICS (or `names`) of one instance over the last `hours`."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(hours=hours)
    period = period_for(hours * 3600, now, start)
    result = {}
    for name in names or list(METRICS):
        unit, divisor = METRICS[name]
        response = cloudwatch.get_metric_statistics(
            Namespace="AWS/RDS", MetricName=name, StartTime=start, EndTime=now, Period=period,
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": identifier}],
            Statistics=["Minimum", "Maximum", "Average", "SampleCount"])
        result[name] = {"unit": unit, "period_seconds": period, **summary(response.get("Datapoints", []), divisor)}
    return result
