"""Hiding secret values that arrive as plain strings (events, results, error messages).

The engine marks what it knows to be secret; this catches the rest, by one rule shared with the
preview's settings messages (`components.settings.secrets.redact`):

- the whole value of a secret (a secret override or decrypted secret config value) is masked
  where a string equals it, and inside longer strings when it has MIN_EMBEDDED characters or more;
- a structured secret (a JSON list or map) is also masked leaf by leaf: each list item and map
  value, never a map key (the names of the secret `parameters` map are not secret, the preview
  shows them too). A leaf of MIN_EMBEDDED characters or more is masked wherever it occurs; a
  shorter one ("1", "on") only as a quoted token ('1' or "1"), because bare it cannot be told
  apart from ordinary text: such a value printed bare is not hidden here (the engine's secret
  marking still hides it in inputs and outputs).
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
        self.secrets: set[str] = set()  # masked where a whole string equals them
        self.quoted: set[str] = set()  # short leaves: masked only as a quoted token
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        for secret in secrets:
            if isinstance(secret, str) and secret:
                self.secrets.add(secret)
                for leaf in _leaves(secret):
                    (self.secrets if len(leaf) >= MIN_EMBEDDED else self.quoted).add(leaf)
        # Longest first, so a secret containing another is replaced whole.
        self._embedded = sorted((s for s in self.secrets if len(s) >= MIN_EMBEDDED), key=len, reverse=True)
        self._tokens = sorted({t for s in self.quoted for t in (json.dumps(s), repr(s))}, key=len, reverse=True)

    def text(self, value: str) -> str:
        if value in self.secrets:
            return SECRET_TEXT
        for secret in self._embedded:
            if secret in value:
                value = value.replace(secret, SECRET_TEXT)
        for token in self._tokens:
            if token in value:
                value = value.replace(token, SECRET_TEXT)
        return value

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value) if self.secrets else value
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self(v) for v in value]
        return value


def _leaves(text: str) -> list[str]:
    """Every leaf value inside `text` when it is a JSON list or map, as text: list items and map
    values (not keys); numbers and booleans as JSON writes them."""
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
        if isinstance(item, dict):
            stack += item.values()
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, str):
            if item:
                found.append(item)
        elif item is not None:
            found.append(json.dumps(item))
    return found
