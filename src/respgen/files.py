"""Writing outputs so that a reader never sees half a file.

Each output is written to a temporary file beside its final place, flushed to
disk, and renamed over the old one in a single step: an interrupted build
leaves the previous good file as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from pathlib import Path

from respgen.errors import RespgenError

TEMP_PATTERN = ".*.part"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is always either the old file or the whole new one."""
    write_together({Path(path): data})


def write_together(documents: dict[Path, bytes]) -> None:
    """Write several files atomically, and replace none of them unless all were written in full.

    A response's Word document and PDF are one record: a disk that fills up
    while the PDF is written must not leave a new Word document beside the old PDF.
    """
    staged: list[tuple[Path, Path]] = []  # (temporary file, final place)
    try:
        for path, data in documents.items():
            staged.append((_stage(Path(path), data), Path(path)))
        for tmp, path in staged:
            _replace(tmp, path)
    finally:
        for tmp, _path in staged:
            tmp.unlink(missing_ok=True)  # gone already if it was renamed into place
    for folder in {path.parent for path in documents}:
        _sync_folder(folder)


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path``, flushed to the disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise RespgenError(
            f"cannot write to the folder {path.parent}: {exc.strerror}",
            hint="Check that the folder exists and that you may write to it.",
        ) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _cannot_write(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _cannot_write(path: Path, exc: OSError) -> RespgenError:
    return RespgenError(
        f"cannot write {path}: {exc.strerror}",
        hint="Close the file if it is open in another program, and check there is space on the disk.",
    )


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


def zip_with_fixed_times(data: bytes, day: dt.date) -> bytes:
    """Rewrite the zip with the letter's date on every entry, so equal input gives equal bytes."""
    stamp = (min(max(day.year, 1980), 2107), day.month, day.day, 0, 0, 0)  # the years a zip entry can hold
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry.filename), compresslevel=6)
    return out.getvalue()
