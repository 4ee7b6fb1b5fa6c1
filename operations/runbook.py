"""What a runbook is: the `Context` every runbook gets, the `Runbook` interface each runbook module
implements (operations/runbooks.py lists them, so the type check holds each one to it), and the
`--confirm` refusal the destructive ones share."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Protocol

from operations.clients import Clients
from operations.errors import RunbookError
from operations.output import Output


@dataclass
class Context:
    """What every runbook gets: its arguments, AWS clients and the output channel."""

    args: argparse.Namespace
    clients: Clients
    out: Output


class Runbook(Protocol):
    """A runbook module: `python -m operations <name>` parses its options and calls `run`."""

    HELP: str

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        """Declare the runbook's own options on its subcommand's parser."""

    def run(self, ctx: Context) -> int:
        """Do the runbook's work; return the exit code (operations/cli.py: 0, 1 or 2)."""


def require_confirm(args: argparse.Namespace, identifier: str) -> None:
    """Refuse a destructive runbook unless --confirm repeats the identifier it acts on."""
    if not identifier or getattr(args, "confirm", None) != identifier:
        raise RunbookError(f"refusing to act on '{identifier}' without --confirm {identifier}")
