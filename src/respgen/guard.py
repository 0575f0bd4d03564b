"""Read a file from elsewhere in a child process whose memory, time and recursion are bounded.

``respgen check``, ``check-template`` and ``extract`` are given PDFs and Word
documents that anyone may have made. A few kilobytes can be built to expand to
gigabytes (compression and metadata bombs), to loop for ever (a structure tree
that is its own parent) or to take exponential time (elements shared between
branches). Each reader is written to stop early on what it can see; this is
the net under them: whatever the file does, the reading process is stopped at
these limits, and the officer is told which one.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from respgen.errors import Problem, RespgenError

# A respgen PDF is checked in well under a second and 200 MB; these are ten times beyond any honest file.
MAX_MEMORY = 2 * 1024**3  # bytes of memory the reader may use on top of what it started with
MAX_SECONDS = 60  # seconds of processor time, and twice that on the clock
MAX_RECURSION = 5_000  # Python frames: deep enough for any real document, far from the C stack's end

T = TypeVar("T")


def bounded(path: Path, what: str, function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` run under the limits above; a ``RespgenError`` naming ``path`` if it goes past one.

    Where processes cannot be forked (Windows), it runs here, with only the recursion limit.
    """
    if not hasattr(os, "fork"):
        return _call(function, args, path)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limit itself, run, send back the outcome, and leave without cleaning up
        os.close(reader)
        code = 0
        outcome: tuple[str, Any]
        try:
            _limit_self()
            outcome = ("ok", _call(function, args, path))
        except RespgenError as exc:
            outcome = ("problems", exc.problems)
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as exc:  # reported in the parent, in plain words
            outcome = ("fault", f"{type(exc).__name__}: {exc}")
        try:
            with os.fdopen(writer, "wb") as pipe:
                pickle.dump(outcome, pipe)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(writer)
    data = _read_all(reader, pid)
    _, status = os.waitpid(pid, 0)
    outcome = ("killed", status)
    try:
        if data:
            outcome = pickle.loads(data)
    except Exception:
        pass
    kind: str = outcome[0]
    value: Any = outcome[1]
    if kind == "ok":
        return value
    if kind == "problems":
        raise RespgenError(value)
    raise RespgenError(_limit_problem(path, what, kind, value))


def _call(function: Callable[..., T], args: tuple, path: Path) -> T:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(MAX_RECURSION)
    try:
        return function(*args)
    except RecursionError:
        raise RespgenError(
            f"respgen stopped reading this file: it is nested more than {MAX_RECURSION:,} levels deep, which no real document is",
            file=path,
            hint="It may have been made to do harm. Ask for the document again from whoever sent it.",
        ) from None
    finally:
        sys.setrecursionlimit(old)


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (MAX_SECONDS, MAX_SECONDS + 5))
    try:
        with open("/proc/self/statm") as statm:
            start = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        start = 0
    resource.setrlimit(resource.RLIMIT_AS, (start + MAX_MEMORY, start + MAX_MEMORY))


def _read_all(fd: int, pid: int) -> bytes:
    chunks: list[bytes] = []
    deadline = time.monotonic() + 2 * MAX_SECONDS
    with os.fdopen(fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                return b""
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _limit_problem(path: Path, what: str, kind: str, value: Any) -> Problem:
    if kind == "memory":
        reason = f"it needs more than {MAX_MEMORY // 1024**3} GB of memory"
    elif kind == "fault":
        reason = f"it could not be read ({value})"
    elif os.WIFSIGNALED(value) and os.WTERMSIG(value) in (signal.SIGXCPU, signal.SIGKILL):
        reason = f"reading it takes more than {MAX_SECONDS} seconds"
    else:
        reason = f"it needs more than {MAX_MEMORY // 1024**3} GB of memory or {MAX_SECONDS} seconds"
    return Problem(
        f"respgen stopped reading this {what}: {reason}, which no real document does",
        file=path,
        hint="It may have been made to do harm. Ask for the document again from whoever sent it.",
    )
