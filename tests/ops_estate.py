"""A moto server on a loopback port with the demo estate (operations/demo.py), for the runbook tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import boto3

from operations import demo

ROOT = Path(__file__).resolve().parent.parent
# Credentials for moto only; the runbooks find them through the ordinary boto3 chain (environment).
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **demo.FAKE_CREDENTIALS,
       "OPS_POLL_SECONDS": "0.05", "PYTHONPATH": str(ROOT)}


@dataclass
class Run:
    """One runbook run: exit code, JSON lines, stderr."""

    code: int
    lines: list[dict]
    stderr: str

    @property
    def result(self) -> dict:
        assert self.lines and self.lines[-1]["kind"] in ("result", "error"), self.lines
        return self.lines[-1]

    def of_kind(self, kind: str) -> list[dict]:
        return [line for line in self.lines if line["kind"] == kind]


@dataclass
class Estate:
    endpoint: str
    ids: dict
    recorded: Any = None  # operations.demo_server.Recorded: the answers of the calls moto lacks

    def client(self, service: str, region: str = demo.REGION) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def run(self, *args: str, region: str = demo.REGION, env: dict | None = None) -> Run:
        argv = [sys.executable, "-m", "operations", *args, "--endpoint-url", self.endpoint, "--json"]
        if region:
            argv += ["--region", region]
        done = subprocess.run(argv, cwd=ROOT, env=env or ENV, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        return Run(done.returncode, lines, done.stderr)

    def instances(self, region: str = demo.REGION) -> dict[str, dict]:
        """Every instance's settings, without the clock-driven fields, to compare before/after."""
        volatile = {"LatestRestorableTime", "ResponseMetadata"}
        return {d["DBInstanceIdentifier"]: {k: v for k, v in d.items() if k not in volatile}
                for d in self.client("rds", region).describe_db_instances()["DBInstances"]}

    def snapshots(self, region: str = demo.REGION) -> set[str]:
        return {s["DBSnapshotIdentifier"] for s in self.client("rds", region).describe_db_snapshots()["DBSnapshots"]}


@contextlib.contextmanager
def served_estate() -> Iterator[Estate]:
    """A moto server on a free loopback port, seeded with the demo estate, stopped afterwards."""
    from operations import demo_server

    port = demo.free_port()
    server = demo_server.server("127.0.0.1", port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        # moto keeps its state per process, not per server: start from nothing (another module's
        # estate may have been seeded in this worker before).
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30).close()
        yield Estate(endpoint, demo.seed(endpoint), server.recorded)
    finally:
        server.stop()


def closed_endpoint() -> str:
    """An http URL on a loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
