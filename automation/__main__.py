"""Command line of the Automation API entry point; stdout is JSON lines.

    python -m automation preview --stack dev
    python -m automation up --stack prod --config instanceClass=db.r7g.xlarge
    python -m automation destroy --stack prod --confirm-destroy prod

Each engine event is a line {"type": "event", "event": {...}}; the last line is
{"type": "result", ...} or {"type": "error", "error": "<kind>", "message": "..."}.
Exit codes: 0 done; 1 refused by a guard rail (policy, data loss, production destroy);
2 bad config or no usable Pulumi CLI; 3 the operation failed, was cancelled or the stack was busy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
from typing import Any

from automation import errors
from automation.deployer import Deployer

EXIT = {
    errors.PolicyViolationError: 1, errors.DataLossRefusedError: 1, errors.DestroyRefusedError: 1,
    errors.ConfigRejectedError: 2, errors.CliNotFoundError: 2,
    errors.OperationFailedError: 3, errors.OperationCancelledError: 3, errors.StackBusyError: 3,
}


def _line(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def _override(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected key=value, e.g. instanceClass=db.r7g.xlarge")
    return key, value


def main(argv: list[str] | None = None, deployer: Deployer | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m automation", description=__doc__.splitlines()[0])
    parser.add_argument("operation", choices=("preview", "up", "refresh", "destroy"))
    parser.add_argument("--stack", required=True)
    parser.add_argument("--config", action="append", type=_override, default=[], metavar="KEY=VALUE",
                        help="override a config key (validated like the stack file; preview and up)")
    parser.add_argument("--allow-replacement", action="store_true",
                        help="up: accept replacing or deleting stateful or protected resources")
    parser.add_argument("--confirm-destroy", metavar="STACK", help="destroy: repeat the stack's name")
    args = parser.parse_args(argv)

    deployer = deployer or Deployer()
    sink = lambda event: _line({"type": "event", "event": event})  # noqa: E731
    cancel = threading.Event()
    kwargs: dict[str, Any] = {"on_event": sink, "cancel": cancel}
    if args.operation in ("preview", "up"):
        kwargs["config"] = dict(args.config)
    if args.operation == "up":
        kwargs["allow_replacement"] = args.allow_replacement
    if args.operation == "destroy":
        kwargs["confirm_stack"] = args.confirm_destroy
    try:
        result = getattr(deployer, args.operation)(args.stack, **kwargs)
    except errors.AutomationError as exc:
        _line({"type": "error", "error": type(exc).__name__, "message": str(exc)})
        print(f"error: {exc}", file=sys.stderr)
        return EXIT.get(type(exc), 3)
    _line({"type": "result", **dataclasses.asdict(result)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
