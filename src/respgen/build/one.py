"""Build one response: read it, review it, draw both documents, write them together.

``Built`` is the one record of how a response's build went, whether it ran in
this process or in a worker: what was written (with SHA-256), the warnings,
and the problems that stopped it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from respgen.build.manifest import WEB_KINDS
from respgen.errors import Problem, RespgenError
from respgen.files import write_together
from respgen.project import Project, edition_kinds, format_of, kind_of, language_of

if TYPE_CHECKING:  # the model pulls in pydantic, which a build with nothing to do never needs
    from respgen.reading.model import Office
    from respgen.reading.source import ResponseSource


@dataclass
class Built:
    source: Path
    written: dict[str, tuple[Path, str]] = field(default_factory=dict)  # kind -> (document, SHA-256 of its bytes)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    peak_kb: int = 0  # the building process's peak memory so far (resident set, KiB)
    source_sha256: str = ""  # what the documents were built from (see ResponseSource.published_sha256)
    read_sha256: str = ""  # the response file's bytes as read
    drawn: dict[str, bytes] = field(default_factory=dict)  # kind -> the document, when drawn but not written
    earlier: dict[Path, bytes | None] = field(default_factory=dict)  # what pages written first replaced

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def documents(self) -> list[Path]:
        return [document for document, _ in self.written.values()]


def build_response(
    project: Project,
    office: Office,
    path: Path,
    *,
    strict: bool = False,
    kinds: tuple[str, ...] | None = None,
    page_first: bool = False,
    write: bool = True,
    drawn_elsewhere: Callable[[], dict[str, bytes]] | None = None,
) -> Built:
    """Build ``path`` into output/; when the build ends, every document asked for is new, or none is.

    ``kinds`` default to every document of every edition (``Project.kinds``).
    ``page_first`` writes the web page before drawing the PDF and the Word
    document, so that an officer building the one response they are editing sees
    it a second or two sooner; should the documents then fail, the page before
    it is put back. ``office`` has already been checked with its templates
    (``preflight``). Raises ``RespgenError`` for a problem in the response.
    Without ``write``, the documents are drawn and returned in ``Built.drawn``
    for the caller to write (``respgen serve`` draws them in a warm process).
    ``drawn_elsewhere`` gives documents drawn in another process meanwhile (a
    single response's Word documents, see ``pool``): they are written with these,
    and the web pages describe them.
    """
    from respgen import rules
    from respgen.reading.source import read_response

    languages = tuple(office.languages)
    kinds = tuple(kinds) if kinds is not None else edition_kinds(languages)
    source = read_response(path, languages)
    problems = rules.review(source)
    if not source.response.is_draft:
        waiting = rules.office_placeholders(office, project.office_file)
        if waiting:
            problems += [
                Problem(
                    "this final response is not built while the office file still holds placeholder details",
                    file=path,
                    hint="Fill them in (see the messages about templates/office.yaml), or keep 'status: draft' until then.",
                ),
                *waiting,
            ]
    if strict:
        problems = [problem.as_strict_error() for problem in problems]
    if any(p.is_error for p in problems):
        raise RespgenError(problems)
    targets = project.outputs_for(path)
    by_language = {
        code: wanted
        for code in languages
        if (wanted := {format_of(kind): kind for kind in kinds if (language_of(kind) or languages[0]) == code})
    }
    earlier: dict[Path, bytes | None] = {}
    letters: dict[str, object] = {}
    pages_only = {code: {f: k for f, k in wanted.items() if f in WEB_KINDS} for code, wanted in by_language.items()}
    if page_first and write and {"pdf", "docx"} & {fmt for wanted in by_language.values() for fmt in wanted}:
        pages: dict[str, bytes] = {}
        for code, web in pages_only.items():
            if web:
                pages.update(_edition(project, office, source, code, web, targets, {}, letters))
        earlier = {targets[kind]: bytes_or_none(targets[kind]) for kind in pages}
        write_together({targets[kind]: data for kind, data in pages.items()})
    try:
        documents: dict[str, bytes] = {}
        for code, wanted in by_language.items():
            drawing = {f: k for f, k in wanted.items() if f not in WEB_KINDS}
            if drawing:
                documents.update(_edition(project, office, source, code, drawing, targets, documents, letters))
        if drawn_elsewhere is not None:
            documents.update(drawn_elsewhere())
        # The pages last: each names the size and pages of the documents beside it.
        for code, web in pages_only.items():
            if web:
                documents.update(_edition(project, office, source, code, web, targets, documents, letters))
        if write:
            write_together({targets[kind]: data for kind, data in documents.items()})
    except BaseException:
        put_back(earlier)
        raise
    return Built(
        Path(path),
        {kind: (targets[kind], hashlib.sha256(data).hexdigest()) for kind, data in documents.items()},
        warnings=problems,
        source_sha256=source.published_sha256,
        read_sha256=source.sha256,
        drawn={} if write else documents,
    )


def bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def put_back(earlier: dict[Path, bytes | None]) -> None:
    """Restore the files written early to what they were (removing those that were not there)."""
    if not earlier:
        return
    write_together({path: data for path, data in earlier.items() if data is not None})
    for path, data in earlier.items():
        if data is None:
            path.unlink(missing_ok=True)


def _edition(
    project: Project,
    office: Office,
    source: ResponseSource,
    code: str,
    wanted: dict[str, str],
    targets: dict[str, Path],
    drawn: dict[str, bytes],
    letters: dict,
) -> dict[str, bytes]:
    """The documents of the edition in ``code``: ``wanted`` maps each format to build to its kind;
    ``drawn`` holds the documents drawn so far (a page describes them), ``letters`` each edition's view."""
    from respgen import words as wording
    from respgen.letter import view

    languages = tuple(office.languages)
    letter = letters.get(code)
    if letter is None:
        words, _ = wording.load(project.templates, code)  # its problems stopped the build before (preflight)
        others = tuple(
            view.other_edition(words, wording.load(project.templates, other)[0], targets[kind_of("html", other, languages)].name)
            for other in languages
            if other != code
        )
        letter = letters[code] = view.letter(source.edition(code), office.in_language(code), project.templates, words, others)
    documents: dict[str, bytes] = {}
    # The renderers are heavy: import them only when building.
    if "docx" in wanted:
        from respgen.word import document as word

        documents[wanted["docx"]] = word.render(letter, project)
    if "pdf" in wanted:
        from respgen.pdf import engine

        engine.load()
        from respgen.pdf import document as pdf

        documents[wanted["pdf"]] = pdf.render(letter, source, project)
    if "html" in wanted or "fragment" in wanted:
        from respgen.web import page

        # The page names the size and pages of the documents beside it: those just drawn, or those already there.
        beside = {}
        for fmt in ("pdf", "docx"):
            kind = kind_of(fmt, code, languages)
            if kind in drawn or targets[kind].is_file():
                beside[fmt] = (targets[kind].name, drawn[kind] if kind in drawn else targets[kind].read_bytes())
        html, fragment = page.render(letter, project, beside)
        documents[kind_of("html", code, languages)], documents[kind_of("fragment", code, languages)] = html, fragment
    return documents


def build_one(project: Project, path: Path, *, strict: bool = False, kinds: tuple[str, ...] | None = None) -> Built:
    """Check the office's files, then build ``path`` in this process (for scripts and tests)."""
    from respgen.build.preflight import check_office

    return build_response(project, check_office(project), path, strict=strict, kinds=kinds)
