"""Checks on the office's files, once per build, before any response is rendered.

A missing or damaged Word template, a broken tag in it, a logo that is not a
picture or a picture named outside templates/ would otherwise surface as a
failure deep inside a renderer, once for every response. Here each gets one
message that says which file is wrong and what to do, and nothing is read
from outside templates/.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from respgen.accessibility import MIN_CONTRAST, contrast
from respgen.errors import Problem, RespgenError
from respgen.project import LETTER_TEXT, Project

if TYPE_CHECKING:  # the model pulls in pydantic, which a build with nothing to do never needs
    from respgen.reading.model import Office

# Pictures both renderers can draw. SVG is refused: it can name other files and web addresses.
PICTURE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF"}
MAX_PICTURE_BYTES = 10 * 1024 * 1024
MAX_PICTURE_PIXELS = 40_000_000


def check_office(project: Project, kinds: tuple[str, ...] | set[str] = ("docx", "pdf", "html")) -> Office:
    """The office, read and checked with the templates that ``kinds`` of document use, and its pictures.

    Raises ``RespgenError`` with every problem. A build of the web pages alone
    never opens the Word template, so it never imports docxtpl either.
    """
    linked = _linked_outside(project)
    if linked:
        raise RespgenError(linked)
    office, problems = _office(project)
    if office is not None:
        from respgen import words

        for code in office.languages:
            problems += words.load(project.templates, code)[1]
    if "docx" in kinds:
        from respgen.word.template import build_problems

        problems += build_problems(project.word_template)
    if "pdf" in kinds or "html" in kinds or "fragment" in kinds:
        problems += _html_template_problems(project, web="html" in kinds or "fragment" in kinds)
    if "html" in kinds or "fragment" in kinds:
        from respgen.web.page import stylesheet

        try:
            stylesheet(project)
        except RespgenError as exc:
            problems += exc.problems
    if problems or office is None:
        raise RespgenError(problems)
    return office


def _linked_outside(project: Project) -> list[Problem]:
    """The house-style files that are links to files outside templates/: never read."""
    files = [project.office_file, project.word_template, project.html_template, project.stylesheet]
    files += [project.email_template(kind) for kind in ("plain", "html", "invitation")] + [project.tracker_template]
    files += [project.web_template, project.web_stylesheet, project.index_template, project.templates / LETTER_TEXT]
    root = project.templates.resolve()
    return [
        Problem(
            f"templates/{path.name} is a link to a file outside templates/; respgen reads only the files kept there",
            file=path,
            hint="Copy the file into templates/ instead of linking to it.",
        )
        for path in files
        if path.is_symlink() and not path.resolve().is_relative_to(root)
    ]


# --- the office file and the pictures it names -------------------------------------------


def _office(project: Project) -> tuple[Office | None, list[Problem]]:
    from respgen.reading.loader import load_yaml
    from respgen.reading.source import read_office

    try:
        office = read_office(project.office_file)
    except RespgenError as exc:
        return None, list(exc.problems)
    _, locator = load_yaml(project.office_file)
    problems = []
    for key in ("primary", "accent"):
        colour = getattr(office.colours, key)
        ratio = contrast(colour)
        if ratio < MIN_CONTRAST:
            problems.append(
                locator.problem(
                    ("colours", key),
                    f"the colour {colour} has a contrast of {ratio:.1f}:1 with the white page; headings and table"
                    f" headers in it need at least {MIN_CONTRAST}:1 to be readable (WCAG AA)",
                    "Choose a darker shade of the office colour (a contrast checker shows the ratio).",
                )
            )
    for key in ("logo", "signature"):
        image = getattr(office, key)
        if image is None:
            continue
        problem = picture_problem(project.templates, image.file)
        if problem:
            message, hint = problem
            problems.append(locator.problem((key, "file"), f"the {key} '{image.file}' {message}", hint))
    return office, problems


def picture_problem(templates: Path, name: str) -> tuple[str, str] | None:
    """Why the picture ``name`` (as the office file gives it) cannot be used, or None if it can."""
    inside = "Put the picture in the templates/ folder and give just its name, for example 'logo.png'."
    lowered = name.strip().lower()
    if "://" in lowered or lowered.startswith(("file:", "data:", "http:", "https:", "ftp:", "//", "\\\\")):
        return "is a web address or link; respgen only uses pictures kept in the templates/ folder", inside
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or name.startswith("~"):
        return "is a path elsewhere on the computer; respgen only uses pictures kept in the templates/ folder", inside
    root = templates.resolve()
    path = (templates / name).resolve()
    if path != root and root not in path.parents:
        return "points outside the templates/ folder; respgen only uses pictures kept there", inside
    if not path.exists():
        return "is not in the templates/ folder", "Put the picture there under that name, or correct the name in office.yaml."
    if not path.is_file():
        return "is a folder, not a picture", inside
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot be read ({exc.strerror})", "Check that you may read the file."
    if size > MAX_PICTURE_BYTES:
        return (
            f"is {size / 1024 / 1024:.0f} MB, too big for a letterhead picture",
            "Save a smaller copy (a logo needs well under 1 MB) and use that.",
        )
    return _not_a_picture(path)


def _not_a_picture(path: Path) -> tuple[str, str] | None:
    from PIL import Image

    again = "Save it again as a PNG or JPEG picture (for example with Paint: File > Save As > PNG picture)."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind = image.format
                width, height = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "is far too large a picture (in pixels) for a letterhead", "Save a smaller copy and use that."
    except Exception as exc:  # Pillow raises many kinds for a file that is not a picture
        drawing = _drawing_kind(path)
        if drawing:
            return f"is {drawing}, a kind of picture the documents cannot hold", again.replace(
                "(for example with Paint: File > Save As > PNG picture)", "(export it as PNG from the program that drew it)"
            )
        detail = "the file is not a picture" if "cannot identify" in str(exc) else "the picture is damaged or cut short"
        return f"cannot be used: {detail}", again
    if kind not in PICTURE_FORMATS:
        return f"is a {kind} picture, which the documents cannot hold", again
    if width * height > MAX_PICTURE_PIXELS:
        return f"is {width} × {height} pixels, far too large for a letterhead", "Save a smaller copy and use that."
    return None


def _drawing_kind(path: Path) -> str | None:
    """The kind of drawing (not a PNG or JPEG) the file holds, named as its maker would: an SVG, say."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(4096)
    except OSError:
        return None
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text and (text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg"))):
        return "an SVG drawing"
    if text.startswith(b"%pdf"):
        return "a PDF"
    if start[:4] in (b"\x01\x00\x00\x00", b"\xd7\xcd\xc6\x9a"):
        return "a Windows metafile (EMF or WMF)"
    return None


# --- the PDF's HTML template and style sheet -------------------------------------------


def _html_template_problems(project: Project, web: bool = False) -> list[Problem]:
    """The HTML templates (the PDF's, the shared text macros, and with ``web`` the web page's and the list's)."""
    from respgen import sandbox

    problems = []
    restore = "Put the file back from the respgen folder's history, or ask whoever looks after respgen."
    needed = [(project.html_template, "the PDF", "the PDF template"), (project.stylesheet, "the PDF", ""),
              (project.templates / LETTER_TEXT, "the PDF", "the PDF template's text macros")]  # fmt: skip
    if web:
        needed += [(project.web_template, "the web page", "the web page template"), (project.web_stylesheet, "the web page", ""),
                   (project.index_template, "output/index.html", "the template of output/index.html")]  # fmt: skip
    for path, drawn, what in needed:
        if not path.is_file():
            problems.append(Problem(f"templates/{path.name}, which {drawn} is drawn from, is missing", file=path, hint=restore))
        elif what:
            problems += sandbox.file_problems(path, what)
    return problems
