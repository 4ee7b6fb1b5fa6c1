"""One operation per stack across processes, and a stack file only a successful `up` changes.

The lock is a file lock (`filelock`, an OS lock on <lock_dir>/<stack>.lock) held for the
whole operation: validating, writing overrides, preview, the guard rails' verdict and the
update. Workers sharing the project directory queue on it (or are refused at once). The
backend's own lock (Pulumi Cloud answers 409 "Another update is currently in progress"; a
DIY backend keeps a lock file under its .pulumi/locks/) covers only the engine's update
itself, for workers anywhere; it does not stop a second worker from rewriting the stack file
between another worker's preview and its update, which is what this lock is for.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from automation.errors import OperationFailedError, StackBusyError

LOCK_DIR_NAME = ".automation-locks"


@contextmanager
def stack_lock(lock_dir: Path, stack: str, timeout_seconds: float) -> Iterator[None]:
    """Hold the stack's lock; wait up to timeout_seconds (0: refuse at once, < 0: wait forever)."""
    path = lock_dir / f"{stack}.lock"
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path, timeout=timeout_seconds)
        lock.acquire()
    except Timeout:
        waited = "" if timeout_seconds == 0 else f" for {timeout_seconds:g} s"
        raise StackBusyError(
            f"stack {stack}: another worker is running an operation on it (lock {path} held{waited}); "
            "try again when it is done, or queue with lock_timeout_seconds (CLI: --lock-timeout SECONDS)") from None
    except OSError as exc:
        raise OperationFailedError(f"stack {stack}: cannot take the stack lock {path}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.writing")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class StackFileKept:
    """Puts Pulumi.<stack>.yaml back as it was unless `persist()` was called.

    A copy is kept beside the lock while the operation runs, so a worker killed mid-operation
    leaves the copy; the next operation on the stack restores it before anything else.
    """

    def __init__(self, stack_file: Path, lock_dir: Path) -> None:
        self.stack_file = stack_file
        self.copy = lock_dir / f"{stack_file.name}.before"
        self._persist = False

    def persist(self) -> None:
        """Keep what the operation wrote (a successful `up`)."""
        self._persist = True

    def __enter__(self) -> "StackFileKept":
        try:
            if self.copy.exists():  # left by a worker that did not finish
                _write_atomically(self.stack_file, self.copy.read_bytes())
            self.original = self.stack_file.read_bytes()
            _write_atomically(self.copy, self.original)
        except OSError as exc:
            raise OperationFailedError(f"cannot keep a copy of {self.stack_file.name}: {exc}") from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            changed = not self.stack_file.exists() or self.stack_file.read_bytes() != self.original
            if not self._persist and changed:
                _write_atomically(self.stack_file, self.original)
            self.copy.unlink()
        except OSError as exc:
            raise OperationFailedError(
                f"could not restore {self.stack_file.name} ({exc}); its copy is {self.copy}") from None
