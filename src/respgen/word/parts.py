"""The parts of a Word document that hold text: the body, every page header and footer.

The renderer, the document check and the template check all walk the same
parts, found through the relationship types python-docx knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from respgen.errors import Problem

# A Word letter unpacks to a few megabytes; a file that says it unpacks to more was made to exhaust memory.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_PARTS = 2_000


def open_document(path: Path, what: str):
    """(python-docx Document or None, problems): ``what`` names the file in the messages."""
    import zipfile

    from docx import Document

    if not path.is_file():
        return None, [Problem("there is no such file", file=path, hint=f"Check the name of the {what}.")]
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
        if len(entries) > MAX_PARTS or sum(e.file_size for e in entries) > MAX_UNPACKED:
            return None, [
                Problem(
                    f"this {what} unpacks to more than {MAX_UNPACKED // 1024 // 1024} MB or {MAX_PARTS:,} parts,"
                    " which no real document does",
                    file=path,
                    hint="It may have been made to do harm. Ask for it again from whoever sent it.",
                )
            ]
    except (zipfile.BadZipFile, OSError, ValueError):
        pass  # python-docx says what is wrong with it, below
    try:
        return Document(str(path)), []
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        return None, [
            Problem(
                f"this is not a Word document that can be opened ({type(exc).__name__}: {exc})",
                file=path,
                hint=f"Save the {what} again from Word as a .docx file.",
            )
        ]


def stories(document) -> list[tuple[str, Any]]:
    """(where, XML root) for the body and each page header and footer, as a message names them."""
    found: list[tuple[str, Any]] = [("the body", document.element)]
    for rel in document.part.rels.values():
        if rel.reltype == RT.HEADER:
            found.append(("a page header", rel.target_part.element))
        elif rel.reltype == RT.FOOTER:
            found.append(("a page footer", rel.target_part.element))
    return found


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def style_names(document) -> dict[str, str]:
    return {s.style_id: s.name for s in document.styles if s.style_id}
