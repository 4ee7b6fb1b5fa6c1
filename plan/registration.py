"""One resource registration as the engine receives it, and the plan of a stack made of them.

The mock engine (preview/harness.py) produces Registrations; the diff, the reports and the
automation results read them. `to_dict`/`from_dict` are the one serialisation: the
`resources` of the offline `--json` report, secrets masked and unknowns named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from pulumi.runtime import rpc

SIG_KEY = rpc._special_sig_key  # marks a special value (secret, asset, resource reference)
SECRET_SIG = rpc._special_secret_sig
UNKNOWN = rpc.UNKNOWN  # the engine's marker for "known only after deploy"
SECRET_TEXT = "[secret]"
UNKNOWN_TEXT = "(known after deploy)"


def is_secret(value: Any) -> bool:
    """True for a value the engine carries as a secret."""
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def masked(value: Any) -> Any:
    """A plan or event value safe to write anywhere: secrets replaced, unknowns named."""
    if is_secret(value):
        return SECRET_TEXT
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(v) for v in value]
    return value


def _unmasked(value: Any) -> Any:
    """The inverse of `masked` as far as it goes: a secret comes back without its value.

    A plain input that is literally "[secret]" or "(known after deploy)" reads back as a marker;
    the diff compares secrets by presence only, so that costs nothing there.
    """
    if value == SECRET_TEXT:
        return {SIG_KEY: SECRET_SIG, "value": None}
    if value == UNKNOWN_TEXT:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _unmasked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unmasked(v) for v in value]
    return value


def secrets_at(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, secret) of each secret inside `value`; list items as [i]."""
    if is_secret(value):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from secrets_at(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from secrets_at(v, f"{path}[{i}]")


def secret_paths(value: Any, path: str = "") -> Iterator[str]:
    """Dotted paths (list items as [i]) of the secret values inside `value`."""
    return (found for found, _ in secrets_at(value, path))


@dataclass
class Registration:
    """One resource as the engine saw it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    # camelCase inputs; secrets still wrapped, unknowns still UNKNOWN.
    inputs: dict[str, Any]
    # protect, retainOnDelete, ignoreChanges, dependencies...; `aliases` only when there are some.
    options: dict[str, Any]
    # What the (mock) provider returned: inputs plus computed values. AnalyzeStack sees these.
    outputs: dict[str, Any] = field(default_factory=dict)
    # The provider's id ("" for components and on a first preview).
    id: str = ""

    @property
    def region(self) -> Optional[str]:
        return self.inputs.get("region")

    @property
    def aliases(self) -> list[dict[str, Any]]:
        """The aliases as sent in RegisterResourceRequest.aliases: {"urn": ...} or {"spec": {...}}."""
        aliases: list[dict[str, Any]] = self.options.get("aliases", [])
        return aliases

    @property
    def secret_paths(self) -> list[str]:
        """Where this registration carries secrets, e.g. ["inputs.password"]."""
        return list(secret_paths({"inputs": self.inputs, "outputs": self.outputs}))

    def to_dict(self) -> dict[str, Any]:
        """The resource as the `--json` report writes it (secrets masked, unknowns named)."""
        return {"urn": self.urn, "type": self.type, "name": self.name, "custom": self.custom,
                "parent": self.parent, "provider": self.provider, "id": self.id,
                "inputs": masked(self.inputs), "options": self.options, "outputs": masked(self.outputs)}

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> "Registration":
        """A resource of a `--json` report; masked secrets and unknowns become markers again.

        Raises KeyError or TypeError when `item` is not such a resource.
        """
        return cls(urn=item["urn"], type=item["type"], name=item["name"], custom=item.get("custom", True),
                   parent=item.get("parent", ""), provider=item.get("provider", ""),
                   inputs=_unmasked(item.get("inputs", {})), options=dict(item.get("options", {})),
                   outputs=_unmasked(item.get("outputs", {})), id=item.get("id", ""))


@dataclass
class Plan:
    """What one run of the program declared: resources, stack outputs, invokes, or an error."""

    stack: str
    config: dict[str, str]
    resources: list[Registration] = field(default_factory=list)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    invokes: list[str] = field(default_factory=list)
    # The lookups of deployed RDS instances and clusters: kind, identifier, region, and the
    # engineVersion found (None: nothing deployed, the answer without a baseline).
    lookups: list[dict[str, Optional[str]]] = field(default_factory=list)
    error: Optional[str] = None
    # Config keys whose encrypted (secure) stack-file value was planned with a placeholder.
    encrypted: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, region: Optional[str] = None) -> Registration:
        """The only resource of a type (in a region, when given)."""
        found = [r for r in self.of_type(type_) if region is None or r.region == region]
        if len(found) != 1:
            where = f" in {region}" if region else ""
            raise AssertionError(f"expected one {type_}{where}, found {len(found)}")
        return found[0]

    def named(self, name: str) -> Registration:
        """The resource registered under this name."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            raise AssertionError(f"expected one resource named {name}, found {len(found)}")
        return found[0]

    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.resources}

    def to_json(self) -> str:
        """A stable serialization with secrets still wrapped: equal plans give equal text."""
        return json.dumps(
            {"stack": self.stack, "resources": [r.__dict__ for r in self.resources],
             "outputs": self.outputs, "error": self.error},
            sort_keys=True, indent=1,
        )
