"""Hiding secret values that arrive as plain strings (events, results, error messages).

The engine marks what it knows to be secret; this catches the rest: a value equal to a
secret override or to a decrypted secret config value, or (for values of at least
MIN_EMBEDDED characters) one embedded in a longer string such as a log line. A structured
secret (a JSON list of webhook URLs) is masked whole and string by string: a program or the
engine may print one element on its own.
"""

from __future__ import annotations

import json

from typing import Any, Iterable

from plan.registration import SECRET_TEXT

# Shorter secrets are masked only where a whole string equals them: replacing "1" or "true"
# inside every message would garble the output without protecting anything.
MIN_EMBEDDED = 6


class Masker:
    """Replaces known secret values in any JSON-like value or text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            if isinstance(secret, str) and secret:
                self.secrets.add(secret)
                self.secrets.update(_strings_inside(secret))
        # Longest first, so a secret containing another is replaced whole.
        self._embedded = sorted((s for s in self.secrets if len(s) >= MIN_EMBEDDED), key=len, reverse=True)

    def text(self, value: str) -> str:
        if value in self.secrets:
            return SECRET_TEXT
        for secret in self._embedded:
            if secret in value:
                value = value.replace(secret, SECRET_TEXT)
        return value

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value) if self.secrets else value
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self(v) for v in value]
        return value


def _strings_inside(text: str) -> list[str]:
    """Every non-empty string inside `text` when it is a JSON list or object (keys included)."""
    if not text.lstrip().startswith(("[", "{")):
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and item:
            found.append(item)
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return found
