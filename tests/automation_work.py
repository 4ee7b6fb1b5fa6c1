"""The automation tests' shared set-up: each test works on its own copy of the project's stack
files (the autouse fixture `project`, which a test module binds as `project`), and a Deployer on the fake CLI."""

import pytest

from automation import (
    Deployer,
)
from tests.fake_pulumi import FakePulumi, project_copy


WORK = {}


@pytest.fixture(autouse=True)
def project(tmp_path):
    """Each test works on its own copy of the project's stack files."""
    WORK["dir"] = project_copy(tmp_path / "project")
    yield WORK["dir"]
    WORK.clear()


def _deployer(script=None):
    fake = FakePulumi(script)
    waits = []
    return Deployer(work_dir=WORK["dir"], pulumi_command=fake, sleep=waits.append), fake, waits


def _ops(fake):
    """The engine operations in the recorded argv, in order."""
    return [next(a for a in call if not a.startswith("--")) for call in fake.calls
            if any(a in call for a in ("preview", "up", "refresh", "destroy"))]


def _policy_args(call):
    return call[call.index("--policy-pack") + 1], call[call.index("--policy-pack-config") + 1]
