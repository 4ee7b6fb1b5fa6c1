"""One project version: pyproject.toml, the policy pack, the importable version(), the CHANGELOG."""

import re
import tomllib

import yaml

from components.version import version
from plan.stack_config import PROJECT_DIR

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
