"""Send each resource to the policy pack as the program registers it, not after the whole plan.

The engine analyzes a resource when it is registered; doing the same lets the pack (its own
process, another core) work while the program still runs. A thread of its own waits for the
pack to come up, configures it, and sends what the program has registered so far; the
registration callback only queues. The verdict is the one `PolicyPackProcess.check_plan`
gives: responses are read back in the plan's resource order, then AnalyzeStack runs.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Optional

from plan.registration import Plan, Registration
from preview.analyzer import PolicyPackProcess, Violation, analyze_request, is_analyzed

_DONE = None
# As analyze_many: a few calls in flight, as the engine sends them (a flood gets calls cancelled).
IN_FLIGHT = 16


class PackStream:
    """Analyze calls started as registrations arrive; `finish(plan)` returns the violations."""

    def __init__(self, pack: PolicyPackProcess, policy_config: Optional[dict[str, Any]]):
        self.pack = pack
        self._config = policy_config
        self._queue: queue.SimpleQueue[Optional[Registration]] = queue.SimpleQueue()
        self._calls: dict[str, Any] = {}
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._send, name="pack-stream", daemon=True)
        self._thread.start()

    @property
    def sent(self) -> int:
        """How many Analyze calls have been started."""
        return len(self._calls)

    def __call__(self, registration: Registration) -> None:
        """The harness's on_register: queue the resource if the engine would analyze it."""
        if is_analyzed(registration):
            self._queue.put(registration)

    def _send(self) -> None:
        try:
            if not self.pack.connected:
                self.pack.connect()
            self.pack.configure(self._config)
        except BaseException as exc:  # handed to finish(), in the caller's thread
            self._error = exc
            while self._queue.get() is not _DONE:
                pass
            return
        in_flight: list[Any] = []
        while (registration := self._queue.get()) is not _DONE:
            call = self.pack.stub.Analyze.future(analyze_request(registration))
            self._calls[registration.urn] = call
            in_flight.append(call)
            if len(in_flight) >= IN_FLIGHT:
                in_flight.pop(0).result()

    def close(self) -> None:
        """Stop sending and wait for the sender; raises what connecting or configuring raised."""
        self._queue.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def finish(self, plan: Plan) -> list[Violation]:
        """The violations of the plan: each resource's Analyze response, then AnalyzeStack."""
        self.close()
        custom = [r for r in plan.resources if is_analyzed(r)]
        missing = [r for r in custom if r.urn not in self._calls]
        if missing:  # registered outside the monitor's callback: never expected, but never lost
            raise RuntimeError(f"{len(missing)} resource(s) were not streamed to the pack: {missing[0].urn}")
        responses = [self._calls[r.urn].result() for r in custom]
        return self.pack.violations(custom, responses) + self.pack.analyze_stack(custom)
