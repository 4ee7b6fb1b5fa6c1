"""Command line of the Automation API entry point; stdout is JSON lines.

    python -m automation preview --stack dev
    python -m automation up --stack prod --config instanceClass=db.r7g.xlarge
    python -m automation destroy --stack prod --confirm-destroy prod
    python -m automation drift --stack prod

Each engine event is a line {"type": "event", "event": {...}}; drift adds one line per drifted
property {"type": "drift", "urn", "resourceType", "name", "property", "old", "live"} (a read-only
refresh: nothing is written; secrets masked). The last line is always exactly
one {"type": "result", ...} or {"type": "error", "error": "<kind>", "message": "..."}.
Exit codes (docs/reference/exit-codes.md): 0 done; 1 refused by a guard rail (policy violation,
production destroy); 2 bad input (unknown stack, bad key or value, malformed override or
arguments); 3 data at risk (a stateful or protected resource would be replaced or deleted);
4 the Pulumi CLI is unusable (missing, too old, cannot execute); 5 the CLI or the engine
failed; 6 the stack is busy; 7 cancelled; 8 an unexpected error (a bug: please report it);
9 drift found (drift only: live resources differ from the stack's state).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

from automation import errors
from automation.cli_seam import pulumi_cli
from automation.deployer import Deployer
from plan.stack_config import PROJECT_DIR

EXIT_OK, EXIT_BAD_INPUT = 0, errors.BadInputError.exit_code


class _BadArguments(Exception):
    """argparse found the command line malformed."""


class _Parser(argparse.ArgumentParser):
    # argparse prints usage and exits 2 by itself; here a malformed command line is one JSON error line.
    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split()).removeprefix("usage: ")
        raise _BadArguments(f"{message} (usage: {usage})")


def _line(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def _error(kind: str, message: str, code: int) -> int:
    _line({"type": "error", "error": kind, "message": message, "exitCode": code})
    print(f"error: {message}", file=sys.stderr)
    return code


def _override(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: expected key=value, e.g. instanceClass=db.r7g.xlarge")
    return key, value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds, e.g. 300")
    return value


def _parser() -> argparse.ArgumentParser:
    # `python -m automation` in the checkout, `python -m rdsplatform.automation` installed.
    parser = _Parser(prog=f"python -m {__package__}", description=__doc__.splitlines()[0])
    parser.add_argument("operation", choices=("preview", "up", "refresh", "drift", "destroy"))
    parser.add_argument("--stack", required=True)
    parser.add_argument("--config", action="append", type=_override, default=[], metavar="KEY=VALUE",
                        help="override a config key for this operation (validated like the stack file; "
                             "preview and up; kept only when an up succeeds)")
    parser.add_argument("--allow-replacement", action="store_true",
                        help="up: accept replacing or deleting stateful or protected resources")
    parser.add_argument("--confirm-destroy", metavar="STACK", help="destroy: repeat the stack's name")
    parser.add_argument("--lock-timeout", type=_seconds, default=0.0, metavar="SECONDS",
                        help="wait this long for another worker's operation on the stack (default 0: "
                             "refuse at once; negative: wait as long as it takes)")
    parser.add_argument("--work-dir", type=Path, default=PROJECT_DIR,
                        help="the project directory (default: this checkout)")
    parser.add_argument("--pulumi-root", type=Path, metavar="DIR",
                        help="use DIR/bin/pulumi instead of the pulumi on PATH")
    return parser


def main(argv: list[str] | None = None, deployer: Deployer | None = None) -> int:
    """Run one operation; always exactly one result or error line, never a traceback."""
    try:
        return _main(argv, deployer)
    except _BadArguments as exc:
        return _error("BadArguments", str(exc), EXIT_BAD_INPUT)
    except errors.AutomationError as exc:
        return _error(type(exc).__name__, str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return _error("OperationCancelledError", "interrupted before the operation started",
                      errors.OperationCancelledError.exit_code)
    except Exception as exc:  # noqa: BLE001 - the top-level guard: one line, its own code, no traceback
        return _error("InternalError", f"unexpected {type(exc).__name__}: {exc}", errors.INTERNAL_ERROR)


def _main(argv: list[str] | None, deployer: Deployer | None) -> int:
    args = _parser().parse_args(argv)
    if deployer is None:
        command = pulumi_cli(str(args.pulumi_root)) if args.pulumi_root else None
        deployer = Deployer(work_dir=args.work_dir.resolve(), pulumi_command=command,
                            lock_timeout_seconds=args.lock_timeout)
    sink = lambda event: _line({"type": "event", "event": event})  # noqa: E731
    kwargs: dict[str, Any] = {"on_event": sink, "cancel": threading.Event()}
    if args.operation in ("preview", "up"):
        kwargs["config"] = dict(args.config)
    elif args.config:
        raise _BadArguments(f"--config applies to preview and up, not {args.operation}")
    # An option another operation would take is refused, not ignored: a caller passing
    # --allow-replacement to drift believes it accepted something.
    if args.allow_replacement and args.operation != "up":
        raise _BadArguments(f"--allow-replacement applies to up, not {args.operation}")
    if args.confirm_destroy is not None and args.operation != "destroy":
        raise _BadArguments(f"--confirm-destroy applies to destroy, not {args.operation}")
    if args.operation == "up":
        kwargs["allow_replacement"] = args.allow_replacement
    if args.operation == "destroy":
        kwargs["confirm_stack"] = args.confirm_destroy
    result = getattr(deployer, args.operation)(args.stack, **kwargs)
    if args.operation == "drift":
        for d in result.drifted:
            _line({"type": "drift", "urn": d.urn, "resourceType": d.type, "name": d.name, "property": d.property,
                   "old": d.old, "live": d.live})
        if result.drifted:
            raise errors.DriftFoundError(args.stack, result.drifted)
    _line({"type": "result", **dataclasses.asdict(result)})
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
