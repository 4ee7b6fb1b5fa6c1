"""blue-green's arguments: what each option takes, and the changes a run asks for."""

from __future__ import annotations

import argparse
import re
from typing import Any

from operations.identifiers import db_identifier, positive_seconds

STORAGE_TYPES = ("gp2", "gp3", "io1", "io2")
SWITCHOVER_TIMEOUT = range(30, 3601)
# The config keys of this project's stacks that each requested change corresponds to.
CONFIG_KEYS = {"engine_version": "engineVersion", "instance_class": "instanceClass", "storage_type": "storageType",
               "allocated_storage": "allocatedStorage", "iops": "iops", "storage_throughput": "storageThroughput"}


def _deployment_id(value: str) -> str:
    """A blue/green deployment identifier as the API allows it (1-255, [A-Za-z][0-9A-Za-z-:._]*)."""
    if not (1 <= len(value) <= 255 and re.fullmatch(r"[A-Za-z][0-9A-Za-z\-:._]*", value)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a blue/green deployment identifier "
                                         "(1-255 characters: a letter, then letters, digits, - : . _)")
    return value


def _positive_int(value: str) -> int:
    """A whole number above zero (GiB, IOPS, MiB/s)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above zero")
    return number


def _switchover_seconds(value: str) -> int:
    """SwitchoverTimeout: 30-3600 whole seconds (Switching a blue/green deployment -> Switchover timeout)."""
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds not in SWITCHOVER_TIMEOUT:
        raise argparse.ArgumentTypeError(f"{value!r} is not a switchover timeout (whole seconds, 30-3600)")
    return seconds


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The database or the deployment, the changes, --switchover, --delete-old and --confirm."""
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--db-instance", metavar="ID", type=db_identifier, help="create a deployment of this instance")
    which.add_argument("--db-cluster", metavar="ID", type=db_identifier, help="create a deployment of this Aurora cluster")
    which.add_argument("--deployment", metavar="BGD", type=_deployment_id,
                       help="resume a deployment created earlier (its identifier, bgd-...)")
    p.add_argument("--engine-version", metavar="VERSION", help="green's engine version (a major upgrade too)")
    p.add_argument("--instance-class", metavar="CLASS", help="green's instance class (instances only)")
    p.add_argument("--parameter-group", metavar="NAME", help="green's DB parameter group")
    p.add_argument("--cluster-parameter-group", metavar="NAME", help="green's DB cluster parameter group (Aurora)")
    p.add_argument("--storage-type", choices=STORAGE_TYPES, help="green's storage type (instances only)")
    p.add_argument("--allocated-storage", type=_positive_int, metavar="GIB", help="green's storage (instances only)")
    p.add_argument("--iops", type=_positive_int, help="green's provisioned IOPS (io1, io2, gp3)")
    p.add_argument("--storage-throughput", type=_positive_int, metavar="MIBPS", help="green's throughput (gp3)")
    p.add_argument("--switchover", action="store_true", help="switch over once every check passes")
    p.add_argument("--switchover-timeout", type=_switchover_seconds, default=300, metavar="SECONDS",
                   help="RDS rolls the switchover back after this long (30-3600, default 300)")
    p.add_argument("--max-replica-lag", type=positive_seconds, default=30, metavar="SECONDS",
                   help="green's ReplicaLag may be at most this before a switchover (default 30)")
    p.add_argument("--delete-old", action="store_true",
                   help="after a switchover: delete the old (blue) environment of --deployment")
    p.add_argument("--confirm", metavar="ID", type=db_identifier,
                   help="the database the call changes: the blue database, or the old one for --delete-old")


def requested(args: Any) -> dict[str, Any]:
    """The changes asked for, by CONFIG_KEYS name (and the parameter groups)."""
    changes = {name: getattr(args, name) for name in (*CONFIG_KEYS, "parameter_group", "cluster_parameter_group")}
    return {k: v for k, v in changes.items() if v is not None}
