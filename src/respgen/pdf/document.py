"""Draw the letter as an accessible, archival PDF.

The letter view goes through the Jinja2 template ``templates/response.html``
(values always escaped), the HTML is checked for the accessibility basics,
WeasyPrint draws it as PDF/A-3a with the house CSS, and ``pdfpost`` finishes
the file (PDF/UA-1, artifacts, the embedded source). WeasyPrint may only read
``data:`` URLs and files inside ``templates/`` and the response's own folder.

WeasyPrint is slow to import, so it is imported here only, on first use; the
parsed CSS, the font set-up and the Jinja environment are kept for the life of
the process, so building many responses pays for them once.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from respgen.errors import Problem, RespgenError
from respgen.letter import html as letter_html
from respgen.letter import view
from respgen.pdf import lint as htmllint
from respgen.pdf import post as pdfpost
from respgen.project import Project
from respgen.reading.source import ResponseSource

TEMPLATE = "response.html"
STYLESHEET = "response.css"
VARIANT = "pdf/a-3a"  # tagged, PDF/A-3 level A; pdfpost adds the PDF/UA-1 claim

_stylesheets: dict[tuple, object] = {}
_fonts: list[object] = []


def render(letter: view.Letter, source: ResponseSource, project: Project) -> bytes:
    """The finished PDF of ``letter``, as bytes."""
    html = render_html(letter, project)
    roots = (project.templates.resolve(), Path(source.path).resolve().parent)
    return draw(html, project, TEMPLATE, roots, (letter.logo, letter.signature), letter.date, source)


def draw(
    html: str,
    project: Project,
    template: str,
    roots: tuple[Path, ...],
    pictures: tuple[view.Picture | None, ...],
    day: dt.date,
    source: ResponseSource | None = None,
) -> bytes:
    """``html`` (from ``template``) checked, drawn and finished as PDF/A-3a and PDF/UA-1, with ``source`` embedded."""
    problems = htmllint.lint(html)
    if problems:
        where = project.templates / template
        raise RespgenError(
            [
                Problem(f"the PDF would not be accessible: {p}", file=where, hint="Fix the template, then build again.")
                for p in problems
            ]
        )
    drawn = _draw(html, pictures, project, roots, template)
    return pdfpost.finish(drawn, day, source)


def render_html(letter: view.Letter, project: Project) -> str:
    """The HTML behind the PDF (useful for checking the template)."""
    return render_template(project, TEMPLATE, letter=letter)


def render_template(project: Project, name: str, **context) -> str:
    """The HTML template ``name`` in templates/, filled in the sandbox with ``context``."""
    return letter_html.render(project.templates, name, "PDF template", **context)


# --- drawing -------------------------------------------------------------------------


def _draw(html: str, pictures: tuple[view.Picture | None, ...], project: Project, roots: tuple[Path, ...], template: str) -> bytes:
    import weasyprint

    from respgen.pdf import engine

    engine.mark_structure()
    fetcher = _fetcher(roots)
    base_url = TEMPLATES_URL
    handler = _Collect()
    errors = handler.errors
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        stylesheet = _stylesheet(project.templates, fetcher, base_url)
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        # pikepdf compresses every stream when post saves the file, so WeasyPrint need not.
        pdf = document.write_pdf(
            stylesheets=[stylesheet], font_config=_font_config(), pdf_variant=VARIANT, uncompressed_pdf=True
        )
    except _Blocked as exc:
        raise RespgenError(_blocked_problem(exc, pictures, project, base_url)) from None
    finally:
        logger.removeHandler(handler)
    if errors:
        raise RespgenError(
            [
                Problem(
                    f"the PDF could not be drawn properly: {message}",
                    file=project.templates / template,
                    hint="The PDF was not written. Fix the template or the office file, then build again.",
                )
                for message in errors
            ]
        )
    return pdf


class _Collect(logging.Handler):
    """Keeps WeasyPrint's error messages: it logs them and goes on writing a PDF that claims conformance."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(record.getMessage())


def _font_config():
    if not _fonts:
        from weasyprint.text.fonts import FontConfiguration

        _fonts.append(FontConfiguration())
    return _fonts[0]


def _stylesheet(templates: Path, fetcher, base_url: str):
    import weasyprint

    path = templates / STYLESHEET
    try:
        stat = path.stat()
    except OSError:
        raise RespgenError(
            f"there is no PDF stylesheet {STYLESHEET} in templates/",
            file=templates,
            hint="Copy response.html and response.css from the respgen examples into templates/.",
        ) from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, fetcher.roots)
    css = _stylesheets.get(key)
    if css is None:
        text = path.read_text(encoding="utf-8")
        css = weasyprint.CSS(string=text, base_url=base_url, url_fetcher=fetcher, font_config=_font_config())
        _stylesheets.clear()  # an edited stylesheet replaces the old one
        _stylesheets[key] = css
    return css


# --- the safe fetcher ----------------------------------------------------------------


class _Blocked(BaseException):
    """A reference the letter may not load, with the reason. A BaseException, as WeasyPrint's
    fatal fetch errors are: WeasyPrint turns any Exception into a warning and draws on."""

    def __init__(self, url: str, reason: str):
        super().__init__(url)
        self.url = url
        self.reason = reason


_fetcher_cache: dict[tuple[Path, ...], object] = {}


def _fetcher(roots: tuple[Path, ...]):
    fetcher = _fetcher_cache.get(roots)
    if fetcher is None:
        fetcher = _make_fetcher(roots)
        _fetcher_cache[roots] = fetcher
    return fetcher


# The template and stylesheet see templates/ at this address, whatever folder the office is in:
# WeasyPrint names each picture in the PDF after its address, and the PDF's bytes must not
# depend on where the project happens to be.
TEMPLATES_URL = "file:///templates/"


def _make_fetcher(roots: tuple[Path, ...]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Fatal(_Blocked, FatalURLFetchingError):
        pass

    class SafeFetcher(URLFetcher):
        """Loads data: URLs and files under ``roots``; anything else stops the build."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True, timeout=1)
            self.roots = roots

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise Fatal(url, "respgen never fetches anything from the network")
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise Fatal(url, "respgen never reads files from other machines")
            wanted = unquote(parts.path)
            virtual = urlsplit(TEMPLATES_URL).path
            try:
                path = (self.roots[0] / wanted[len(virtual):]).resolve() if wanted.startswith(virtual) else Path(wanted).resolve()
            except (OSError, RuntimeError):
                raise Fatal(url, "the file cannot be found") from None
            if not any(path.is_relative_to(root) for root in self.roots):
                raise Fatal(url, "it is outside templates/ and the response's folder, the only places respgen reads")
            try:
                body = path.read_bytes() if path.is_file() else None
            except OSError:
                body = None
            if body is None:
                raise Fatal(url, "the file cannot be found or read")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return SafeFetcher()


def _blocked_problem(blocked: _Blocked, pictures: tuple[view.Picture | None, ...], project: Project, base_url: str) -> Problem:
    """Name the reference as the officer wrote it, and the file it was written in."""
    for key, picture in zip(("logo", "signature"), pictures, strict=False):
        if picture is not None and picture.ref and urljoin(base_url, picture.ref) == blocked.url:
            return Problem(
                f"the {key} file {picture.ref!r} cannot be used: {blocked.reason}",
                file=project.office_file,
                hint=f"Put the picture in templates/ and write just its file name after '{key}: file:'.",
            )
    return Problem(
        f"the PDF template or stylesheet ({TEMPLATE}, {STYLESHEET}) refers to {blocked.url!r},"
        f" which cannot be used: {blocked.reason}",
        file=project.templates,
        hint="Refer only to files in templates/ (or data: URLs) in the template and the stylesheet.",
    )
