"""Build one response: read it, check it, render both documents, write them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import rules, view
from .errors import Problem, RespgenError
from .files import write_atomic
from .project import Project
from .source import read_response


@dataclass
class Built:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def build_one(project: Project, path: Path, *, strict: bool = False) -> Built:
    """Build ``path`` into output/; nothing is written unless both documents render."""
    from . import pdf, word  # the renderers are heavy: import them only when building

    source = read_response(path)
    problems = rules.review(source)
    if any(p.is_error for p in problems) or (strict and problems):
        raise RespgenError(problems)
    letter = view.letter(source.response, project.office, project.templates)
    documents = {
        "docx": word.render(letter, project),
        "pdf": pdf.render(letter, source, project),
    }
    targets = project.outputs_for(path)
    for kind, data in documents.items():
        write_atomic(targets[kind], data)
    return Built(Path(path), [targets[k] for k in documents], problems)
