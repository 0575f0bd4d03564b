"""The letter as both documents show it: one view of the content, two renderers.

Everything a reader sees is decided here (the headings, the wording of the
statutory paragraph, how dates are written, which sections appear), so the
Word document and the PDF cannot drift apart. The renderers only draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from respgen import statute
from respgen.letter import markup
from respgen.letter.markup import Blocks
from respgen.reading.model import FINDINGS_SECTIONS, Image, Item, Office, Recipient, Response

# The Queen died on 8 September 2022; letters dated before it name Her Majesty's Inspectorate.
_ACCESSION = dt.date(2022, 9, 8)


@dataclass(frozen=True)
class Picture:
    path: Path
    alt: str
    ref: str = ""  # the file as the office file names it, relative to templates/


@dataclass(frozen=True)
class Detail:
    """A labelled line of the inspection details ("Date published: 10 January 2020")."""

    label: str
    value: str
    href: str | None = None


@dataclass(frozen=True)
class ItemRow:
    """One row of a findings table."""

    ref: str
    text: Blocks
    addressed_to: str
    applies: bool
    response: Blocks
    owner: str
    due: str
    progress: str


@dataclass(frozen=True)
class FindingsSection:
    """Recommendations, areas for improvement or causes of concern."""

    key: str  # recommendations | areas_for_improvement | causes_of_concern
    heading: str
    summary: Blocks
    rows: tuple[ItemRow, ...]
    caption: str


@dataclass(frozen=True)
class CommentsSection:
    heading: str
    body: Blocks


@dataclass(frozen=True)
class Letter:
    # document properties
    title: str
    subject: str
    author: str
    keywords: str
    language: str
    date: dt.date
    date_text: str
    marking: str
    draft: bool
    colours: dict[str, str]
    # letterhead
    office_name: str
    office_address: tuple[str, ...]
    office_contact: tuple[str, ...]
    logo: Picture | None
    # body
    recipients: tuple[Recipient, ...]
    intro: str
    statutory: str
    details: tuple[Detail, ...]
    key_findings: Blocks
    key_points: tuple[Blocks, ...]
    findings: tuple[FindingsSection, ...]
    comments: tuple[CommentsSection, ...]
    signatory_name: str
    signatory_title: str
    signature: Picture | None
    # fixed wording, drawn by both templates
    details_heading: str = "Inspection details"
    key_findings_heading: str = "Key findings"
    addressed_to_label: str = "Addressed to:"
    draft_notice: str = "DRAFT: not for publication or circulation beyond those preparing this response."

    @property
    def marking_line(self) -> str:
        return f"{self.marking} – DRAFT" if self.draft else self.marking


TABLE_HEADERS = ("Ref", "Recommendation", "Response", "Owner", "Due", "Progress")



def letter(response: Response, office: Office, assets: Path) -> Letter:
    """Build the view of ``response`` for ``office``; ``assets`` is the folder of the office's pictures."""
    inspection = response.inspection
    due = statute.deadline(inspection.published)
    title = f"Police and Crime Commissioner’s response to: {inspection.title}"
    majesty = "Her" if response.date < _ACCESSION else "His"
    intro = (
        f"{office.commissioner.title}{f' ({office.commissioner.abbreviation})' if office.commissioner.abbreviation else ''} "
        f"response to inspections of {office.force} published by "
        f"{majesty} Majesty’s Inspectorate of Constabulary and Fire and Rescue Services (HMICFRS)"
    )
    statutory = (
        f"{statute.CITATION[0].upper()}{statute.CITATION[1:]} requires local policing bodies to publish "
        "their comments on an inspection report that concerns their force within 56 days, beginning with the "
        "day on which the report is published, explaining for each recommendation what action has been or "
        "will be taken, or why none will be, and to send a copy to HM Inspectors of Constabulary and to the "
        f"Home Secretary. This report was published on {statute.long_date(inspection.published)}, so these "
        f"comments are due by {statute.long_date(due)}."
    )
    details = [
        Detail("Inspection title", inspection.title, inspection.url),
        Detail("Date published", statute.long_date(inspection.published)),
        Detail("Type of inspection", inspection.type),
        Detail("Response due by", statute.long_date(due)),
    ]
    findings = []
    for key, section in response.findings_sections():
        heading, noun = FINDINGS_SECTIONS[key]
        findings.append(
            FindingsSection(
                key=key,
                heading=heading,
                summary=markup.parse(section.summary),
                rows=tuple(_row(item, noun, response.date) for item in section.items),
                caption=f"{heading} and the action taken or proposed",
            )
        )
    comments = [CommentsSection(f"{office.commissioner.title}’s response", markup.parse(response.response.commissioner))]
    if response.response.chief_constable:
        comments.append(
            CommentsSection(f"{office.chief_constable.title}’s response", markup.parse(response.response.chief_constable))
        )
    contact = tuple(
        line
        for line in (
            f"Telephone: {office.telephone}" if office.telephone else "",
            f"Email: {office.email}" if office.email else "",
            office.website or "",
        )
        if line
    )
    return Letter(
        title=title,
        subject=inspection.title,
        author=office.name,
        keywords=", ".join(
            ["HMICFRS", "section 55 response", office.force, inspection.type, f"published {inspection.published.isoformat()}"]
        ),
        language="en-GB",
        date=response.date,
        date_text=statute.long_date(response.date),
        marking=office.marking,
        draft=response.is_draft,
        colours={"primary": office.colours.primary, "accent": office.colours.accent},
        office_name=office.name,
        office_address=tuple(office.address),
        office_contact=contact,
        logo=picture(office.logo, assets),
        recipients=tuple(office.recipients),
        intro=intro,
        statutory=statutory,
        details=tuple(details),
        key_findings=markup.parse(response.key_findings.summary),
        key_points=tuple(markup.parse(point) for point in response.key_findings.points),
        findings=tuple(findings),
        comments=tuple(comments),
        signatory_name=office.commissioner.name,
        signatory_title=office.commissioner.title,
        signature=picture(office.signature, assets),
    )


def picture(image: Image | None, assets: Path) -> Picture | None:
    """An office picture (logo or signature) as the documents show it; ``assets`` is the folder it is in."""
    return Picture(assets / image.file, image.alt, image.file) if image else None


def _row(item: Item, noun: str, at: dt.date) -> ItemRow:
    # The position at the letter's own date: updates reported since never change a published letter.
    addressed = item.addressed_to or ""
    if not item.applies:
        addressed = f"{addressed} (for other bodies; not for this force)" if addressed else "For other bodies; not for this force"
    return ItemRow(
        ref=item.ref,
        text=markup.parse(item.text),
        addressed_to=addressed,
        applies=item.applies,
        response=markup.parse(item.response) if item.response else _not_ours(item, noun),
        owner=item.owner or "",
        due=statute.long_date(item.due) if item.due else "",
        progress=(item.position_at(at)[0] or "").capitalize(),
    )


def _not_ours(item: Item, noun: str) -> Blocks:
    # s.55(5B): where no action will be taken, the comments must say why.
    if item.applies:
        return ()
    return (markup.Paragraph((markup.Span(f"This {noun} is not for this force, so the force will take no action on it."),)),)
