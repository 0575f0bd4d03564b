"""The Word template, templates/response.docx, and everything respgen asks of it.

The communications team owns this file and edits it in Word, so it is checked
in one place with one set of rules: ``build_problems`` is what a build needs
(a file that opens, with every tag whole), and ``check_template`` is
'respgen check-template', which adds the styles respgen writes, alt text,
names respgen does not supply and a trial fill with a sample response.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

from docx.oxml.ns import qn
from jinja2 import TemplateSyntaxError

from respgen import sandbox
from respgen.errors import Problem, RespgenError, Severity
from respgen.word.document import REQUIRED_STYLES, VARIABLES, render_with, tag_sources
from respgen.word.parts import open_document, stories, style_names, text_of

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and other old Office files
_RESTORE = (
    "Put back the office's Word template as templates/response.docx (the original is in the respgen folder's"
    " history, or ask whoever looks after respgen)."
)
_RESAVE = "Open it in Word and use File > Save As > 'Word Document (*.docx)', then run respgen again."


def build_problems(path: Path) -> list[Problem]:
    """What stops ``path`` filling in: a file that does not open, a broken tag, or a tag that reaches too far."""
    document, problems = _opened(path)
    if document is None:
        return problems
    return _broken_tags(path, document) or _unsafe_tags(path, document) + _unknown_names(document, path)


def _opened(path: Path):
    """(python-docx Document or None, problems) for the template at ``path``."""
    problems = file_problems(path)
    if problems:
        return None, problems
    return open_document(path, "template")


def file_problems(path: Path) -> list[Problem]:
    """Whether ``path`` is a Word document at all, with a message for each way it is not."""
    if not path.exists():
        return [Problem(f"there is no such file: the Word template {path.name} is missing", file=path, hint=_RESTORE)]
    if not path.is_file():
        return [Problem(f"{path.name} is a folder, not a Word document", file=path, hint=_RESTORE)]
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return [Problem(f"the Word template cannot be read: {exc.strerror}", file=path, hint="Check that you may read it.")]
    if head == _OLE_MAGIC:
        return [Problem("the Word template is in the old Word 97-2003 format (.doc), not .docx", file=path, hint=_RESAVE)]
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in set(archive.namelist()):
                return [
                    Problem(
                        "the Word template is not a Word document: it has no document body (word/document.xml)",
                        file=path,
                        hint=_RESTORE,
                    )
                ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, ValueError) as exc:
        detail = "it is not a .docx file" if isinstance(exc, zipfile.BadZipFile) else f"it is damaged ({exc})"
        return [Problem(f"the Word template cannot be opened: {detail}", file=path, hint=f"{_RESAVE} Or: {_RESTORE}")]
    return []



_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_SPACED = re.compile(r"\{\s+[{%#]|[}%#]\s+\}")


def check_template(path) -> list[Problem]:
    """Every problem in the Word template at ``path`` that would break or spoil a build."""
    path = Path(path)
    document, problems = _opened(path)
    if document is None:
        return problems

    def fail(message: str, hint: str | None = None, severity: Severity = "error") -> None:
        problems.append(Problem(message, file=path, hint=hint, severity=severity))

    # The styles respgen writes by name.
    names = style_names(document)
    present = set(names.values())
    for name in REQUIRED_STYLES:
        if name not in present:
            fail(f"the template has no style named '{name}'", "Add the style in Word (Styles pane, New Style) with exactly this name; respgen puts text in it.")
    used: set[str] = set()
    for _, root in stories(document):
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(e.get(qn("w:val")) for e in root.iter(qn(tag)))
    for style_id in sorted(used - set(names)):
        fail(f"the template uses a style '{style_id}' that it does not define", "Apply an existing style to that text in Word.")
    for name in ("List Bullet", "List Number"):
        if name in present and document.styles[name].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is None:
            fail(f"the style '{name}' has no bullets or numbers attached", "In Word: modify the style, Format, Numbering, and choose a list format.", "warning")

    # Pictures the communications team put into the template need alt text too.
    for where, root in stories(document):
        for doc_pr in root.iter(qn("wp:docPr")):
            if not (doc_pr.get("descr") or "").strip():
                fail(f"the picture '{doc_pr.get('name') or ''}' in {where} of the template has no alt text", "In Word: right-click the picture, Edit Alt Text.")

    for message in _watermark_problems(document):
        fail(message, "Restore templates/response.docx, or in Word: Design, Watermark, Custom Watermark, text DRAFT, in each"
             " of the headers (the first page's too), between {% if draft %} and {% endif %}.")

    # Tags must be whole within one paragraph, as Word shows them.
    broken = _broken_tags(path, document)
    problems += broken
    for where, root in stories(document):
        for p in root.iter(qn("w:p")):
            text = text_of(p)
            if not _broken_tag(text) and re.search(r"\{%(p|tr|tc|r)\s", text) and _TAG.sub("", re.sub(r"\{%.*?%\}", "", text)).strip():
                fail(f"the text beside a {{%p %}} or {{%tr %}} tag is dropped when respgen fills in the template, in {where}: \"{_short(text)}\"", "Put such tags alone in their own paragraph.", "warning")
    if broken:
        return problems

    problems.extend(_unsafe_tags(path, document))
    problems.extend(_unknown_names(document, path))
    if not any(p.is_error for p in problems):
        problems.extend(_trial_render(path))
    return problems


_HEADER_PLACES = {"first": "the first page's header", "default": "the page header", "even": "the even pages' header"}


def _watermark_problems(document) -> list[str]:
    """A draft says DRAFT across every page: each header the document uses must carry the watermark."""
    body = document.element.body
    problems: list[str] = []
    for sect_pr in body.iter(qn("w:sectPr")):
        first_page = sect_pr.find(qn("w:titlePg")) is not None
        for reference in sect_pr.findall(qn("w:headerReference")):
            kind = reference.get(qn("w:type")) or "default"
            if kind == "first" and not first_page:
                continue
            part = document.part.related_parts.get(reference.get(qn("r:id")))
            root = getattr(part, "element", None)
            if root is None:
                continue
            text = text_of(root)
            marked = any((path.get("string") or "").strip().upper() == "DRAFT" for path in root.iter("{urn:schemas-microsoft-com:vml}textpath"))
            marked = marked or "DRAFT" in re.sub(r"\{%.*?%\}", "", text).upper()
            conditional = re.search(r"\{%\s*if\s+draft\s*%\}", text) is not None
            if not marked:
                problems.append(f"{_HEADER_PLACES.get(kind, 'a page header')} has no DRAFT watermark, so a draft's pages there would not say so")
            elif not conditional:
                problems.append(f"the DRAFT watermark in {_HEADER_PLACES.get(kind, 'a page header')} is not inside {{% if draft %}}, so a final response would show it too")
    return problems


def _broken_tag(text: str) -> str | None:
    spaced = _SPACED.search(text)
    if spaced:
        return f"a tag has a space between its brackets ('{spaced.group(0)}')"
    expected = None
    for match in _TAG.finditer(text):
        token = match.group(0)
        if token in _CLOSER:
            if expected:
                return f"the tag before '{token}' is not closed"
            expected = _CLOSER[token]
        elif token != expected:
            return f"'{token}' closes a tag that was never opened (Word may have split or broken it)"
        else:
            expected = None
    if expected:
        return f"a tag is not closed with '{expected}' in the same paragraph (Word may have split it across paragraphs)"
    return None


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _broken_tags(path: Path, document) -> list[Problem]:
    """The one rule for a broken tag, at build time and in 'respgen check-template'.

    A tag that lost a brace can still parse: docxtpl then silently swallows
    everything up to the next tag (a missing letterhead, say). So every
    paragraph's tags must be whole, as well as each part as a whole parse.
    """
    problems: list[Problem] = []
    for where, root in stories(document):
        for p in root.iter(qn("w:p")):
            text = text_of(p)
            message = _broken_tag(text)
            if message:
                problems.append(
                    Problem(
                        f"{message} in {where}, in the paragraph: \"{_short(text)}\"",
                        file=path,
                        hint="Open templates/response.docx in Word and retype the whole tag in one go, with both"
                        " brackets, e.g. {{ title }} or {%p if draft %}; then save it and run respgen again.",
                    )
                )
    if problems:
        return problems
    env = sandbox.environment()
    for where, xml in tag_sources(stories(document)):
        try:
            env.parse(xml)
        except TemplateSyntaxError as exc:
            lines = xml.splitlines()
            around = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
            problems.append(
                Problem(
                    f"a tag in {where} is broken ({exc.message}), near the paragraph: \"{_short(re.sub(r'<[^>]+>', '', around))}\"",
                    file=path,
                    hint="Every {%p if %} needs an {%p endif %} and every {%p for %} an {%p endfor %}; check the spelling inside the tags.",
                )
            )
    return problems


def _unsafe_tags(path: Path, document) -> list[Problem]:
    """Tags that reach past the values respgen gives the template: never built, whoever wrote them."""
    problems = []
    sources = tag_sources(stories(document)) + [
        (f"the document property '{prop}'", getattr(document.core_properties, prop) or "") for prop in _PROPERTIES
    ]
    for where, xml in sources:
        try:
            found = sandbox.unsafe_tags(xml)
        except TemplateSyntaxError:
            continue  # reported as a broken tag
        lines = xml.splitlines()
        for line, what in found:
            around = re.sub(r"<[^>]+>", "", lines[line - 1]) if 0 < line <= len(lines) else ""
            problems.append(
                Problem(
                    f"a tag in {where} reaches {what}, which respgen never gives a template,"
                    f" in the paragraph: \"{_short(around)}\"",
                    file=path,
                    hint="Nothing is built with such a tag. Remove it in Word, or put back the office's own template:"
                    " a template from elsewhere may have been made to do harm.",
                )
            )
    return problems


_PROPERTIES = ("title", "subject", "author", "comments", "keywords", "category")


def _unknown_names(document, path: Path) -> list[Problem]:
    from jinja2 import meta

    env = sandbox.environment()
    problems: list[Problem] = []
    variables: dict[str, str] = {}
    for _where, xml in tag_sources(stories(document)):
        try:
            parsed = env.parse(xml)
        except TemplateSyntaxError:
            continue  # reported by _broken_tags
        for name in meta.find_undeclared_variables(parsed):
            for line in xml.splitlines():
                if re.search(r"[{%][^}%]*\b" + re.escape(name) + r"\b", line):
                    variables.setdefault(name, re.sub(r"<[^>]+>", "", line))
                    break
            variables.setdefault(name, "")
    for prop in _PROPERTIES:
        value = getattr(document.core_properties, prop) or ""
        try:
            env.parse(value)
        except TemplateSyntaxError:
            problems.append(
                Problem(
                    f"the document property '{prop}' contains curly-bracket tags that cannot be read: \"{_short(value)}\"",
                    file=path,
                    hint="In Word: File, Info, Properties; remove the {{ }} or {% %} from it.",
                )
            )
    for name in sorted(set(variables) - VARIABLES):
        guess = difflib.get_close_matches(name, sorted(VARIABLES), n=1)
        where = f", in the paragraph: \"{_short(variables[name])}\"" if variables[name] else ""
        problems.append(
            Problem(
                f"the template uses '{name}', which respgen does not supply{where}",
                file=path,
                hint=(f"Did you mean '{guess[0]}'? " if guess else "")
                + "The names respgen supplies are: " + ", ".join(sorted(VARIABLES)) + ".",
            )
        )
    return problems


def _trial_render(path: Path) -> list[Problem]:
    """Fill the template with a sample response, so misspelt fields (section.hedding) show up too."""

    try:
        render_with(path, _sample_letter(), strict=True)
    except RespgenError as exc:
        return [
            Problem(p.message, file=path, hint="Check the spelling of the names inside the tags, e.g. {{ section.heading }}.")
            for p in exc.problems
        ]
    return []


def _sample_letter():
    """A response that uses every section, for the trial fill."""
    import datetime as dt

    from respgen.letter import view
    from respgen.reading.model import Office, Response

    item = {
        "ref": "1", "text": "A recommendation with a [link](https://example.org/).", "addressed_to": "Chief constables",
        "response": "- done\n- to do", "owner": "Owner", "due": dt.date(2024, 1, 31), "progress": "in progress",
    }  # fmt: skip
    findings = {"summary": "Summary.", "items": [item, {**item, "ref": "2", "applies": False}]}
    response = Response.model_validate(
        {
            "inspection": {"title": "Sample", "published": dt.date(2023, 1, 10), "type": "National", "url": "https://example.org/"},
            "date": dt.date(2023, 2, 1),
            "status": "draft",
            "key_findings": {"summary": "Found:", "points": ["one", "two"]},
            "recommendations": findings,
            "areas_for_improvement": findings,
            "causes_of_concern": findings,
            "response": {"commissioner": "Comments.\n\n1. first\n2. second", "chief_constable": "> Quoted."},
        }
    )
    person = {"name": "Name", "title": "Title"}
    office = Office.model_validate(
        {
            "name": "Office", "force": "Force", "commissioner": person, "chief_constable": person,
            "address": ["Street", "Town"], "recipients": [{"name": "Name", "role": "Role", "address": ["Line"]}],
        }
    )  # fmt: skip
    return view.letter(response, office, Path("."))
