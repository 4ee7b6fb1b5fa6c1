"""The Markdown report's diagram: a plan's components as a Mermaid flowchart, grouped by region and
linked where one's resources refer to another's."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterator

from plan.registration import Plan, Registration


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: every character beyond [A-Za-z0-9 _.,:/-] as an entity
    code (#35; for #), so a crafted name cannot end the label, add nodes or links, carry HTML
    or close the ``` fence (Mermaid docs, Flowcharts, "Entity codes to escape characters")."""
    return re.sub(r"[^A-Za-z0-9 _.,:/-]", lambda m: f"#{ord(m.group(0))};", str(text))


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, key or k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)


# Outputs by which another resource names this one (besides its URN and id).
_HANDLE_OUTPUTS = ("arn", "name", "identifier", "keyId", "endpoint", "address")


def _handles(r: Registration) -> set[str]:
    """The strings by which another resource can name `r`: its URN, id, ARN, name..."""
    values = {r.urn, r.id} | {r.outputs.get(k) for k in _HANDLE_OUTPUTS}
    return {v for v in values if isinstance(v, str) and v}


def _reference_edges(r: Registration, by_urn: dict[str, Registration]) -> Iterator[tuple[Registration, str]]:
    """(referenced resource, label) for each real reference of `r`: a dependency the engine
    recorded (an input built from the other's output, or dependsOn), labelled by the inputs
    that hold one of its values; an input holding another resource's URN; the parent."""
    for urn in r.options.get("dependencies", []):
        target = by_urn.get(urn)
        if target is None:
            continue
        handles = _handles(target)
        keys = {key for key, value in _strings(r.inputs) if value in handles}
        for key in sorted(keys) or [target.type.split(":")[-1]]:
            yield target, key
    for key, value in _strings(r.inputs):
        if value in by_urn and value != r.urn:
            yield by_urn[value], key
    if r.parent in by_urn:
        yield by_urn[r.parent], "parent"


def mermaid(plan: Plan) -> str:
    """Components as nodes grouped by region, linked where one's resources refer to another's."""
    by_urn = plan.by_urn()

    def node_of(r: Registration) -> Registration:
        # The component directly below the top-level one (or the resource itself at top level).
        chain = [r]
        while chain[-1].parent in by_urn:
            chain.append(by_urn[chain[-1].parent])
        return chain[-2] if len(chain) >= 2 else chain[-1]

    custom = [r for r in plan.resources if r.custom and not r.type.startswith("pulumi:providers:")]
    nodes: dict[str, Registration] = {}
    regions: dict[str, Counter[str]] = {}
    for r in custom:
        node = node_of(r)
        nodes[node.urn] = node
        if r.region:
            regions.setdefault(node.urn, Counter())[r.region] += 1
    edges: dict[tuple[str, str], set[str]] = {}
    for r in custom:
        source = node_of(r).urn
        for target, label in _reference_edges(r, by_urn):
            target_node = node_of(target).urn
            if target_node != source and target_node in nodes:
                edges.setdefault((source, target_node), set()).add(label)

    ids = {urn: f"n{i}" for i, urn in enumerate(sorted(nodes))}
    lines = ["flowchart LR"]
    by_region: dict[str, list[str]] = {}
    for urn in sorted(nodes):
        region = regions.get(urn, Counter({"global": 1})).most_common(1)[0][0]
        by_region.setdefault(region, []).append(urn)
    for region, urns in sorted(by_region.items()):
        lines.append(f'  subgraph {re.sub(r"[^A-Za-z0-9]", "_", region)}["{mermaid_text(region)}"]')
        for urn in urns:
            n = nodes[urn]
            lines.append(f'    {ids[urn]}["{mermaid_text(n.type.split(":")[-1])}<br/>{mermaid_text(n.name)}"]')
        lines.append("  end")
    for (source, target_urn), labels in sorted(edges.items()):
        lines.append(f'  {ids[source]} -->|"{mermaid_text(", ".join(sorted(labels)[:2]))}"| {ids[target_urn]}')
    return "\n".join(lines)
