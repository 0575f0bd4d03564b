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


TEMP_PATTERN = ".*.part"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old file or the whole new one."""
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
        _sync_folder(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise RespgenError(
            f"cannot write {path}: {exc.strerror}",
            hint="Close the file if it is open in another program, and check there is space on the disk.",
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (where the system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary files left in ``folder`` by a build that was killed mid-write.

    Call this only while holding the build lock: then no other build can be
    writing one of them.
    """
    removed = []
    for tmp in Path(folder).glob(TEMP_PATTERN):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed
