"""One build at a time in an office folder.

Two builds writing the same documents and the same manifest at once could
leave a manifest that describes neither. A build holds an exclusive lock on
output/.respgen.lock; a second build waits for it (saying so) or, if asked
not to wait, stops with a clear message. The operating system drops the lock
when the process ends however it ends, so a killed build never leaves the
folder locked.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from respgen.errors import RespgenError

LOCK_NAME = ".respgen.lock"

if sys.platform == "win32":  # pragma: no cover
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# The descriptors of the locks this process holds. A worker forked during a build shares them, and
# an flock lasts while any process has the descriptor open: a worker that outlived a killed build
# would hold the folder for good. Each worker closes them at once (see ``let_go_in_child``).
_HELD: set[int] = set()


def let_go_in_child() -> None:
    """In a forked worker: close the inherited lock descriptors, so that the lock dies with the build."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


class BuildLock:
    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK_NAME
        self._fd: int | None = None

    def _try(self) -> bool:
        try:
            assert self._fd is not None
            _lock(self._fd)
            return True
        except OSError:  # held by another build
            return False

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it ("process 123"), or ''."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""
        return f"process {text}" if text.isdigit() else ""

    def acquire(self, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.is_symlink():
                raise RespgenError(
                    f"{self.path} is a link to another file; respgen never writes through a link",
                    hint=f"Delete {self.path} (it is only a lock file), then run 'respgen build' again.",
                )
            # O_NOFOLLOW: a link put there after the look above is refused too, never truncated through.
            flags = os.O_CREAT | os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise RespgenError(
                f"cannot use the folder {self.path.parent}: {exc.strerror}",
                hint="Check that the folder exists and that you may write to it.",
            ) from None
        if not self._try():
            holder = self.holder()
            message = "another respgen build is running in this folder" + (f" ({holder})" if holder else "")
            if not wait:
                self._close()
                raise RespgenError(message, hint="Wait for it to finish, then run 'respgen build' again.")
            if on_wait:
                on_wait(message + "; waiting for it to finish…")
            while not self._try():
                time.sleep(0.1)
        # Only the holder writes its process number, so a waiting build can say who it waits for.
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, f"{os.getpid()}\n".encode())
        _HELD.add(self._fd)

    def _close(self) -> None:
        if self._fd is not None:
            _HELD.discard(self._fd)
            os.close(self._fd)
            self._fd = None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            _unlock(self._fd)
        except OSError:
            pass
        self._close()

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
