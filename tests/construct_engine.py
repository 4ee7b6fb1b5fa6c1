"""A stand-in Pulumi engine for the component package: the plugin runs as its own process, the
test sends it Construct over gRPC, and the plugin registers its children with a resource monitor
served here by the offline preview's mock engine (the same mocks and recording as the program's
plans), so the two paths can be compared registration by registration.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from concurrent import futures
from pathlib import Path
from typing import Any, Optional

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc, resource_pb2, resource_pb2_grpc

from preview.harness import PlanMocks, RecordingMonitor
from plan.registration import Registration

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "provider"
COMPONENT = "rdsplatform:index:DatabasePlatform"


class _Monitor(RecordingMonitor):
    """The mock monitor with the stack and project of the request, not of this process's SDK."""

    def __init__(self, stack: str, project: str):
        super().__init__(PlanMocks())
        self.stack, self.project = stack, project

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        if parent:
            type_ = parent.split("::")[2].split("$").pop() + "$" + type_
        return "urn:pulumi:" + "::".join([self.stack, self.project, type_, name])


class _MonitorServicer(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self, monitor: _Monitor):
        self.monitor = monitor
        self.lock = threading.Lock()

    def SupportsFeature(self, request, context):
        return resource_pb2.SupportsFeatureResponse(hasSupport=self.monitor.SupportsFeature(request).hasSupport)

    def GetDeploymentInfo(self, request, context):
        return self.monitor.GetDeploymentInfo(request)

    def RegisterResource(self, request, context):
        with self.lock:
            return self.monitor.RegisterResource(request)

    def Invoke(self, request, context):
        with self.lock:
            return self.monitor.Invoke(request)

    def RegisterResourceOutputs(self, request, context):
        return empty_pb2.Empty()

    def RegisterPackage(self, request, context):
        return self.monitor.RegisterPackage(request)

    def SignalAndWaitForShutdown(self, request, context):
        return empty_pb2.Empty()


class _EngineServicer(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request, context):
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request, context):
        return engine_pb2.SetRootResourceResponse()


def canonical(registration: Registration) -> str:
    """A registration's JSON with the order of JSON text inside it ignored (the wire keeps no map
    order; the package sorts maps, the program keeps the stack file's order)."""
    def walk(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("{"):
            try:
                return json.dumps(json.loads(value), sort_keys=True)
            except ValueError:
                return value
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value
    return json.dumps(walk(registration.to_dict()), sort_keys=True)


def secret(value: Any) -> dict[str, Any]:
    """A value as the engine sends a secret over the wire."""
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}  # noqa: SLF001


class PluginEngine:
    """One plugin process and one mock engine; `construct` once per platform, in any stack."""

    def __init__(self, project: str = "rdsplatform"):
        self.project = project
        self.monitor = _Monitor("", project)
        self.engine = _EngineServicer()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(_MonitorServicer(self.monitor), self.server)
        engine_pb2_grpc.add_EngineServicer_to_server(self.engine, self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.plugin = subprocess.Popen([sys.executable, str(PLUGIN / "__main__.py"), f"127.0.0.1:{self.port}"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=PLUGIN)
        line = self.plugin.stdout.readline().decode().strip()  # type: ignore[union-attr]
        if not line.isdigit():
            self.close()
            raise RuntimeError(f"the plugin did not start: {line!r} {self.plugin.stderr.read().decode()}")  # type: ignore[union-attr]
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        self.provider = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def stack_urn(self, stack: str) -> str:
        return f"urn:pulumi:{stack}::{self.project}::pulumi:pulumi:Stack::{self.project}-{stack}"

    def schema(self) -> str:
        return self.provider.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema

    def construct(self, stack: str, name: str, inputs: dict[str, Any], config: Optional[dict[str, str]] = None,
                  dependencies: Optional[dict[str, list[str]]] = None,
                  ) -> tuple[provider_pb2.ConstructResponse, list[Registration]]:
        """Construct a DatabasePlatform as a consumer's program in `stack` would ask the engine to;
        the response and what the plugin registered for it, sorted by URN. Raises grpc.RpcError."""
        struct = struct_pb2.Struct()
        json_format.ParseDict(inputs, struct)
        self.monitor.stack = stack
        start = len(self.monitor.registrations)
        response = self.provider.Construct(provider_pb2.ConstructRequest(
            project=self.project, stack=stack, config=config or {}, dryRun=True, parallel=4,
            monitorEndpoint=f"127.0.0.1:{self.port}", type=COMPONENT, name=name, parent=self.stack_urn(stack),
            inputs=struct, organization="organization",
            inputDependencies={k: provider_pb2.ConstructRequest.PropertyDependencies(urns=v)
                               for k, v in (dependencies or {}).items()},
        ), timeout=120)
        return response, sorted(self.monitor.registrations[start:], key=lambda r: r.urn)

    @property
    def registrations(self) -> list[Registration]:
        return list(self.monitor.registrations)

    def close(self) -> None:
        if self.plugin.poll() is None:
            self.plugin.terminate()
            self.plugin.wait(timeout=10)
        for stream in (self.plugin.stdout, self.plugin.stderr):
            if stream:
                stream.close()
        self.server.stop(grace=None)
