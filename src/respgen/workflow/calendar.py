"""`respgen calendar`: the deadlines as an iCalendar file Outlook can import.

One all-day event per response on its deadline, with a reminder 14 days
before. Each event's UID is derived from the office and the response file's
name, never from the time of the run, so importing a newer file updates the
events already in the calendar instead of adding copies.

Written by hand rather than with a library: the format is small, and the
details Outlook is strict about (CRLF line ends, lines folded at 75 octets
without splitting a character, escaped commas and semicolons, DATE values for
all-day events) are easiest to guarantee here, where they are tested.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from respgen import statute
from respgen import words as wording
from respgen.errors import Problem
from respgen.files import write_atomic
from respgen.project import Project
from respgen.reading.source import read_all, read_office
from respgen.workflow.status import comments_received

FILE_NAME = "deadlines.ics"
REMINDER_DAYS = 14
PRODID = "-//respgen//Section 55 response deadlines//EN"


@dataclass(frozen=True)
class Event:
    uid: str
    day: dt.date
    summary: str
    description: str
    url: str | None


def uid(office_name: str, response_file: Path, event: str = "") -> str:
    """The event's identity: the response file's name (and which of its events), plus a hash that keeps offices apart."""
    stem = Path(response_file).stem + (f"-{event}" if event else "")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "response"
    digest = hashlib.sha256(f"{office_name}\n{stem}".encode()).hexdigest()[:12]
    return f"{safe}-{digest}@respgen"


def events(project: Project) -> tuple[list[Event], list[Problem]]:
    found: list[Event] = []
    office = read_office(project.office_file)
    languages = tuple(office.languages)
    wordings = [wording.load(project.templates, code)[0] for code in languages]
    sources, problems = read_all(project.response_files(), languages)

    def titled(source, key: str) -> str:
        # In each language the office publishes in: "Section 55 response due: … / Ymateb adran 55 i’w gyflwyno: …".
        return " / ".join(w(key, title=source.edition(w.code).inspection.title) for w in wordings)

    for source in sources:
        path = source.path
        response = source.response
        inspection = response.inspection
        due = statute.deadline(inspection.published)
        state = "final" if not response.is_draft else "draft"
        description = (
            f"The {office.commissioner.title}'s comments on the HMICFRS report \"{inspection.title}\", "
            f"published on {statute.long_date(inspection.published)}, must be published by "
            f"{statute.long_date(due)} and sent to HM Inspectors of Constabulary and the Home Secretary "
            f"(section 55 of the Police Act 1996).\n\n"
            f"Response file: responses/{path.name} (status: {state}).\n"
            f"Build it with: respgen build responses/{path.name}\n"
            f"Then make the email with: respgen email responses/{path.name}"
        )
        found.append(
            Event(
                uid=uid(office.name, path),
                day=due,
                summary=titled(source, "calendar.due"),
                description=description,
                url=inspection.url,
            )
        )
        invitation = response.invitation
        if invitation and invitation.reply_by and not comments_received(response):
            found.append(
                Event(
                    uid=uid(office.name, path, "reply-by"),
                    day=invitation.reply_by,
                    summary=titled(source, "calendar.reply_by"),
                    description=(
                        f"The date set for the {office.chief_constable.title}'s comments on the HMICFRS report "
                        f"\"{inspection.title}\" (section 55(4) of the Police Act 1996), so that they can be "
                        f"published with the response, due by {statute.long_date(due)}.\n\n"
                        f"Response file: responses/{path.name}.\n"
                        f"Make the invitation with: respgen invite responses/{path.name}"
                    ),
                    url=inspection.url,
                )
            )
    found.sort(key=lambda event: (event.day, event.uid))
    return found, problems


def escape(text: str) -> str:
    """A TEXT value as RFC 5545 section 3.3.11 writes it."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuation lines starting with a space.

    Cuts fall between characters, never inside one's UTF-8 bytes.
    """
    pieces: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # the leading space of a continuation line counts
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def render(events_: list[Event], *, calendar_name: str, now: dt.datetime) -> bytes:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(calendar_name)}",
    ]
    for event in events_:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(event.summary)}",
            f"DESCRIPTION:{escape(event.description)}",
        ]
        if event.url and not re.search(r"[\x00-\x20\x7f-\x9f\u2028\u2029]", event.url):
            # The model already refuses breaks in an address; a URI value has no escaping, so never trust that alone.
            lines.append(f"URL;VALUE=URI:{event.url}")
        lines += [
            "CATEGORIES:Section 55",
            "TRANSP:TRANSPARENT",
            # Outlook shows an all-day event as free time only when told so.
            "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
            "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape(event.summary)}",
            f"TRIGGER:-P{REMINDER_DAYS}D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def write(project: Project, *, now: dt.datetime | None = None) -> tuple[Path, int, list[Problem]]:
    """Write output/deadlines.ics; returns its path, the number of events and the unreadable responses."""
    found, problems = events(project)
    now = now or dt.datetime.now(dt.UTC)
    target = project.output / FILE_NAME
    write_atomic(target, render(found, calendar_name=f"Section 55 deadlines – {read_office(project.office_file).name}", now=now))
    return target, len(found), problems
