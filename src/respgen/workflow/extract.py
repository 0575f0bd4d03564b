"""Recover the response file embedded in a PDF that respgen made.

Every PDF carries the YAML it was made from (a PDF/A-3 associated file with
relationship /Source), so whoever holds the archived PDF holds its data.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name

from respgen.errors import RespgenError
from respgen.guard import bounded
from respgen.pdf.check import unreadable
from respgen.reading.loader import MAX_BYTES


@dataclass(frozen=True)
class Embedded:
    name: str
    data: bytes


# A response file is at most this large (see reading.loader.MAX_BYTES); an embedded file larger is not respgen's.
MAX_SOURCE_BYTES = MAX_BYTES


def embedded_source(pdf_path: Path) -> Embedded:
    """The response file embedded in ``pdf_path``, named after the PDF (never as the PDF names it)."""
    pdf_path = Path(pdf_path)
    return bounded(pdf_path, "PDF", _read_embedded, pdf_path)


def _read_embedded(pdf_path: Path) -> Embedded:
    try:
        pdf = pikepdf.open(pdf_path)
    except (pikepdf.PdfError, OSError) as exc:
        raise RespgenError(f"cannot read this PDF: {unreadable(pdf_path, exc)}", file=pdf_path) from None
    with pdf:
        candidates = []
        for spec in pdf.Root.get("/AF", []) or []:
            if isinstance(spec, Dictionary) and spec.get("/AFRelationship") == Name.Source:
                candidates.append(spec)
        if not candidates:
            raise RespgenError(
                "this PDF carries no response file",
                file=pdf_path,
                hint="Only PDFs made by respgen carry their response file.",
            )
        if len(candidates) > 1:
            raise RespgenError(
                f"this PDF carries {len(candidates)} source files, and a respgen PDF carries one",
                file=pdf_path,
                hint="It was not made by respgen, or was changed since: ask for the original.",
            )
        spec = candidates[0]
        stream = spec.get("/EF", Dictionary()).get("/UF") or spec.get("/EF", Dictionary()).get("/F")
        if not isinstance(stream, pikepdf.Stream):
            raise RespgenError("the response file in this PDF is damaged (no data)", file=pdf_path)
        declared = stream.get("/Params", Dictionary()).get("/Size")
        if isinstance(declared, int) and declared > MAX_SOURCE_BYTES:
            raise _too_big(pdf_path)
        data = stream.read_bytes()
        if len(data) > MAX_SOURCE_BYTES:
            raise _too_big(pdf_path)
    # The PDF's own name for the file is never used: whoever made the PDF chose it.
    return Embedded(f"{_safe_stem(pdf_path.stem)}.yaml", data)


def _too_big(pdf_path: Path) -> RespgenError:
    return RespgenError(
        f"the file inside this PDF is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MB, which no response file is",
        file=pdf_path,
        hint="It was not made by respgen, or may have been made to do harm.",
    )


def _safe_stem(stem: str) -> str:
    """The PDF's own file name without invisible, reordering or control characters, and not hidden."""
    kept = "".join(c for c in stem if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    kept = kept.strip().lstrip(".-") or "response"
    return kept


def write_out(embedded: Embedded, target: Path | None, *, overwrite: bool = False) -> Path:
    """Write ``embedded`` to ``target`` (a file, or a folder to put it in; default: the current folder)."""
    from respgen.files import write_atomic

    if target is None:
        target = Path.cwd() / embedded.name
    elif target.is_dir():
        target = target / embedded.name
    if target.exists() and not overwrite:
        raise RespgenError(
            f"{target} already exists; it was left as it was",
            hint="Choose another place with -o, or add --force to replace it.",
        )
    write_atomic(target, embedded.data)
    return target
