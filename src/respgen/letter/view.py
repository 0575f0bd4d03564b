"""The letter as both documents show it: one view of the content, two renderers.

Everything a reader sees is decided here (the headings, the wording of the
statutory paragraph, how dates are written, which sections appear), so the
Word document and the PDF cannot drift apart. The renderers only draw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from respgen import statute
from respgen.letter import markup
from respgen.letter.markup import Blocks
from respgen.reading.model import Concern, Image, Item, Office, Person, Recipient, Response
from respgen.words import Words, respgen_words

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
class OtherEdition:
    """Another language's edition of the same response, as this edition tells its reader of it."""

    code: str  # cy
    language: str  # its language tag, for the link to it (cy)
    name: str  # the language's own name, as a link to it reads (Cymraeg)
    notice: str  # in this edition's language: "This response is also available in Welsh."
    page: str = ""  # its web page's file name, beside this one


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
    other_editions: tuple[OtherEdition, ...] = ()
    # fixed wording, drawn by both templates (templates/words.<language>.yaml)
    words: Words = field(default_factory=respgen_words)

    @property
    def marking_line(self) -> str:
        return self.words("letter.marking_draft", marking=self.marking) if self.draft else self.marking

    @property
    def details_heading(self) -> str:
        return self.words("details.heading")

    @property
    def key_findings_heading(self) -> str:
        return self.words("key_findings.heading")

    @property
    def addressed_to_label(self) -> str:
        return self.words("findings.addressed_to")

    @property
    def draft_notice(self) -> str:
        return self.words("letter.draft_notice")

    @property
    def grades_heading(self) -> str:
        return self.words("grades.heading")

    @property
    def grade_headers(self) -> tuple[str, str]:
        return self.words("grades.area"), self.words("grades.grade")

    @property
    def watermark(self) -> str:
        return self.words("letter.watermark")

    @property
    def page_numbers(self) -> tuple[str, str, str]:
        """The words around the page number and the page count: ("Page ", " of ", "")."""
        before, _, rest = self.words("letter.page").partition("{page}")
        between, _, after = rest.partition("{pages}")
        return before, between, after



def letter(
    response: Response,
    office: Office,
    assets: Path,
    words: Words | None = None,
    other_editions: tuple[OtherEdition, ...] = (),
) -> Letter:
    """Build the view of ``response`` for ``office`` in the language of ``words`` (default respgen's English);
    ``assets`` is the folder of the office's pictures."""
    w = words or respgen_words()
    inspection = response.inspection
    due = statute.deadline(inspection.published)
    title = w("letter.title", response_title=office.response_title, inspection=inspection.title)
    commissioner = office.commissioner
    intro = w(
        "letter.intro",
        commissioner=w("letter.commissioner_abbreviated", title=commissioner.title, abbreviation=commissioner.abbreviation)
        if commissioner.abbreviation
        else commissioner.title,
        inspectorate=w("letter.inspectorate_before_accession" if response.date < _ACCESSION else "letter.inspectorate"),
        force=office.force,
    )
    statutory = w("letter.statutory", published=w.date(inspection.published), due=w.date(due))
    details = [
        Detail(w("details.title"), inspection.title, inspection.url),
        Detail(w("details.published"), w.date(inspection.published)),
        Detail(w("details.type"), inspection.type),
        Detail(w("details.due"), w.date(due)),
    ]
    contact = tuple(
        line
        for line in (
            w("letter.telephone", number=office.telephone) if office.telephone else "",
            w("letter.email", address=office.email) if office.email else "",
            office.website or "",
        )
        if line
    )
    signatory = response.signatory
    return Letter(
        title=title,
        subject=inspection.title,
        author=office.name,
        keywords=w("letter.keywords", force=office.force, type=inspection.type, published=inspection.published.isoformat()),
        language=w.language,
        date=response.date,
        date_text=w.date(response.date),
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
        findings=_findings(response, w),
        comments=_comments(response, office, w),
        submitted=_submitted(response, office, w),
        # A deputy or acting commissioner signs in their own name, and never with the commissioner's signature.
        signatory_name=signatory.name if signatory else office.commissioner.name,
        signatory_title=signatory.title if signatory else office.commissioner.title,
        signature=None if signatory else picture(office.signature, assets),
        grades=tuple(GradeRow(g.area, w(f"grades.{g.grade}")) for g in inspection.grades),
        grades_caption=w("grades.caption", force=office.force) if inspection.grades else "",
        other_editions=other_editions,
        words=w,
    )


def other_edition(words: Words, other: Words, page: str = "") -> OtherEdition:
    """How the edition in ``words`` tells its reader of the one in ``other``."""
    return OtherEdition(other.code, other.language, other("language_name"), words(f"letter.other_edition.{other.code}"), page)


def _named(person: Person, w: Words) -> str:
    # "The Commissioner" where the office gives a short title, else the full title.
    return w("comments.short_title", short_title=person.short_title) if person.short_title else person.title


def _comments(response: Response, office: Office, w: Words) -> tuple[CommentsSection, ...]:
    comments = [CommentsSection(w("comments.commissioner", person=_named(office.commissioner, w)), markup.parse(response.response.commissioner))]
    if response.response.reply_to_chief_constable:
        chief = office.chief_constable.short_title or office.chief_constable.title
        comments.append(
            CommentsSection(
                w("comments.reply_to_chief_constable", chief_constable=chief), markup.parse(response.response.reply_to_chief_constable)
            )
        )
    return tuple(comments)


def _submitted(response: Response, office: Office, w: Words) -> tuple[CommentsSection, ...]:
    # s.55(5A): the chief constable's comments are published with the letter, as theirs and not the signatory's.
    if not response.response.chief_constable:
        return ()
    chief = office.chief_constable
    invited = response.invitation.sent if response.invitation else None
    facts = {"name": chief.name, "title": chief.title, "force": office.force}
    attribution = w("comments.submitted_when_invited", date=w.date(invited), **facts) if invited else w("comments.submitted", **facts)
    heading = w("comments.chief_constable", person=_named(chief, w))
    return (CommentsSection(heading, markup.parse(response.response.chief_constable), attribution),)


def _findings(response: Response, w: Words) -> tuple[FindingsSection, ...]:
    sections = []
    concerns = response.causes_of_concern
    nested = bool(concerns and any(item.recommendations for item in concerns.items))
    if response.recommendations is None:
        # A report may make no recommendations (a PEEL report often makes none outside its causes of concern).
        none = w("findings.none_but_concerns" if nested else "findings.none")
        sections.append(FindingsSection("recommendations", w("findings.recommendations.heading"), markup.parse(none), ()))
    for key, section in response.findings_sections():
        heading = w(f"findings.{key}.heading")
        if key == "causes_of_concern" and nested:
            groups = tuple(_concern(item, response.date, w) for item in section.items)  # type: ignore[arg-type]
        else:
            caption = w("findings.caption", heading=heading)
            groups = (_group(section.items, key, response.date, caption, w),) if section.items else ()
        sections.append(FindingsSection(key, heading, markup.parse(section.summary), groups))
    return tuple(sections)


def _group(items: list[Item], key: str, at: dt.date, caption: str, w: Words) -> Group:
    """The table of ``items`` of the findings section ``key``; no cause of concern heads it (see ``_concern``)."""
    rows = tuple(_row(item, key, at, w) for item in items)
    headers = [w("table.ref"), w(f"findings.{key}.column"), w("table.response"), w("table.owner"), w("table.due"), w("table.progress")]
    for index, key in enumerate(COLUMNS):
        if key in OPTIONAL_COLUMNS and not any(getattr(row, key) for row in rows):
            headers[index] = ""  # Word's accessibility checker, and every reader, stumble on a blank column
    return Group(heading="", text=(), notes=(), response=(), caption=caption, headers=tuple(headers), rows=rows)


def _concern(item: Concern, at: dt.date, w: Words) -> Group:
    """A cause of concern as a group: its ref and text, then the table of its own recommendations."""
    notes = []
    if item.accelerated:
        notes.append(w("cause_of_concern.accelerated_issued", date=w.date(item.issued)) if item.issued else w("cause_of_concern.accelerated"))
    elif item.issued:
        notes.append(w("cause_of_concern.issued", date=w.date(item.issued)))
    stated = item.position_at(at)[0]
    facts = [
        w("cause_of_concern.owner", owner=item.owner) if item.owner else "",
        w("cause_of_concern.due", date=w.date(item.due)) if item.due else "",
        w("cause_of_concern.progress", progress=w(f"progress.{stated}")) if stated else "",
    ]
    if any(facts):
        notes.append(" ".join(fact for fact in facts if fact))
    response = _answer(item, "causes_of_concern", w)
    if response:
        response = (markup.Paragraph((markup.Span(w("cause_of_concern.response"), bold=True),)), *response)
    caption = w("cause_of_concern.caption", ref=item.ref)
    return replace(
        _group(item.recommendations, "recommendations", at, caption, w),
        heading=w("cause_of_concern.heading", ref=item.ref),
        text=markup.parse(item.text),
        notes=tuple(notes),
        response=response,
    )


def picture(image: Image | None, assets: Path) -> Picture | None:
    """An office picture (logo or signature) as the documents show it; ``assets`` is the folder it is in."""
    return Picture(assets / image.file, image.alt, image.file) if image else None


def _row(item: Item, key: str, at: dt.date, w: Words) -> ItemRow:
    # The position at the letter's own date: updates reported since never change a published letter.
    addressed = item.addressees
    if not item.applies:
        addressed = w("findings.addressed_to_other_bodies", addressees=addressed) if addressed else w("findings.other_bodies")
    stated = item.position_at(at)[0]
    return ItemRow(
        ref=item.ref,
        text=markup.parse(item.text),
        addressed_to=addressed,
        applies=item.applies,
        response=_answer(item, key, w),
        owner=item.owner or "",
        due=w.date(item.due) if item.due else "",
        progress=w(f"progress.{stated}") if stated else "",
    )


def _answer(item: Item, key: str, w: Words) -> Blocks:
    """What the letter says to an item of the findings section ``key``: its stance, why it does not apply, and the response."""
    blocks: list = []
    if item.stance:
        blocks.append(markup.Paragraph((markup.Span(w(f"stances.{item.stance}"), bold=True),)))
    if not item.applies and item.reason:
        blocks.extend(markup.parse(item.reason))
    if item.response:
        blocks.extend(markup.parse(item.response))
    elif not item.applies and not item.reason:
        # s.55(5B): where no action will be taken, the comments must say why.
        blocks.append(markup.Paragraph((markup.Span(w(f"findings.{key}.no_action")),)))
    return tuple(blocks)
