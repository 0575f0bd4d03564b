"""Check a document against the rules for its kind, whoever made it.

The document may come from anywhere, so it is read under the limits of
``respgen.guard`` (memory, time, recursion).
"""

from __future__ import annotations

from pathlib import Path

from respgen.errors import Problem, RespgenError
from respgen.guard import bounded


def check_file(path: Path) -> list[Problem]:
    """Every rule ``path`` breaks (empty when it passes)."""
    path = Path(path)
    if not path.is_file():
        return [Problem("there is no such file", file=path, hint="Run 'respgen build' first, or check the name.")]
    try:
        if path.suffix.lower() == ".pdf":
            from respgen.pdf.check import check_pdf

            return bounded(path, "PDF", check_pdf, path)
        if path.suffix.lower() == ".docx":
            from respgen.word.check import check_docx

            return bounded(path, "Word document", check_docx, path)
    except RespgenError as exc:
        return exc.problems
    return [Problem("respgen checks only .pdf and .docx files", file=path)]


def check_word_template(path: Path) -> list[Problem]:
    """Every problem in the Word template at ``path`` (see ``respgen.word.template``)."""
    from respgen.word.template import check_template

    try:
        return bounded(Path(path), "Word template", check_template, Path(path))
    except RespgenError as exc:
        return exc.problems
