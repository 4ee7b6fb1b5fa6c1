"""A stand-in for the Pulumi CLI behind the SDK's `PulumiCommand` seam.

It records the argv each call would send to `pulumi`, answers the commands the Automation API
runs (stack select/init, config set-all, preview, up, refresh, destroy, stack output, stack
history, cancel), and writes the engine events of a scripted plan to the `--event-log` file,
as a CLI older than the gRPC event stream does.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional

from pulumi.automation import CommandResult, PulumiCommand
from pulumi.automation.errors import create_command_error
from semver import VersionInfo

SECRET_OUTPUT = "plaintext-secret-from-the-stack-Xy7"
CONFLICT = "error: [409] Conflict: Another update is currently in progress."


@dataclass
class Step:
    op: str
    type: str
    name: str
    protect: bool = False

    def urn(self, stack: str) -> str:
        return f"urn:pulumi:{stack}::rdsplatform::{self.type}::{self.name}"


@dataclass
class Script:
    """What the fake engine plans and reports."""

    steps: list[Step] = field(default_factory=lambda: [
        Step("same", "aws:kms/key:Key", "appdb-prod-keys-key", protect=True),
        Step("update", "aws:rds/instance:Instance", "appdb-prod-db-instance", protect=True),
        Step("create", "aws:cloudwatch/metricAlarm:MetricAlarm", "appdb-prod-alarms-cpu"),
    ])
    # (policy, level, resource name, message)
    policy_events: list[tuple[str, str, str, str]] = field(default_factory=list)
    # How many times each operation first fails with a conflict, or any other error text.
    conflicts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    # Called when an operation starts (e.g. to cancel from "outside").
    on_operation: Optional[Callable[[str], None]] = None
    # A read-only refresh (`refresh --preview-only`) reads these: (type, name, outputs in the
    # state, outputs as read; None: the resource is gone), each a refresh step's two events.
    reads: list[tuple[str, str, dict, Optional[dict]]] = field(default_factory=list)


class FakePulumi(PulumiCommand):
    def __init__(self, script: Optional[Script] = None, version: str = "3.200.0",
                 stacks: Optional[set[str]] = None, rm_error: Optional[str] = None):
        # No super().__init__: it would look for a real `pulumi` on PATH.
        self.command = "pulumi"
        self.version = VersionInfo.parse(version)
        self.script = script or Script()
        # The stacks the backend has: None, every stack exists; a set, `stack select` of any other
        # fails as the CLI does, `stack init` adds one and `stack rm` removes it (or fails with rm_error).
        self.stacks = stacks
        self.rm_error = rm_error
        self.calls: list[list[str]] = []
        self.envs: list[dict[str, str]] = []
        self.cancelled = threading.Event()
        self._lock = threading.Lock()

    # The seam: every CLI invocation of the Automation API goes through here.
    def run(self, args: list[str], cwd: str, additional_env: Mapping[str, str],
            on_output=None, on_error=None) -> CommandResult:
        if "--non-interactive" not in args:
            args.insert(0, "--non-interactive")
        with self._lock:
            self.calls.append(list(args))
            self.envs.append(dict(additional_env))
        words = [a for a in args if not a.startswith("--")]
        stack = _flag(args, "--stack") or "prod"
        if words[:1] == ["cancel"]:
            self.cancelled.set()
            return CommandResult("", "", 0)
        if self.stacks is not None and words[:1] == ["stack"] and words[1:2] in (["select"], ["init"], ["rm"]):
            return self._backend(words[1], words[2] if len(words) > 2 else stack)
        if words[:1] in (["preview"], ["up"], ["refresh"], ["destroy"]):
            return self._operation(words[0], args, stack, on_output)
        if words[:2] == ["stack", "output"]:
            shown = "--show-secrets" in args
            return CommandResult(json.dumps({"endpoint": "appdb-prod.example:5432",
                                             "masterPassword": SECRET_OUTPUT if shown else "[secret]"}), "", 0)
        if words[:2] == ["stack", "history"]:
            return CommandResult(json.dumps([{"kind": "update", "startTime": "2026-11-22T08:00:00.000Z",
                                              "message": "", "environment": {}, "config": {},
                                              "result": "succeeded", "endTime": "2026-11-22T08:01:00.000Z",
                                              "resourceChanges": {"update": 1}}]), "", 0)
        if words[:1] == ["config"] and "--json" in args:
            return CommandResult("{}", "", 0)  # get_all_config: no secret config in these stacks
        return CommandResult("", "", 0)  # stack select/init, config set-all, whoami...

    def _backend(self, command: str, stack: str) -> CommandResult:
        assert self.stacks is not None
        if command == "select" and stack not in self.stacks:
            raise create_command_error(CommandResult("", f"error: no stack named '{stack}' found", 255))
        if command == "rm" and self.rm_error:
            raise create_command_error(CommandResult("", self.rm_error, 255))
        if command == "init":
            self.stacks.add(stack)
        if command == "rm":
            self.stacks.discard(stack)
        return CommandResult("", "", 0)

    def _operation(self, op: str, args: list[str], stack: str, on_output) -> CommandResult:
        if self.script.on_operation:
            self.script.on_operation(op)
        log = _flag(args, "--event-log")
        if self.script.conflicts.get(op, 0) > 0:
            self.script.conflicts[op] -= 1
            # End the event log at once; otherwise the SDK waits 5 s for it before raising.
            if log:
                with open(log, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"sequence": 0, "timestamp": 0, "cancelEvent": {}}) + "\n")
            raise create_command_error(CommandResult("", CONFLICT, 255))
        events = [{"preludeEvent": {"config": {}}}]
        for step in self.script.steps:
            events.append({"resourcePreEvent": {"metadata": {
                "op": step.op, "urn": step.urn(stack), "type": step.type, "provider": "",
                "old": {"type": step.type, "urn": step.urn(stack), "protect": step.protect,
                        "inputs": {"password": "[secret]"}, "outputs": {}},
                "new": None if step.op == "delete" else {"type": step.type, "urn": step.urn(stack),
                                                         "inputs": {}, "outputs": {}},
            }}})
        for type_, name, state, live in self.script.reads if "--preview-only" in args else []:
            step = Step("refresh", type_, name)
            old = {"type": type_, "urn": step.urn(stack), "inputs": {}, "outputs": state}
            new = None if live is None else {"type": type_, "urn": step.urn(stack), "inputs": {}, "outputs": live}
            events.append({"resourcePreEvent": {"metadata": {"op": "refresh", "urn": step.urn(stack), "type": type_,
                                                             "provider": "", "old": old, "new": None}}})
            events.append({"resOutputsEvent": {"metadata": {"op": "refresh", "urn": step.urn(stack), "type": type_,
                                                            "provider": "", "old": old, "new": new},
                                               "planning": True}})
        mandatory = False
        for policy, level, name, message in self.script.policy_events:
            mandatory |= level == "mandatory"
            events.append({"policyEvent": {"policyName": policy, "policyPackName": "rds-guardrails",
                                           "policyPackVersion": "0.1.0", "enforcementLevel": level,
                                           "resourceUrn": f"urn:pulumi:{stack}::rdsplatform::x::{name}",
                                           "message": message, "color": "never"}})
        counts: dict[str, int] = {}
        for step in self.script.steps:
            counts[step.op] = counts.get(step.op, 0) + 1
        events.append({"summaryEvent": {"maybeCorrupt": False, "durationSeconds": 1, "resourceChanges": counts,
                                        "PolicyPacks": {"rds-guardrails": "0.1.0"}}})
        events.append({"cancelEvent": {}})
        if log:
            with open(log, "a", encoding="utf-8") as f:
                for i, e in enumerate(events):
                    f.write(json.dumps({"sequence": i, "timestamp": 0, **e}) + "\n")
        if self.script.on_operation and op in self.script.errors and self.cancelled.wait(2):
            raise create_command_error(CommandResult("", "error: update canceled", 255))
        if op in self.script.errors:
            raise create_command_error(CommandResult("", self.script.errors[op], 255))
        if mandatory:
            raise create_command_error(CommandResult("", "error: preview failed", 255))
        if on_output:
            on_output(f"{op} done")
        return CommandResult(f"{op} done", "", 0)


def _flag(args: list[str], name: str) -> Optional[str]:
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None


def project_copy(target):
    """The project files the Automation API entry reads (Pulumi.yaml, stack files, policy
    configs), copied to `target`, so a test never writes beside the real stack files."""
    import shutil
    from pathlib import Path

    from plan.stack_config import PROJECT_DIR

    target = Path(target)
    (target / "policies" / "config").mkdir(parents=True, exist_ok=True)
    for path in [PROJECT_DIR / "Pulumi.yaml", *PROJECT_DIR.glob("Pulumi.*.yaml")]:
        shutil.copyfile(path, target / path.name)
    for path in (PROJECT_DIR / "policies" / "config").glob("*.json"):
        shutil.copyfile(path, target / "policies" / "config" / path.name)
    return target
