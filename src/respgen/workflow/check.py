"""Check a built document against the rules for its kind."""

from __future__ import annotations

from pathlib import Path

from respgen.errors import Problem


def check_file(path: Path) -> list[Problem]:
    """Every rule ``path`` breaks (empty when it passes)."""
    path = Path(path)
    if not path.is_file():
        return [Problem("there is no such file", file=path, hint="Run 'respgen build' first, or check the name.")]
    if path.suffix.lower() == ".pdf":
        from respgen.pdf.check import check_pdf

        return check_pdf(path)
    if path.suffix.lower() == ".docx":
        from respgen.word.check import check_docx

        return check_docx(path)
    return [Problem("respgen checks only .pdf and .docx files", file=path)]
