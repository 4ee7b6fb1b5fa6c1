"""Convert each request's properties once, not once per policy.

pulumi-policy's Analyze handler calls `json_format.MessageToDict(request.properties)` for every
policy of the pack; with 39 policies that conversion is most of the pack's time (see
benchmarks/). This module gives the SDK's policy module a `json_format` whose MessageToDict
remembers its last message per thread: the same request object converts once, and the SDK's
`deserialize_properties` still copies the result for each policy, so no policy can see
another's view. Everything else is the real `json_format`. The protocol tests run through it.
"""

from __future__ import annotations

import threading
import types

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


def install() -> None:
    """Point the SDK's policy module at the remembering json_format (idempotent)."""
    if not isinstance(_sdk_policy.json_format, _RememberingJsonFormat):
        _sdk_policy.json_format = _RememberingJsonFormat()
