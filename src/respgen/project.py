"""Where an office's files live: responses/, templates/ and output/ under one folder.

A ``Project`` holds paths only; reading what is in them is for ``reading``.
The names of the house-style files are spelt here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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

    def email_template(self, kind: str) -> Path:
        return self.templates / EMAIL_TEMPLATES[kind]

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

    def outputs_for(self, response_file: Path) -> dict[str, Path]:
        stem = Path(response_file).stem
        return {
            "docx": self.output / f"{stem}.docx",
            "pdf": self.output / f"{stem}.pdf",
            "html": self.output / f"{stem}.html",
            "fragment": self.output / f"{stem}.fragment.html",
        }

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
