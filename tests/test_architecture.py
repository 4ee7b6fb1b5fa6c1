"""The arrows of docs/architecture.md, checked on the source: no cycle, the product never imports
its tooling, the mock engine stays in the offline preview."""

import pytest

from tests.import_graph import find_cycle, graph, room_of

GRAPH = graph()
TOOLING = {"plan", "preview", "automation", "operations", "benchmarks", "tests"}

# room -> the rooms it may import (besides itself). The product (program, components, policies)
# imports no tooling; tooling imports the product and the shared plan model, never the mock
# engine (preview) unless it measures or tests it.
ALLOWED = {
    "program": {"components"},
    "components": {"policies"},
    "provider": {"components"},
    "policies": set(),
    "plan": {"policies"},
    "preview": {"plan", "components", "policies"},
    "automation": {"plan", "components"},
    "operations": {"policies", "plan", "components"},
    "benchmarks": {"plan", "preview"},
    "tests": {"program", "components", "provider", "policies", "plan", "preview", "automation", "operations", "benchmarks"},
}


def _arrows() -> set[tuple[str, str, str, str]]:
    """(room, module, imported room, imported module) for every first-party import."""
    return {(room_of(m), m, room_of(t), t) for m, targets in GRAPH.items() for t in targets}


def test_the_graph_sees_every_room():
    assert {room_of(m) for m in GRAPH} == set(ALLOWED)
    rooms = {(a, b) for a, _, b, _ in _arrows()}
    assert ("automation", "components") in rooms and ("preview", "plan") in rooms


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_each_room_imports_only_what_it_may(room):
    modules = [m for m in GRAPH if room_of(m) == room]
    assert modules, room
    wrong = sorted(f"{m} -> {t}" for r, m, tr, t in _arrows() if r == room and tr != room and tr not in ALLOWED[room])
    assert wrong == [], f"{room} may import only {sorted(ALLOWED[room])}"


# Rooms that may import the pack only for its AWS facts (one home each: rds_guardrails.facts), never
# its rules: the program and the plan model know what AWS does, not what the pack judges.
FACTS_ONLY = {"components", "plan"}
FACTS = "rds_guardrails.facts"


@pytest.mark.parametrize("room", sorted(FACTS_ONLY))
def test_the_program_and_the_plan_model_take_only_the_packs_facts(room):
    taken = {t for r, _, tr, t in _arrows() if r == room and tr == "policies"}
    assert taken, f"{room} reads its AWS facts from {FACTS}"
    assert {t for t in taken if t != FACTS and not t.startswith(FACTS + ".")} == set()


def test_the_product_never_imports_its_tooling():
    product = {"program", "components", "provider", "policies"}
    assert not {(m, t) for r, m, tr, t in _arrows() if r in product and tr in TOOLING}


def test_no_import_cycle():
    assert find_cycle(GRAPH) == []


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_only_the_offline_preview_loads_the_mock_engine():
    from tests.import_graph import first_party_files, imports_of, module_name

    users = {module_name(p) for p in first_party_files()
             if any(i.startswith("pulumi.runtime.mocks") for i in imports_of(p))}
    assert users, "the harness uses the SDK's mock engine"
    assert {room_of(m) for m in users} <= {"preview", "tests"}, users
