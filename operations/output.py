"""What a runbook prints: rich text for a person, or one JSON object per line with --json.

Text mode: every string that comes from a person or from AWS is escaped before rich reads its
markup, so an identifier or an AWS message holding "[/...]" is printed, not parsed. A table is a
table on a terminal, and one `column: value` line per field when stdout is piped or a file.

JSON lines: {"kind": "note"|"finding"|"error"|"result", ...}; the result line comes last and
holds the runbook's figures. Progress (waiting.py) never reaches stdout in JSON mode.
"""

from __future__ import annotations

import datetime
import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

LEVEL_STYLE = {"mandatory": "bold red", "advisory": "yellow", "waived": "cyan"}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


class Output:
    """One runbook run's output channel."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.console = Console(highlight=False, soft_wrap=True, emoji=False)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

    def _line(self, kind: str, **fields: Any) -> None:
        sys.stdout.write(json.dumps({"kind": kind, **fields}, default=_plain) + "\n")
        sys.stdout.flush()

    def note(self, message: str, **fields: Any) -> None:
        """A step a person wants to see (what was done, what is next)."""
        if self.as_json:
            self._line("note", message=message, **fields)
        else:
            self.console.print(message, markup=False)

    def finding(self, resource: str, policy: str, level: str, message: str, waiver: dict[str, Any] | None = None) -> None:
        """One control that failed on one resource; `waiver`: the exception that waives it."""
        if self.as_json:
            self._line("finding", resource=resource, policy=policy, level=level, message=message,
                       **({"waiver": waiver} if waiver else {}))
        else:
            shown = "waived" if waiver else level
            self.console.print(f"[{LEVEL_STYLE.get(shown, '')}]{escape(f'{shown:9}')}[/] "
                               f"{escape(f'{policy:45}')} {escape(resource)}")
            self.console.print(f"          {message}", markup=False, style="dim")

    def table(self, title: str, columns: list[str], rows: list[list[Any]]) -> None:
        """A table for a person; JSON readers get the same data in the result line."""
        if self.as_json:
            return
        if not self.console.is_terminal:
            # Piped or redirected, rich would fit the table into 80 columns and cut every value
            # ("databa…"); one line per field keeps each value whole for grep and files.
            self.console.print(title, markup=False)
            for row in rows:
                for i, (column, value) in enumerate(zip(columns, row)):
                    self.console.print(f"{'- ' if i == 0 else '  '}{column}: {'' if value is None else value}",
                                       markup=False)
            return
        table = Table(title=escape(title), title_justify="left")
        for column in columns:
            table.add_column(escape(column))
        for row in rows:
            table.add_row(*["" if v is None else escape(str(v)) for v in row])
        self.console.print(table)

    def result(self, **figures: Any) -> None:
        """The runbook's figures: the last JSON line, or key: value lines for a person."""
        if self.as_json:
            self._line("result", **figures)
            return
        for key, value in figures.items():
            if isinstance(value, (list, dict)):
                continue  # shown in the runbook's tables
            self.console.print(f"[bold]{escape(key)}[/]: {escape(_plain(value)) if value is not None else '-'}")

    def error(self, message: str) -> None:
        """The one message of a refusal or failure (stdout in JSON mode, stderr otherwise)."""
        if self.as_json:
            self._line("error", message=message)
        else:
            self.errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
