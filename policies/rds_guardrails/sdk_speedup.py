"""Convert each request's properties once, and prepare them only for the policies that judge its type.

pulumi-policy's Analyze handler calls `json_format.MessageToDict(request.properties)` (and the
provider's properties, which the CLI always sends) for every policy of the pack; with 39
policies that conversion is most of the pack's time (see benchmarks/). This module gives the
SDK's policy module a `json_format` whose MessageToDict remembers, for the length of one
handler call (Analyze, Remediate, AnalyzeStack), the result for each message it converted: a
message converts once per call, and the SDK's `deserialize_properties` still copies the result
for each policy, so no policy can see another's view. Everything else is the real `json_format`.

The handler also builds every policy's arguments (a copy of the properties, a proxy, the
options, the provider, the config) before the policy looks at the type, and each resource
rule returns at once for a type it does not judge. With `resource_types` (policy name ->
the types its validate judges), a request's loop visits only the policies of its type; the
response is the same, since the others would have returned without a word. Other handlers
(AnalyzeStack, Remediate, GetAnalyzerInfo, Configure) see every policy. And where no policy
changes the properties it is given (rds_guardrails' checks are pure functions), the policies of
one call share one deserialized copy of each resource and its proxy: AnalyzeStack used to
convert every resource of the stack once per stack policy (14 of them). The protocol tests
run through it.

It patches the SDK's internals, so it patches only a pulumi-policy release it was checked
against (KNOWN_SDK_VERSIONS) that still has every name it touches; any other SDK runs its own
plain path, slower and the same. A newer release once changed what it relied on and broke a
real preview: add a version here only after tests/test_speed_paths.py passes with it.
"""

from __future__ import annotations

import functools
import importlib.metadata
import threading
import types
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional

from google.protobuf import json_format

import pulumi_policy.policy as _typed_sdk_policy

# Its private names (json_format, _PolicyAnalyzerServicer, ...) are outside the SDK's typed API.
_sdk_policy: Any = _typed_sdk_policy

# The SDK's handlers whose conversions are remembered for the length of one call.
HANDLERS = ("Analyze", "Remediate", "AnalyzeStack")
# The pulumi-policy releases whose internals this module was checked against (the pin in
# policies/requirements.txt is one of them).
KNOWN_SDK_VERSIONS = frozenset({"1.21.0"})
# What it patches or wraps: in the SDK's policy module, and on its servicer class.
_MODULE_NAMES = ("json_format", "deserialize_properties", "unknown_checking_proxy", "_PolicyAnalyzerServicer")
_SERVICER_NAMES = ("__init__", "Analyze", "AnalyzeStack")
# Per thread (the server runs four calls at once), inside one handler call: each remembered
# function's result by the identity of its argument. The argument is held in the memo, so no
# id is reused while the call lasts; the memo is dropped when the call returns.
_call = threading.local()


def _recall(function: Callable[..., Any], value: Any, *rest: Any) -> Any:
    """function(value, *rest), computed once per argument object within a handler call."""
    memo = getattr(_call, "memo", None)
    if memo is None or rest:  # outside a handler, or another form of the call (Remediate's keep_unknowns)
        return function(value, *rest)
    hit = memo.get((function, id(value)))
    if hit is not None and hit[0] is value:
        return hit[1]
    result = function(value)
    memo[(function, id(value))] = (value, result)
    return result


class _RememberingJsonFormat(types.ModuleType):
    """`json_format` whose MessageToDict(message) converts a message once per handler call."""

    def __init__(self) -> None:
        super().__init__("json_format")

    def __getattr__(self, name: str) -> Any:
        return getattr(json_format, name)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 (the SDK's name)
        if args or kwargs:
            return json_format.MessageToDict(message, *args, **kwargs)
        return _recall(json_format.MessageToDict, message)


# The type of the Analyze request this thread is serving (the server runs several at once).
_serving = threading.local()
_resource_types: dict[str, frozenset[str]] = {}


class _PoliciesOfTheRequest(list[Any]):
    """The pack's policies; inside an Analyze call, only those that judge the request's type."""

    def __init__(self, policies: Iterable[Any]) -> None:
        super().__init__(policies)
        self._by_type: dict[str, list[Any]] = {}

    def __iter__(self) -> Iterator[Any]:
        type_ = getattr(_serving, "type", None)
        if type_ is None:
            return super().__iter__()
        if type_ not in self._by_type:  # a policy without declared types is always visited
            self._by_type[type_] = [p for p in super().__iter__() if type_ in _resource_types.get(p.name, (type_,))]
        return iter(self._by_type[type_])


def _remembering(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` with its result remembered per argument object within a handler call: every
    policy of one request, or of one stack, gets the same deserialized properties and proxy."""

    @functools.wraps(function)
    def remembered(value: Any, *rest: Any) -> Any:
        return _recall(function, value, *rest)

    return remembered


def _with_call_memo(handler: Callable[..., Any]) -> Callable[..., Any]:
    """The handler with a fresh memo for its call, dropped when it returns."""

    @functools.wraps(handler)
    def wrapped(self: Any, request: Any, context: Any) -> Any:
        _call.memo = {}
        try:
            return handler(self, request, context)
        finally:
            _call.memo = None

    return wrapped


def _remember_within_calls(servicer_class: Any) -> None:
    for name in HANDLERS:
        if hasattr(servicer_class, name):  # an SDK without Remediate keeps the other two
            setattr(servicer_class, name, _with_call_memo(getattr(servicer_class, name)))
    servicer_class._remembers_within_calls = True


def _filter_by_type(servicer_class: Any) -> None:
    init, analyze = servicer_class.__init__, servicer_class.Analyze

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 (wraps the SDK's)
        init(self, *args, **kwargs)
        attribute = f"_{servicer_class.__name__.lstrip('_')}__policies"  # the SDK's private list
        policies = getattr(self, attribute, None)
        if isinstance(policies, list):  # else every policy is visited, as without the filter
            setattr(self, attribute, _PoliciesOfTheRequest(policies))

    def Analyze(self: Any, request: Any, context: Any) -> Any:  # noqa: N802 (the SDK's name)
        _serving.type = request.type
        try:
            return analyze(self, request, context)
        finally:
            _serving.type = None

    servicer_class.__init__, servicer_class.Analyze = __init__, Analyze
    servicer_class._filters_by_type = True


def unsupported_reason() -> Optional[str]:
    """Why the installed pulumi-policy must keep its plain path, or None when it can be patched."""
    try:
        version = importlib.metadata.version("pulumi-policy")
    except importlib.metadata.PackageNotFoundError:
        version = "of unknown version"
    if version not in KNOWN_SDK_VERSIONS:
        return f"pulumi-policy {version} is not a release this speed-up was checked against " \
               f"({', '.join(sorted(KNOWN_SDK_VERSIONS))})"
    servicer_class = getattr(_sdk_policy, "_PolicyAnalyzerServicer", None)
    missing = [name for name in _MODULE_NAMES if not hasattr(_sdk_policy, name)]
    missing += [f"_PolicyAnalyzerServicer.{name}" for name in _SERVICER_NAMES
                if servicer_class is not None and not hasattr(servicer_class, name)]
    if missing:
        return f"pulumi-policy {version} has no {', '.join(missing)}"
    return None


def install(resource_types: Optional[Mapping[str, Iterable[str]]] = None,
            read_only_policies: bool = False) -> Optional[str]:
    """Point the SDK's policy module at the remembering json_format (each message converted
    once per handler call) and, given each resource policy's types, visit only a request's own
    policies; with `read_only_policies` (no policy changes the properties it is given) the
    policies of one call share one deserialized copy of each resource instead of one each
    (idempotent). On an SDK it does not know, nothing: the reason is returned."""
    reason = unsupported_reason()
    if reason is not None:
        return reason
    servicer_class = _sdk_policy._PolicyAnalyzerServicer
    if not isinstance(_sdk_policy.json_format, _RememberingJsonFormat):
        _sdk_policy.json_format = _RememberingJsonFormat()
    if not getattr(servicer_class, "_remembers_within_calls", False):
        _remember_within_calls(servicer_class)
    if read_only_policies and not getattr(_sdk_policy, "_shares_properties", False):
        _sdk_policy.deserialize_properties = _remembering(_sdk_policy.deserialize_properties)
        _sdk_policy.unknown_checking_proxy = _remembering(_sdk_policy.unknown_checking_proxy)
        _sdk_policy._shares_properties = True
    if resource_types:
        _resource_types.update({name: frozenset(types_) for name, types_ in resource_types.items()})
        if not getattr(servicer_class, "_filters_by_type", False):
            _filter_by_type(servicer_class)
    return None
