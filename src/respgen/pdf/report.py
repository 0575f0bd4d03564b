"""The panel's report on every tracked item, as an accessible, archival PDF in the house style.

It is drawn as the letter is: ``templates/tracker.html`` in the sandbox, the
house stylesheet, WeasyPrint, then the same finishing (PDF/A-3a, PDF/UA-1).
"""

from __future__ import annotations

from respgen.letter.view import picture
from respgen.pdf.document import draw, render_template
from respgen.project import TRACKER_TEMPLATE as TEMPLATE
from respgen.project import Project
from respgen.reading.model import Office
from respgen.tracking import PanelReport


def render(report: PanelReport, office: Office, project: Project) -> bytes:
    logo = picture(office.logo, project.templates)
    html = render_template(
        project,
        TEMPLATE,
        report=report,
        logo=logo,
        marking=office.marking,
        colours={"primary": office.colours.primary, "accent": office.colours.accent},
    )
    return draw(html, project, TEMPLATE, (project.templates.resolve(),), (logo, None), report.as_of)
