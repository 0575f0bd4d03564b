"""What the law asks of the content of a response, beyond the shape of the file.

- s.55(5B): where the report makes a recommendation that falls to the force or
  the office, the comments must explain what action has been or will be taken,
  or why none will be. An item with ``applies: true`` and no ``response`` breaks
  that: an error in a final response, a warning in a draft.
- s.55(5A): the comments are due within 56 days of the report's publication. A
  final response dated after the deadline gets a warning saying how late it is.
  The letter's date is what the world sees, so it is the date judged: rebuilding
  an on-time response years later is not late.
- Text that ``respgen new`` left for the officer to write must not reach a final
  response.
- Links whose text does not say where they go ("click here", a bare address) get a
  warning: a screen-reader user hears the link text on its own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from respgen import statute
from respgen.accessibility import poor_link_text
from respgen.errors import Problem, Severity
from respgen.fonts import undrawable
from respgen.letter import markup
from respgen.reading.loader import Locator, describe_char, dotted
from respgen.reading.model import FINDINGS_SECTIONS, Office, Response
from respgen.reading.source import ResponseSource

# Every passage ``respgen new`` leaves for the officer starts with this.
PLACEHOLDER = "[To write"



def review(source: ResponseSource, today: dt.date | None = None) -> list[Problem]:
    """Errors and warnings about ``source`` (empty when all is well), in file order.

    The warnings found while reading the file (text that ' #' cut short, say)
    are included, so that the build reports them and ``--strict`` counts them.
    """
    response = source.response
    # A final response is the published record: its PDF must not show empty boxes (PDF/A forbids them).
    # The model's text is checked, not the raw data: the model has joined escaped surrogate pairs.
    boxes = _undrawable(response.model_dump(), source.locator, (), "warning" if response.is_draft else "error")
    problems = (
        list(source.warnings)
        + _dates(response, source.locator, today)
        + boxes
        + _unanswered(source)
        + _late(source)
        + _placeholders(source)
        + _poor_links(source)
        + _updates(source)
        + _invitation(source)
        + _word_habits(source)
    )
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _unanswered(source: ResponseSource) -> list[Problem]:
    """s.55(5B): every item that falls to the force is answered, and a refusal says why."""
    response = source.response
    final = not response.is_draft
    severity: Severity = "error" if final else "warning"
    later = " This must be done before the response is marked final." if not final else ""
    problems = []
    for finding in response.findings():
        item = finding.item
        answered = bool(item.response and item.response.strip())
        if getattr(item, "recommendations", None):
            continue  # a cause of concern is answered through its own recommendations
        if item.stance == "not accepted" and not answered:
            problems.append(
                source.locator.problem(
                    finding.path,
                    f"{finding.name} is not accepted but has no 'response': section 55(5B)(b) requires the comments"
                    " to say why no action will be taken",
                    f"Add 'response:' to {finding.name} explaining why it is not accepted.{later}",
                    severity=severity,
                )
            )
        elif item.applies and not answered:
            problems.append(
                source.locator.problem(
                    finding.path,
                    f"{finding.name} applies to this force but has no 'response': section 55(5B) requires the "
                    "comments to explain what action has been or will be taken, or why none will be",
                    f"Add 'response:' to {finding.name} saying what is being done or why nothing will be; "
                    f"if it is for other bodies only, write 'applies: false'.{later}",
                    severity=severity,
                )
            )
    return problems


def _updates(source: ResponseSource) -> list[Problem]:
    """Updates in date order, none before the report, and the letter's position agreeing with them."""
    response = source.response
    problems = []
    for finding in response.findings():
        item, at, name = finding.item, finding.path, finding.name
        for number, (earlier, update) in enumerate(itertools.pairwise(item.updates), start=1):
            if update.date <= earlier.date:
                problems.append(
                    source.locator.problem(
                        (*at, "updates", number, "date"),
                        f"the updates of {name} are not in date order: {update.date.isoformat()}"
                        f" comes after {earlier.date.isoformat()}",
                        "List the updates oldest first, one per date.",
                    )
                )
        for number, update in enumerate(item.updates):
            if update.date < response.inspection.published:
                problems.append(
                    source.locator.problem(
                        (*at, "updates", number, "date"),
                        f"an update of {name} is dated {update.date.isoformat()}, before the report was published",
                        "Check the year.",
                        severity="warning",
                    )
                )
        stated, source_update = item.position_at(response.date)
        if source_update is not None and item.progress is not None and item.progress != stated:
            problems.append(
                source.locator.problem(
                    (*at, "progress"),
                    f"{name}: the letter states '{item.progress}', but the update of"
                    f" {source_update.date.isoformat()}, before the letter's date, says '{stated}'",
                    "'progress' is the position on the letter's date; later positions go in 'updates'."
                    " Make the two agree.",
                    severity="warning",
                )
            )
        if item.revised_due and not item.revised_due_reason:
            problems.append(
                source.locator.problem(
                    (*at, "revised_due"),
                    f"{name} has a revised due date but no 'revised_due_reason'",
                    "Say why the date moved: the panel will ask.",
                    severity="warning",
                )
            )
    return problems


def _invitation(source: ResponseSource) -> list[Problem]:
    """The letter's date and the s.55(4) invitation's dates in an order the law allows."""
    response = source.response
    published = response.inspection.published
    problems = []
    if response.date < published:
        problems.append(
            source.locator.problem(
                ("date",),
                f"the response is dated {statute.long_date(response.date)}, before the report was published"
                f" ({statute.long_date(published)})",
                "Check the year of 'date' and of 'inspection: published'.",
                severity="warning",
            )
        )
    invitation = response.invitation
    if invitation is None:
        return problems
    deadline = statute.deadline(published)
    if invitation.reply_by and invitation.reply_by > deadline:
        problems.append(
            source.locator.problem(
                ("invitation", "reply_by"),
                f"the chief constable is asked to reply by {statute.long_date(invitation.reply_by)}, after the"
                f" commissioner's own deadline of {statute.long_date(deadline)} (56 days from publication)",
                "Set a date that leaves time to consider the comments and publish them with the response"
                " (section 55(4) and (5A)): 28 days after publication is usual.",
                severity="warning",
            )
        )
    for name in ("reply_by", "received"):
        day = getattr(invitation, name)
        if day and invitation.sent and day < invitation.sent:
            problems.append(
                source.locator.problem(
                    ("invitation", name),
                    f"'invitation.{name}' ({day.isoformat()}) is before the invitation was sent ({invitation.sent.isoformat()})",
                    "Check the dates.",
                    severity="warning",
                )
            )
    return problems


# What the example office file, and an office file not yet finished, hold instead of real details.
_PLACEHOLDERS = re.compile(r"\[(name|address|title|email|number) of|placeholder|\.example\b|@example\.", re.IGNORECASE)


def office_placeholders(office: Office, office_file: Path) -> list[Problem]:
    """Errors for details in ``office_file`` still waiting to be filled in.

    A final response is published and sent: it must not be addressed to "[Name of
    the Home Secretary]", print a made-up mailbox, or have its email go to one.
    """
    found: list[tuple[tuple, str | None]] = []
    for index, recipient in enumerate(office.recipients):
        for key in ("name", "role", "email"):
            found.append((("recipients", index, key), getattr(recipient, key)))
        found += [(("recipients", index, "address", n), line) for n, line in enumerate(recipient.address)]
    found += [(("address", n), line) for n, line in enumerate(office.address)]
    found += [(("telephone",), office.telephone), (("email",), office.email), (("website",), office.website)]
    found.append((("chief_constable", "email"), office.chief_constable.email))
    waiting = [(path, value) for path, value in found if value and _PLACEHOLDERS.search(value)]
    if not waiting:
        return []
    from respgen.reading.loader import load_yaml

    _, locator = load_yaml(office_file)
    return [
        locator.problem(
            path,
            f"'{dotted(path)}' in the office file still holds a placeholder ({value!r})",
            "Put the real details in templates/office.yaml before a final response is built or sent.",
        )
        for path, value in waiting
    ]


def _late(source: ResponseSource) -> list[Problem]:
    response = source.response
    if response.is_draft:
        return []
    published = response.inspection.published
    late = statute.days_late(published, response.date)
    if not late:
        return []
    due = statute.deadline(published)
    return [
        source.locator.problem(
            ("date",),
            f"this final response is dated {statute.long_date(response.date)}, "
            f"{statute.plural(late, 'day')} late: the deadline was {statute.long_date(due)} "
            f"(56 days from publication on {statute.long_date(published)}, section 55(5A))",
            "If the date is wrong, correct it; if the response is late, say why in the Commissioner's comments.",
            severity="warning",
        )
    ]


def _placeholders(source: ResponseSource) -> list[Problem]:
    found = list(_strings_with(source.response.model_dump(), PLACEHOLDER, ()))
    if not found:
        return []
    if source.response.is_draft:
        first = source.locator.problem(found[0], "")
        return [
            Problem(
                f"{statute.plural(len(found), 'passage')} still to write (marked '{PLACEHOLDER}'), "
                f"the first on line {first.line}",
                file=source.locator.file,
                line=first.line,
                column=first.column,
                hint="Replace each with the real text, or delete the key if it is optional.",
                severity="warning",
            )
        ]
    return [
        source.locator.problem(
            path,
            f"'{dotted(path)}' still holds text left to write (marked '{PLACEHOLDER}')",
            "Replace it with the real text, or delete the key if it is optional, before the response is final.",
        )
        for path in found
    ]


def _strings_with(value: Any, needle: str, path: tuple) -> Iterator[tuple]:
    if isinstance(value, str):
        if needle in value:
            yield path
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings_with(child, needle, path + (key,))
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _strings_with(child, needle, path + (index,))


# A line that starts with '-' and no space ("-item") is not a list item; a line of '|' cells is not
# a table: both would be printed just as they are typed, which is rarely what was meant.
_DASH_WITHOUT_SPACE = re.compile(r"^\s*-(?=[A-Za-z])")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _word_habits(source: ResponseSource) -> list[Problem]:
    """Warnings for the text habits of Word and email that the text markup does not read as they look."""
    problems = []
    lines = source.text.splitlines()
    for path, text in _rich_texts(source.response.model_dump()):
        if not text:
            continue
        tabled = False
        start = (source.locator.find(path)[0] or 1) - 1
        for offset, line in enumerate(text.splitlines()):
            if _DASH_WITHOUT_SPACE.match(line):
                what, hint = (
                    f"'{line.strip()[:30]}' starts with '-' but no space, so it is not a list item: it is printed as typed",
                    "Put a space after the '-' to make it a bulleted item.",
                )
            elif _PIPE_ROW.match(line) and not tabled:
                tabled = True  # one warning for a whole table
                what, hint = (
                    "a line of '|' cells is not drawn as a table: it is printed as typed, pipes and all",
                    "Write the facts as a list (one '- ' line each), or as sentences: tables belong to the house style.",
                )
            else:
                continue
            number = next((i + 1 for i in range(start, min(start + 40 + offset, len(lines))) if lines[i].strip() == line.strip()), start + 1)
            problems.append(
                Problem(f"in '{dotted(path)}', {what}", file=source.locator.file, line=number, hint=hint, severity="warning")
            )
    return problems


def _poor_links(source: ResponseSource) -> list[Problem]:
    problems = []
    for path, text in _rich_texts(source.response.model_dump()):
        for link in markup.links(markup.parse(text)):
            reason = poor_link_text(link.text, link.href)
            if reason:
                problems.append(
                    source.locator.problem(
                        path,
                        f"in '{dotted(path)}', {reason}",
                        "Write link text that says where the link goes, such as the report's title:"
                        " [the report on vetting](https://...).",
                        severity="warning",
                    )
                )
    return problems


def _rich_texts(response: dict) -> Iterator[tuple[tuple, str | None]]:
    """Every field that takes the text markup, with its path."""
    findings = response.get("key_findings") or {}
    yield ("key_findings", "summary"), findings.get("summary")
    for index, point in enumerate(findings.get("points") or []):
        yield ("key_findings", "points", index), point
    for key in FINDINGS_SECTIONS:
        section = response.get(key) or {}
        yield (key, "summary"), section.get("summary")
        for index, item in enumerate(section.get("items") or []):
            places = [((key, "items", index), item)] + [
                ((key, "items", index, "recommendations", number), inner)
                for number, inner in enumerate(item.get("recommendations") or [])
            ]
            for path, found in places:
                for field in ("text", "reason", "response"):
                    yield (*path, field), found.get(field)
    for key in ("commissioner", "chief_constable", "reply_to_chief_constable"):
        yield ("response", key), (response.get("response") or {}).get(key)


# Dates outside these bounds are almost always typing mistakes (2002 for 2022, 2220 for 2020).
# Section 55 dates from the Police Act 1996.
EARLIEST = dt.date(1996, 1, 1)
FUTURE_YEARS = 2  # for the report's and the letter's dates
DUE_YEARS = 10  # for the due date of an action


def _dates(response: Response, locator: Locator, today: dt.date | None = None) -> list[Problem]:
    today = today or dt.date.today()
    checks: list[tuple[tuple, dt.date, int]] = [
        (("inspection", "published"), response.inspection.published, FUTURE_YEARS),
        (("date",), response.date, FUTURE_YEARS),
    ]
    for finding in response.findings():
        item, at = finding.item, finding.path
        if item.due:
            checks.append(((*at, "due"), item.due, DUE_YEARS))
        if item.revised_due:
            checks.append(((*at, "revised_due"), item.revised_due, DUE_YEARS))
        for number, update in enumerate(item.updates):
            checks.append(((*at, "updates", number, "date"), update.date, FUTURE_YEARS))
    warnings = []
    for path, date, years in checks:
        latest = today.replace(year=today.year + years, day=min(today.day, 28))
        if date < EARLIEST:
            why = f"before {EARLIEST.year}, when section 55 of the Police Act 1996 began"
        elif date > latest:
            why = f"more than {years} years from today"
        else:
            continue
        warnings.append(
            locator.problem(
                path,
                f"'{dotted(path)}' is {date.isoformat()}, {why}",
                "Check the year: a typing mistake here changes the dates printed in the letter.",
                severity="warning",
            )
        )
    return warnings


def _undrawable(value: Any, locator: Locator, path: tuple, severity: Severity = "warning") -> list[Problem]:
    """A problem for each text holding characters that no installed font can draw (the PDF would show boxes)."""
    if isinstance(value, str):
        missing = undrawable(value)
        if not missing:
            return []
        shown = ", ".join(f"'{c}' ({describe_char(c)})" for c in missing[:3]) + (" and others" if len(missing) > 3 else "")
        return [
            locator.problem(
                path,
                f"'{dotted(path)}' has characters that no font on this computer can draw: {shown};"
                " the PDF will show them as empty boxes",
                "Install a font that has them (on Debian or Ubuntu: fonts-noto-cjk for Chinese, Japanese and Korean,"
                " fonts-noto-core for most other scripts), then build again. The Word document keeps the text and"
                " shows it on a computer that has such a font.",
                severity=severity,
            )
        ]
    if isinstance(value, dict):
        return [w for key, child in value.items() for w in _undrawable(child, locator, path + (key,), severity)]
    if isinstance(value, list):
        return [w for index, child in enumerate(value) for w in _undrawable(child, locator, path + (index,), severity)]
    return []
