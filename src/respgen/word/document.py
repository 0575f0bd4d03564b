"""The Word document: the letter drawn into the office's house-style template.

The template (templates/response.docx) belongs to the communications team:
its styles, header and footer decide the look, and respgen only fills in the
tags. Rich text becomes real Word paragraphs in the template's named styles,
with real lists, quotations and hyperlinks (see ``wordxml``).

After docxtpl has rendered, respgen makes the file meet the accessibility
rules whatever the template says (alt text on every picture, a repeating
header row on every table, en-GB as the document language), sets the core
properties with python-docx (docxtpl would escape them twice), and writes the
zip with fixed times, so the same response always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from docx.oxml.ns import qn
from docx.shared import Mm

from respgen import __version__, sandbox
from respgen.errors import RespgenError
from respgen.files import zip_with_fixed_times
from respgen.letter import view
from respgen.project import Project
from respgen.word import wordml as wordxml
from respgen.word.parts import stories

LANGUAGE = "en-GB"
LOGO_HEIGHT = Mm(20)
SIGNATURE_HEIGHT = Mm(15)

# Every variable the template may use; `respgen check-template` reports any other.
VARIABLES = frozenset(
    {
        "title", "subject", "draft", "marking", "marking_line", "office_name", "office_address",
        "office_contact", "logo", "date_text", "recipients", "intro", "statutory", "details",
        "key_findings", "key_points", "findings", "comments", "signatory_name",
        "signatory_title", "signature", "details_heading", "key_findings_heading", "addressed_to_label",
        "draft_notice", "submitted", "grades", "grades_heading", "grades_caption", "grade_headers",
        "other_editions",
    }
)  # fmt: skip

# Paragraph styles the renderer writes by name (the template's own paragraphs name theirs).
REQUIRED_STYLES = (
    "Title", "Heading 1", "Heading 2", "Heading 3", "Body Text", "List Bullet", "List Number",
    "List Continue", "Quote", "Table Text", "Small Print", "Hyperlink",
)  # fmt: skip



def render(letter: view.Letter, project: Project) -> bytes:
    """The Word document for ``letter``, as bytes; the same letter always gives the same bytes."""
    return render_with(project.word_template, letter, office_file=project.office_file)


def render_with(template: Path, letter: view.Letter, *, strict: bool = False, office_file: Path | None = None) -> bytes:
    """Fill ``template`` with ``letter``, in the sandbox; ``strict`` makes a name respgen does not supply an error."""
    from docxtpl import DocxTemplate
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError

    tpl = DocxTemplate(io.BytesIO(template_bytes(template)))
    try:
        tpl.init_docx()
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        raise RespgenError(
            f"the Word template cannot be opened ({type(exc).__name__}: {exc})",
            file=template,
            hint="Save it again from Word as a .docx file, or restore the copy that came with respgen.",
        ) from None
    writer = wordxml.Writer(tpl.docx, on_link=tpl.build_url_id)
    context = _context(letter, tpl, writer, office_file or template)
    jinja_env = sandbox.environment(undefined=StrictUndefined) if strict else sandbox.environment()
    try:
        tpl.render(context, jinja_env=jinja_env, autoescape=True)
    except RespgenError:
        raise
    except SecurityError as exc:
        raise RespgenError(
            f"a tag in the Word template tries to reach something respgen does not give it ({exc}); nothing was built",
            file=template,
            hint="Run 'respgen check-template' to find the tag, and put back the office's own template:"
            " a template from elsewhere may have been made to do harm.",
        ) from None
    except Exception as exc:  # a template edited in Word can break in many ways; say which file
        raise RespgenError(
            f"the Word template could not be filled in: {getattr(exc, 'message', None) or exc}",
            file=template,
            hint="Run 'respgen check-template' to find the broken tag, then fix it in Word.",
        ) from None
    finish(tpl.docx, letter_properties(letter))
    buffer = io.BytesIO()
    tpl.docx.save(buffer)
    return zip_with_fixed_times(buffer.getvalue(), letter.date)


def tag_sources(stories) -> list[tuple[str, str]]:
    """(where, text) for each (where, XML) of a template, as docxtpl gives it to Jinja: one paragraph a line."""
    from docxtpl import DocxTemplate

    out = []
    for where, root in stories:
        xml = DocxTemplate.patch_xml(None, DocxTemplate.xml_to_string(None, root))
        out.append((where, re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)))
    return out


def template_bytes(path: Path) -> bytes:
    try:
        stat = path.stat()
    except OSError:
        raise RespgenError(
            "the Word template is missing",
            file=path,
            hint="Put the office's response.docx in templates/ (a fresh copy comes with respgen).",
        ) from None
    return _read_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_cached(path: str, mtime_ns: int, size: int) -> bytes:
    # Keyed on the file's time and size, so an edited template is read afresh.
    return Path(path).read_bytes()


# --- the values the template's tags are filled with ---------------------------------


def _context(letter: view.Letter, tpl, writer: wordxml.Writer, office_file: Path) -> dict:
    t = wordxml.literal
    return {
        "title": t(letter.title),
        "subject": t(letter.subject),
        "draft": letter.draft,
        "marking": t(letter.marking),
        "marking_line": t(letter.marking_line),
        "office_name": wordxml.unbroken(letter.office_name),
        "office_address": [t(line) for line in letter.office_address],
        "office_contact": [t(line) for line in letter.office_contact],
        "logo": inline_picture(tpl, letter.logo, LOGO_HEIGHT, office_file, "logo"),
        "date_text": t(letter.date_text),
        "recipients": [
            {
                "name": t(r.name),
                # docxtpl turns each newline into a line break inside one paragraph.
                "details": t("\n".join(r.details)),
                "role": t(r.role),
                "address": [t(line) for line in r.address],
                "email": t(r.email),
            }
            for r in letter.recipients
        ],
        "intro": t(letter.intro),
        "statutory": t(letter.statutory),
        "details": [
            {"label": t(d.label), "value": writer.runs(d.value, href=d.href), "text": t(d.value)} for d in letter.details
        ],
        "key_findings": writer.blocks(letter.key_findings),
        "key_points": writer.bullets(letter.key_points),
        "findings": [_section(s, writer) for s in letter.findings],
        "comments": [_comments(c, writer) for c in letter.comments],
        "submitted": [_comments(c, writer) for c in letter.submitted],
        "grades": [{"area": t(g.area), "grade": t(g.grade)} for g in letter.grades],
        "grades_heading": t(letter.grades_heading),
        "grades_caption": t(letter.grades_caption),
        "grade_headers": [t(h) for h in letter.grade_headers],
        "signatory_name": t(letter.signatory_name),
        "signatory_title": t(letter.signatory_title),
        "signature": inline_picture(tpl, letter.signature, SIGNATURE_HEIGHT, office_file, "signature"),
        "details_heading": t(letter.details_heading),
        "key_findings_heading": t(letter.key_findings_heading),
        "addressed_to_label": t(letter.addressed_to_label),
        "draft_notice": t(letter.draft_notice),
        "other_editions": [{"notice": t(e.notice), "language": t(e.language)} for e in letter.other_editions],
    }


def _comments(comments: view.CommentsSection, writer: wordxml.Writer) -> dict:
    t = wordxml.literal
    return {"heading": t(comments.heading), "body": writer.blocks(comments.body), "attribution": t(comments.attribution)}


def _section(section: view.FindingsSection, writer: wordxml.Writer) -> dict:
    groups = [_group(group, writer) for group in section.groups]
    own = section.table
    return {
        "key": section.key,
        "heading": wordxml.literal(section.heading),
        "summary": writer.blocks(section.summary),
        "groups": groups,
        # A template from before groups draws a section's own table from these.
        "caption": wordxml.literal(own.caption if own else ""),
        "rows": groups[section.groups.index(own)]["rows"] if own else [],
    }


def _group(group: view.Group, writer: wordxml.Writer) -> dict:
    t = wordxml.literal
    return {
        "heading": t(group.heading),
        "text": writer.blocks(group.text),
        "notes": [t(note) for note in group.notes],
        "response": writer.blocks(group.response),
        "caption": t(group.caption),
        "headers": [t(h) for h in group.headers],
        "rows": [
            {
                "ref": t(row.ref),
                "text": writer.blocks(row.text, style="Table Text", cell=True),
                "addressed_to": t(row.addressed_to),
                "applies": row.applies,
                "response": writer.blocks(row.response, style="Table Text", cell=True),
                "owner": t(row.owner),
                "due": t(row.due),
                "progress": t(row.progress),
            }
            for row in group.rows
        ],
    }


class _Picture:
    """An inline picture carrying its alt text (docxtpl's InlineImage has no way to give one)."""

    def __init__(self, tpl, path: Path, alt: str, height):
        self.tpl, self.path, self.alt, self.height = tpl, path, alt, height

    def __bool__(self) -> bool:
        return True

    def __html__(self) -> str:
        # docxtpl sets current_rendering_part, so a picture in the header lands in the header part.
        inline = self.tpl.current_rendering_part.new_pic_inline(str(self.path), None, self.height)
        inline.docPr.set("descr", self.alt)
        inline.docPr.set("name", self.alt[:60])
        return f'</w:t></w:r><w:r><w:drawing>{inline.xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'

    __str__ = __html__


def inline_picture(tpl, picture: view.Picture | None, height, office_file: Path, key: str):
    if picture is None:
        return None
    if not picture.path.is_file():
        raise RespgenError(
            f"the {key} picture {picture.path.name} is missing",
            file=office_file,
            hint=f"Put {picture.path.name} in templates/, or change '{key}: file:' in office.yaml.",
        )
    return _Picture(tpl, picture.path, picture.alt, height)


# --- after rendering: accessibility, properties, language ------------------------------


@dataclass(frozen=True)
class Properties:
    """What a document says of itself in File > Info, for search, screen readers and the archive."""

    title: str
    subject: str
    author: str
    keywords: str
    day: dt.date
    draft: bool
    category: str = "Response to an HMICFRS inspection"
    colours: dict[str, str] = field(default_factory=dict)  # the office's, in place of the template's own
    language: str = LANGUAGE  # as Word writes it: en-GB, cy-GB
    words: dict[str, str] = field(default_factory=dict)  # the edition's, in place of the template's own (TEMPLATE_WORDS)


def letter_properties(letter: view.Letter) -> Properties:
    return Properties(
        letter.title, letter.subject, letter.author, letter.keywords, letter.date, letter.draft, colours=letter.colours,
        language=wordxml.word_language(letter.language),
        words={"page": letter.page_numbers[0], "of": letter.page_numbers[1], "watermark": letter.watermark},
    )


# The colours the Word template is drawn in, as respgen ships it: wherever the template uses one
# (styles, table shading, headers and footers), the office's own colour from office.yaml is put.
TEMPLATE_COLOURS = {"primary": "1D3C6E", "accent": "5A6B7B"}
# Where WordprocessingML writes a colour: a run's w:color/@w:val, shading's fill, any border's w:color.
_COLOUR_ATTRIBUTES = {qn("w:color"): (qn("w:val"),), qn("w:shd"): (qn("w:fill"), qn("w:color"))}
_BORDER_COLOUR = qn("w:color")


def use_office_colours(document, colours: dict[str, str]) -> None:
    """Draw the document in the office's colours, which the PDF takes from the same place."""
    swap = {
        TEMPLATE_COLOURS[role].upper(): colour.lstrip("#").upper()
        for role, colour in colours.items()
        if role in TEMPLATE_COLOURS and colour.lstrip("#").upper() != TEMPLATE_COLOURS[role].upper()
    }
    if not swap:
        return
    for _, root in [("styles", document.styles.element), *stories(document)]:
        for element in root.iter():
            for attribute in _COLOUR_ATTRIBUTES.get(element.tag, (_BORDER_COLOUR,)):
                value = (element.get(attribute) or "").upper()
                if value in swap:
                    element.set(attribute, swap[value])
                    for theme in ("w:themeColor", "w:themeShade", "w:themeTint", "w:themeFill"):
                        element.attrib.pop(qn(theme), None)  # a theme colour would win over the one set here


# The words the Word template's page furniture is typed in, as respgen ships it: "Page 1 of 1" in the footers
# (text around the PAGE and NUMPAGES fields) and the DRAFT watermark in the headers. An edition in another
# language (or an office's own wording) puts its words in their place, so the template stays one file
# that reads naturally in Word.
TEMPLATE_WORDS = {"page": "Page ", "of": " of ", "watermark": "DRAFT"}


def use_edition_words(document, words: dict[str, str]) -> None:
    """Put ``words`` in place of the template's own page-number words and watermark."""
    changed = {key: value for key, value in words.items() if key in TEMPLATE_WORDS and value != TEMPLATE_WORDS[key]}
    if not changed:
        return
    text = {TEMPLATE_WORDS[key]: value for key, value in changed.items() if key != "watermark"}
    for where, root in stories(document):
        if where == "a page footer":
            for node in root.iter(qn("w:t")):
                if node.text in text:
                    node.text = text[node.text]
                    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if where == "a page header" and "watermark" in changed:
            for path in root.iter("{urn:schemas-microsoft-com:vml}textpath"):
                if (path.get("string") or "").strip().upper() == TEMPLATE_WORDS["watermark"]:
                    path.set("string", changed["watermark"])


def keep_signature_with_text(document) -> None:
    """The signature starts on the page where the text it signs ends: never alone on a page of its own."""
    try:
        signature = document.styles["Signature"].style_id
    except KeyError:
        return
    previous = None
    for paragraph in document.element.body.iterchildren(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) == signature:
            if previous is not None and previous.getnext() is paragraph:
                keep = previous.get_or_add_pPr().get_or_add_keepNext()
                keep.attrib.pop(qn("w:val"), None)  # on, whatever the paragraph's style says
            return
        previous = paragraph


def finish(document, properties: Properties) -> None:
    """Make ``document`` meet the accessibility rules whatever its template says, and set its properties."""
    next_id = 1
    for _, root in stories(document):
        # Word wants picture ids unique across the whole document, headers included.
        for doc_pr in root.iter(qn("wp:docPr")):
            doc_pr.set("id", str(next_id))
            next_id += 1
    for tbl in document.element.body.iter(qn("w:tbl")):
        _drop_empty_columns(tbl)
        first = tbl.find(qn("w:tr"))
        if first is None:
            continue
        tr_pr = first.get_or_add_trPr()
        if tr_pr.find(qn("w:tblHeader")) is None:
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    set_default_language(document.styles.element, properties.language)
    use_office_colours(document, properties.colours)
    use_edition_words(document, properties.words)
    keep_signature_with_text(document)

    moment = dt.datetime.combine(properties.day, dt.time(9, 0))
    props = document.core_properties
    props.title = _property(properties.title)
    props.subject = _property(properties.subject)
    props.author = _property(properties.author)
    props.keywords = _property(properties.keywords)
    props.language = properties.language
    props.category = properties.category
    props.comments = "DRAFT" if properties.draft else ""
    props.last_modified_by = _property(properties.author)
    props.revision = 1
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.identifier = ""
    props.content_status = "Draft" if properties.draft else "Final"
    _set_application(document, properties.author)


def _drop_empty_columns(tbl) -> None:
    """Leave out a column of a data table (one with a caption) that has nothing in any row, its heading included.

    The letter view blanks the heading of a column no item fills (no owner or due
    date given, say); Word's accessibility checker flags blank columns, and a
    reader gains nothing from one. The width it held goes to the two widest columns.
    """
    tbl_pr = tbl.find(qn("w:tblPr"))
    grid = tbl.find(qn("w:tblGrid"))
    if tbl_pr is None or tbl_pr.find(qn("w:tblCaption")) is None or grid is None:
        return
    columns = grid.findall(qn("w:gridCol"))
    rows = [tr.findall(qn("w:tc")) for tr in tbl.findall(qn("w:tr"))]
    if not rows or any(len(cells) != len(columns) for cells in rows):
        return  # merged cells: the columns cannot be told apart safely
    empty = [
        index
        for index in range(len(columns))
        if all(not "".join(cells[index].itertext()).strip() and cells[index].find(".//" + qn("w:drawing")) is None for cells in rows)
    ]
    if not empty or len(empty) == len(columns):
        return
    widths = [int(column.get(qn("w:w"), "0")) for column in columns]
    freed = sum(widths[index] for index in empty)
    kept = [index for index in range(len(columns)) if index not in empty]
    widest = sorted(kept, key=lambda index: -widths[index])[:2]
    share = sum(widths[index] for index in widest) or 1
    new = {index: widths[index] + (freed * widths[index] // share if index in widest else 0) for index in kept}
    for index in reversed(empty):
        grid.remove(columns[index])
        for cells in rows:
            cells[index].getparent().remove(cells[index])
    for index in kept:
        columns[index].set(qn("w:w"), str(new[index]))
        for cells in rows:
            width = cells[index].find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if width is not None and width.get(qn("w:type")) == "dxa":
                width.set(qn("w:w"), str(new[index]))


def _set_application(document, company: str) -> None:
    """docProps/app.xml says what made the file; the template's copy claims Word and stale word counts."""
    from markupsafe import escape

    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = (
                "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
                ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
                f"<Application>respgen {escape(__version__)}</Application><DocSecurity>0</DocSecurity>"
                f"<Company>{escape(company)}</Company><LinksUpToDate>false</LinksUpToDate>"
                "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
            ).encode()


# python-docx refuses a core property longer than this (Word's own limit for the fields it shows).
PROPERTY_LIMIT = 255


def _property(text: str) -> str:
    """``text`` cut to fit a core property: a report's title can be longer; the document keeps it whole."""
    return text if len(text) <= PROPERTY_LIMIT else text[: PROPERTY_LIMIT - 1] + "…"


def set_default_language(styles, language: str) -> None:
    """Set ``w:lang`` in the document defaults, which is where office software reads the language."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = styles.makeelement(qn("w:docDefaults"), {})
        styles.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = defaults.makeelement(qn("w:rPrDefault"), {})
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = r_pr_default.makeelement(qn("w:rPr"), {})
        r_pr_default.append(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = r_pr.makeelement(qn("w:lang"), {})
        r_pr.append(lang)
    lang.set(qn("w:val"), language)
