"""The faster paths give the verdicts the plain ones give: streaming to the pack, parallel stacks."""

import copy
import subprocess
import sys

import pytest

from plan.stack_config import PROJECT_DIR
from preview.analyzer import PolicyPackProcess, load_policy_config
from preview.harness import run_program
from preview.lazy_provider import module_for
from preview.parallel import plan_stacks
from preview.stream import PackStream


def test_every_registration_reaches_the_callback_as_it_is_recorded():
    seen = []
    plan = run_program("prod", on_register=seen.append)
    assert len(plan.resources) > 50
    assert sorted(r.urn for r in seen) == [r.urn for r in plan.resources]


def test_streamed_verdict_equals_the_whole_plan_verdict():
    overrides = {"backupRetentionDays": "1", "multiAz": "false"}  # mandatory and advisory findings
    with PolicyPackProcess() as pack:
        pack.configure(load_policy_config("dev"))
        whole = pack.check_plan(run_program("dev", overrides))
        stream = PackStream(pack, load_policy_config("dev"))
        streamed = stream.finish(run_program("dev", overrides, on_register=stream))
    assert {v.level for v in whole} == {"mandatory", "advisory"}
    assert streamed == whole


def test_a_stream_sends_before_the_plan_is_finished():
    with PolicyPackProcess() as pack:
        stream = PackStream(pack, load_policy_config("prod"))
        plan = run_program("prod", on_register=stream)
        stream.close()  # the sender has sent what the program registered, without the plan
        assert stream.sent == sum(1 for r in plan.resources if r.custom and "providers" not in r.type)


def _fresh_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_harness_imports_only_the_provider_modules_used():
    out = _fresh_python(
        "import sys\n"
        "from preview import lazy_provider\n"
        "assert 'pulumi_aws.ec2' in lazy_provider.install()\n"
        "import pulumi_aws as aws\n"
        "vpc = aws.ec2.Vpc\n"
        "print(vpc is sys.modules['pulumi_aws.ec2.vpc'].Vpc, 'pulumi_aws.ec2.ami' in sys.modules)\n"
        "print(aws.ec2.get_vpc_output is sys.modules['pulumi_aws.ec2.get_vpc'].get_vpc_output)\n"
        "print(aws.rds.ParameterGroupParameterArgs is sys.modules['pulumi_aws.rds._inputs'].ParameterGroupParameterArgs)\n"
        # A name outside the generator's layout (an enum) loads the whole package, as a plain import would.
        "print(aws.ec2.InstanceType is sys.modules['pulumi_aws.ec2._enums'].InstanceType, 'pulumi_aws.ec2.ami' in sys.modules)\n"
    )
    assert out.split() == ["True", "False", "True", "True", "True", "True"]


def test_the_providers_argsdicts_are_stand_ins_and_nothing_else_is():
    out = _fresh_python(
        "import builtins, typing\n"
        "from preview import lazy_provider\n"
        "lazy_provider.install()\n"
        "import pulumi_aws as aws\n"
        "ingress = aws.ec2.SecurityGroupIngressArgs\n"  # loads ec2/_inputs.py under the stand-in
        "inputs = __import__('sys').modules['pulumi_aws.ec2._inputs']\n"
        "print(inputs.SecurityGroupIngressArgsDict is lazy_provider.UncheckedArgsDict)\n"
        "print(ingress.__name__, hasattr(ingress, '__init__') and ingress is not lazy_provider.UncheckedArgsDict)\n"
        "print(builtins.__build_class__ is lazy_provider._BUILD_CLASS)\n"  # restored once loaded
        "class MineArgsDict(typing.TypedDict):\n    x: int\n"  # our own: a real TypedDict
        "print(MineArgsDict.__annotations__ == {'x': int})\n"
    )
    assert out.split() == ["True", "SecurityGroupIngressArgs", "True", "True", "True"]


def test_module_names_follow_the_sdk_generator():
    assert module_for("SecurityGroupArgsDict") == "security_group"
    assert module_for("VpcIpv4CidrBlockAssociation") == "vpc_ipv4_cidr_block_association"
    assert module_for("get_instances_output") == module_for("AwaitableGetInstancesResult") == "get_instances"


def test_parallel_plans_come_back_in_stack_order_and_equal_in_process_plans():
    planned = list(plan_stacks(["prod", "dev", "missing"], {}, PROJECT_DIR, False))
    assert [stack for stack, _ in planned] == ["prod", "dev", "missing"]
    assert planned[0][1].to_json() == run_program("prod").to_json()
    assert planned[1][1].to_json() == run_program("dev").to_json()
    assert planned[2][1].startswith("no stack file Pulumi.missing.yaml")


_PACK_RESPONSES = """
import sys
sys.path.insert(0, "policies")
import pulumi_policy.policy as sdk
from pulumi_policy import EnforcementLevel
from rds_guardrails import sdk_speedup
from rds_guardrails.controls import RESOURCE_RULES
from rds_guardrails.pack import all_policies
from benchmarks.fleet import synthetic_fleet
from preview.analyzer import _options, _struct, analyze_request, analyzer_pb2
if sys.argv[1] == "fast":
    sdk_speedup.install(resource_types={r.name: r.types for r in RESOURCE_RULES}, read_only_policies=True)
servicer = sdk._PolicyAnalyzerServicer("rds-guardrails", "0.0.1", all_policies(), EnforcementLevel.MANDATORY,
                                       None, None, None, None, None, None, None)
fleet = synthetic_fleet(400)
requests = [analyze_request(r) for r in fleet]
for i, request in enumerate(requests):
    if i % 2:  # as the CLI sends it: with the resource's provider and its properties
        request.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws", urn="urn:pulumi:bench::fleet::pulumi:providers:aws::default",
            name="default", properties=_struct({"region": "eu-west-1", "skipCredentialsValidation": False})))
for request in requests:
    print(servicer.Analyze(request, None).SerializeToString().hex())
for request in requests[:40]:  # the engine asks every resource for remediations first
    print(servicer.Remediate(request, None).SerializeToString().hex())
stack = analyzer_pb2.AnalyzeStackRequest(resources=[analyzer_pb2.AnalyzerResource(
    type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name, options=_options(r)) for r in fleet])
print(servicer.AnalyzeStack(stack, None).SerializeToString().hex())
"""


def test_the_pack_speedups_give_the_sdks_own_responses():
    def responses(mode):
        result = subprocess.run([sys.executable, "-c", _PACK_RESPONSES, mode], cwd=PROJECT_DIR,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    plain, fast = responses("plain"), responses("fast")
    assert len(plain) == 441 and sum(1 for r in plain[:400] if r) > 50  # many resources have findings
    assert len(plain[440]) > 1000  # the AnalyzeStack response: stack findings on the fleet
    assert fast == plain  # Analyze (with and without a provider), Remediate and AnalyzeStack


_CONVERSIONS = """
import sys
sys.path.insert(0, "policies")
import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi_policy import EnforcementLevel
from rds_guardrails import sdk_speedup
from rds_guardrails.pack import all_policies
from benchmarks.fleet import synthetic_fleet
from preview.analyzer import _struct, analyze_request, analyzer_pb2
sdk_speedup.install(read_only_policies=True)  # not by type: every policy prepares its arguments
servicer = sdk._PolicyAnalyzerServicer("rds-guardrails", "0.0.1", all_policies(), EnforcementLevel.MANDATORY,
                                       None, None, None, None, None, None, None)
request = analyze_request(synthetic_fleet(1)[0])
request.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
    type="pulumi:providers:aws", urn="urn:p", name="default", properties=_struct({"region": "eu-west-1"})))
converted = []
real = json_format.MessageToDict
json_format.MessageToDict = lambda m, *a, **k: converted.append(m) or real(m, *a, **k)
servicer.Analyze(request, None)
print(len(all_policies()), len(converted))
"""


def test_a_request_converts_each_message_once_whatever_the_number_of_policies():
    # The SDK converts the request's and the provider's properties for every policy; the
    # speed-up's memo must hold both within the call (a one-slot memo alternated and missed).
    result = subprocess.run([sys.executable, "-c", _CONVERSIONS], cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    policies, converted = map(int, result.stdout.split())
    assert policies > 20
    assert converted == 2  # the properties and the provider's, once each


def test_the_checks_do_not_change_the_properties_they_judge():
    # read_only_policies shares one copy of a request's properties between its policies.
    from benchmarks.fleet import synthetic_fleet
    sys.path.insert(0, str(PROJECT_DIR / "policies"))
    from rds_guardrails.controls import RESOURCE_RULES
    from rds_guardrails.rule import Resource
    fleet = synthetic_fleet(64)
    judged = 0
    for rule in RESOURCE_RULES:
        for r in fleet:
            if r.type in rule.types:
                props = copy.deepcopy(r.inputs)
                rule.judge(Resource(r.type, r.name, props, r.urn, {"protect": False}), {})
                assert props == r.inputs, rule.name
                judged += 1
    assert judged > 100


def test_the_stack_checks_do_not_change_the_properties_they_judge():
    # read_only_policies also shares each resource's copy between the stack policies.
    from benchmarks.fleet import synthetic_fleet
    sys.path.insert(0, str(PROJECT_DIR / "policies"))
    from rds_guardrails.controls import STACK_RULES
    from rds_guardrails.rule import Resource
    fleet = synthetic_fleet(64)
    found = 0
    for rule in STACK_RULES:
        props = [copy.deepcopy(r.inputs) for r in fleet]
        resources = [Resource(r.type, r.name, p, r.urn, {"protect": False}) for r, p in zip(fleet, props)]
        found += len(rule.judge(resources, {}))
        assert props == [r.inputs for r in fleet], rule.name
    assert found > 10


_UNKNOWN_SDK = """
import importlib.metadata, sys
sys.path.insert(0, "policies")
import pulumi_policy.policy as sdk
real_json_format, real_init = sdk.json_format, sdk._PolicyAnalyzerServicer.__init__
if sys.argv[1] == "version":
    real_version = importlib.metadata.version
    importlib.metadata.version = lambda name: "9.0.0" if name == "pulumi-policy" else real_version(name)
else:
    del sdk.unknown_checking_proxy  # a release that renamed what the speed-up wraps
from rds_guardrails import sdk_speedup
from rds_guardrails.controls import RESOURCE_RULES
print(sdk_speedup.install(resource_types={r.name: r.types for r in RESOURCE_RULES}, read_only_policies=True))
print(sdk.json_format is real_json_format, sdk._PolicyAnalyzerServicer.__init__ is real_init,
      hasattr(sdk._PolicyAnalyzerServicer, "_remembers_within_calls"))
"""


@pytest.mark.parametrize("change, reason", [
    ("version", "pulumi-policy 9.0.0 is not a release this speed-up was checked against (1.21.0)"),
    ("attribute", "pulumi-policy 1.21.0 has no unknown_checking_proxy"),
])
def test_an_sdk_the_speedup_does_not_know_keeps_its_plain_path(change, reason):
    result = subprocess.run([sys.executable, "-c", _UNKNOWN_SDK, change], cwd=PROJECT_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [reason, "True True False"]


def test_the_pinned_sdk_is_one_the_speedup_knows():
    from importlib.metadata import version

    from rds_guardrails import sdk_speedup

    pinned = dict(line.split("==") for line in (PROJECT_DIR / "policies" / "requirements.txt").read_text().split())
    assert pinned["pulumi-policy"] in sdk_speedup.KNOWN_SDK_VERSIONS
    assert version("pulumi-policy") == pinned["pulumi-policy"]
    assert sdk_speedup.unsupported_reason() is None
