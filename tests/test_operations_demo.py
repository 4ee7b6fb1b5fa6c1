"""`make ops-demo` (operations/demo.py): no terminal escape codes when its output is not a terminal."""

from operations import demo


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
    assert "$ python -m operations metrics --db-instance appdb-prod --hours 24" in captured.out
    assert "pre-switchover checks" in captured.out and "CPUUtilization" in captured.out
    assert "\x1b" not in captured.out + captured.err
