"""The data contract: what a response file and the office file may hold.

Field names are the YAML keys the officer writes. Unknown keys are errors
(``extra="forbid"``) so that a typo never silently drops a section.
Rich-text fields are plain strings here; ``markup`` turns them into blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema

from respgen.accessibility import LANGUAGES, is_web_address
from respgen.reading.languages import IN_EVERY_LANGUAGE


def _number_as_text(value):
    # Officers write `ref: 1` as often as `ref: "1"`; both mean the same.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return getattr(value, "yaml_text", None) or str(value)  # "1.10" stays "1.10", not "1.1"
    return value


# Line breaks of every kind (a header, a calendar line or a link would end at one), spaces, controls.
_BREAKS = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_MAILBOX = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def _web_address(value):
    # Addresses are written into the documents, the calendar and the email as links, never fetched:
    # only a web page, written on one line without spaces, makes sense there.
    if not isinstance(value, str):
        return value
    if not is_web_address(value):
        raise ValueError("must be a web address starting with https://")
    if _BREAKS.search(value.strip()) or any(c in value for c in '<>"\\') or not urlsplit(value.strip()).netloc:
        raise ValueError("must be one web address, with no spaces, line breaks or quotation marks in it")
    return value.strip()


def _mailbox(value):
    # An address goes into email headers: plain ASCII name@domain, nothing a header could be split at.
    if isinstance(value, str) and not _MAILBOX.fullmatch(value.strip()):
        raise ValueError("must be an email address like name@example.gov.uk (plain letters, no spaces)")
    return value.strip() if isinstance(value, str) else value


def _one_line(value):
    # Names go into email headers and calendar entries, where a line break would start a new field.
    if isinstance(value, str) and _LINE_BREAKS.search(value):
        raise ValueError("must be on one line")
    return value


# A report lists tens of findings, and a response runs to tens of pages: these are far beyond that,
# and well before the point where drawing the PDF would take hours.
MAX_ITEMS = 1_000  # findings in one section, or key points
MAX_TEXT = 500_000  # characters in one field: some 200 pages

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
RichText = Annotated[str, Field(max_length=MAX_TEXT)]  # a small Markdown subset, see markup.py
WebAddress = Annotated[str, AfterValidator(_web_address)]
Mailbox = Annotated[str, AfterValidator(_mailbox)]
OneLine = Annotated[str, Field(min_length=1), AfterValidator(_one_line)]
Ref = Annotated[str, BeforeValidator(_number_as_text), Field(min_length=1)]
# Text an office publishing in several languages gives in each (see languages.py): names, addresses and
# web addresses are the same in every language unless written per language.
Wording = Annotated[Text, IN_EVERY_LANGUAGE]
RichWording = Annotated[RichText, IN_EVERY_LANGUAGE]
OneLineWording = Annotated[OneLine, IN_EVERY_LANGUAGE]
Progress = Literal["not started", "awaiting allocation", "in progress", "awaiting sign-off", "complete", "no action"]
CLOSED = ("complete", "no action")  # an item in either is closed: nothing more is tracked

# Words officers write for a position, read as the obvious one. "No action" has legal weight
# (s.55(5B)), so nothing is ever read as it but the words themselves.
PROGRESS_WORDS = {
    "in progress": ("ongoing", "on going", "in hand", "underway", "under way", "started", "in train", "on track",
                    "progressing", "in-progress", "work in progress"),
    "complete": ("completed", "done", "finished", "achieved", "implemented", "delivered"),
    "not started": ("not yet started", "not begun", "not yet begun", "to do", "to start", "not commenced", "planned"),
    "awaiting sign-off": ("awaiting sign off", "awaiting signoff", "awaiting approval", "for sign-off", "for sign off"),
    "awaiting allocation": ("unallocated", "to be allocated", "not allocated"),
}  # fmt: skip
_PROGRESS_READ = {word: meaning for meaning, words in PROGRESS_WORDS.items() for word in words}


def _progress(value):
    # "Complete", "In Progress " and "ongoing" all mean what they say.
    if isinstance(value, str):
        word = " ".join(value.split()).lower()
        return _PROGRESS_READ.get(word, word)
    return value


Grade = Literal["outstanding", "good", "adequate", "requires improvement", "inadequate", "not graded"]
Stance = Literal["accepted", "partly accepted", "not accepted"]


class Period(dt.date):
    """A due date written as a month or a quarter: compared as its last day, shown as the officer wrote it."""

    written: str
    quarter: int | None  # 1 to 4 for a quarter; None for a month

    def __new__(cls, last: dt.date, written: str, quarter: int | None = None):
        period = super().__new__(cls, last.year, last.month, last.day)
        period.written = written
        period.quarter = quarter
        return period

    def __reduce__(self):  # workers receive responses by pickling
        return (Period, (dt.date(self.year, self.month, self.day), self.written, self.quarter))


_MONTHS = {name.lower(): number for number, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)}  # fmt: skip
_MONTH_NUMBER = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_NAME = re.compile(r"([A-Za-z]+)\s+(\d{4})")
_QUARTER = re.compile(r"(?:(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s*-?\s*(\d{4}))", re.IGNORECASE)


def _last_day(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _due(value):
    # A day stays a date; "2027-03", "March 2027" and "2027 Q1" (January to March) are periods.
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    quarter = None
    if match := _MONTH_NUMBER.fullmatch(text):
        year, month = int(match[1]), int(match[2])
    elif (match := _MONTH_NAME.fullmatch(text)) and match[1].lower() in _MONTHS:
        year, month = int(match[2]), _MONTHS[match[1].lower()]
    elif match := _QUARTER.fullmatch(text):
        year, quarter = int(match[1] or match[4]), int(match[2] or match[3])
        month = quarter * 3
    elif re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return value  # a day written as text: the date check reads it (or says why it cannot)
    else:
        raise ValueError("must be a day (2027-03-31), a month (2027-03 or March 2027) or a quarter (2027 Q1)")
    if not 1 <= month <= 12:
        raise ValueError("must be a date (YYYY-MM-DD), a month (2027-03 or March 2027) or a quarter (2027 Q1)")
    return Period(_last_day(year, month), text, quarter)


def _bodies(value):
    # `addressed_to: Chief constables` and a list of bodies mean the same kind of thing.
    return [value] if isinstance(value, str) else value


def in_words(names: list[str] | tuple[str, ...]) -> str:
    """Names as a sentence would list them: "A", "A and B", "A, B and C"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# --- the response file -------------------------------------------------------


class Inspection(Model):
    title: Wording
    published: dt.date
    type: Wording
    url: WebAddress | None = None
    grades: Annotated[list[Grading], Field(max_length=MAX_ITEMS)] = []  # the report's graded judgments, in its order


class KeyFindings(Model):
    summary: RichWording | None = None
    points: Annotated[list[RichWording], Field(max_length=MAX_ITEMS)] = []


class Update(Model):
    """Where an item stood on a day after (or at) publication, as reported to the panel."""

    date: dt.date
    progress: ProgressWord
    note: RichText | None = None  # for the panel's report, in the office's main language (never in the letter)


Due = Annotated[
    dt.date,
    BeforeValidator(_due),
    WithJsonSchema({"type": "string", "description": "a day (2027-03-31), a month (2027-03, March 2027) or a quarter (2027 Q1)"}),
]
ProgressWord = Annotated[Progress, BeforeValidator(_progress)]
Bodies = Annotated[
    list[OneLineWording],
    BeforeValidator(_bodies),
    Field(min_length=1, max_length=MAX_ITEMS),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]
RefText = Annotated[Ref, WithJsonSchema({"type": ["string", "number"]})]


class Item(Model):
    """A recommendation, area for improvement or cause of concern, as numbered in the report.

    ``progress`` is the position the published letter states, at its date;
    ``updates`` are the positions reported since, oldest first. The letter never
    shows an update dated after it, so tracking never changes a published letter.
    """

    ref: RefText
    text: RichWording
    addressed_to: Bodies | None = None
    applies: bool = True
    reason: RichWording | None = None  # why it does not apply to this force
    stance: Stance | None = None
    response: RichWording | None = None
    owner: Annotated[str, IN_EVERY_LANGUAGE] | None = None
    due: Due | None = None
    progress: ProgressWord | None = None
    revised_due: Due | None = None
    revised_due_reason: OneLine | None = None  # as ``Update.note``
    updates: Annotated[list[Update], Field(max_length=MAX_ITEMS)] = []

    def position_at(self, day: dt.date) -> tuple[Progress | None, Update | None]:
        """(progress, the update it comes from) on ``day``: the last update by then, else ``progress``."""
        reached = [update for update in self.updates if update.date <= day]
        if reached:
            latest = max(reached, key=lambda update: update.date)
            return latest.progress, latest
        return self.progress, None

    @property
    def addressees(self) -> str:
        """Who the report addresses it to, in words ("Chief constables and police and crime commissioners")."""
        return in_words(self.addressed_to or [])

    @property
    def current(self) -> Progress | None:
        return self.position_at(dt.date.max)[0]

    @property
    def due_now(self) -> dt.date | None:
        """The due date in force: a revised one replaces the first."""
        return self.revised_due or self.due


class Concern(Item):
    """A cause of concern: HMICFRS always accompanies one with recommendations, which it may hold."""

    accelerated: bool = False  # raised before the report was published
    issued: dt.date | None = None
    recommendations: Annotated[list[Item], Field(max_length=MAX_ITEMS)] = []


class Findings(Model):
    summary: RichWording | None = None
    items: Annotated[list[Item], Field(max_length=MAX_ITEMS)] = []


class Concerns(Findings):
    items: Annotated[list[Concern], Field(max_length=MAX_ITEMS)] = []  # type: ignore[assignment]


class Grading(Model):
    area: OneLineWording
    grade: Annotated[Grade, BeforeValidator(lambda v: " ".join(v.split()).lower() if isinstance(v, str) else v)]


class Comments(Model):
    commissioner: RichWording
    chief_constable: RichWording | None = None
    reply_to_chief_constable: RichWording | None = None  # s.55(5A): the commissioner's response to those comments


class Signatory(Model):
    """Who signs this response, when not the office's commissioner (a deputy, an acting commissioner)."""

    name: OneLine
    title: OneLineWording


class Invitation(Model):
    """s.55(4): the chief constable was invited to comment before a date the commissioner set."""

    sent: dt.date | None = None
    reply_by: dt.date | None = None
    received: dt.date | None = None


@dataclass(frozen=True)
class Finding:
    """One item wherever it is in the file: a section's item, or a cause of concern's recommendation."""

    path: tuple  # its place in the file: ("causes_of_concern", "items", 0, "recommendations", 1)
    noun: str  # "recommendation"
    name: str  # "cause of concern 1, recommendation 1.1": how messages and the tracker name it
    item: Item


# The three kinds of finding a report lists, as the response file names them: (heading, noun).
FINDINGS_SECTIONS = {
    "recommendations": ("Recommendations", "recommendation"),
    "areas_for_improvement": ("Areas for improvement", "area for improvement"),
    "causes_of_concern": ("Causes of concern", "cause of concern"),
}


class Response(Model):
    inspection: Inspection
    date: dt.date
    status: Literal["draft", "final"]
    key_findings: KeyFindings
    recommendations: Findings | None = None  # a report may make none
    areas_for_improvement: Findings | None = None
    causes_of_concern: Concerns | None = None
    response: Comments
    signatory: Signatory | None = None
    marking: Wording | None = None  # this response's protective marking, when not the office's
    invitation: Invitation | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def findings_sections(self) -> list[tuple[str, Findings]]:
        """(key, section) for each kind of finding the response has, in the letter's order."""
        return [(key, section) for key in FINDINGS_SECTIONS if (section := getattr(self, key)) is not None]

    def findings(self) -> list[Finding]:
        """Every item in file order, a cause of concern followed by its own recommendations."""
        found = []
        for key, section in self.findings_sections():
            noun = FINDINGS_SECTIONS[key][1]
            for index, item in enumerate(section.items):
                found.append(Finding((key, "items", index), noun, f"{noun} {item.ref}", item))
                for number, inner in enumerate(getattr(item, "recommendations", [])):
                    found.append(
                        Finding(
                            (key, "items", index, "recommendations", number),
                            "recommendation",
                            f"{noun} {item.ref}, recommendation {inner.ref}",
                            inner,
                        )
                    )
        return found


# --- the office file (templates/office.yaml) ---------------------------------


class Person(Model):
    name: OneLine
    title: OneLineWording
    abbreviation: str | None = None  # e.g. PCC, shown after the title where the letter introduces it
    short_title: OneLineWording | None = None  # how headings name them: "Commissioner" gives "The Commissioner’s response"
    email: Mailbox | None = None  # where the chief constable's invitation to comment goes


class Recipient(Model):
    name: OneLine | None = None  # the holder's name; the role alone also addresses them, and outlasts them
    role: OneLineWording
    address: list[str] = []
    email: Mailbox | None = None


class Reviewer(Model):
    """Someone a draft goes to for review (never a statutory recipient, unless the office lists them here)."""

    name: OneLine | None = None
    email: Mailbox


class Image(Model):
    file: Text
    alt: Wording


class Colours(Model):
    primary: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#1D3C6E"
    accent: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#5A6B7B"


Language = Literal[LANGUAGES]  # type: ignore[valid-type]


def _languages(value):
    # `languages: cy` and `languages: [en, cy]` both name the editions; each once.
    value = [value] if isinstance(value, str) else value
    if isinstance(value, list) and len(set(value)) != len(value):
        raise ValueError("names a language twice")
    return value


class Office(Model):
    # The languages the office publishes in, the first being its main one: each response gets an edition in
    # each (output/<name>.pdf in the first, output/<name>.cy.pdf in Welsh).
    languages: Annotated[list[Language], BeforeValidator(_languages), Field(min_length=1)] = ["en"]
    name: OneLineWording
    force: Wording
    # The words before the inspection's title in each document's title.
    response_title: OneLineWording = "Police and Crime Commissioner’s response"
    commissioner: Person
    chief_constable: Person
    address: list[str]
    telephone: str | None = None
    email: Mailbox | None = None
    website: WebAddress | None = None
    logo: Image | None = None
    signature: Image | None = None
    marking: Wording = "OFFICIAL"
    colours: Colours = Colours()
    recipients: list[Recipient] = Field(min_length=1)
    reviewers: list[Reviewer] = []  # whom 'respgen email --draft' addresses a draft to

    _editions: dict[str, Office] = PrivateAttr(default_factory=dict)

    def in_language(self, code: str) -> Office:
        """The office's details as its edition in ``code`` shows them (its own, for its main language)."""
        return self._editions.get(code, self)

    def with_editions(self, editions: dict[str, Office]) -> Office:
        self._editions = dict(editions)
        return self
