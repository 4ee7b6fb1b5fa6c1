"""The README stays a landing page: short, its two commands, every link resolving, every docs page linked."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from markdown_it import MarkdownIt

from plan.stack_config import PROJECT_DIR

README = PROJECT_DIR / "README.md"
MAX_LINES = 250


def _links(text: str) -> list[str]:
    """Every link and image target of a Markdown text (code spans and blocks hold none)."""
    found = []
    for block in MarkdownIt("commonmark").enable("table").parse(text):
        for token in block.children or []:
            if token.type == "link_open":
                found.append(token.attrGet("href"))
            elif token.type == "image":
                found.append(token.attrGet("src"))
    return found


def _anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#{1,6} (.+)$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(text: str, base: Path) -> list[str]:
    """The relative links of `text` that name no file under `base`, or no heading of `text`."""
    broken = []
    for href in _links(text):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # an absolute URL: not this repository's to check
        if not parts.path:
            if parts.fragment not in _anchors(text):
                broken.append(href)
            continue
        target = (base / unquote(parts.path)).resolve()
        if not target.is_relative_to(base.resolve()) or not target.exists():
            broken.append(href)
    return broken


def _nav_pages() -> list[str]:
    def entries(nav):
        for item in nav:
            for value in item.values():
                yield from entries(value) if isinstance(value, list) else [value]

    return list(entries(yaml.safe_load((PROJECT_DIR / "mkdocs.yml").read_text())["nav"]))


def test_the_readme_is_short():
    lines = README.read_text().splitlines()
    assert len(lines) <= MAX_LINES, f"README.md has {len(lines)} lines; move detail to a page under docs/"


def test_the_readme_keeps_its_two_commands():
    text = README.read_text()
    assert re.search(r"^make preview STACK=prod +#", text, flags=re.M)
    assert re.search(r"^make test +#", text, flags=re.M)


def test_every_relative_link_of_the_readme_resolves():
    text = README.read_text()
    assert _links(text), "the README links its docs pages"
    assert broken_links(text, PROJECT_DIR) == []


def test_the_readme_links_every_docs_page():
    linked = {(PROJECT_DIR / urlsplit(h).path).resolve() for h in _links(README.read_text()) if not urlsplit(h).scheme}
    pages = _nav_pages()
    assert pages
    assert [p for p in pages if (PROJECT_DIR / "docs" / p).resolve() not in linked] == []


@pytest.mark.parametrize("link, broken", [
    ("[ok](docs/index.md)", []),
    ("[ok](docs/index.md#rdsplatform)", []),
    ("[ok](https://example.com/nowhere.md)", []),
    ("[gone](docs/no-such-page.md)", ["docs/no-such-page.md"]),
    ("[gone](docs/no-such-page.md#x)", ["docs/no-such-page.md#x"]),
    ("[outside](../outside.md)", ["../outside.md"]),
    ("![gone](docs/no-such.png)", ["docs/no-such.png"]),
    ("[here](#the-heading)", []),
    ("[here](#no-heading)", ["#no-heading"]),
])
def test_the_link_check_sees_each_kind(link, broken):
    text = f"# Title\n\n## The heading\n\n{link}\n\n`[code](not-a-link.md)`\n"
    assert broken_links(text, PROJECT_DIR) == broken


def _shell_lines(text: str) -> list[str]:
    return [line for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S) for line in block.splitlines()]


def test_the_readme_levels_are_the_levels_the_gate_accepts():
    from preview.analyzer import LEVELS
    sentence = next(line for line in README.read_text().splitlines() if line.startswith("Levels are "))
    assert set(re.findall(r"`(\w+)`", sentence)) >= set(LEVELS)


def test_no_readme_command_writes_a_file_into_the_checkout():
    # The tour runs from the root of a clone: a file it writes there is left behind, untracked.
    lines = _shell_lines(README.read_text())
    assert any("--policy-config" in line for line in lines)
    redirected = [(line, target) for line in lines for target in re.findall(r">\s*(\S+)", line.split("#")[0])]
    assert [(line, t) for line, t in redirected if not t.startswith(('"$', "$", "/", "&"))] == []


def test_remediate_is_enforced_as_mandatory_as_the_readme_says(tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text('{"all": "advisory", "rds-multi-az": "remediate"}')  # dev is single-AZ
    run = subprocess.run([sys.executable, "-m", "preview", "--stack", "dev", "--policy-config", str(policy)],
                         cwd=PROJECT_DIR, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr[-500:]
    assert "[mandatory] rds-multi-az:" in run.stdout
