"""The installable distribution: one `rdsplatform` package, imports rewritten, entry points that run
from any directory, and the same pins as the checkout's requirements files."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from plan.stack_config import PROJECT_DIR
from tests.project_files import project_files
from tests.tool_modules import load_tool

wheel_layout = load_tool("wheel_layout")

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())


@pytest.mark.parametrize("source, expected", [
    ("from plan.stack_config import PROJECT_DIR\n", "from rdsplatform.plan.stack_config import PROJECT_DIR\n"),
    ("from components import settings\n", "from rdsplatform.components import settings\n"),
    ("import preview.harness as harness\n", "import rdsplatform.preview.harness as harness\n"),
    ("import os, operations.cli\n", "import os, rdsplatform.operations.cli\n"),
    ("def f():\n    from automation.errors import (\n        A,\n        B,\n    )\n",
     "def f():\n    from rdsplatform.automation.errors import (\n        A,\n        B,\n    )\n"),
    # Not ours: a longer name, a relative import, an `as` name, text in strings and comments.
    ("from planner import x\n", "from planner import x\n"),
    ("from . import plan\n", "from . import plan\n"),
    ("import json as plan\n", "import json as plan\n"),
    ("NAME = 'from plan import x'  # import preview\n", "NAME = 'from plan import x'  # import preview\n"),
    ("from pulumi_policy import plan\n", "from pulumi_policy import plan\n"),
])
def test_rewrite_imports(source, expected):
    assert wheel_layout.rewrite_imports(source) == expected


def test_rewrite_keeps_line_numbers_of_the_real_sources():
    sources = sorted((PROJECT_DIR / "preview").glob("*.py"))
    assert sources
    for path in sources:
        text = path.read_text()
        rewritten = wheel_layout.rewrite_imports(text, str(path))
        assert rewritten.count("\n") == text.count("\n"), path
        if "from plan" in text:
            assert "from rdsplatform.plan" in rewritten, path


def test_a_multi_line_plain_import_is_refused_not_half_rewritten():
    with pytest.raises(wheel_layout.LayoutError, match="multi-line `import`"):
        wheel_layout.rewrite_imports("import os, \\\n    plan\n")


def _pins(path: Path) -> set[str]:
    pins = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            pins |= _pins(path.parent / line[3:])
        elif line:
            pins.add(line)
    return pins


def test_the_distribution_pins_what_the_checkout_pins():
    checkout = _pins(PROJECT_DIR / "requirements-preview.txt") | _pins(PROJECT_DIR / "operations/requirements.txt")
    assert "pulumi-aws==7.51.1" in checkout and "rich==15.0.0" in checkout
    assert set(PYPROJECT["project"]["dependencies"]) == checkout


def _distribution(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _closure(requirements: list[str]) -> set[str]:
    """The distributions the requirements pull in, transitively (as installed here)."""
    seen: set[str] = set()
    todo = [_distribution(r) for r in requirements]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [_distribution(r) for r in importlib.metadata.requires(name) or [] if "extra ==" not in r]
    return seen


def _third_party_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(wheel_layout.PACKAGES) - {"rds_guardrails", "__future__"}


def test_every_import_of_the_shipped_code_is_a_declared_dependency():
    # The project's files only: never the pack's venv that docs/deploy.md creates in policies/.
    shipped = [p for p in project_files(PROJECT_DIR, ".py")
               if p.relative_to(PROJECT_DIR).parts[0] in ("policies", *wheel_layout.PACKAGES)
               and p.relative_to(PROJECT_DIR).as_posix() not in wheel_layout.LEFT_OUT]
    shipped.append(PROJECT_DIR / "__main__.py")
    imports = set().union(*(_third_party_imports(p) for p in shipped))
    assert {"pulumi_aws", "jsonschema", "sarif_om", "rich", "filelock"} <= imports
    provided = importlib.metadata.packages_distributions()
    declared = _closure(PYPROJECT["project"]["dependencies"])
    undeclared = sorted(m for m in imports if not {_distribution(d) for d in provided.get(m, [m])} & declared)
    assert undeclared == [], "imported by shipped code but no dependency of the distribution"


def _isolated_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel built from this checkout, installed in a fresh venv that borrows the test
    environment's packages (offline: no index, no dependencies resolved)."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("hatchling (pyproject.toml's build backend) is not installed: pip install -r requirements-dev.txt")
    tmp = tmp_path_factory.mktemp("dist")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
                            "--no-build-isolation", str(PROJECT_DIR), "-w", str(tmp / "wheel")],
                           capture_output=True, text=True, env=_isolated_env())
    assert build.returncode == 0, build.stderr
    wheels = list((tmp / "wheel").glob("rdsplatform-*.whl"))
    assert len(wheels) == 1, wheels
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                              "--no-deps", "--no-index", str(wheels[0])], capture_output=True, text=True,
                             env=_isolated_env())
    assert install.returncode == 0, install.stderr
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheels[0], "venv": venv, "python": python, "purelib": purelib, "cwd": elsewhere}


def _run(installed, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), cwd=installed["cwd"], capture_output=True, text=True,
                          env=_isolated_env(), timeout=120)


def test_the_wheel_holds_one_top_level_package(installed):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = wheel.namelist()
    assert "rdsplatform/plan/stack_config.py" in names
    assert {n.split("/")[0] for n in names} == {"rdsplatform", "rdsplatform-1.0.0.dist-info"}
    installed_tops = {p.name for p in installed["purelib"].iterdir()}
    assert installed_tops == {"rdsplatform", "rdsplatform-1.0.0.dist-info", "borrowed.pth"}


def test_the_generic_names_are_not_importable_once_installed(installed):
    probe = ("import importlib.util, json; print(json.dumps({n: importlib.util.find_spec(n) is not None "
             "for n in ('components', 'plan', 'preview', 'automation', 'operations', 'rds_guardrails', "
             "'rdsplatform.automation', 'rdsplatform.operations.cli')}))")
    run = _run(installed, str(installed["python"]), "-c", probe)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"components": False, "plan": False, "preview": False, "automation": False,
                                      "operations": False, "rds_guardrails": False,
                                      "rdsplatform.automation": True, "rdsplatform.operations.cli": True}


def test_the_deployment_entry_imports_and_finds_its_project(installed):
    probe = ("from rdsplatform.automation import Deployer; d = Deployer(); "
             "print(d.work_dir); print(sorted(p.name for p in d.work_dir.glob('Pulumi*.yaml')))")
    run = _run(installed, str(installed["python"]), "-c", probe)
    assert run.returncode == 0, run.stderr
    work_dir, files = run.stdout.splitlines()
    assert Path(work_dir) == installed["purelib"] / "rdsplatform"
    assert files == "['Pulumi.dev.yaml', 'Pulumi.prod.yaml', 'Pulumi.yaml']"
    # Installed, the program runs in the interpreter that holds the package, not in a .venv beside it.
    project = (Path(work_dir) / "Pulumi.yaml").read_text()
    assert "virtualenv" not in project and "toolchain: pip" in project
    pack = (Path(work_dir) / "policies" / "PulumiPolicy.yaml").read_text()
    assert "virtualenv" not in pack and "version: 1.0.0" in pack


@pytest.mark.parametrize("argv", [
    ["-m", "rdsplatform.automation", "--help"],
    ["-m", "rdsplatform.operations", "--help"],
    ["-m", "rdsplatform.preview", "--help"],
])
def test_the_modules_run_from_another_directory(installed, argv):
    run = _run(installed, str(installed["python"]), *argv)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"usage: python -m {argv[1]} "), run.stdout.splitlines()[0]


@pytest.mark.parametrize("module", ["automation", "operations", "preview", "operations.demo"])
def test_the_checkout_usage_names_the_checkouts_module(module):
    run = subprocess.run([sys.executable, "-m", module, "--help"], cwd=PROJECT_DIR, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"usage: python -m {module} "), run.stdout.splitlines()[0]


def test_the_console_scripts_run_the_gate_and_the_runbooks(installed):
    bin_dir = installed["venv"] / "bin"
    gate = _run(installed, str(bin_dir / "rdsplatform-preview"), "--stack", "prod", "--quiet")
    assert gate.returncode == 0, gate.stderr
    assert re.search(r"verdict: stack prod, \d+ resources, 0 mandatory.*PASS", gate.stdout)
    bad = _run(installed, str(bin_dir / "rdsplatform-preview"), "--stack", "prod", "--quiet",
               "--config", "allocatedStorage=5")
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert "allocatedStorage" in bad.stdout + bad.stderr
    ops = _run(installed, str(bin_dir / "rdsplatform-ops"), "--help")
    assert ops.returncode == 0 and "RUNBOOK" in ops.stdout, ops.stderr
    deploy = _run(installed, str(bin_dir / "rdsplatform-deploy"), "preview", "--stack", "nosuch")
    assert deploy.returncode == 2, deploy.stdout + deploy.stderr
    assert json.loads(deploy.stdout.splitlines()[-1])["error"] == "UnknownStackError"
