"""Every item of every response, followed to closure: the view the tracker workbook and the panel's report show.

After publication an office reports each quarter to the Police and Crime
Panel on every recommendation, area for improvement and cause of concern:
how many are at each stage, which are overdue, which fall due next, which
closed since the last report, and each one's history. Both the workbook and
the report are drawn from the one ``PanelReport`` made here, as the two
letters are from one ``Letter``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from respgen import statute
from respgen.letter import markup
from respgen.reading.model import CLOSED, Item, Update
from respgen.reading.source import ResponseSource

NEXT_QUARTER = dt.timedelta(days=91)
NOT_STATED = "not stated"
# The order stages are counted in, from start to finish.
STAGES = ("not started", "awaiting allocation", "in progress", "awaiting sign-off", "complete", "no action", NOT_STATED)


@dataclass(frozen=True)
class TrackedItem:
    report: str
    published: dt.date
    report_type: str
    response_file: str
    kind: str  # recommendation, area for improvement, cause of concern
    ref: str
    text: str  # plain words, without the markup
    addressed_to: str
    applies: bool
    owner: str
    due: dt.date | None  # in force: the revised date where there is one
    revised: bool
    progress: str  # on the report's date
    last_update: Update | None  # the latest by the report's date
    closed_on: dt.date | None
    history: tuple[Update, ...]  # up to the report's date
    overdue: bool

    @property
    def label(self) -> str:
        return f"{self.kind.capitalize()} {self.ref}"


@dataclass(frozen=True)
class ReportLine:
    report: str
    published: dt.date
    total: int
    open: int
    closed: int
    overdue: int


@dataclass(frozen=True)
class PanelReport:
    title: str
    office: str
    as_of: dt.date
    since: dt.date
    items: tuple[TrackedItem, ...]  # every item, including those for other bodies

    @property
    def tracked(self) -> tuple[TrackedItem, ...]:
        """The items for this force: the others need no action from it."""
        return tuple(item for item in self.items if item.applies)

    @property
    def by_stage(self) -> list[tuple[str, int]]:
        counts = {stage: 0 for stage in STAGES}
        for item in self.tracked:
            counts[item.progress] += 1
        return [(stage, count) for stage, count in counts.items() if count]

    @property
    def by_report(self) -> list[ReportLine]:
        lines = []
        for report in dict.fromkeys(item.report for item in self.tracked):
            mine = [item for item in self.tracked if item.report == report]
            closed = sum(1 for item in mine if item.progress in CLOSED)
            lines.append(
                ReportLine(report, mine[0].published, len(mine), len(mine) - closed, closed, sum(i.overdue for i in mine))
            )
        return lines

    @property
    def overdue(self) -> list[TrackedItem]:
        return sorted((i for i in self.tracked if i.overdue), key=lambda i: (i.due or dt.date.min, i.report, i.ref))

    @property
    def due_next(self) -> list[TrackedItem]:
        """Open items falling due within the next quarter after the report's date."""
        end = self.as_of + NEXT_QUARTER
        found = [i for i in self.tracked if i.progress not in CLOSED and i.due and self.as_of <= i.due <= end]
        return sorted(found, key=lambda i: (i.due or dt.date.min, i.report, i.ref))

    @property
    def closed(self) -> list[TrackedItem]:
        """Items closed after ``since`` and by the report's date."""
        found = [i for i in self.tracked if i.closed_on and self.since < i.closed_on <= self.as_of]
        return sorted(found, key=lambda i: (i.closed_on or dt.date.min, i.report, i.ref))

    @property
    def as_of_text(self) -> str:
        return statute.long_date(self.as_of)

    @property
    def since_text(self) -> str:
        return statute.long_date(self.since)


def panel_report(sources: list[ResponseSource], office: str, as_of: dt.date, since: dt.date | None = None) -> PanelReport:
    """The position of every item of ``sources`` on ``as_of``; ``since`` (default a quarter before) opens the period."""
    since = since or as_of - NEXT_QUARTER
    items = []
    for source in sorted(sources, key=lambda s: (s.response.inspection.published, s.path.name)):
        for finding in source.response.findings():
            if getattr(finding.item, "recommendations", None):
                continue  # a cause of concern is followed through its own recommendations
            items.append(_tracked(source, finding.noun, finding.item, as_of))
    title = f"Progress on HMICFRS recommendations: position at {statute.long_date(as_of)}"
    return PanelReport(title, office, as_of, since, tuple(items))


def _tracked(source: ResponseSource, noun: str, item: Item, as_of: dt.date) -> TrackedItem:
    response = source.response
    progress, last = item.position_at(as_of)
    history = tuple(update for update in item.updates if update.date <= as_of)
    due = item.due_now
    stage = progress or NOT_STATED
    return TrackedItem(
        report=" ".join(response.inspection.title.split()),
        published=response.inspection.published,
        report_type=response.inspection.type,
        response_file=source.path.name,
        kind=noun,
        ref=item.ref,
        text=markup.plain(markup.parse(item.text)),
        addressed_to=item.addressees,
        applies=item.applies,
        owner=item.owner or "",
        due=due,
        revised=item.revised_due is not None,
        progress=stage,
        last_update=last,
        closed_on=_closed_on(item, response.date, as_of),
        history=history,
        overdue=bool(item.applies and due and due < as_of and stage not in CLOSED),
    )


def _closed_on(item: Item, letter_date: dt.date, as_of: dt.date) -> dt.date | None:
    """The day the item reached a closed stage for good (by ``as_of``), or None while it is open."""
    if item.position_at(as_of)[0] not in CLOSED:
        return None
    closed_on = letter_date if item.progress in CLOSED else None
    for update in (u for u in item.updates if u.date <= as_of):
        # A closing update keeps the first day of closing; any other opens the item again.
        closed_on = (closed_on or update.date) if update.progress in CLOSED else None
    return closed_on or letter_date
