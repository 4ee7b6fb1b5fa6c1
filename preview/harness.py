"""Run the real `__main__.py` of a stack under the Pulumi SDK's mock engine and record the plan.

This is the one harness behind the tests, the offline preview and the benchmarks. It does
what the Pulumi CLI would do before the program starts — apply `Pulumi.yaml` defaults and the
stack file — then records every resource registration exactly as the engine receives it:
camelCase inputs with secrets still wrapped and unknowns still unknown, and every option
(protect, retainOnDelete, ignoreChanges, dependencies, provider, parent...).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml
from google.protobuf import json_format

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROJECT_DIR = Path(__file__).resolve().parent.parent
ACCOUNT_ID = "123456789012"
SIG_KEY = rpc._special_sig_key  # marks a special value (secret, asset, resource reference)
SECRET_SIG = rpc._special_secret_sig
UNKNOWN = rpc.UNKNOWN  # the engine's marker for "known only after deploy"
# What the mock engine hands back for secret outputs (passwords). Tests look for it in plain text.
MOCK_SECRET_VALUE = "mock-secret-value-Zq8!"


def is_secret(value: Any) -> bool:
    """True for a value the engine carries as a secret."""
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


class StackConfigError(Exception):
    """The stack file or an override cannot be turned into config."""


@dataclass
class Registration:
    """One resource as the engine saw it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    inputs: dict[str, Any]
    options: dict[str, Any]
    # What the (mock) provider returned: inputs plus computed values. AnalyzeStack sees these.
    outputs: dict[str, Any] = field(default_factory=dict)
    # The provider's id ("" for components and on a first preview).
    id: str = ""

    @property
    def region(self) -> Optional[str]:
        return self.inputs.get("region")


@dataclass
class Plan:
    """What one run of the program declared: resources, stack outputs, invokes, or an error."""

    stack: str
    config: dict[str, str]
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    invokes: list[str] = field(default_factory=list)
    error: Optional[str] = None

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, region: Optional[str] = None) -> Registration:
        """The only resource of a type (in a region, when given)."""
        found = [r for r in self.of_type(type_) if region is None or r.region == region]
        if len(found) != 1:
            where = f" in {region}" if region else ""
            raise AssertionError(f"expected one {type_}{where}, found {len(found)}")
        return found[0]

    def named(self, name: str) -> Registration:
        """The resource registered under this name."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise AssertionError(f"expected one resource named {name}, found {len(found)}")
        return found[0]

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}

    def to_json(self) -> str:
        """A stable serialization: equal plans give equal text."""
        return json.dumps(
            {
                "stack": self.stack,
                "resources": [r.__dict__ for r in self.resources],
                "outputs": self.outputs,
                "error": self.error,
            },
            sort_keys=True,
            indent=1,
        )


# --- config ---------------------------------------------------------------------------------


def _config_text(value: Any) -> str:
    """Config values reach a program as strings; booleans lower-case, objects as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        if isinstance(value, dict) and "secure" in value:
            raise StackConfigError("encrypted (secure) config values cannot be read offline")
        return json.dumps(value)
    return str(value)


def project_name(project_dir: Path = PROJECT_DIR) -> str:
    return yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"]


def stack_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))


def stack_config(
    stack: str, overrides: Optional[dict[str, Any]] = None, project_dir: Path = PROJECT_DIR,
    stack_file: Optional[Path] = None,
) -> dict[str, str]:
    """The config the CLI would hand the program: project defaults, stack file, then overrides.

    Override keys without a namespace belong to the project (as with `pulumi config set`).
    `stack_file` reads another file in place of Pulumi.<stack>.yaml (e.g. a README example).
    """
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    name = project["name"]
    config: dict[str, str] = {}
    for key, spec in (project.get("config") or {}).items():
        if isinstance(spec, dict) and "default" in spec:
            config[key if ":" in key else f"{name}:{key}"] = _config_text(spec["default"])
    stack_file = stack_file or project_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackConfigError(f"no stack file {stack_file.name} (stacks: {known})")
    for key, value in ((yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}).items():
        config[key] = _config_text(value)
    for key, value in (overrides or {}).items():
        config[key if ":" in key else f"{name}:{key}"] = _config_text(value)
    return config


# --- the mock engine --------------------------------------------------------------------------


def token_is_aws(token: str) -> bool:
    return token.startswith("aws:")


def _fake_id(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


class PlanMocks(pulumi_mocks.Mocks):
    """Stands in for the AWS provider: echoes inputs and fills the outputs a real create would.

    With `first_preview=True` every computed output stays unknown, as on a stack's first
    `pulumi preview`, where nothing exists yet.
    """

    def __init__(self, first_preview: bool = False, deployed: Optional[dict[str, str]] = None):
        self.first_preview = first_preview
        # RDS instances and clusters that already exist in the account: identifier -> engine version.
        self.deployed = deployed or {}
        self._default_tags: dict[str, dict[str, str]] = {}

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
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
            return "", outputs
        token = args.typ
        service = token.split(":")[1].split("/")[0] if token.count(":") == 2 else "custom"
        outputs.setdefault("arn", f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{name}")
        resource_id = f"{name}-{_fake_id(token, name, length=8)}"

        if token == "aws:kms/key:Key":
            resource_id = _fake_id(name, length=32)
            outputs.update(arn=f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{resource_id}", keyId=resource_id)
        elif token == "aws:ec2/securityGroup:SecurityGroup":
            resource_id = f"sg-{_fake_id(name)}"
        elif token == "aws:ec2/vpc:Vpc":
            resource_id = f"vpc-{_fake_id(name)}"
        elif token == "aws:ec2/subnet:Subnet":
            resource_id = f"subnet-{_fake_id(name)}"
        elif token == "aws:rds/subnetGroup:SubnetGroup":
            outputs.setdefault("name", name)
        elif token in ("aws:rds/parameterGroup:ParameterGroup",
                       "aws:rds/clusterParameterGroup:ClusterParameterGroup"):
            outputs.setdefault("name", name)
        elif token == "aws:iam/role:Role":
            outputs.update(arn=f"arn:aws:iam::{ACCOUNT_ID}:role/{name}", name=name)
        elif token == "aws:secretsmanager/secret:Secret":
            outputs["arn"] = f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{name}-AbCdEf"
        elif token == "aws:rds/instance:Instance":
            identifier = inputs.get("identifier", name)
            port = int(inputs.get("port", 5432))
            address = f"{identifier}.c0ffee.{region}.rds.amazonaws.com"
            outputs.update(
                arn=f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{identifier}",
                address=address,
                endpoint=f"{address}:{port}",
                port=port,
                resourceId=f"db-{_fake_id(identifier, length=26).upper()}",
            )
            resource_id = identifier
            if inputs.get("manageMasterUserPassword"):
                outputs["masterUserSecrets"] = [{
                    "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!db-{identifier}",
                    "kmsKeyId": inputs.get("masterUserSecretKmsKeyId"),
                    "secretStatus": "active",
                }]
        elif token == "aws:rds/cluster:Cluster":
            identifier = inputs.get("clusterIdentifier", name)
            outputs.update(
                arn=f"arn:aws:rds:{region}:{ACCOUNT_ID}:cluster:{identifier}",
                endpoint=f"{identifier}.cluster-c0ffee.{region}.rds.amazonaws.com",
                readerEndpoint=f"{identifier}.cluster-ro-c0ffee.{region}.rds.amazonaws.com",
                port=int(inputs.get("port", 5432)),
            )
            resource_id = identifier
            if inputs.get("manageMasterUserPassword"):
                outputs["masterUserSecrets"] = [{
                    "secretArn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:rds!cluster-{identifier}",
                    "kmsKeyId": inputs.get("masterUserSecretKmsKeyId"), "secretStatus": "active"}]
        elif token == "aws:rds/proxy:Proxy":
            proxy = inputs.get("name", name)
            outputs.update(arn=f"arn:aws:rds:{region}:{ACCOUNT_ID}:db-proxy:prx-{_fake_id(proxy)}",
                           endpoint=f"{proxy}.proxy-c0ffee.{region}.rds.amazonaws.com")
            resource_id = proxy
        elif token == "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
            outputs.setdefault("name", "default")
        elif token == "aws:sns/topic:Topic":
            outputs["arn"] = f"arn:aws:sns:{region}:{ACCOUNT_ID}:{inputs.get('name', name)}"
        elif token == "aws:cloudwatch/dashboard:Dashboard":
            outputs["dashboardArn"] = f"arn:aws:cloudwatch::{ACCOUNT_ID}:dashboard/{inputs.get('dashboardName')}"
        elif token == "random:index/randomPassword:RandomPassword":
            # The engine marks these outputs secret (pulumi-random lists them as secret).
            outputs["result"] = rpc.wrap_rpc_secret(MOCK_SECRET_VALUE)
            outputs["bcryptHash"] = rpc.wrap_rpc_secret("$2a$10$mockmockmockmockmockmo")
        return resource_id, outputs

    def call(self, args: pulumi_mocks.MockCallArgs):
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
            return {"instanceIdentifiers": found, "id": region,
                    "instanceArns": [f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{i}" for i in found]}
        if args.token == "aws:rds/getClusters:getClusters":
            wanted = {v for f in args.args.get("filters") or [] for v in f.get("values") or []}
            found = sorted(i for i in self.deployed if i in wanted)
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


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that keeps each registration with its options, in order."""

    def __init__(self, mocks: pulumi_mocks.Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.invokes: list[str] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.registrations.append(
                Registration(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    custom=bool(request.custom),
                    parent=request.parent,
                    provider=request.provider,
                    inputs=json_format.MessageToDict(request.object),
                    options=_options(request),
                    outputs=json_format.MessageToDict(response.object),
                    id=response.id,
                )
            )
        return response

    def Invoke(self, request):
        self.invokes.append(request.tok)
        return super().Invoke(request)


def _options(request) -> dict[str, Any]:
    return {
        "protect": bool(request.protect),
        "retainOnDelete": bool(request.retainOnDelete),
        "deleteBeforeReplace": bool(request.deleteBeforeReplace),
        "ignoreChanges": sorted(request.ignoreChanges),
        "replaceOnChanges": sorted(request.replaceOnChanges),
        "additionalSecretOutputs": sorted(request.additionalSecretOutputs),
        "dependencies": sorted(request.dependencies),
    }


# --- running the program ----------------------------------------------------------------------


def run_program(
    stack: str,
    overrides: Optional[dict[str, Any]] = None,
    *,
    project_dir: Path = PROJECT_DIR,
    first_preview: bool = False,
    deployed: Optional[dict[str, str]] = None,
    stack_file: Optional[Path] = None,
) -> Plan:
    """Run `__main__.py` for `stack` and return what it registered.

    A `pulumi.RunError` (bad settings) is returned in `Plan.error`, as the CLI would print it;
    any other exception is a bug in the program and propagates. `deployed` names RDS instances
    and clusters the account already has (identifier -> engine version), as lookups would find them.
    """
    config = stack_config(stack, overrides, project_dir, stack_file)
    # A fresh context per run: the SDK keeps its globals (root stack, config) in contextvars.
    return contextvars.Context().run(_run, stack, config, project_dir, first_preview, deployed)


def _run(stack: str, config: dict[str, str], project_dir: Path, first_preview: bool,
         deployed: Optional[dict[str, str]]) -> Plan:
    plan = Plan(stack=stack, config=config)
    mocks = PlanMocks(first_preview=first_preview, deployed=deployed)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_all_config(config)
    pulumi.runtime.set_mocks(
        mocks, project=project_name(project_dir), stack=stack, preview=True, monitor=monitor
    )
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))

    async def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
        root = pulumi.runtime.get_root_resource()
        for name, value in sorted(getattr(root, "outputs", {}).items()):
            output = pulumi.Output.from_input(value)
            known = await output.is_known()
            plan.outputs[name] = {
                "known": known,
                "secret": await output.is_secret(),
                "value": await output.future() if known else None,
            }

    try:
        _sync_await(run_pulumi_func(program))
    except pulumi.RunError as exc:
        plan.error = str(exc)
    # Registrations arrive in whatever order asyncio resolves them; sort for stable plans.
    plan.resources = sorted(monitor.registrations, key=lambda r: r.urn)
    plan.invokes = monitor.invokes
    return plan
