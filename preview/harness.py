"""Run the real `__main__.py` of a stack under the Pulumi SDK's mock engine and record the plan.

This is the one harness behind the tests, the offline preview and the benchmarks. It does
what the Pulumi CLI would do before the program starts — apply `Pulumi.yaml` defaults and the
stack file — then records every resource registration exactly as the engine receives it:
camelCase inputs with secrets still wrapped and unknowns still unknown, and every option
(protect, retainOnDelete, ignoreChanges, dependencies, provider, parent...).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import runpy
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from google.protobuf import json_format

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from plan.registration import UNKNOWN, Plan, Registration, is_secret
from plan.stack_config import (
    PROJECT_DIR,
    StackConfig,
    StackConfigError,
    project_name,
    read_stack_config,
    stack_config,
    stack_names,
)
from preview import lazy_provider
from preview.mock_resources import ACCOUNT_ID, MOCK_SECRET_VALUE, computed, fake_id

# The plan model's names stay importable from here for callers of the harness.
__all__ = [
    "ACCOUNT_ID", "MOCK_SECRET_VALUE", "PROJECT_DIR", "UNKNOWN", "Plan", "PlanMocks", "RecordingMonitor",
    "Registration", "StackConfigError", "is_secret", "run_program", "stack_config", "stack_names",
]


# --- the mock engine --------------------------------------------------------------------------


def token_is_aws(token: str) -> bool:
    return token.startswith("aws:")


class PlanMocks(pulumi_mocks.Mocks):
    """Stands in for the AWS provider: echoes inputs and fills the outputs a real create would.

    With `first_preview=True` every computed output stays unknown, as on a stack's first
    `pulumi preview`, where nothing exists yet.
    """

    def __init__(self, first_preview: bool = False, deployed: Optional[dict[str, str]] = None):
        self.first_preview = first_preview
        # RDS instances and clusters that already exist in the account: identifier -> engine version.
        self.deployed = deployed or {}
        # Each lookup of a deployed instance or cluster and what it found (None: nothing), for
        # the reports: without a baseline they all find nothing, as on a first deploy.
        self.lookups: list[dict[str, Optional[str]]] = []
        self._default_tags: dict[str, dict[str, str]] = {}

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        if args.typ == "pulumi:providers:aws":
            tags = json.loads(inputs.get("defaultTags") or "{}").get("tags") or {}
            self._default_tags[args.name] = tags
            return f"{args.name}-id", inputs
        region = inputs.get("region", "us-east-1")
        name = args.name
        outputs: dict[str, Any] = {**inputs}
        if token_is_aws(args.typ):
            # The AWS provider merges its default tags into tagsAll (tags win on conflicts);
            # it does so at plan time, so tagsAll is known even on a first preview.
            provider_name = (args.provider or "").split("::")[-2] if args.provider else ""
            defaults = self._default_tags.get(provider_name, {})
            outputs["tagsAll"] = {**defaults, **(inputs.get("tags") or {})}
        if self.first_preview:
            return args.resource_id or "", outputs
        resource_id, computed_outputs = computed(args.typ, name, region, inputs, args.resource_id or None)
        # An imported resource (the import option) keeps the ID it is imported by.
        resource_id = args.resource_id or resource_id
        service = args.typ.split(":")[1].split("/")[0] if args.typ.count(":") == 2 else "custom"
        outputs.setdefault("arn", f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{name}")
        outputs.update(computed_outputs)
        return resource_id or f"{name}-{fake_id(args.typ, name, length=8)}", outputs

    # The ignore below: the SDK takes the outputs alone as well as (outputs, secrets).
    def call(self, args: pulumi_mocks.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        region = args.args.get("region") or "us-east-1"
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/preview",
                    "userId": "AIDAPREVIEW", "id": ACCOUNT_ID}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{region}{z}" for z in "abc"]
            return {"names": names, "zoneIds": [f"{region[:3]}-az{i}" for i in (1, 2, 3)],
                    "id": region}
        if args.token == "aws:rds/getInstances:getInstances":
            wanted = {v for f in args.args.get("filters") or [] for v in f.get("values") or []}
            found = sorted(i for i in self.deployed if i in wanted)
            self._looked_up("instance", wanted, region)
            return {"instanceIdentifiers": found, "id": region,
                    "instanceArns": [f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{i}" for i in found]}
        if args.token == "aws:rds/getClusters:getClusters":
            wanted = {v for f in args.args.get("filters") or [] for v in f.get("values") or []}
            found = sorted(i for i in self.deployed if i in wanted)
            self._looked_up("cluster", wanted, region)
            return {"clusterIdentifiers": found, "id": region,
                    "clusterArns": [f"arn:aws:rds:{region}:{ACCOUNT_ID}:cluster:{i}" for i in found]}
        if args.token == "aws:rds/getCluster:getCluster":
            identifier = args.args["clusterIdentifier"]
            if identifier not in self.deployed:
                raise Exception(f"DBClusterNotFoundFault: {identifier}")
            return {"clusterIdentifier": identifier, "engineVersion": self.deployed[identifier], "id": identifier}
        if args.token == "aws:rds/getInstance:getInstance":
            identifier = args.args["dbInstanceIdentifier"]
            if identifier not in self.deployed:
                raise Exception(f"DBInstanceNotFound: {identifier}")
            return {"dbInstanceIdentifier": identifier, "engineVersion": self.deployed[identifier],
                    "id": identifier}
        return {}

    def _looked_up(self, kind: str, identifiers: set[str], region: str) -> None:
        for identifier in sorted(identifiers):
            self.lookups.append({"kind": kind, "identifier": identifier, "region": region,
                                 "engineVersion": self.deployed.get(identifier)})


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that keeps each registration with its options, in order."""

    def __init__(self, mocks: pulumi_mocks.Mocks, on_register: Optional[Callable[[Registration], None]] = None):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.invokes: list[str] = []
        # Called with each registration as it is recorded (from the SDK's executor threads).
        self.on_register = on_register

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]  # MockMonitor is not annotated
        if request.type != "pulumi:pulumi:Stack":
            registration = Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent,
                provider=request.provider,
                inputs=whole_numbers(json_format.MessageToDict(request.object)),
                options=_options(request),
                outputs=whole_numbers(json_format.MessageToDict(response.object)),
                id=response.id,
            )
            self.registrations.append(registration)
            if self.on_register is not None:
                self.on_register(registration)
        return response

    def Invoke(self, request: Any) -> Any:
        self.invokes.append(request.tok)
        return super().Invoke(request)  # type: ignore[no-untyped-call]  # MockMonitor is not annotated


def whole_numbers(value: Any) -> Any:
    """Integers back as integers. The protocol's Struct carries every number as a double (14 ->
    14.0); the engine prints integral ones as integers, and so do the plans and reports."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value


def _options(request: Any) -> dict[str, Any]:
    """The options the engine acts on; aliases as alias specs (MockMonitor supports them)."""
    return {
        "protect": bool(request.protect),
        "retainOnDelete": bool(request.retainOnDelete),
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "ignoreChanges": sorted(request.ignoreChanges),
        "replaceOnChanges": sorted(request.replaceOnChanges),
        "additionalSecretOutputs": sorted(request.additionalSecretOutputs),
        "dependencies": sorted(request.dependencies),
        # Only when there are some: plans without aliases keep their JSON as it was.
        **({"aliases": [json_format.MessageToDict(a) for a in request.aliases]} if request.aliases else {}),
        # The import option: the ID of an existing resource the first `up` adopts (only when set).
        **({"importId": request.importId} if request.importId else {}),
    }


def _drop_leftover_tasks() -> None:
    """A run that failed in an apply (components/upgrades.py) stops waiting at the first failed
    output and leaves the others in the SDK's set of outputs, which every run shares (the
    contextvar's default); left there, the next run awaits them and fails with the old error."""
    with sdk_settings.SETTINGS.lock:
        leftover = list(sdk_settings.SETTINGS.outputs)
        sdk_settings.SETTINGS.outputs.clear()
    pending = [task for task in leftover if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        asyncio.get_event_loop().run_until_complete(asyncio.gather(*pending, return_exceptions=True))


# --- running the program ----------------------------------------------------------------------


def secret_placeholders() -> dict[str, str]:
    """Valid stand-ins for encrypted config values, from the settings (empty until it has them)."""
    import components.settings as settings

    return dict(getattr(settings, "SECRET_PLACEHOLDERS", {}))


def run_program(
    stack: str,
    overrides: Optional[dict[str, Any]] = None,
    *,
    project_dir: Path = PROJECT_DIR,
    first_preview: bool = False,
    deployed: Optional[dict[str, str]] = None,
    stack_file: Optional[Path] = None,
    on_register: Optional[Callable[[Registration], None]] = None,
) -> Plan:
    """Run `__main__.py` for `stack` and return what it registered.

    A `pulumi.RunError` (bad settings) is returned in `Plan.error`, as the CLI would print it;
    any other exception is a bug in the program and propagates. `deployed` names RDS instances
    and clusters the account already has (identifier -> engine version), as lookups would find them.
    `on_register` sees each registration as it is recorded (e.g. to stream it to the pack).
    """
    config = read_stack_config(stack, overrides, project_dir, stack_file, secret_placeholders(), paths=True)
    # A fresh context per run: the SDK keeps its globals (root stack, config) in contextvars.
    with _without_source_positions():
        return contextvars.Context().run(_run, stack, config, project_dir, first_preview, deployed, on_register)


@contextlib.contextmanager
def _without_source_positions() -> Iterator[None]:
    """The SDK walks the whole Python stack (source lines included) for every resource to tell
    the engine where it was declared; the mock monitor drops that and plans do not record it,
    so skip the walk while the program runs (about a tenth of a program run)."""
    walk = sdk_resource._get_stack_trace
    sdk_resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = walk


def _run(stack: str, config: StackConfig, project_dir: Path, first_preview: bool,
         deployed: Optional[dict[str, str]], on_register: Optional[Callable[[Registration], None]]) -> Plan:
    plan = Plan(stack=stack, config=config.values, encrypted=sorted(config.encrypted))
    mocks = PlanMocks(first_preview=first_preview, deployed=deployed)
    monitor = RecordingMonitor(mocks, on_register)
    # Secret keys as the CLI passes them (PULUMI_CONFIG_SECRET_KEYS): is_config_secret() answers
    # for them; get_secret/require_secret wrap their values as secrets.
    pulumi.runtime.set_all_config(config.values, sorted(config.secret_keys))
    pulumi.runtime.set_mocks(
        mocks, project=project_name(project_dir), stack=stack, preview=True, monitor=monitor
    )
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    lazy_provider.install()  # only the provider modules the program uses get imported

    async def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
        root = pulumi.runtime.get_root_resource()
        for name, value in sorted(getattr(root, "outputs", {}).items()):
            output = pulumi.Output.from_input(value)
            known = await output.is_known()
            plan.outputs[name] = {
                "known": known,
                "secret": await output.is_secret(),
                "value": whole_numbers(await output.future()) if known else None,
            }

    try:
        _sync_await(run_pulumi_func(program))
    except pulumi.RunError as exc:
        plan.error = str(exc)
        _drop_leftover_tasks()
    # Registrations arrive in whatever order asyncio resolves them; sort for stable plans.
    plan.resources = sorted(monitor.registrations, key=lambda r: r.urn)
    plan.invokes = monitor.invokes
    # Calls run on the SDK's threads: sorted and without repeats, for stable reports.
    seen = {(x["kind"], x["identifier"], x["region"]): x for x in mocks.lookups}
    plan.lookups = [seen[k] for k in sorted(seen)]
    return plan
