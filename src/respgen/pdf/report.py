"""The panel's report on every tracked item, as an accessible, archival PDF in the house style.

It is drawn as the letter is: ``templates/tracker.html`` in the sandbox, the
house stylesheet, WeasyPrint, then the same finishing (PDF/A-3a, PDF/UA-1).
"""

from __future__ import annotations

from respgen.letter.view import Picture
from respgen.pdf.document import draw, render_template
from respgen.project import TRACKER_TEMPLATE as TEMPLATE
from respgen.project import Project
from respgen.reading.source import read_office
from respgen.tracking import PanelReport


def render(report: PanelReport, project: Project) -> bytes:
    office = read_office(project.office_file)
    logo = Picture(project.templates / office.logo.file, office.logo.alt, office.logo.file) if office.logo else None
    html = render_template(
        project,
        TEMPLATE,
        report=report,
        logo=logo,
        marking=office.marking,
        colours={"primary": office.colours.primary, "accent": office.colours.accent},
    )
    return draw(html, project, TEMPLATE, (project.templates.resolve(),), (logo, None), report.as_of)
