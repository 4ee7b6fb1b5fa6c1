"""Which baseline resource a current resource is, by its URN or its aliases, as the engine decides.

The mock engine's URNs keep only the parent's last type (`pulumi.runtime.mocks.MockMonitor.
make_urn`), so a move two levels up would go unseen; the engine's URN carries the parent's full
qualified type (`pulumi.runtime.resource.create_urn`: the parent URN up to its name, then `$`;
none under the root stack). Matching therefore recomputes each resource's engine URN from its
parent chain and follows the engine's step generator (pulumi/pulumi, pkg/resource/deploy/
step_generator.go: `generateSteps`, `generateAliases`, `collapseAliasToUrn`,
`inheritedChildAlias`): look a resource up by its own URN first, then by its aliases in order;
an alias spec fills what it leaves out from the resource itself; a child of a resource found
through an alias also answers to its URN under the parent's old URN (with the parent's old name
as prefix when the child's name starts with the parent's name).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from plan.registration import Registration

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def _split(urn: str) -> tuple[str, str, str, str]:
    """(stack, project, qualified type, name) of `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    head, project, qualified_type, name = urn.split("::", 3)
    return head[len("urn:pulumi:"):], project, qualified_type, name


def create_urn(name: str, type_: str, parent: Optional[str], project: str, stack: str) -> str:
    """The engine's URN of `name` of `type_` under `parent` (None: top level)."""
    prefix = parent[:parent.rfind("::")] + "$" if parent else f"urn:pulumi:{stack}::{project}::"
    return f"{prefix}{type_}::{name}"


def _is_root(urn: str) -> bool:
    return _split(urn)[2] == ROOT_STACK_TYPE


def _parents_first(resources: Iterable[Registration]) -> list[Registration]:
    by_urn = {r.urn: r for r in resources}
    depth: dict[str, int] = {}

    def depth_of(urn: str) -> int:
        if urn not in depth:
            parent = by_urn[urn].parent
            depth[urn] = depth_of(parent) + 1 if parent in by_urn else 0
        return depth[urn]

    return sorted(by_urn.values(), key=lambda r: (depth_of(r.urn), r.urn))


def engine_urns(resources: Iterable[Registration]) -> dict[str, str]:
    """Mock-engine URN -> engine URN of each resource, from its type, name and parent chain."""
    found: dict[str, str] = {}
    for r in _parents_first(resources):
        stack, project = _split(r.urn)[:2]
        parent = found.get(r.parent, None if not r.parent or _is_root(r.parent) else r.parent)
        found[r.urn] = create_urn(r.name, r.type, parent, project, stack)
    return found


class _Matcher:
    """The engine's lookup of current resources in the baseline, parents before children."""

    def __init__(self, current: list[Registration]) -> None:
        self.engine = engine_urns(current)
        self.moved: dict[str, str] = {}  # engine URN now -> engine URN in the baseline (by alias)

    def _parent_of(self, r: Registration, spec: dict[str, Any]) -> Optional[str]:
        parent = spec.get("parentUrn")
        if parent:
            parent = self.engine.get(parent, parent)
            parent = self.moved.get(parent, parent)  # an alias's parent that moved stands for its old URN
        else:
            parent = self.engine.get(r.parent)
        if spec.get("noParent") or not parent or _is_root(parent):
            return None
        return parent

    def _collapse(self, r: Registration, alias: dict[str, Any]) -> str:
        if alias.get("urn"):
            urn: str = alias["urn"]
            return urn
        spec = alias.get("spec", {})
        stack, project = _split(r.urn)[:2]
        return create_urn(spec.get("name") or r.name, spec.get("type") or r.type, self._parent_of(r, spec),
                          spec.get("project") or project, spec.get("stack") or stack)

    def aliases(self, r: Registration) -> list[str]:
        """Every engine URN `r` also answers to, in the engine's order, without repeats."""
        found = [self._collapse(r, a) for a in r.aliases]
        parent_alias = self.moved.get(self.engine.get(r.parent, ""))
        if parent_alias:
            parent_name = _split(r.parent)[3]
            for urn in [self.engine[r.urn]] + found:
                child_type, child_name = _split(urn)[2].split("$")[-1], _split(urn)[3]
                if child_name.startswith(parent_name):
                    child_name = _split(parent_alias)[3] + child_name[len(parent_name):]
                found.append(create_urn(child_name, child_type, parent_alias, "", ""))
        return list(dict.fromkeys(found))


def match_baseline(baseline: Iterable[Registration], current: Iterable[Registration]) -> dict[str, str]:
    """Current URN -> baseline URN (both as recorded) for every current resource the baseline has."""
    baseline, current = list(baseline), list(current)
    old = {engine: urn for urn, engine in engine_urns(baseline).items()}
    matcher = _Matcher(current)
    taken = set(matcher.engine.values()) & old.keys()
    matched: dict[str, str] = {}
    for r in _parents_first(current):
        own = matcher.engine[r.urn]
        if own in old:
            matched[r.urn] = old[own]
            continue
        for urn in matcher.aliases(r):
            if urn in old and urn not in taken:
                matcher.moved[own] = urn
                matched[r.urn] = old[urn]
                taken.add(urn)
                break
    return matched
