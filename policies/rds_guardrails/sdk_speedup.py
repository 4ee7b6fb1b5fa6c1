"""Convert each request's properties once, and prepare them only for the policies that judge its type.

pulumi-policy's Analyze handler calls `json_format.MessageToDict(request.properties)` for every
policy of the pack; with 39 policies that conversion is most of the pack's time (see
benchmarks/). This module gives the SDK's policy module a `json_format` whose MessageToDict
remembers its last message per thread: the same request object converts once, and the SDK's
`deserialize_properties` still copies the result for each policy, so no policy can see
another's view. Everything else is the real `json_format`.

The handler also builds every policy's arguments (a copy of the properties, a proxy, the
options, the provider, the config) before the policy looks at the type, and each resource
rule returns at once for a type it does not judge. With `resource_types` (policy name ->
the types its validate judges), a request's loop visits only the policies of its type; the
response is the same, since the others would have returned without a word. Other handlers
(AnalyzeStack, GetAnalyzerInfo, Configure) see every policy. And where no policy changes the
properties it is given (rds_guardrails' checks are pure functions), the policies of one
request share one deserialized copy and its proxy.

AnalyzeStack converts every resource of the stack once per stack policy (14 policies: 14
conversions of each of the ~90 resources of prod, most of the call's time). Within one
AnalyzeStack call, each resource's properties convert once and, with read-only policies, the
stack policies share one deserialized copy of each. The protocol tests run through it.
"""

from __future__ import annotations

import threading
import types
from typing import Iterable, Mapping, Optional

from google.protobuf import json_format

import pulumi_policy.policy as _sdk_policy


class _RememberingJsonFormat(types.ModuleType):
    """`json_format` with a per-thread memo of the last MessageToDict(message) call."""

    def __init__(self) -> None:
        super().__init__("json_format")
        self._last = threading.local()

    def __getattr__(self, name: str):
        return getattr(json_format, name)

    def MessageToDict(self, message, *args, **kwargs):  # noqa: N802 (the SDK's name)
        if args or kwargs:
            return json_format.MessageToDict(message, *args, **kwargs)
        return _recall(self._last, json_format.MessageToDict, message)


# Per thread, inside an AnalyzeStack call: every result of the call's functions, by the
# identity of their argument (held, so no id is reused while the call lasts).
_stack_call = threading.local()


def _recall(last: threading.local, function, value):
    """function(value): the remembered result for this very object (the stack call's memo, else
    the thread's last call), computed once otherwise."""
    memo = getattr(_stack_call, "memo", None)
    if memo is not None:
        hit = memo.get((function, id(value)))
        if hit is not None and hit[0] is value:
            return hit[1]
    else:
        pair = getattr(last, "pair", None)
        if pair is not None and pair[0] is value:
            return pair[1]
    result = function(value)
    if memo is not None:
        memo[(function, id(value))] = (value, result)
    else:
        last.pair = (value, result)
    return result


# The type of the Analyze request this thread is serving (the server runs several at once).
_serving = threading.local()
_resource_types: dict[str, frozenset[str]] = {}


class _PoliciesOfTheRequest(list):
    """The pack's policies; inside an Analyze call, only those that judge the request's type."""

    def __init__(self, policies):
        super().__init__(policies)
        self._by_type: dict[str, list] = {}

    def __iter__(self):
        type_ = getattr(_serving, "type", None)
        if type_ is None:
            return super().__iter__()
        if type_ not in self._by_type:  # a policy without declared types is always visited
            self._by_type[type_] = [p for p in super().__iter__() if type_ in _resource_types.get(p.name, (type_,))]
        return iter(self._by_type[type_])


def _remembering(function):
    """`function(value)` memoized on the identity of its argument, per thread (the last one;
    inside AnalyzeStack, each one): every policy of one request, or of one stack, gets the
    same deserialized properties and the same proxy of each resource."""
    last = threading.local()
    return lambda value: _recall(last, function, value)


def _remember_within_stack_calls(servicer_class: type) -> None:
    analyze_stack = servicer_class.AnalyzeStack

    def AnalyzeStack(self, request, context):  # noqa: N802 (the SDK's name)
        _stack_call.memo = {}
        try:
            return analyze_stack(self, request, context)
        finally:
            _stack_call.memo = None

    servicer_class.AnalyzeStack = AnalyzeStack
    servicer_class._remembers_within_stack_calls = True


def _filter_by_type(servicer_class: type) -> None:
    init, analyze = servicer_class.__init__, servicer_class.Analyze

    def __init__(self, *args, **kwargs):  # noqa: N807 (wraps the SDK's)
        init(self, *args, **kwargs)
        attribute = f"_{servicer_class.__name__.lstrip('_')}__policies"  # the SDK's private list
        setattr(self, attribute, _PoliciesOfTheRequest(getattr(self, attribute)))

    def Analyze(self, request, context):  # noqa: N802 (the SDK's name)
        _serving.type = request.type
        try:
            return analyze(self, request, context)
        finally:
            _serving.type = None

    servicer_class.__init__, servicer_class.Analyze = __init__, Analyze
    servicer_class._filters_by_type = True


def install(resource_types: Optional[Mapping[str, Iterable[str]]] = None, read_only_policies: bool = False) -> None:
    """Point the SDK's policy module at the remembering json_format (each resource of an
    AnalyzeStack call converted once) and, given each resource policy's types, visit only a
    request's own policies; with `read_only_policies` (no policy changes the properties it is
    given) the policies of one request, or of one stack, share one deserialized copy of each
    resource instead of one each (idempotent)."""
    servicer_class = _sdk_policy._PolicyAnalyzerServicer
    if not isinstance(_sdk_policy.json_format, _RememberingJsonFormat):
        _sdk_policy.json_format = _RememberingJsonFormat()
    if not getattr(servicer_class, "_remembers_within_stack_calls", False):
        _remember_within_stack_calls(servicer_class)
    if read_only_policies and not getattr(_sdk_policy, "_shares_properties", False):
        _sdk_policy.deserialize_properties = _remembering(_sdk_policy.deserialize_properties)
        _sdk_policy.unknown_checking_proxy = _remembering(_sdk_policy.unknown_checking_proxy)
        _sdk_policy._shares_properties = True
    if resource_types:
        _resource_types.update({name: frozenset(types_) for name, types_ in resource_types.items()})
        if not getattr(servicer_class, "_filters_by_type", False):
            _filter_by_type(servicer_class)
