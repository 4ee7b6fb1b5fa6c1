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
request share one deserialized copy and its proxy. The protocol tests run through it.
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
        last = getattr(self._last, "pair", None)
        # Identity, and the message is held, so its id cannot be reused by another request.
        if last is not None and last[0] is message:
            return last[1]
        result = json_format.MessageToDict(message)
        self._last.pair = (message, result)
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


def _remembering_last(function):
    """`function(value)` memoized on the identity of its last argument, per thread: every
    policy of one request gets the same deserialized properties and the same proxy."""
    last = threading.local()

    def remembered(value):
        pair = getattr(last, "pair", None)
        if pair is not None and pair[0] is value:  # the argument is held: its id is not reused
            return pair[1]
        result = function(value)
        last.pair = (value, result)
        return result

    return remembered


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
    """Point the SDK's policy module at the remembering json_format and, given each resource
    policy's types, visit only a request's own policies; with `read_only_policies` (no
    policy changes the properties it is given) the policies of one request share one
    deserialized copy instead of one each (idempotent)."""
    if not isinstance(_sdk_policy.json_format, _RememberingJsonFormat):
        _sdk_policy.json_format = _RememberingJsonFormat()
    if read_only_policies and not getattr(_sdk_policy, "_shares_properties", False):
        _sdk_policy.deserialize_properties = _remembering_last(_sdk_policy.deserialize_properties)
        _sdk_policy.unknown_checking_proxy = _remembering_last(_sdk_policy.unknown_checking_proxy)
        _sdk_policy._shares_properties = True
    if resource_types:
        _resource_types.update({name: frozenset(types_) for name, types_ in resource_types.items()})
        servicer_class = _sdk_policy._PolicyAnalyzerServicer
        if not getattr(servicer_class, "_filters_by_type", False):
            _filter_by_type(servicer_class)
