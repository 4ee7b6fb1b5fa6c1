"""`make ops-demo` and `operations.demo serve` (operations/demo.py): no terminal escape codes when
the output is not a terminal; every command printed runs as pasted into a new shell."""

import os
import shlex
import subprocess
import sys
import types
from pathlib import Path


from operations import demo

ROOT = Path(__file__).resolve().parent.parent


def test_piped_demo_output_holds_no_escape_codes(monkeypatch, capfd):
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()  # moto keeps its state per process: another module's estate may be here
    # One runbook (its own subprocess, writing to the same captured descriptors) and the blue/green
    # flow's first step are enough to show both the demo's headings and the runbooks' output.
    monkeypatch.setattr(demo, "_commands", lambda keys: ["metrics --db-instance appdb-prod --hours 24"])
    monkeypatch.setattr(demo, "_blue_green_flow", lambda: [
        "blue-green --db-instance legacy-mysql --engine-version 8.4.3 --confirm legacy-mysql"])
    assert demo.main([]) == 0
    captured = capfd.readouterr()
    python = shlex.quote(os.path.relpath(sys.executable))
    assert f"$ {python} -m operations metrics --db-instance appdb-prod --hours 24" in captured.out
    assert "pre-switchover checks" in captured.out and "CPUUtilization" in captured.out
    assert "\x1b" not in captured.out + captured.err


class _Interrupted:
    def wait(self):
        raise KeyboardInterrupt


def test_serve_prints_an_audit_command_that_runs_in_a_new_shell(monkeypatch, capsys):
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    monkeypatch.chdir(ROOT)
    # Ctrl-C as soon as the estate is served (only the demo's own `threading` is replaced).
    monkeypatch.setattr(demo, "threading", types.SimpleNamespace(Event=_Interrupted))
    assert demo.main(["serve"]) == 0
    printed = [line.strip() for line in capsys.readouterr().out.splitlines() if " audit --region " in line]
    assert len(printed) == 1, printed
    command = printed[0].split(" --region ")[0] + " --help"
    # A new shell: no venv on PATH, no PYTHONPATH; a bare `python` there lacks boto3 and rich.
    shell_env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run(["sh", "-c", command], cwd=ROOT, env=shell_env, capture_output=True, text=True)
    assert result.returncode == 0, (command, result.stderr[-500:])
    assert "usage:" in result.stdout and "audit" in result.stdout


def test_a_runbook_command_outside_the_working_directory_names_the_interpreter_absolutely(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert demo.runbook_command("audit") == f"{shlex.quote(sys.executable)} -m operations audit"
