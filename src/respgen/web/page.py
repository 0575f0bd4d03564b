"""The web page of a response (output/<name>.html) and its fragment (output/<name>.fragment.html).

The page is drawn from the same ``Letter`` as the PDF and the Word document,
through templates/web.html and the macros it shares with the PDF's template.
It stands alone: its styles are inlined from templates/web.css and the logo is
written into it, so it works copied to a web server or opened from disk, and it
asks nothing of any other site. It holds no script of any kind.

The fragment is the letter's body alone (no letterhead, styles or heading one),
for pasting into the HTML view of the office's content management system.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

from markupsafe import Markup

from respgen.errors import Problem, RespgenError
from respgen.letter import html as letter_html
from respgen.letter import view
from respgen.pdf import lint as htmllint
from respgen.project import WEB_STYLESHEET, WEB_TEMPLATE, Project

MAX_STYLESHEET = 1_000_000  # far beyond any house style
_PICTURE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
# What a stylesheet inlined into a page could use to leave the <style> (even inside a comment),
# and, outside comments, to fetch from elsewhere or run.
_ENDS_STYLE = re.compile(r"</|<!--", re.IGNORECASE)
_FETCHES = re.compile(r"@import|url\(\s*['\"]?(?!data:)|expression\(|javascript:", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# What a page must never hold, whatever a template says: an element that runs or embeds
# something, an event handler, or an address that runs code.
_UNSAFE_ELEMENTS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "link"})
_ADDRESSES = frozenset({"href", "src", "action", "formaction", "data", "srcset", "poster"})


@dataclass(frozen=True)
class Attachment:
    """A document offered beside the page, described as GOV.UK describes attachments."""

    href: str
    title: str
    kind: str  # "PDF" | "MS Word Document"
    size: str  # "84 KB"
    pages: str = ""  # "3 pages"

    @property
    def details(self) -> str:
        """"PDF, 84 KB, 3 pages"."""
        return ", ".join(part for part in (self.kind, self.size, self.pages) if part)


def size_text(size: int) -> str:
    """A file's size as GOV.UK writes it: 840 bytes, 84 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pdf_pages(data: bytes) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return None


def attachments(letter: view.Letter, documents: dict[str, tuple[str, bytes]]) -> tuple[Attachment, ...]:
    """The PDF and the Word document beside the page; ``documents`` maps kind to (file name, bytes)."""
    w = letter.words
    found = []
    if "pdf" in documents:
        name, data = documents["pdf"]
        count = pdf_pages(data)
        pages = w("web.page" if count == 1 else "web.pages", count=count) if count else ""
        found.append(Attachment(quote(name), w("web.pdf_title", title=letter.title), w("web.pdf"), size_text(len(data)), pages))
    if "docx" in documents:
        name, data = documents["docx"]
        found.append(Attachment(quote(name), w("web.word_title", title=letter.title), w("web.word"), size_text(len(data))))
    return tuple(found)


def render(letter: view.Letter, project: Project, documents: dict[str, tuple[str, bytes]]) -> tuple[bytes, bytes]:
    """(the page, the fragment) for ``letter``, as UTF-8 bytes; the same letter always gives the same bytes."""
    context = {
        "letter": letter,
        "stylesheet": stylesheet(project),
        "logo": _logo(letter.logo),
        "attachments": attachments(letter, documents),
    }
    page = letter_html.render(project.templates, WEB_TEMPLATE, "web page template", fragment=False, **context)
    fragment = letter_html.render(project.templates, WEB_TEMPLATE, "web page template", fragment=True, **context)
    check(page, project)
    check(fragment, project, whole=False)
    return _bytes(page), _bytes(fragment)


def check(html: str, project: Project, *, whole: bool = True) -> None:
    """Refuse a page that would not be accessible, or that holds anything that could run."""
    problems = [f"the web page would not be accessible: {p}" for p in htmllint.lint(html)] if whole else []
    problems += [f"the web page would hold {found}, which could run code in a reader's browser" for found in _unsafe(html)]
    if problems:
        raise RespgenError(
            [Problem(p, file=project.templates / WEB_TEMPLATE, hint="Fix the template, then build again.") for p in problems]
        )


class _Elements(HTMLParser):
    """Collects what in a page could run: read as a browser reads it, so text that only looks like a tag is text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _UNSAFE_ELEMENTS:
            self.unsafe.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe.append(f"an event handler ({name})")
            elif name in _ADDRESSES and value and re.match(r"\s*(javascript|vbscript|file):", value, re.IGNORECASE):
                self.unsafe.append(f"a {value.split(':', 1)[0].strip()}: address")
            elif name == "http-equiv" and (value or "").lower() == "refresh":
                self.unsafe.append("a refresh")

    handle_startendtag = handle_starttag


def _unsafe(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.unsafe))


def stylesheet(project: Project) -> Markup:
    """templates/web.css, to inline in a <style>: refused if it could leave the <style> or fetch from elsewhere."""
    path = project.web_stylesheet
    try:
        if path.stat().st_size > MAX_STYLESHEET:
            raise RespgenError(f"the web page's stylesheet is larger than {MAX_STYLESHEET:,} bytes", file=path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RespgenError(
            f"there is no {WEB_STYLESHEET} in templates/", file=project.templates, hint="Copy it from the respgen examples."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RespgenError(f"the web page's stylesheet cannot be read ({exc})", file=path) from None
    # Comments are blanked (keeping their line breaks) so that a line number still points at the file.
    uncommented = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    if found := _ENDS_STYLE.search(text) or _FETCHES.search(uncommented):
        line = text.count("\n", 0, found.start()) + 1
        raise RespgenError(
            Problem(
                f"the web page's stylesheet uses {found.group(0).strip()!r}, which could load something from elsewhere"
                " or end the page's styles early",
                file=path,
                line=line,
                hint="A web page from respgen asks nothing of any other site: remove it (pictures go in office.yaml).",
            )
        )
    return Markup(text)  # checked above: it cannot leave the <style> element


def _logo(picture: view.Picture | None) -> str:
    """The logo as a data: address, so the page carries it (the office's pictures were checked before the build)."""
    if picture is None:
        return ""
    kind = _PICTURE_TYPES.get(picture.path.suffix.lower(), "image/png")
    return f"data:{kind};base64,{base64.b64encode(picture.path.read_bytes()).decode('ascii')}"


def _bytes(html: str) -> bytes:
    return (html.rstrip("\n") + "\n").encode("utf-8")
