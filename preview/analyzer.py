"""Drive the policy pack the way the Pulumi CLI does, over the gRPC analyzer protocol.

Start `python -u -m pulumi.policy <engine-address> policies/`, read the port it prints, then
GetAnalyzerInfo, Configure (schema defaults + the environment's --policy-pack-config,
reconciled and validated as the CLI does), Analyze per resource (inputs) and AnalyzeStack
(outputs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

import grpc
import jsonschema
from google.protobuf import empty_pb2, json_format, struct_pb2

from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from plan.registration import Plan, Registration
from plan.stack_config import PROJECT_DIR

POLICY_DIR = PROJECT_DIR / "policies"
# The pack's package, as the policy host puts it on the path: its level resolver is the CLI's.
if str(POLICY_DIR) not in sys.path:
    sys.path.append(str(POLICY_DIR))

from rds_guardrails import levels as levels, waivers as waivers  # noqa: E402  # re-exported
from rds_guardrails.waivers import Waiver as Waiver  # noqa: E402  # re-exported

LEVELS = {levels.ADVISORY: analyzer_pb2.ADVISORY, levels.MANDATORY: analyzer_pb2.MANDATORY,
          levels.DISABLED: analyzer_pb2.DISABLED, levels.REMEDIATE: analyzer_pb2.REMEDIATE}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}


class PolicyConfigError(Exception):
    """The policy config file names an unknown policy or breaks a policy's schema."""


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str
    message: str
    urn: str
    severity: int = 0
    # The exception that waived it: the pack reported it at advisory level (never blocks, always listed).
    waiver: Optional[Waiver] = None


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


def resolve_config(info: analyzer_pb2.AnalyzerInfo, file_config: Optional[dict[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per policy (level, settings): its default level and schema defaults, then 'all', then its
    own entry (rds_guardrails/levels.py, as the CLI reconciles it), each validated against its schema."""
    schemas = {p.name: json_format.MessageToDict(p.configSchema.properties) for p in info.policies}
    defaults = [(p.name, LEVEL_NAMES[p.enforcementLevel],
                 {k: v["default"] for k, v in schemas[p.name].items() if isinstance(v, dict) and "default" in v})
                for p in info.policies]
    try:  # first: a bad exception is named by its id, policy and key
        waivers.parse_config(file_config, schemas)
    except waivers.WaiverError as exc:
        raise PolicyConfigError(str(exc)) from None
    try:
        resolved = levels.resolve(defaults, file_config)
    except levels.LevelError as exc:
        raise PolicyConfigError(str(exc)) from None
    for policy in info.policies:
        try:
            jsonschema.validate(resolved[policy.name][1], {"type": "object", "properties": schemas[policy.name],
                                                           "required": list(policy.configSchema.required)})
        except jsonschema.ValidationError as exc:
            raise PolicyConfigError(f"{policy.name}: {exc.message}") from None
    return resolved


def reconcile_config(info: analyzer_pb2.AnalyzerInfo, file_config: Optional[dict[str, Any]]) -> dict[str, analyzer_pb2.PolicyConfig]:
    """The Configure request's config of each policy (resolve_config)."""
    result = {}
    for name, (level, props) in resolve_config(info, file_config).items():
        config = analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[level])
        if props:
            config.properties.update(props)
        result[name] = config
    return result


def _options(r: Registration) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=r.options.get("protect", False),
        ignoreChanges=r.options.get("ignoreChanges", []),
        deleteBeforeReplace=r.options.get("deleteBeforeReplace", False),
        additionalSecretOutputs=r.options.get("additionalSecretOutputs", []),
        parent=r.parent,
    )


def analyze_request(r: Registration) -> analyzer_pb2.AnalyzeRequest:
    """The Analyze call the engine makes for one resource: its inputs and options."""
    return analyzer_pb2.AnalyzeRequest(type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name,
                                       options=_options(r))


def is_analyzed(r: Registration) -> bool:
    """The engine sends custom resources to the pack, not components or providers."""
    return r.custom and not r.type.startswith("pulumi:providers:")


class PolicyPackProcess:
    """A running policy pack and a gRPC stub to it. Use as a context manager."""

    def __init__(self, policy_dir: Path = POLICY_DIR, python: str = sys.executable):
        self.policy_dir = policy_dir
        self.python = python
        self.channel: Optional[grpc.Channel] = None

    @property
    def connected(self) -> bool:
        return self.channel is not None

    def __enter__(self) -> "PolicyPackProcess":
        return self.start().connect()

    def start(self) -> "PolicyPackProcess":
        """Launch the pack; it imports while the caller does other work (the program run)."""
        # The engine address is only used for logging; nothing in the pack calls back to it.
        self.process = subprocess.Popen(
            [self.python, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(self.policy_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        return self

    def connect(self) -> "PolicyPackProcess":
        """Wait for the port the pack prints, then ask for its policies."""
        line = self.process.stdout.readline().strip()  # type: ignore[union-attr]  # started with stdout=PIPE
        if not line.isdigit():
            self.process.kill()
            raise RuntimeError(f"policy pack did not start: {line}{self.process.stderr.read()}")  # type: ignore[union-attr]  # stderr=PIPE
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.info = self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
        self.process.kill()
        self.process.wait()

    def configure(self, file_config: Optional[dict[str, Any]] = None) -> None:
        self.stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig=reconcile_config(self.info, file_config)))

    def analyze(self, r: Registration) -> list[Violation]:
        return self.analyze_many([r])

    def analyze_many(self, resources: list[Registration], in_flight: int = 16) -> list[Violation]:
        """Analyze each resource, a few requests in flight at a time as the engine sends them
        (the pack serves four at once; a flood of thousands gets calls cancelled)."""
        results: list[Any] = [None] * len(resources)
        pending: list[tuple[int, Any]] = []
        for i, r in enumerate(resources):
            pending.append((i, self.stub.Analyze.future(analyze_request(r))))
            if len(pending) >= in_flight:
                j, call = pending.pop(0)
                results[j] = call.result()
        for j, call in pending:
            results[j] = call.result()
        return self.violations(resources, results)

    def violations(self, resources: list[Registration], responses: list[Any]) -> list[Violation]:
        """The diagnostics of each resource's AnalyzeResponse, in resource order."""
        return [self._violation(d, r.urn) for r, response in zip(resources, responses) for d in response.diagnostics]

    def analyze_stack(self, resources: list[Registration]) -> list[Violation]:
        request = analyzer_pb2.AnalyzeStackRequest(resources=[
            analyzer_pb2.AnalyzerResource(
                type=r.type, properties=_struct(r.outputs or r.inputs), urn=r.urn, name=r.name,
                options=_options(r), parent=r.parent, dependencies=r.options.get("dependencies", []),
            )
            for r in resources
        ])
        return [self._violation(d, d.urn) for d in self.stub.AnalyzeStack(request).diagnostics]

    def check_plan(self, plan: Plan) -> list[Violation]:
        """Every custom resource through Analyze, then the whole stack through AnalyzeStack."""
        custom = [r for r in plan.resources if is_analyzed(r)]
        return self.analyze_many(custom) + self.analyze_stack(custom)

    @staticmethod
    def _violation(d: analyzer_pb2.AnalyzeDiagnostic, urn: str) -> Violation:
        return Violation(policy=d.policyName, level=LEVEL_NAMES.get(d.enforcementLevel, "advisory"),
                         message=d.message, urn=d.urn or urn, severity=d.severity)


def exceptions_of(file_config: Optional[dict[str, Any]]) -> list[Waiver]:
    """Every exception of a policy config the pack was configured with (reconcile_config checked it)."""
    config = dict(file_config or {})
    try:
        return [w for found in waivers.parse_config(config, set(config) - {"all"}).values() for w in found]
    except waivers.WaiverError as exc:
        raise PolicyConfigError(str(exc)) from None


def with_waivers(violations: list[Violation], file_config: Optional[dict[str, Any]]) -> list[Violation]:
    """Each violation the pack waived (advisory, an active exception of the config covers it) with its
    exception; one the pack kept at its level (an SDK that cannot lower it) stays as it is."""
    found = exceptions_of(file_config)
    if not found:
        return violations
    result = []
    for v in violations:
        waiver = waivers.find([w for w in found if w.policy == v.policy], v.urn, v.urn.rsplit("::", 1)[-1])
        result.append(replace(v, waiver=waiver) if v.level == "advisory" and waiver and not waiver.expired() else v)
    return result


def stale_waivers(plan: Plan, file_config: Optional[dict[str, Any]]) -> list[Waiver]:
    """The config's exceptions for this stack that cover none of its resources."""
    resources = [(r.urn, r.name) for r in plan.resources if is_analyzed(r)]
    return waivers.stale(exceptions_of(file_config), resources, plan.stack)


def policy_config_path(stack: str) -> Optional[Path]:
    """policies/config/<stack>.json when the stack has one."""
    path = POLICY_DIR / "config" / f"{stack}.json"
    return path if path.exists() else None


def load_policy_config(stack: str, path: Optional[Path] = None) -> dict[str, Any]:
    """The policy config of `stack` (or the file `path`) as a mapping, or one PolicyConfigError."""
    path = path or policy_config_path(stack)
    if path is None:
        return {}
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyConfigError(f"cannot read policy config {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PolicyConfigError(f"policy config {path} is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise PolicyConfigError(f"policy config {path}: expected a JSON object of policy name -> level "
                                f"or settings, not {type(config).__name__}")
    return config
