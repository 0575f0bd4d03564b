"""The panel's report on every tracked item, as a Word document in the house style.

The office's Word template gives the look: its styles, and its page header and
footer (the marking, the logo), filled in the sandbox as for a letter. The
letter's own body is set aside and the report written in its place with the
template's named styles, so the report follows any change the communications
team makes to the template.
"""

from __future__ import annotations

import io

from docx.oxml.ns import qn
from docx.shared import Cm

from respgen import sandbox, statute
from respgen.errors import RespgenError
from respgen.files import zip_with_fixed_times
from respgen.letter import markup
from respgen.letter.view import picture
from respgen.project import Project
from respgen.reading.model import Office
from respgen.tracking import PanelReport, TrackedItem
from respgen.word import wordml
from respgen.word.document import LOGO_HEIGHT, Properties, finish, inline_picture, template_bytes

TABLE_STYLE = "Response Table"
ITEM_COLUMNS = (Cm(3.0), Cm(6.6), Cm(2.8), Cm(2.3), Cm(2.3))  # report, item, owner, due, progress: 17 cm of A4


def render(report: PanelReport, office: Office, project: Project) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError

    tpl = DocxTemplate(io.BytesIO(template_bytes(project.word_template)))
    tpl.init_docx()
    body = tpl.docx.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    logo = picture(office.logo, project.templates)
    t = wordml.literal
    context = {
        "marking": t(office.marking),
        "marking_line": t(office.marking),
        "draft": False,
        "logo": inline_picture(tpl, logo, LOGO_HEIGHT, project.office_file, "logo"),
        "office_name": t(office.name),
        "title": t(report.title),
    }
    try:
        tpl.render(context, jinja_env=sandbox.environment(), autoescape=True)
    except SecurityError as exc:
        raise RespgenError(
            f"a tag in the Word template tries to reach something respgen does not give it ({exc})",
            file=project.word_template,
        ) from None
    _write(tpl.docx, report)
    finish(
        tpl.docx,
        Properties(
            report.title, "Progress on HMICFRS recommendations", office.name,
            f"HMICFRS, recommendations, Police and Crime Panel, {office.force}", report.as_of, False,
            category="Report to the Police and Crime Panel",
            colours={"primary": office.colours.primary, "accent": office.colours.accent},
        ),
    )  # fmt: skip
    buffer = io.BytesIO()
    tpl.docx.save(buffer)
    return zip_with_fixed_times(buffer.getvalue(), report.as_of)


def _write(document, report: PanelReport) -> None:
    styles = {style.name for style in document.styles}
    document.add_paragraph(report.office, style="Body Text")
    document.add_paragraph(report.title, style="Title")
    document.add_paragraph(
        "This report covers every recommendation, area for improvement and cause of concern for this force in the"
        " HMICFRS reports the office has responded to, as they stood on"
        f" {report.as_of_text}. Items closed are those closed after {report.since_text}.",
        style="Body Text",
    )
    document.add_paragraph("Summary", style="Heading 1")
    _table(document, styles, "Items by stage", ["Stage", "Items"], [[stage.capitalize(), str(n)] for stage, n in report.by_stage])
    _table(
        document, styles, "Items by report", ["Report", "Published", "Items", "Open", "Closed", "Overdue"],
        [[r.report, statute.long_date(r.published), str(r.total), str(r.open), str(r.closed), str(r.overdue)] for r in report.by_report],
    )  # fmt: skip
    sections = (
        ("Overdue", "Items past their due date and not closed", report.overdue, "No item is past its due date.", False),
        ("Due in the next quarter", "Open items due within three months", report.due_next, "No open item falls due in the next three months.", False),
        ("Closed in this period", "Items closed in the period", report.closed, "No item was closed in this period.", True),
    )  # fmt: skip
    for heading, caption, items, none, closed in sections:
        document.add_paragraph(heading, style="Heading 1")
        if items:
            _table(document, styles, caption, ["Report", "Item", "Owner", "Due", "Closed" if closed else "Progress"],
                   [_row(item, closed) for item in items], widths=ITEM_COLUMNS)  # fmt: skip
        else:
            document.add_paragraph(none, style="Body Text")
    document.add_paragraph("History of each item", style="Heading 1")
    for item in report.tracked:
        document.add_paragraph(f"{item.report}: {item.label}", style="Heading 2")
        document.add_paragraph(item.text, style="Body Text")
        due = statute.long_date(item.due) if item.due else "no date"
        document.add_paragraph(f"Owner: {item.owner or 'not named'}. Due: {due}. Now: {item.progress.capitalize()}.", style="Body Text")
        for update in item.history:
            note = f". {markup.plain(markup.parse(update.note))}" if update.note else ""
            document.add_paragraph(f"{statute.long_date(update.date)}: {update.progress.capitalize()}{note}", style="List Bullet")


def _row(item: TrackedItem, closed: bool) -> list[str]:
    due = (statute.long_date(item.due) if item.due else "") + (" (revised)" if item.revised else "")
    last = statute.long_date(item.closed_on) if closed and item.closed_on else item.progress.capitalize()
    return [item.report, f"{item.label}: {item.text}", item.owner, due, last]


def _table(document, styles: set[str], caption: str, headers: list[str], rows: list[list[str]], widths=None) -> None:
    document.add_paragraph(caption, style="Small Print" if "Small Print" in styles else "Body Text")
    table = document.add_table(rows=1, cols=len(headers))
    if TABLE_STYLE in styles:
        table.style = TABLE_STYLE
    if widths:  # the item's words get the room; Word keeps these widths rather than sharing the page evenly
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].style = "Table Text"
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].style = "Table Text"
            cell.paragraphs[0].add_run(text)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
