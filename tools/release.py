"""A release: one version everywhere, a tag `v<version>`, and the files a release carries.

    python3 tools/release.py check [--tag v1.2.3]   exit 1 unless every version is the CHANGELOG's latest release
    python3 tools/release.py build DIR              the pack archive and the schema into DIR (the wheel: pip wheel)

The version lives in pyproject.toml; the policy pack (policies/PulumiPolicy.yaml), the package
schema (provider/schema.json), the released contract (contracts/released/<version>.json) and the
CHANGELOG's latest `## <version> - <date>` section carry the same. The release workflow
(.github/workflows/release.yml) runs both on a pushed tag and attaches the files. Standard
library only: it runs on a bare runner before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK_DIR = ROOT / "policies"
SCHEMA = ROOT / "provider" / "schema.json"
# What of policies/ is not the pack: its venv (docs/deploy.md) and caches.
_NOT_PACK = {"venv", "__pycache__", ".pytest_cache"}


def changelog_release(text: str) -> str | None:
    """The version of the CHANGELOG's latest release section (`## 1.2.3 - 2026-12-05`)."""
    found = re.search(r"^## (\d+\.\d+\.\d+) - \d{4}-\d{2}-\d{2}\s*$", text, flags=re.M)
    return found.group(1) if found else None


def versions(root: Path = ROOT) -> dict[str, str | None]:
    """Each file that carries the project version -> the version it carries."""
    pack = re.search(r"^version:\s*['\"]?([^'\"\s]+)", (root / "policies" / "PulumiPolicy.yaml").read_text(), re.M)
    return {
        "pyproject.toml": tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"],
        "policies/PulumiPolicy.yaml": pack.group(1) if pack else None,
        "provider/schema.json": json.loads((root / "provider" / "schema.json").read_text()).get("version"),
        "CHANGELOG.md (latest release)": changelog_release((root / "CHANGELOG.md").read_text()),
    }


def problems(root: Path = ROOT, tag: str | None = None) -> list[str]:
    found = versions(root)
    release = found["CHANGELOG.md (latest release)"]
    wrong = [f"{where} says {v}, the CHANGELOG's latest release is {release}"
             for where, v in found.items() if v != release]
    if release and not (root / "contracts" / "released" / f"{release}.json").exists():
        wrong.append(f"contracts/released/{release}.json is missing: copy contracts/contract.json there")
    if tag is not None and tag != f"v{release}":
        wrong.append(f"tag {tag} is not v{release}, the CHANGELOG's latest release")
    return wrong


def pack_archive(target: Path, version: str, root: Path = ROOT) -> Path:
    """policies/ (the pack's files only) as rds-guardrails-<version>.tar.gz: what `pulumi policy
    publish` would upload, for `pulumi preview --policy-pack` on an unpacked copy."""
    archive = target / f"rds-guardrails-{version}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted((root / "policies").rglob("*")):
            relative = path.relative_to(root / "policies")
            if path.is_file() and not _NOT_PACK & set(relative.parts) and path.suffix != ".pyc":
                tar.add(path, arcname=f"rds-guardrails-{version}/{relative.as_posix()}", recursive=False)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/release.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="every version is the CHANGELOG's latest release (and the tag's)")
    check.add_argument("--tag", help="the tag being released, e.g. v1.2.3")
    build = commands.add_parser("build", help="write the pack archive and the schema into DIR")
    build.add_argument("dir", type=Path)
    options = parser.parse_args(argv)
    wrong = problems(tag=getattr(options, "tag", None))
    if wrong:
        print("not releasable:\n" + "\n".join(f"  - {w}" for w in wrong), file=sys.stderr)
        return 1
    version = versions()["pyproject.toml"]
    assert version is not None
    if options.command == "check":
        print(f"every version is {version}; the tag is v{version}")
        return 0
    options.dir.mkdir(parents=True, exist_ok=True)
    archive = pack_archive(options.dir, version)
    schema = options.dir / f"rdsplatform-schema-{version}.json"
    schema.write_text(SCHEMA.read_text())
    print(f"{archive}\n{schema}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
