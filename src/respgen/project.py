"""Where an office's files live: responses/, templates/ and output/ under one folder.

A ``Project`` holds paths only; reading what is in them is for ``reading``.
The names of the house-style files are spelt here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from respgen.accessibility import LANGUAGES
from respgen.errors import RespgenError

OFFICE_FILE = "office.yaml"
WORD_TEMPLATE = "response.docx"
HTML_TEMPLATE = "response.html"
STYLESHEET = "response.css"
EMAIL_TEMPLATES = {"plain": "email.txt", "html": "email.html", "invitation": "invitation.txt"}
TRACKER_TEMPLATE = "tracker.html"
LETTER_TEXT = "letter-text.html"  # the macros the PDF's and the web page's templates share
WEB_TEMPLATE = "web.html"  # the web page of a response, and its fragment for a website's editor
WEB_STYLESHEET = "web.css"
INDEX_TEMPLATE = "index.html"  # the office's page listing every response
INDEX_PAGE = "index.html"  # in output/

# The documents of one edition of a response. A kind names one document: its format for the office's main
# language ("pdf"), and its format and language for each other edition ("pdf.cy").
FORMATS = ("docx", "pdf", "html", "fragment")
_ENDINGS = {"docx": ".docx", "pdf": ".pdf", "html": ".html", "fragment": ".fragment.html"}
_languages_read: dict[Path, tuple[Any, tuple[str, ...]]] = {}


def format_of(kind: str) -> str:
    """``pdf`` for ``pdf`` and ``pdf.cy``."""
    return kind.split(".", 1)[0]


def language_of(kind: str) -> str | None:
    """``cy`` for ``pdf.cy``; None for a document of the main edition."""
    return kind.split(".", 1)[1] if "." in kind else None


def kind_of(fmt: str, code: str, languages: tuple[str, ...]) -> str:
    """The kind of the document in ``fmt`` of the edition in ``code``, of an office publishing in ``languages``."""
    return fmt if code == languages[0] else f"{fmt}.{code}"


def written_languages(office_data: object) -> tuple[str, ...]:
    """The languages the office file's data names (``languages: cy`` or ``[en, cy]``), each once, main first;
    English when it names none, or one respgen does not know (validating the file then says which)."""
    written = office_data.get("languages", "en") if isinstance(office_data, dict) else "en"
    written = [written] if isinstance(written, str) else written
    if isinstance(written, list) and written and all(code in LANGUAGES for code in written):
        return tuple(dict.fromkeys(written))
    return ("en",)


def edition_kinds(languages: tuple[str, ...], formats: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """Every kind of document of a response in ``languages`` (the main one first)."""
    return tuple(kind_of(fmt, code, languages) for code in languages for fmt in formats)


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project in ``start`` (default: the current folder)."""
        root = Path(start or Path.cwd()).resolve()
        if not (root / "templates").is_dir():
            raise RespgenError(
                f"there is no templates/ folder in {root}",
                hint="Run respgen from the office's respgen folder (the one holding responses/ and templates/).",
            )
        project = cls(root)
        for folder in (project.templates, project.responses, project.output):
            if not project.inside(folder):
                raise RespgenError(
                    f"{folder.name}/ is a link to a folder outside the office folder; respgen reads and writes only inside it",
                    file=folder,
                    hint=f"Make {folder.name}/ an ordinary folder inside {root}.",
                )
        return project

    def inside(self, path: Path) -> bool:
        """Whether ``path``, once links are followed, is within the office folder."""
        try:
            return Path(path).resolve().is_relative_to(self.root.resolve())
        except (OSError, RuntimeError):
            return False

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def responses(self) -> Path:
        return self.root / "responses"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def office_file(self) -> Path:
        return self.templates / OFFICE_FILE

    @property
    def word_template(self) -> Path:
        return self.templates / WORD_TEMPLATE

    @property
    def html_template(self) -> Path:
        return self.templates / HTML_TEMPLATE

    @property
    def stylesheet(self) -> Path:
        return self.templates / STYLESHEET

    @property
    def tracker_template(self) -> Path:
        return self.templates / TRACKER_TEMPLATE

    def email_template(self, kind: str, language: str | None = None) -> Path:
        """The email template of ``kind``; in another language than English, its own when the office has one
        (email.cy.txt), else the English one."""
        path = self.templates / EMAIL_TEMPLATES[kind]
        if language and language != "en":
            own = path.with_name(f"{path.stem}.{language}{path.suffix}")
            if own.is_file():
                return own
        return path

    def response_files(self) -> list[Path]:
        """Every response file, in name order."""
        if not self.responses.is_dir():
            return []
        return sorted(p for p in self.responses.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())

    def relative(self, path: Path) -> str:
        """``path`` as named from the office folder (responses/x.yaml), or as given when outside it."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the office publishes in (office.yaml's ``languages``), its main one first.

        Read without validating, so that planning a build stays quick: English when
        the file does not say, or says something respgen does not know (the build's
        check of the office file then says what).
        """
        path = self.office_file
        try:
            stat = path.stat()
            key = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            return ("en",)
        known = _languages_read.get(path)
        if known is not None and known[0] == key:
            return known[1]
        from respgen.reading.loader import load_yaml

        try:
            data, _ = load_yaml(path)
        except RespgenError:
            data = None
        languages = written_languages(data)
        _languages_read[path] = (key, languages)
        return languages

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of document a response of this office has, in each of its languages."""
        return edition_kinds(self.languages)

    def outputs_for(self, response_file: Path) -> dict[str, Path]:
        """Each document of ``response_file`` in output/: <name>.pdf, and <name>.cy.pdf for a Welsh edition."""
        stem = Path(response_file).stem
        languages = self.languages
        found = {}
        for kind in edition_kinds(languages):
            code = language_of(kind)
            found[kind] = self.output / f"{stem}{'.' + code if code else ''}{_ENDINGS[format_of(kind)]}"
        return found

    @property
    def web_template(self) -> Path:
        return self.templates / WEB_TEMPLATE

    @property
    def web_stylesheet(self) -> Path:
        return self.templates / WEB_STYLESHEET

    @property
    def index_template(self) -> Path:
        return self.templates / INDEX_TEMPLATE

    @property
    def index_page(self) -> Path:
        return self.output / INDEX_PAGE

    def built_files(self) -> list[Path]:
        """Every PDF and Word document in output/, in name order."""
        if not self.output.is_dir():
            return []
        return sorted(p for p in self.output.iterdir() if p.suffix in (".pdf", ".docx") and p.is_file())
