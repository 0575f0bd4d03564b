"""The data contract: what a response file and the office file may hold.

Field names are the YAML keys the officer writes. Unknown keys are errors
(``extra="forbid"``) so that a typo never silently drops a section.
Rich-text fields are plain strings here; ``markup`` turns them into blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from respgen.accessibility import is_web_address


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
Progress = Literal["not started", "awaiting allocation", "in progress", "awaiting sign-off", "complete", "no action"]
CLOSED = ("complete", "no action")  # an item in either is closed: nothing more is tracked


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# --- the response file -------------------------------------------------------


class Inspection(Model):
    title: Text
    published: dt.date
    type: Text
    url: WebAddress | None = None


class KeyFindings(Model):
    summary: RichText | None = None
    points: Annotated[list[RichText], Field(max_length=MAX_ITEMS)] = []


class Update(Model):
    """Where an item stood on a day after (or at) publication, as reported to the panel."""

    date: dt.date
    progress: Progress
    note: RichText | None = None


class Item(Model):
    """A recommendation, area for improvement or cause of concern, as numbered in the report.

    ``progress`` is the position the published letter states, at its date;
    ``updates`` are the positions reported since, oldest first. The letter never
    shows an update dated after it, so tracking never changes a published letter.
    """

    ref: Ref
    text: RichText
    addressed_to: str | None = None
    applies: bool = True
    response: RichText | None = None
    owner: str | None = None
    due: dt.date | None = None
    progress: Progress | None = None
    revised_due: dt.date | None = None
    revised_due_reason: OneLine | None = None
    updates: Annotated[list[Update], Field(max_length=MAX_ITEMS)] = []

    def position_at(self, day: dt.date) -> tuple[Progress | None, Update | None]:
        """(progress, the update it comes from) on ``day``: the last update by then, else ``progress``."""
        reached = [update for update in self.updates if update.date <= day]
        if reached:
            latest = max(reached, key=lambda update: update.date)
            return latest.progress, latest
        return self.progress, None

    @property
    def current(self) -> Progress | None:
        return self.position_at(dt.date.max)[0]

    @property
    def due_now(self) -> dt.date | None:
        """The due date in force: a revised one replaces the first."""
        return self.revised_due or self.due


class Findings(Model):
    summary: RichText | None = None
    items: Annotated[list[Item], Field(max_length=MAX_ITEMS)] = []


class Comments(Model):
    commissioner: RichText
    chief_constable: RichText | None = None


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
    recommendations: Findings
    areas_for_improvement: Findings | None = None
    causes_of_concern: Findings | None = None
    response: Comments

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def findings_sections(self) -> list[tuple[str, Findings]]:
        """(key, section) for each kind of finding the response has, in the letter's order."""
        return [(key, section) for key in FINDINGS_SECTIONS if (section := getattr(self, key)) is not None]


# --- the office file (templates/office.yaml) ---------------------------------


class Person(Model):
    name: OneLine
    title: OneLine
    abbreviation: str | None = None  # e.g. PCC, shown after the title where the letter introduces it


class Recipient(Model):
    name: OneLine
    role: OneLine
    address: list[str] = []
    email: Mailbox | None = None


class Image(Model):
    file: Text
    alt: Text


class Colours(Model):
    primary: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#1D3C6E"
    accent: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#5A6B7B"


class Office(Model):
    name: OneLine
    force: Text
    commissioner: Person
    chief_constable: Person
    address: list[str]
    telephone: str | None = None
    email: Mailbox | None = None
    website: WebAddress | None = None
    logo: Image | None = None
    signature: Image | None = None
    marking: Text = "OFFICIAL"
    colours: Colours = Colours()
    recipients: list[Recipient] = Field(min_length=1)
