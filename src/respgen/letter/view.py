"""The letter as both documents show it: one view of the content, two renderers.

Everything a reader sees is decided here (the headings, the wording of the
statutory paragraph, how dates are written, which sections appear), so the
Word document and the PDF cannot drift apart. The renderers only draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from respgen import statute
from respgen.letter import markup
from respgen.letter.markup import Blocks
from respgen.reading.model import FINDINGS_SECTIONS, Concern, Image, Item, Office, Person, Recipient, Response

# The Queen died on 8 September 2022; letters dated before it name Her Majesty's Inspectorate.
_ACCESSION = dt.date(2022, 9, 8)


@dataclass(frozen=True)
class Picture:
    path: Path
    alt: str
    ref: str = ""  # the file as the office file names it, relative to templates/


@dataclass(frozen=True)
class Addressee:
    """A recipient as the address block shows them."""

    name: str  # the first line: the holder's name, or the role when the office gives no name
    details: tuple[str, ...]  # the lines after it: role (under a name), address, email
    role: str
    address: tuple[str, ...]
    email: str

    @classmethod
    def of(cls, recipient: Recipient) -> Addressee:
        email = (recipient.email,) if recipient.email else ()
        lines = (recipient.name, recipient.role) if recipient.name else (recipient.role,)
        return cls(lines[0], (*lines[1:], *recipient.address, *email), recipient.role, tuple(recipient.address), recipient.email or "")


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


# A findings table's columns, in order; the last three are left out of a table that gives none.
COLUMNS = ("ref", "text", "response", "owner", "due", "progress")
OPTIONAL_COLUMNS = ("owner", "due", "progress")


@dataclass(frozen=True)
class Group:
    """A findings table, and the cause of concern it belongs to when it has one.

    A section's own table has no heading. A cause of concern that holds its own
    recommendations is a group of its own: its ref and text as the heading and
    text, then the table of its recommendations.
    """

    heading: str
    text: Blocks
    notes: tuple[str, ...]  # "Accelerated cause of concern, issued 1 November 2023."
    response: Blocks  # a cause of concern's own response
    caption: str
    headers: tuple[str, ...]  # one for each of COLUMNS; "" for a column left out
    rows: tuple[ItemRow, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(key for key, header in zip(COLUMNS, self.headers, strict=True) if header)


@dataclass(frozen=True)
class FindingsSection:
    """Recommendations, areas for improvement or causes of concern."""

    key: str  # recommendations | areas_for_improvement | causes_of_concern
    heading: str
    summary: Blocks
    groups: tuple[Group, ...]

    @property
    def rows(self) -> tuple[ItemRow, ...]:
        """Every row of every table in the section, in order."""
        return tuple(row for group in self.groups for row in group.rows)

    @property
    def table(self) -> Group | None:
        """The section's own table (no cause of concern heads it), if it has one."""
        return next((group for group in self.groups if not group.heading and group.rows), None)


@dataclass(frozen=True)
class GradeRow:
    area: str
    grade: str


@dataclass(frozen=True)
class CommentsSection:
    heading: str
    body: Blocks
    attribution: str = ""  # who wrote comments that are not the signatory's


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
    recipients: tuple[Addressee, ...]
    intro: str
    statutory: str
    details: tuple[Detail, ...]
    key_findings: Blocks
    key_points: tuple[Blocks, ...]
    findings: tuple[FindingsSection, ...]
    comments: tuple[CommentsSection, ...]  # the signatory's own: drawn before the signature
    signatory_name: str
    signatory_title: str
    signature: Picture | None
    submitted: tuple[CommentsSection, ...] = ()  # s.55(5A): others' comments, published with the letter after it
    grades: tuple[GradeRow, ...] = ()
    grades_caption: str = ""
    # fixed wording, drawn by both templates
    details_heading: str = "Inspection details"
    key_findings_heading: str = "Key findings"
    addressed_to_label: str = "Addressed to:"
    draft_notice: str = "DRAFT: not for publication or circulation beyond those preparing this response."
    grades_heading: str = "Inspection grades"
    grade_headers: tuple[str, str] = ("Area", "Grade")

    @property
    def marking_line(self) -> str:
        return f"{self.marking} – DRAFT" if self.draft else self.marking


TABLE_HEADERS = ("Ref", "Recommendation", "Response", "Owner", "Due", "Progress")



def letter(response: Response, office: Office, assets: Path) -> Letter:
    """Build the view of ``response`` for ``office``; ``assets`` is the folder of the office's pictures."""
    inspection = response.inspection
    due = statute.deadline(inspection.published)
    title = f"{office.response_title} to: {inspection.title}"
    majesty = "Her" if response.date < _ACCESSION else "His"
    intro = (
        f"{office.commissioner.title}{f' ({office.commissioner.abbreviation})' if office.commissioner.abbreviation else ''} "
        f"response to an inspection report by {majesty} Majesty’s Inspectorate of Constabulary and Fire and Rescue "
        f"Services (HMICFRS) that concerns {office.force}."
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
    contact = tuple(
        line
        for line in (
            f"Telephone: {office.telephone}" if office.telephone else "",
            f"Email: {office.email}" if office.email else "",
            office.website or "",
        )
        if line
    )
    signatory = response.signatory
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
        marking=response.marking or office.marking,
        draft=response.is_draft,
        colours={"primary": office.colours.primary, "accent": office.colours.accent},
        office_name=office.name,
        office_address=tuple(office.address),
        office_contact=contact,
        logo=picture(office.logo, assets),
        recipients=tuple(Addressee.of(r) for r in office.recipients),
        intro=intro,
        statutory=statutory,
        details=tuple(details),
        key_findings=markup.parse(response.key_findings.summary),
        key_points=tuple(markup.parse(point) for point in response.key_findings.points),
        findings=_findings(response),
        comments=_comments(response, office),
        submitted=_submitted(response, office),
        # A deputy or acting commissioner signs in their own name, and never with the commissioner's signature.
        signatory_name=signatory.name if signatory else office.commissioner.name,
        signatory_title=signatory.title if signatory else office.commissioner.title,
        signature=None if signatory else picture(office.signature, assets),
        grades=tuple(GradeRow(g.area, g.grade.capitalize()) for g in inspection.grades),
        grades_caption=f"HMICFRS’s grades for {office.force}, in the report’s order" if inspection.grades else "",
    )


def _possessive(person: Person) -> str:
    # "The Commissioner’s" where the office gives a short title, else the full title as before.
    return f"The {person.short_title}’s" if person.short_title else f"{person.title}’s"


def _comments(response: Response, office: Office) -> tuple[CommentsSection, ...]:
    comments = [CommentsSection(f"{_possessive(office.commissioner)} response", markup.parse(response.response.commissioner))]
    if response.response.reply_to_chief_constable:
        chief = office.chief_constable.short_title or office.chief_constable.title
        comments.append(
            CommentsSection(f"Response to the {chief}’s comments", markup.parse(response.response.reply_to_chief_constable))
        )
    return tuple(comments)


def _submitted(response: Response, office: Office) -> tuple[CommentsSection, ...]:
    # s.55(5A): the chief constable's comments are published with the letter, as theirs and not the signatory's.
    if not response.response.chief_constable:
        return ()
    chief = office.chief_constable
    invited = response.invitation.sent if response.invitation else None
    attribution = f"These comments were submitted by {chief.name}, {chief.title}, {office.force}" + (
        f", when invited to comment on {statute.long_date(invited)} under section 55(4) of the Police Act 1996."
        if invited
        else "."
    )
    return (CommentsSection(f"{_possessive(chief)} comments", markup.parse(response.response.chief_constable), attribution),)


def _findings(response: Response) -> tuple[FindingsSection, ...]:
    sections = []
    concerns = response.causes_of_concern
    nested = bool(concerns and any(item.recommendations for item in concerns.items))
    if response.recommendations is None:
        # A report may make no recommendations (a PEEL report often makes none outside its causes of concern).
        none = "The report makes no recommendations" + (
            " other than those that accompany its causes of concern, which are set out with them below." if nested else "."
        )
        sections.append(FindingsSection("recommendations", "Recommendations", markup.parse(none), ()))
    for key, section in response.findings_sections():
        heading, noun = FINDINGS_SECTIONS[key]
        if key == "causes_of_concern" and nested:
            groups = tuple(_concern(item, response.date) for item in section.items)  # type: ignore[arg-type]
        else:
            caption = f"{heading} and the action taken or proposed"
            groups = (_group(section.items, noun, response.date, caption),) if section.items else ()
        sections.append(FindingsSection(key, heading, markup.parse(section.summary), groups))
    return tuple(sections)


def _group(items: list[Item], noun: str, at: dt.date, caption: str) -> Group:
    """The table of ``items``, headed by their ``noun``; no cause of concern heads it (see ``_concern``)."""
    rows = tuple(_row(item, noun, at) for item in items)
    headers = [*TABLE_HEADERS]
    headers[1] = noun[0].upper() + noun[1:]
    for index, key in enumerate(COLUMNS):
        if key in OPTIONAL_COLUMNS and not any(getattr(row, key) for row in rows):
            headers[index] = ""  # Word's accessibility checker, and every reader, stumble on a blank column
    return Group(heading="", text=(), notes=(), response=(), caption=caption, headers=tuple(headers), rows=rows)


def _concern(item: Concern, at: dt.date) -> Group:
    """A cause of concern as a group: its ref and text, then the table of its own recommendations."""
    notes = []
    when = f"issued {statute.long_date(item.issued)}" if item.issued else ""
    if item.accelerated:
        notes.append(f"Accelerated cause of concern{f', {when}' if when else ''}.")
    elif when:
        notes.append(f"{when[0].upper()}{when[1:]}.")
    stated = item.position_at(at)[0]
    facts = [
        f"Owner: {item.owner}." if item.owner else "",
        f"Due: {statute.long_date(item.due)}." if item.due else "",
        f"Progress: {stated.capitalize()}." if stated else "",
    ]
    if any(facts):
        notes.append(" ".join(fact for fact in facts if fact))
    response = _answer(item, "cause of concern")
    if response:
        response = (markup.Paragraph((markup.Span("Response", bold=True),)), *response)
    caption = f"Recommendations for cause of concern {item.ref} and the action taken or proposed"
    return replace(
        _group(item.recommendations, "recommendation", at, caption),
        heading=f"Cause of concern {item.ref}",
        text=markup.parse(item.text),
        notes=tuple(notes),
        response=response,
    )


def picture(image: Image | None, assets: Path) -> Picture | None:
    """An office picture (logo or signature) as the documents show it; ``assets`` is the folder it is in."""
    return Picture(assets / image.file, image.alt, image.file) if image else None


def _row(item: Item, noun: str, at: dt.date) -> ItemRow:
    # The position at the letter's own date: updates reported since never change a published letter.
    addressed = item.addressees
    if not item.applies:
        addressed = f"{addressed} (for other bodies; not for this force)" if addressed else "For other bodies; not for this force"
    return ItemRow(
        ref=item.ref,
        text=markup.parse(item.text),
        addressed_to=addressed,
        applies=item.applies,
        response=_answer(item, noun),
        owner=item.owner or "",
        due=statute.long_date(item.due) if item.due else "",
        progress=(item.position_at(at)[0] or "").capitalize(),
    )


_STANCES = {"accepted": "Accepted.", "partly accepted": "Partly accepted.", "not accepted": "Not accepted."}


def _answer(item: Item, noun: str) -> Blocks:
    """What the letter says to an item: its stance, why it does not apply, and the response."""
    blocks: list = []
    if item.stance:
        blocks.append(markup.Paragraph((markup.Span(_STANCES[item.stance], bold=True),)))
    if not item.applies and item.reason:
        blocks.extend(markup.parse(item.reason))
    if item.response:
        blocks.extend(markup.parse(item.response))
    elif not item.applies and not item.reason:
        # s.55(5B): where no action will be taken, the comments must say why.
        blocks.append(markup.Paragraph((markup.Span(f"This {noun} is not for this force, so the force will take no action on it."),)))
    return tuple(blocks)
