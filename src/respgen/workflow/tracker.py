"""``respgen tracker``: every item across every response, as a workbook and as the panel's report.

The workbook (``output/tracker.xlsx``) is one row per item with real dates, a
frozen and filtered header row, for whoever keeps the action log. The report
(``output/tracker-<date>.pdf`` and ``.docx``) is what goes to the Police and
Crime Panel: counts by stage and by report, what is overdue, what falls due
next, what closed in the period, and each item's history. All three are drawn
from one ``PanelReport`` and are the same bytes for the same responses and dates.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from respgen import sandbox
from respgen.errors import Problem, RespgenError
from respgen.files import write_together, zip_with_fixed_times
from respgen.project import Project
from respgen.reading.source import read_all
from respgen.tracking import PanelReport, panel_report

COLUMNS = (
    ("Report", 40), ("Published", 12), ("Type", 22), ("Kind", 20), ("Ref", 8), ("Text", 60), ("Addressed to", 24),
    ("For this force", 10), ("Owner", 24), ("Due", 12), ("Due date revised", 10), ("Progress", 18),
    ("Last update", 12), ("Last update note", 50), ("Overdue", 10), ("Response file", 30),
)  # fmt: skip


def collect(project: Project, office_name: str, as_of: dt.date, since: dt.date | None = None) -> tuple[PanelReport, list[Problem]]:
    sources, problems = read_all(project.response_files())
    return panel_report(sources, office_name, as_of, since), problems


def write(project: Project, as_of: dt.date, since: dt.date | None = None) -> tuple[list[Path], PanelReport, list[Problem]]:
    """Write the workbook and the report; a response that cannot be read is reported and left out."""
    from respgen.build.preflight import check_office
    from respgen.pdf import engine

    office = check_office(project)  # the report is drawn in the house style: its files must be sound
    if not project.tracker_template.is_file():
        raise RespgenError(
            "there is no templates/tracker.html, which the panel's report is drawn from",
            file=project.tracker_template,
            hint="Copy tracker.html from the respgen examples into templates/.",
        )
    unsafe = sandbox.file_problems(project.tracker_template, "the tracker report's template")
    if unsafe:
        raise RespgenError(unsafe)
    report, problems = collect(project, office.name, as_of, since)
    engine.load()
    from respgen.pdf.report import render as render_pdf
    from respgen.word.report import render as render_docx

    stem = f"tracker-{as_of.isoformat()}"
    documents = {
        project.output / "tracker.xlsx": workbook(report),
        project.output / f"{stem}.pdf": render_pdf(report, office, project),
        project.output / f"{stem}.docx": render_docx(report, office, project),
    }
    write_together(documents)
    return list(documents), report, problems


def workbook(report: PanelReport) -> bytes:
    """The tracker as an .xlsx file: one row per item, dates as dates, the header row frozen and filtered."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Items"
    sheet.append([name for name, _ in COLUMNS])
    for item in report.items:
        update = item.last_update
        sheet.append(
            [
                item.report, item.published, item.report_type, item.kind, item.ref, item.text, item.addressed_to,
                "yes" if item.applies else "no", item.owner, item.due, "yes" if item.revised else "no", item.progress,
                update.date if update else None, _plain(update.note) if update and update.note else None,
                "yes" if item.overdue else "no", item.response_file,
            ]
        )  # fmt: skip
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd mmm yyyy"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    moment = dt.datetime.combine(report.as_of, dt.time(9, 0))
    book.properties.creator = report.office
    book.properties.title = report.title
    book.properties.language = "en-GB"
    book.properties.created = moment
    book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return zip_with_fixed_times(_fixed_modified(buffer.getvalue(), moment), report.as_of)


def _fixed_modified(data: bytes, moment: dt.datetime) -> bytes:
    """openpyxl stamps the save time as 'modified' whatever it is told: put the report's day back."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            part = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", part)
            target.writestr(entry, part)
    return out.getvalue()


def _plain(text: str) -> str:
    from respgen.letter import markup

    return markup.plain(markup.parse(text))
