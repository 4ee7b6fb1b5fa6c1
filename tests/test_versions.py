"""One project version: pyproject.toml, the policy pack, the importable version(), the CHANGELOG."""

import re
import shutil
import tarfile
import tomllib

import pytest
import yaml

from components.version import version
from plan.stack_config import PROJECT_DIR
from tests.tool_modules import load_tool

PYPROJECT_VERSION = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["version"]
SEMVER = re.compile(r"\d+\.\d+\.\d+")


def test_the_project_version_is_semver():
    assert SEMVER.fullmatch(PYPROJECT_VERSION), PYPROJECT_VERSION


def test_the_policy_pack_carries_the_project_version():
    pack = yaml.safe_load((PROJECT_DIR / "policies" / "PulumiPolicy.yaml").read_text())
    assert str(pack["version"]) == PYPROJECT_VERSION


def test_the_importable_version_is_the_project_version():
    assert version() == PYPROJECT_VERSION


def test_the_changelog_has_a_section_for_the_version():
    sections = re.findall(r"^## (\S+)", (PROJECT_DIR / "CHANGELOG.md").read_text(), flags=re.M)
    assert sections[0] == "Unreleased"
    assert PYPROJECT_VERSION in sections[1:], sections


# --- the release: a tag per version, the files it carries (tools/release.py, release.yml) ---------

def _release_tool():
    return load_tool("release")


def test_every_version_is_the_changelogs_latest_release():
    release = _release_tool()
    latest = re.search(r"^## (\d+\.\d+\.\d+) - ", (PROJECT_DIR / "CHANGELOG.md").read_text(), flags=re.M).group(1)
    assert release.versions() == dict.fromkeys(release.versions(), latest)
    assert release.problems(tag=f"v{latest}") == []


@pytest.fixture
def release_copy(tmp_path):
    for name in ("pyproject.toml", "policies/PulumiPolicy.yaml", "provider/schema.json", "CHANGELOG.md",
                 *(f"contracts/released/{p.name}" for p in (PROJECT_DIR / "contracts" / "released").iterdir())):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_DIR / name, tmp_path / name)
    return tmp_path


def _bump(path, pattern, replacement):
    text = path.read_text()
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text
    path.write_text(changed)


@pytest.mark.parametrize("file, pattern, replacement, named", [
    ("pyproject.toml", r'^version = "[^"]+"', 'version = "9.9.9"', "pyproject.toml says 9.9.9"),
    ("policies/PulumiPolicy.yaml", r"^version: .*$", "version: 9.9.9", "policies/PulumiPolicy.yaml says 9.9.9"),
    ("provider/schema.json", r'"version": "[^"]+"', '"version": "9.9.9"', "provider/schema.json says 9.9.9"),
    ("CHANGELOG.md", r"^## Unreleased$", "## Unreleased\n\n## 9.9.9 - 2026-12-31",
     "contracts/released/9.9.9.json is missing"),
])
def test_a_version_out_of_step_is_named(release_copy, file, pattern, replacement, named):
    release = _release_tool()
    assert release.problems(release_copy) == []
    _bump(release_copy / file, pattern, replacement)
    found = release.problems(release_copy)
    assert [p for p in found if named in p], found


def test_a_tag_that_is_not_the_latest_release_is_refused(release_copy):
    release = _release_tool()
    assert [p for p in release.problems(release_copy, tag="v0.0.1") if "tag v0.0.1" in p]


def test_the_pack_archive_holds_the_pack_and_not_its_venv(tmp_path):
    release = _release_tool()
    copy = tmp_path / "checkout"
    shutil.copytree(PROJECT_DIR / "policies", copy / "policies", ignore=shutil.ignore_patterns("venv", "__pycache__"))
    (copy / "policies" / "venv" / "lib").mkdir(parents=True)  # docs/deploy.md's venv
    (copy / "policies" / "venv" / "lib" / "leftover.py").write_text("")
    archive = release.pack_archive(tmp_path, "1.2.3", root=copy)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "rds-guardrails-1.2.3/PulumiPolicy.yaml" in names and "rds-guardrails-1.2.3/__main__.py" in names
    assert "rds-guardrails-1.2.3/rds_guardrails/__init__.py" in names
    assert [n for n in names if "venv" in n or n.endswith(".pyc")] == []


def test_the_release_workflow_builds_and_attaches_the_three_files_of_a_tag():
    workflow = yaml.safe_load((PROJECT_DIR / ".github" / "workflows" / "release.yml").read_text())
    assert workflow[True]["push"] == {"tags": ["v*.*.*"]}  # YAML 1.1 reads `on` as true
    steps = workflow["jobs"]["release"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'tools/release.py check --tag "$TAG"' in runs and "make test" in runs
    assert "pip wheel --no-deps" in runs and "tools/release.py build dist" in runs
    assert re.search(r"gh release create \"\$TAG\" dist/\*", runs)


def test_the_release_workflows_actions_are_pinned_by_commit():
    text = (PROJECT_DIR / ".github" / "workflows" / "release.yml").read_text()
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    assert [(u, c) for u, c in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u)
            or not re.fullmatch(r" # v\d+\.\d+\.\d+", c)] == []
