"""Which earlier URN a registration answers to through its aliases, as the engine decides it.

The rules follow the engine's step generator (pulumi/pulumi, pkg/resource/deploy/
step_generator.go: `collapseAliasToUrn`, `generateAliases`, `inheritedChildAlias`): an alias
spec fills what it leaves out from the resource itself; a resource is looked up by its own URN
first, then by its aliases in order; a child of an aliased parent also answers to its URN under
the parent's old URN (with the parent's old name as prefix when the child's name starts with
the parent's name). URNs are built the way the mock engine builds them
(`pulumi.runtime.mocks.MockMonitor.make_urn`: the parent's last type, and top-level resources
as children of the root stack), so that plans of the mock engine match each other.
"""

from __future__ import annotations

from typing import Iterable

from plan.registration import Registration

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def parse_urn(urn: str) -> tuple[str, str, str, str]:
    """(stack, project, qualified type, name) of `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    head, project, qualified_type, name = urn.split("::", 3)
    return head[len("urn:pulumi:"):], project, qualified_type, name


def make_urn(parent: str, type_: str, name: str, stack: str, project: str) -> str:
    """The URN the mock engine gives `name` of `type_` under `parent` ("" for the root stack)."""
    if parent:
        type_ = parse_urn(parent)[2].split("$")[-1] + "$" + type_
    return "urn:pulumi:" + "::".join([stack, project, type_, name])


def _root_stack(stack: str, project: str) -> str:
    # The SDK names the root stack resource <project>-<stack> (pulumi.runtime.stack.Stack).
    return make_urn("", ROOT_STACK_TYPE, f"{project}-{stack}", stack, project)


def _collapse(r: Registration, alias: dict, resolved: dict[str, str]) -> str:
    """One alias as a URN; an alias's parent that itself moved stands for its old URN."""
    if alias.get("urn"):
        return alias["urn"]
    spec = alias.get("spec", {})
    stack, project = parse_urn(r.urn)[:2]
    stack, project = spec.get("stack") or stack, spec.get("project") or project
    parent = spec.get("parentUrn") or ""
    parent = resolved.get(parent, parent) if parent else r.parent
    if spec.get("noParent") or not parent:
        parent = _root_stack(stack, project)
    return make_urn(parent, spec.get("type") or r.type, spec.get("name") or r.name, stack, project)


def _inherited(r: Registration, child_urn: str, parent_alias: str) -> str:
    """The child's URN under its parent's old URN."""
    stack, project = parse_urn(r.urn)[:2]
    child_type = parse_urn(child_urn)[2].split("$")[-1]
    child_name, parent_name = parse_urn(child_urn)[3], parse_urn(r.parent)[3]
    if child_name.startswith(parent_name):
        child_name = parse_urn(parent_alias)[3] + child_name[len(parent_name):]
    return make_urn(parent_alias, child_type, child_name, stack, project)


def alias_urns(r: Registration, resolved: dict[str, str]) -> list[str]:
    """Every URN `r` also answers to, in the engine's order, without repeats."""
    found = [_collapse(r, a, resolved) for a in r.aliases]
    if r.parent in resolved:
        found += [_inherited(r, urn, resolved[r.parent]) for urn in [r.urn] + found]
    return list(dict.fromkeys(found))


def _parents_first(resources: Iterable[Registration]) -> list[Registration]:
    by_urn = {r.urn: r for r in resources}
    depth: dict[str, int] = {}

    def depth_of(urn: str) -> int:
        if urn not in depth:
            parent = by_urn[urn].parent
            depth[urn] = 0 if parent not in by_urn else depth_of(parent) + 1
        return depth[urn]

    return sorted(by_urn.values(), key=lambda r: (depth_of(r.urn), r.urn))


def match_through_aliases(baseline: Iterable[Registration], current: Iterable[Registration]) -> dict[str, str]:
    """Current URN -> baseline URN for each current resource found in the baseline only by an alias."""
    current = list(current)
    old = {r.urn for r in baseline}
    taken = {r.urn for r in current} & old
    resolved: dict[str, str] = {}
    for r in _parents_first(current):
        if r.urn in old:
            continue
        for urn in alias_urns(r, resolved):
            if urn in old and urn not in taken:
                resolved[r.urn] = urn
                taken.add(urn)
                break
    return resolved
