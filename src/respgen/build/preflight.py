"""Checks on the office's files before anything is rendered.

A missing or damaged Word template, a broken tag in it, a logo that is not a
picture or a picture named outside templates/ would otherwise surface as a
failure deep inside a renderer. Here each gets a message that says which file
is wrong and what to do, and nothing is read from outside templates/.

The checks run once per build for each state of the files (they are cheap,
but a broken office file should be reported once, not once per response).
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

from respgen.errors import Problem, RespgenError
from respgen.project import Project

WORD_TEMPLATE = "response.docx"
HTML_TEMPLATE = "response.html"
STYLESHEET = "response.css"

# Pictures both renderers can draw. SVG is refused: it can name other files and web addresses.
PICTURE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF"}
MAX_PICTURE_BYTES = 10 * 1024 * 1024
MAX_PICTURE_PIXELS = 40_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and other old Office files
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")

# signature of the checked files -> the problems found (empty when all is well)
_checked: dict[tuple, list[Problem]] = {}


def check(project: Project, response_file: Path | None = None) -> None:
    """Raise ``RespgenError`` if the office's files cannot be used to build ``response_file``."""
    key = _signature(project)
    if key in _checked:
        problems = _checked[key]
        if problems and response_file is not None:
            # Reported in full the first time; after that, say why this response was not built.
            raise RespgenError(
                Problem(
                    "not built, because of the problems with the files in templates/ reported above",
                    file=response_file,
                    hint="Fix those, then run 'respgen build' again.",
                )
            )
        if problems:
            raise RespgenError(problems)
        return
    problems = _office_problems(project)
    problems += _word_template_problems(project.templates / WORD_TEMPLATE)
    problems += _html_template_problems(project.templates)
    _checked[key] = problems
    if problems:
        raise RespgenError(problems)


def _signature(project: Project) -> tuple:
    """What the checks depend on: the templates folder and the size and time of each file in it."""
    root = project.templates
    entries = []
    try:
        for path in sorted(root.rglob("*")):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    except OSError:
        pass
    return (str(root.resolve()), tuple(entries))


# --- the office file and the pictures it names -------------------------------------------


def _office_problems(project: Project) -> list[Problem]:
    from respgen.reading.loader import load_yaml

    try:
        office = project.office
    except RespgenError as exc:
        return list(exc.problems)
    _, locator = load_yaml(project.office_file)
    problems = []
    for key in ("logo", "signature"):
        image = getattr(office, key)
        if image is None:
            continue
        problem = picture_problem(project.templates, image.file)
        if problem:
            message, hint = problem
            problems.append(locator.problem((key, "file"), f"the {key} '{image.file}' {message}", hint))
    return problems


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
        detail = "the file is not a picture" if "cannot identify" in str(exc) else f"the picture is damaged ({exc})"
        return f"cannot be used: {detail}", again
    if kind not in PICTURE_FORMATS:
        return f"is a {kind} picture, which the documents cannot hold", again
    if width * height > MAX_PICTURE_PIXELS:
        return f"is {width} × {height} pixels, far too large for a letterhead", "Save a smaller copy and use that."
    return None


# --- the Word template -----------------------------------------------------------------


def _word_template_problems(path: Path) -> list[Problem]:
    restore = (
        "Put back the office's Word template as templates/response.docx (the original is in the respgen folder's"
        " history, or ask whoever looks after respgen)."
    )
    resave = "Open it in Word and use File > Save As > 'Word Document (*.docx)', then run respgen again."
    if not path.exists():
        return [Problem("the Word template templates/response.docx is missing", file=path, hint=restore)]
    if not path.is_file():
        return [Problem("templates/response.docx is a folder, not a Word document", file=path, hint=restore)]
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return [Problem(f"the Word template cannot be read: {exc.strerror}", file=path, hint="Check that you may read it.")]
    if head == _OLE_MAGIC:
        return [Problem("the Word template is in the old Word 97-2003 format (.doc), not .docx", file=path, hint=resave)]
    parts: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                return [
                    Problem(
                        "the Word template is not a Word document: it has no document body (word/document.xml)",
                        file=path,
                        hint=restore,
                    )
                ]
            for name in names:
                if _TAG_PARTS.match(name):
                    parts[name] = archive.read(name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, ValueError) as exc:
        detail = "it is not a .docx file" if isinstance(exc, zipfile.BadZipFile) else f"it is damaged ({exc})"
        return [Problem(f"the Word template cannot be opened: {detail}", file=path, hint=f"{resave} Or: {restore}")]
    problems = []
    for name in sorted(parts):
        problems += _part_problems(path, name, parts[name], resave, restore)
    return problems


def _part_problems(path: Path, name: str, data: bytes, resave: str, restore: str) -> list[Problem]:
    from lxml import etree

    where = _part_name(name)
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [Problem(f"the Word template is damaged: its {where} cannot be read ({exc})", file=path, hint=f"{resave} Or: {restore}")]
    return _tag_problems(path, where, root, data.decode("utf-8", "replace"))


def _part_name(name: str) -> str:
    stem = name.removeprefix("word/").removesuffix(".xml")
    if stem.startswith("header"):
        return "page header"
    if stem.startswith("footer"):
        return "page footer"
    return {"document": "body", "footnotes": "footnotes", "endnotes": "endnotes"}.get(stem, stem)


def _tag_problems(path: Path, where: str, root, xml: str) -> list[Problem]:
    """Find a broken tag, and name the paragraph it is in.

    A tag that lost a brace can still parse: docxtpl then silently swallows
    everything up to the next tag (a missing letterhead, say). So every
    paragraph's tags must be whole, as well as the template as a whole parse.
    """
    import jinja2
    from docxtpl import DocxTemplate

    hint = (
        "Open templates/response.docx in Word and check that every '{{' has its '}}' and every '{%' its '%}',"
        " spelt as in the original template; then save it and run respgen again."
    )
    suspects = [text for text in _paragraph_texts(root) if _unbalanced(text)]
    if suspects:
        return [
            Problem(f"a tag in the Word template's {where} is broken, in the paragraph “{_short(text)}”", file=path, hint=hint)
            for text in suspects
        ]
    try:
        jinja2.Environment().parse(DocxTemplate(path).patch_xml(xml))
    except jinja2.TemplateSyntaxError as exc:
        return [Problem(f"a tag in the Word template's {where} is broken: {exc.message}", file=path, hint=hint)]
    except Exception:  # anything else is for the renderer to report with its own detail
        return []
    return []


def _paragraph_texts(root) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")]


def _unbalanced(text: str) -> bool:
    return text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}") or bool(
        re.search(r"\{\{[^}]*\{\{|\{%[^%]*\{%", text)
    )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the PDF's HTML template and style sheet -------------------------------------------


def _html_template_problems(templates: Path) -> list[Problem]:
    import jinja2

    problems = []
    restore = "Put the file back from the respgen folder's history, or ask whoever looks after respgen."
    for name in (HTML_TEMPLATE, STYLESHEET):
        if not (templates / name).is_file():
            problems.append(Problem(f"templates/{name}, which the PDF is drawn from, is missing", file=templates / name, hint=restore))
    html = templates / HTML_TEMPLATE
    if html.is_file():
        try:
            jinja2.Environment().parse(html.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem("the PDF template is not UTF-8 text", file=html, hint="Save it again as UTF-8."))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(
                Problem(
                    f"a tag in the PDF template is broken: {exc.message}",
                    file=html,
                    line=exc.lineno,
                    hint="Check that every '{{' has its '}}' and every '{%' its '%}'. " + restore,
                )
            )
        except OSError as exc:
            problems.append(Problem(f"the PDF template cannot be read: {exc.strerror}", file=html))
    return problems
