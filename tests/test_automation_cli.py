"""`python -m automation` as a deployment service runs it: a subprocess against a recording
stand-in for the `pulumi` executable (tests/fixtures/pulumi_standin.py) on PATH."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from automation.__main__ import main as cli_main
from automation.errors import INTERNAL_ERROR
from plan.stack_config import PROJECT_DIR
from tests.fake_pulumi import project_copy
from tests.fixtures.pulumi_standin import encrypt

STANDIN = PROJECT_DIR / "tests" / "fixtures" / "pulumi_standin.py"
STACK_FILE_SECRET = "stack-file-secret-Qz81"   # aws:secretKey, encrypted in Pulumi.prod.yaml
OVERRIDE_SECRET = "override-secret-Wm52"      # a new aws:secretKey passed with --config
DB_REPLACE = ["replace", "aws:rds/instance:Instance", "appdb-db-instance", True]
MANDATORY = [["rds-multi-az", "mandatory", "appdb-db-instance", "Multi-AZ is off"]]


class StandIn:
    """The stand-in `pulumi` on PATH, its recorded state, and a copy of the project."""

    def __init__(self, root: Path):
        self.bin, self.state = root / "bin", root / "state"
        self.bin.mkdir()
        self.state.mkdir()
        self.project = project_copy(root / "project")
        prod = self.project / "Pulumi.prod.yaml"
        prod.write_text(prod.read_text() + f"  aws:secretKey:\n    secure: {encrypt(STACK_FILE_SECRET)}\n")
        self.install(f'#!/bin/sh\nexec "{sys.executable}" "{STANDIN}" "$@"\n')

    def install(self, text, mode=0o755):
        path = self.bin / "pulumi"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        path.chmod(mode)

    def script(self, **values):
        (self.state / "script.json").write_text(json.dumps(values))

    def stack_bytes(self, stack="prod") -> bytes:
        return (self.project / f"Pulumi.{stack}.yaml").read_bytes()

    def start(self, *argv, on_path=True):
        env = {k: v for k, v in os.environ.items() if k != "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK"}
        env.update(STANDIN_STATE=str(self.state))
        if on_path:
            env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        return subprocess.Popen([sys.executable, "-m", "automation", *argv, "--work-dir", str(self.project)],
                                cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, *argv, on_path=True):
        """Exit code, the JSON lines of stdout (each must parse), stderr."""
        process = self.start(*argv, on_path=on_path)
        out, err = process.communicate(timeout=120)
        return process.returncode, [json.loads(line) for line in out.splitlines()], err

    def calls(self) -> list[dict]:
        path = self.state / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def argv_of(self, command: str) -> list[list[str]]:
        """The recorded argv of each call whose first word is `command` ("config" matches set-all too)."""
        return [c["argv"] for c in self.calls() if [a for a in c["argv"] if not a.startswith("-")][:1] == [command]]


@pytest.fixture
def standin(tmp_path):
    return StandIn(tmp_path)


def _one_final_line(lines, err, kind):
    assert lines, "no JSON line at all"
    assert [line["type"] for line in lines[:-1]] == ["event"] * (len(lines) - 1)
    assert lines[-1]["type"] == kind
    assert "Traceback" not in err
    return lines[-1]


def _without_event_log(argv):
    return [("<log>" if argv[i - 1] == "--event-log" else a) for i, a in enumerate(argv)]


# --- the exact argv --------------------------------------------------------------------------------------

def test_preview_sends_the_pack_its_config_and_secret_overrides_as_secrets(standin):
    before = standin.stack_bytes()
    code, lines, err = standin.run("preview", "--stack", "prod", "--config", "instanceClass=db.r7g.xlarge",
                                   "--config", f"aws:secretKey={OVERRIDE_SECRET}")
    assert code == 0, err
    _one_final_line(lines, err, "result")
    assert standin.argv_of("config")[0] == [
        "--non-interactive", "config", "set-all", "--stack", "prod",
        "--plaintext", "rdsplatform:instanceClass=db.r7g.xlarge", "--secret", f"aws:secretKey={OVERRIDE_SECRET}"]
    policies = standin.project / "policies"
    assert [_without_event_log(a) for a in standin.argv_of("preview")] == [[
        "--non-interactive", "preview", "--policy-pack", str(policies),
        "--policy-pack-config", str(policies / "config" / "prod.json"),
        "--color", "never", "--exec-kind", "auto.local", "--event-log", "<log>", "--stack", "prod"]]
    assert standin.argv_of("up") == []
    assert standin.stack_bytes() == before  # a what-if leaves no trace


def test_secrets_are_masked_in_every_event_even_as_plain_strings(standin):
    code, lines, err = standin.run("preview", "--stack", "prod", "--config", f"aws:secretKey={OVERRIDE_SECRET}")
    assert code == 0, err
    # The stand-in's program printed its (decrypted) config and used it as resource inputs.
    diagnostics = [line["event"]["diagnosticEvent"]["message"] for line in lines
                   if "diagnosticEvent" in line.get("event", {})]
    assert len(diagnostics) == 1 and "aws:secretKey=[secret]" in diagnostics[0]
    inputs = [line["event"]["resourcePreEvent"]["metadata"]["new"]["inputs"] for line in lines
              if "resourcePreEvent" in line.get("event", {})]
    assert inputs and all(i["aws:secretKey"] == "[secret]" for i in inputs)
    everything = json.dumps(lines) + err
    assert OVERRIDE_SECRET not in everything and STACK_FILE_SECRET not in everything


def test_a_successful_up_keeps_its_overrides_and_stores_secrets_encrypted(standin):
    code, lines, err = standin.run("up", "--stack", "prod", "--config", "instanceClass=db.r7g.xlarge",
                                   "--config", f"aws:secretKey={OVERRIDE_SECRET}")
    assert code == 0, err
    result = _one_final_line(lines, err, "result")
    assert result["outputs"]["masterPassword"] == {"secret": True, "value": None}
    [preview], [up] = standin.argv_of("preview"), standin.argv_of("up")
    assert up[up.index("--policy-pack") + 1] == preview[preview.index("--policy-pack") + 1]
    text = standin.stack_bytes().decode()
    assert "rdsplatform:instanceClass: db.r7g.xlarge" in text
    assert f"secure: {encrypt(OVERRIDE_SECRET)}" in text and OVERRIDE_SECRET not in text
    assert OVERRIDE_SECRET not in json.dumps(lines)


def test_the_cli_can_be_given_as_a_root_instead_of_path(standin):
    code, lines, err = standin.run("preview", "--stack", "dev", "--pulumi-root", str(standin.bin.parent),
                                   on_path=False)
    assert code == 0, err
    assert _one_final_line(lines, err, "result")["operation"] == "preview" and standin.argv_of("preview")


# --- refused and failed operations leave the stack file as it was ------------------------------------------

@pytest.mark.parametrize("argv, script, code, kind", [
    (["up", "--config", "deletionProtection=false"], {"policy_events": MANDATORY}, 1, "PolicyViolationError"),
    (["up", "--config", "instanceClass=db.r7g.xlarge"], {"steps": [DB_REPLACE]}, 3, "DataLossRefusedError"),
    (["up", "--config", "instanceClass=db.r7g.xlarge"], {"errors": {"up": "error: AccessDenied"}}, 5,
     "OperationFailedError"),
    (["preview", "--config", "instanceClass=db.r7g.xlarge"], {"errors": {"preview": "error: boom"}}, 5,
     "OperationFailedError"),
    (["preview", "--config", "backupRetentionDays=0"], {}, 2, "ConfigRejectedError"),
    (["preview", "--config", "multiAZ=true"], {}, 2, "ConfigRejectedError"),
    (["preview", "--config", "a b=1"], {}, 2, "ConfigRejectedError"),
    (["preview", "--config", "foo"], {}, 2, "BadArguments"),
    (["refresh", "--config", "multiAz=false"], {}, 2, "BadArguments"),
    (["refresh", "--allow-replacement"], {}, 2, "BadArguments"),
    (["drift", "--allow-replacement"], {}, 2, "BadArguments"),
    (["destroy", "--allow-replacement", "--confirm-destroy", "prod"], {}, 2, "BadArguments"),
    (["preview", "--confirm-destroy", "prod"], {}, 2, "BadArguments"),
    (["destroy"], {}, 1, "DestroyRefusedError"),
])
def test_every_refused_or_failed_path_leaves_the_stack_file_byte_identical(standin, argv, script, code, kind):
    standin.script(**script)
    before = standin.stack_bytes()
    got, lines, err = standin.run(argv[0], "--stack", "prod", *argv[1:])
    error = _one_final_line(lines, err, "error")
    assert (got, error["error"], error["exitCode"]) == (code, kind, code), err
    assert standin.stack_bytes() == before
    # Only the engine failure of `up` itself got as far as running `up`.
    assert len(standin.argv_of("up")) == (1 if (argv[0], kind) == ("up", "OperationFailedError") else 0)


def test_a_refused_what_if_does_not_unprotect_production(standin):
    standin.script(policy_events=MANDATORY)
    code, _, _ = standin.run("up", "--stack", "prod", "--config", "deletionProtection=false")
    assert code == 1
    code, lines, err = standin.run("destroy", "--stack", "prod")
    assert code == 1 and "deletion protection on" in _one_final_line(lines, err, "error")["message"]
    assert standin.argv_of("destroy") == []


# --- a stack the backend has never seen ---------------------------------------------------------------------

def _backend_stacks(standin) -> list[str]:
    path = standin.state / "stacks.json"
    return json.loads(path.read_text()) if path.exists() else []


@pytest.mark.parametrize("argv, script, code, kind", [
    (["up", "--config", "backupRetentionDays=0"], {}, 2, "ConfigRejectedError"),
    (["destroy"], {}, 1, "DestroyRefusedError"),
    (["refresh"], {}, 2, "UnknownStackError"),
    (["destroy", "--confirm-destroy", "prod"], {}, 2, "UnknownStackError"),
    (["up"], {"policy_events": MANDATORY}, 1, "PolicyViolationError"),
])
def test_a_refused_operation_on_a_new_stack_leaves_the_backend_without_it(standin, argv, script, code, kind):
    standin.script(**script)
    got, lines, err = standin.run(argv[0], "--stack", "prod", *argv[1:])
    error = _one_final_line(lines, err, "error")
    assert (got, error["error"]) == (code, kind), err
    assert _backend_stacks(standin) == [] and standin.argv_of("up") == []
    inits, removals = standin.argv_of("stack"), [a for a in standin.argv_of("stack") if "rm" in a]
    if kind == "PolicyViolationError":
        # The pack's verdict comes from the engine, which needs the stack: created, then removed again.
        assert [a[1:3] for a in inits if "init" in a] == [["stack", "init"]] and len(removals) == 1
    else:
        assert not any("init" in a for a in inits) and removals == []
    if kind in ("ConfigRejectedError", "DestroyRefusedError"):
        assert standin.calls() == []  # refused before the CLI was started at all


def test_an_accepted_up_on_a_new_stack_inits_it_once(standin):
    code, lines, err = standin.run("up", "--stack", "dev")
    assert code == 0, err
    assert _backend_stacks(standin) == ["dev"]
    code, lines, err = standin.run("refresh", "--stack", "dev")
    assert code == 0, err
    assert sum("init" in a for a in standin.argv_of("stack")) == 1


# --- bad input and an unusable CLI: one line, their own codes ---------------------------------------------------

def test_an_unknown_stack_is_unknown_not_production(standin):
    code, lines, err = standin.run("destroy", "--stack", "staging")
    error = _one_final_line(lines, err, "error")
    assert (code, error["error"]) == (2, "UnknownStackError")
    assert "stack staging is unknown" in error["message"] and "production" not in error["message"]
    assert standin.calls() == []


@pytest.mark.parametrize("content, mode, words", [
    (b"\x7fELF\x02\x01\x01garbage", 0o755, "cannot be executed"),   # another architecture: exec format error
    (b"#!/bin/sh\necho v3.200.0\n", 0o644, "cannot be executed"),    # not executable
    (b"#!/bin/sh\necho 'no version here'\n", 0o755, "did not answer with a version"),
    (b"#!/bin/sh\necho broken >&2; exit 3\n", 0o755, "did not answer with a version"),
    (b"#!/bin/sh\necho v3.100.0\n", 0o755, "too old"),
])
def test_a_pulumi_that_cannot_be_used_is_exit_4(standin, content, mode, words):
    standin.install(content, mode)
    code, lines, err = standin.run("preview", "--stack", "dev")
    error = _one_final_line(lines, err, "error")
    assert code == 4 and error["exitCode"] == 4 and words in error["message"], err
    assert error["error"] in ("CliUnusableError", "CliNotFoundError")


@pytest.mark.skipif(shutil.which("pulumi") is not None, reason="a real pulumi is on PATH here")
def test_a_missing_pulumi_is_exit_4(standin):
    (standin.bin / "pulumi").unlink()
    code, lines, err = standin.run("preview", "--stack", "dev")
    error = _one_final_line(lines, err, "error")
    assert (code, error["error"]) == (4, "CliNotFoundError") and "was not found" in error["message"]


def test_anything_unexpected_is_one_json_line_with_its_own_code(capsys):
    class Broken:
        def preview(self, stack, **kwargs):
            raise RuntimeError("a bug")

    assert cli_main(["preview", "--stack", "dev"], Broken()) == INTERNAL_ERROR
    out = capsys.readouterr()
    [line] = [json.loads(text) for text in out.out.splitlines()]
    assert line == {"type": "error", "error": "InternalError", "message": "unexpected RuntimeError: a bug",
                    "exitCode": INTERNAL_ERROR}
    assert "Traceback" not in out.err


# --- the stack lock --------------------------------------------------------------------------------------------

def test_a_held_stack_lock_refuses_with_a_clear_message(standin):
    before = standin.stack_bytes()
    with FileLock(standin.project / ".automation-locks" / "prod.lock"):
        code, lines, err = standin.run("preview", "--stack", "prod", "--config", "instanceClass=db.r7g.xlarge")
    error = _one_final_line(lines, err, "error")
    assert (code, error["error"]) == (6, "StackBusyError")
    assert "another worker is running an operation on it" in error["message"]
    assert standin.calls() == [] and standin.stack_bytes() == before


def test_the_overlap_detector_bites(standin):
    # An `up` that starts while another one is running (its marker present) is recorded.
    (standin.state / "running-up").touch()
    env = {**os.environ, "STANDIN_STATE": str(standin.state)}
    subprocess.run([sys.executable, str(STANDIN), "up", "--stack", "dev"], cwd=standin.project, env=env,
                   stdout=subprocess.DEVNULL, check=True, timeout=60)
    assert (standin.state / "overlaps.txt").exists()


def test_two_workers_never_run_up_at_once(standin):
    standin.script(up_seconds=1)
    workers = [standin.start("up", "--stack", "dev", "--lock-timeout", "120") for _ in range(2)]
    outcomes = [(w.communicate(timeout=180), w.returncode) for w in workers]
    assert [code for _, code in outcomes] == [0, 0], [err for (_, err), _ in outcomes]
    ups = sorted((c for c in standin.calls() if "up" in c["argv"]), key=lambda c: c["start"])
    assert len(ups) == 2 and len({c["pid"] for c in ups}) == 2
    assert ups[0]["end"] <= ups[1]["start"]  # one after the other
    assert not (standin.state / "overlaps.txt").exists()


# --- the exit-code reference is the code's ----------------------------------------------------------------------

def test_the_exit_code_reference_matches_the_errors():
    import automation.errors as errors

    page = (PROJECT_DIR / "docs" / "reference" / "exit-codes.md").read_text()
    table = page.split("## python -m automation", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    documented = {}
    for row in table.splitlines()[2:]:
        code, _, kinds = [cell.strip() for cell in row.strip("|").split(" | ")]
        for kind in kinds.replace("`", "").split(", "):
            documented[kind] = int(code)
    raised = {name: cls.exit_code for name, cls in vars(errors).items()
              if isinstance(cls, type) and issubclass(cls, errors.AutomationError)
              and cls not in (errors.AutomationError, errors.GuardRailRefusedError, errors.BadInputError)}
    assert raised and documented.pop("(a result line)") == 0
    assert documented == {**raised, "BadArguments": 2, "InternalError": INTERNAL_ERROR}
    codes = sorted(set(documented.values()))
    assert codes == list(range(1, max(codes) + 1))  # each outcome its own code, none left out


def test_a_pulumi_root_without_the_cli_names_the_path_it_tried(standin, tmp_path):
    empty = tmp_path / "no-cli-here"
    empty.mkdir()
    code, lines, err = standin.run("preview", "--stack", "dev", "--pulumi-root", str(empty))
    error = _one_final_line(lines, err, "error")
    assert (code, error["error"]) == (4, "CliNotFoundError")
    assert f"was not found at {empty / 'bin' / 'pulumi'} (--pulumi-root {empty})" in error["message"]


def test_each_string_of_a_structured_secret_is_masked_in_engine_diagnostics(standin):
    hooks = ["https://hooks.example.com/T0KEN-first-77", "https://hooks.example.com/T0KEN-second-88"]
    code, lines, err = standin.run("preview", "--stack", "prod", "--config", f"alarmHttpsEndpoints={json.dumps(hooks)}")
    assert code == 0, err
    items = [line["event"]["diagnosticEvent"]["message"] for line in lines
             if line.get("event", {}).get("diagnosticEvent", {}).get("message", "").startswith(
                 "rdsplatform:alarmHttpsEndpoints item:")]
    assert items == ["rdsplatform:alarmHttpsEndpoints item: [secret]"] * 2  # the program printed each URL
    everything = json.dumps(lines) + err
    assert not any(hook in everything for hook in hooks)


def test_a_secret_map_masks_its_values_not_its_names_and_short_values_only_quoted(standin):
    # The rule of docs/automation.md (Secrets): names are not secret, values are; a value shorter
    # than 6 characters is not masked bare, since "1" cannot be told apart from ordinary text.
    secret = "S3CRET-audit-7c1d"
    parameters = {"log_connections": "1", "pgaudit.role": secret}
    code, lines, err = standin.run("preview", "--stack", "prod", "--config", f"parameters={json.dumps(parameters)}")
    assert code == 0, err
    items = [line["event"]["diagnosticEvent"]["message"] for line in lines
             if line.get("event", {}).get("diagnosticEvent", {}).get("message", "").startswith(
                 "rdsplatform:parameters item:")]
    assert items == ["rdsplatform:parameters item: log_connections=1",
                     "rdsplatform:parameters item: pgaudit.role=[secret]"]
    everything = json.dumps(lines) + err
    assert secret not in everything and json.dumps(parameters) not in everything
