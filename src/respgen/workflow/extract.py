"""Recover the response file embedded in a PDF that respgen made.

Every PDF carries the YAML it was made from (a PDF/A-3 associated file with
relationship /Source), so whoever holds the archived PDF holds its data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name

from respgen.errors import RespgenError


@dataclass(frozen=True)
class Embedded:
    name: str
    data: bytes


def embedded_source(pdf_path: Path) -> Embedded:
    """The response file embedded in ``pdf_path``."""
    pdf_path = Path(pdf_path)
    try:
        pdf = pikepdf.open(pdf_path)
    except (pikepdf.PdfError, OSError) as exc:
        raise RespgenError(f"cannot read this PDF ({exc})", file=pdf_path) from None
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
        spec = candidates[0]
        raw_name = str(spec.get("/UF", spec.get("/F", "response.yaml")))
        stream = spec.get("/EF", Dictionary()).get("/UF") or spec.get("/EF", Dictionary()).get("/F")
        if stream is None:
            raise RespgenError("the response file in this PDF is damaged (no data)", file=pdf_path)
        data = stream.read_bytes()
    # The name comes from the PDF: keep only the last part, so it can never point elsewhere.
    name = Path(raw_name.replace("\\", "/")).name or "response.yaml"
    return Embedded(name, data)


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
