"""AWS regions that offer RDS, from botocore's endpoint data: AWS ships it with every botocore
release (pinned in requirements.txt), for every partition, so a new region arrives with an
upgrade of botocore instead of an edit here."""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import json
from typing import Any, Optional

import botocore

from components.settings.base import config_key
from components.settings.model import Settings

SOURCE = f"botocore {botocore.__version__} endpoint data, every partition"


@functools.lru_cache(maxsize=1)
def _endpoint_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        importlib.resources.files(botocore).joinpath("data", "endpoints.json").read_text())
    return data


def partition_of(region: str) -> Optional[str]:
    """The partition (aws, aws-cn, aws-us-gov, ...) whose regions include `region`, or None."""
    return next((p["partition"] for p in _endpoint_data()["partitions"] if region in p["regions"]), None)


@functools.lru_cache(maxsize=1)
def rds_regions() -> frozenset[str]:
    """Every region of every partition (aws, aws-cn, aws-us-gov, ...) with an RDS endpoint.

    The same answer as `botocore.session.get_session().get_available_regions("rds", p)` over
    every partition p (an RDS endpoint named after one of the partition's regions;
    tests/test_bad_config.py compares them), read from the data file directly: importing
    botocore.session cost the offline check about 0.3 s of its 1.8 s."""
    return frozenset(region for partition in _endpoint_data()["partitions"]
                     for region in partition["services"].get("rds", {}).get("endpoints", {})
                     if region in partition["regions"])


def region_problem(key: str, region: str) -> Optional[str]:
    """Why `region` is not an RDS region, or None."""
    if region in rds_regions():
        return None
    close = difflib.get_close_matches(region, sorted(rds_regions()), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else "e.g. eu-west-1 or us-east-1"
    return f"{key} = {region!r}: not an AWS region that offers RDS ({SOURCE}); {hint}"


def region_problems(s: Settings) -> list[str]:
    """Each replica's region and the disaster-recovery region exist and offer RDS (aws:region is
    checked by `reading.parse` before the models, so it is reported beside their problems)."""
    where = [(f"{config_key('replicas')}.{i}.region", r.region) for i, r in enumerate(s.replicas) if r.region]
    if s.disaster_recovery is not None:
        where.append((f"{config_key('disasterRecovery')}.region", s.disaster_recovery.region))
    return [p for key, region in where if (p := region_problem(key, region))]
