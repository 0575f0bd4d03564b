"""Writing outputs so that a reader never sees half a file.

Each output is written to a temporary file beside its final place, flushed to
disk, and renamed over the old one in a single step: an interrupted build
leaves the previous good file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import RespgenError


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise RespgenError(
            f"cannot write to the folder {path.parent}: {exc.strerror}",
            hint="Check that the folder exists and that you may write to it.",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise RespgenError(
            f"cannot write {path}: {exc.strerror}",
            hint="Close the file if it is open in another program, and check there is space on the disk.",
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
