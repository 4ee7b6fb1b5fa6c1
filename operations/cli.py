"""`python -m operations RUNBOOK [options]`: one argparse subcommand per runbook.

Exit codes: 0 done, 1 mandatory findings (audit), a failed drill check or a result AWS did not
confirm (a failover without evidence, a promotion not seen in time, a secret version not shown
current), 2 bad input, a refusal or an AWS call that failed (one message, no traceback;
OPS_DEBUG=1 adds it for an unexpected error).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import traceback
from typing import Any, NoReturn, Optional

from operations.clients import AWS_ERRORS, Clients, describe_error
from operations.errors import RunbookError
from operations.identifiers import endpoint_url, positive_seconds, region
from operations.output import Output
# Context and require_confirm are named here too: callers and tests import them from the CLI.
from operations.runbook import Context, require_confirm  # noqa: F401
from operations.runbooks import RUNBOOKS as MODULES
from operations.waiting import poll_seconds


EXIT_DONE, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
# What each code means: the --help epilog and the generated reference (docs/reference/exit-codes.md).
EXIT_CODES = {
    EXIT_DONE: "done",
    EXIT_FAILED: "mandatory findings / failed check / unconfirmed",
    EXIT_REFUSED: "bad input, refused or AWS error",
}

RUNBOOKS = list(MODULES)


class _Parser(argparse.ArgumentParser):
    """argparse, but with --json a usage error is the contract's one JSON error line (exit 2)."""

    def __init__(self, *args: Any, json_mode: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.json_mode = json_mode

    def error(self, message: str) -> NoReturn:
        if not self.json_mode:
            super().error(message)
        Output(as_json=True).error(f"{self.prog}: {message}")
        sys.exit(EXIT_REFUSED)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--region", type=region, help="AWS region (default: the boto3 chain's region)")
    common.add_argument("--endpoint-url", type=endpoint_url, help="send every AWS call here (moto, LocalStack)")
    common.add_argument("--json", action="store_true", help="one JSON object per line; the last is the result")
    common.add_argument("--wait-timeout", type=positive_seconds, default=3600, metavar="SECONDS",
                        help="give up waiting for AWS after this long (default 3600)")
    return common


def parser(json_mode: bool = False) -> argparse.ArgumentParser:
    """The top-level parser with one subcommand per runbook."""
    # The checkout runs `python -m operations`, the installed wheel `python -m rdsplatform.operations`.
    top = _Parser(prog=f"python -m {__package__}", json_mode=json_mode,
                                  description="Day-2 runbooks for RDS instances and clusters, with boto3.",
                                  epilog="Exit codes: " + ", ".join(f"{c} {m}" for c, m in EXIT_CODES.items()) + ".")
    # typeshed wants a parser class here; a partial of one makes the same parsers (with json_mode).
    subs = top.add_subparsers(dest="runbook", required=True, metavar="RUNBOOK",
                              parser_class=functools.partial(_Parser, json_mode=json_mode))  # type: ignore[call-overload]
    common = _common()
    for name, module in MODULES.items():
        sub = subs.add_parser(name.replace("_", "-"), parents=[common], help=module.HELP,
                              description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(module=module)
    return top


def failed_operation(exc: Exception, clients: Optional[Clients]) -> str:
    """The AWS call that failed: the error's own (a ClientError knows it), else the last one made
    (a cleanup may have made other calls since)."""
    return getattr(exc, "operation_name", None) or (clients.last_operation if clients else "AWS")


def main(argv: Optional[list[str]] = None) -> int:
    """Run one runbook; turn every refusal or AWS error into one message and exit code 2."""
    argv = sys.argv[1:] if argv is None else argv
    args = parser(json_mode="--json" in argv).parse_args(argv)  # bad input: exit 2, usage or JSON line
    out = Output(args.json)
    clients = None
    try:
        poll_seconds()  # a bad OPS_POLL_SECONDS stops the run here, not after a change was made
        clients = Clients(args.region, args.endpoint_url)
        code: int = args.module.run(Context(args, clients, out))
        return code
    except RunbookError as exc:
        out.error(str(exc))
    except AWS_ERRORS as exc:
        out.error(describe_error(exc, failed_operation(exc, clients)))
    except KeyboardInterrupt:
        out.error("interrupted")
    except Exception as exc:  # last resort: a bug or an unforeseen input is still one message, exit 2
        if os.environ.get("OPS_DEBUG") == "1":
            traceback.print_exc()
        out.error(f"unexpected {type(exc).__name__}: {exc} (OPS_DEBUG=1 shows the traceback)")
    return EXIT_REFUSED
