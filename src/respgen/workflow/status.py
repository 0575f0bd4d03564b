"""`respgen status`: every response, its deadline, and whether its documents are current."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from respgen import statute
from respgen.errors import Problem
from respgen.project import Project
from respgen.reading.model import CLOSED
from respgen.reading.source import read_all
from respgen.rules import PLACEHOLDER
from respgen.tracking import panel_report

TITLE_WIDTH = 48

UP_TO_DATE = "up to date"
OUT_OF_DATE = "out of date"
NOT_BUILT = "not built"


@dataclass(frozen=True)
class Row:
    file: str
    title: str
    published: dt.date
    deadline: dt.date
    days_left: int  # from today to the deadline; negative once it has passed
    status: str  # draft | final
    date: dt.date  # the letter's date
    outputs: str  # up to date | out of date | not built
    items: dict[str, int]  # the force's items by stage today (see respgen.tracking)
    overdue_items: int  # of those, past their due date and not closed
    reply_by: dt.date | None = None  # s.55(4): the date set for the chief constable's comments
    comments_received: bool = False  # the chief constable's comments have arrived
    today: dt.date | None = None

    @property
    def awaiting_comments(self) -> bool:
        """The chief constable was invited to comment and the comments have not arrived."""
        return self.reply_by is not None and not self.comments_received

    @property
    def reply_by_passed(self) -> bool:
        return self.awaiting_comments and self.today is not None and self.reply_by is not None and self.today > self.reply_by

    @property
    def comments(self) -> str:
        """Plain words for the chief constable's comments: awaited by a date, late, or nothing to say."""
        if not self.awaiting_comments or self.reply_by is None:
            return ""
        when = statute.short_date(self.reply_by)
        return f"chief constable: reply overdue ({when})" if self.reply_by_passed else f"chief constable: reply by {when}"

    @property
    def actions(self) -> str:
        """Plain words for the items column: how many, how many closed, how many overdue."""
        total = sum(self.items.values())
        if not total:
            return "none"
        closed = sum(count for stage, count in self.items.items() if stage in CLOSED)
        text = f"{closed} of {total} closed"
        return text + (f", {self.overdue_items} overdue" if self.overdue_items else "")

    @property
    def overdue(self) -> bool:
        """A draft whose deadline has passed: the legal duty is not yet met."""
        return self.status == "draft" and self.days_left < 0

    @property
    def timing(self) -> str:
        """Plain words for the deadline column: days left for a draft, on time or late for a final."""
        if self.status == "final":
            late = statute.days_late(self.published, self.date)
            return f"{statute.plural(late, 'day')} late" if late else "on time"
        if self.days_left < 0:
            return f"overdue by {statute.plural(-self.days_left, 'day')}"
        if self.days_left == 0:
            return "due today"
        return f"{statute.plural(self.days_left, 'day')} left"


@dataclass
class Report:
    rows: list[Row]
    problems: list[Problem]  # response files that cannot be read

    @property
    def overdue(self) -> list[Row]:
        return [row for row in self.rows if row.overdue]

    @property
    def exit_code(self) -> int:
        """Non-zero when a draft is overdue or a response file cannot be read: a scheduled job should say so."""
        return 1 if self.overdue or self.problems else 0

    @property
    def overdue_items(self) -> int:
        return sum(row.overdue_items for row in self.rows)

    def exit_code_with_actions(self) -> int:
        """``exit_code``, and non-zero too when an item is past its due date (``status --overdue-actions``)."""
        return 1 if self.exit_code or self.overdue_items else 0


def outputs_state(project: Project, response_file: Path, formats: tuple[str, ...] | None = None) -> str:
    """Whether the documents (default all; ``formats`` to ask of some), in every language the office publishes
    in, exist and were built from what is there now.

    "Built from what is there now" is the build manifest's answer: the same
    response text, templates and respgen, and the files respgen wrote.
    """
    from respgen.build.manifest import KINDS, is_up_to_date
    from respgen.project import format_of

    wanted = formats or KINDS
    outputs = project.outputs_for(response_file)
    if not all(path.is_file() for kind, path in outputs.items() if format_of(kind) in wanted):
        return NOT_BUILT
    return UP_TO_DATE if is_up_to_date(project, Path(response_file), wanted) else OUT_OF_DATE


def collect(project: Project, today: dt.date) -> Report:
    rows: list[Row] = []
    sources, problems = read_all(project.response_files())
    for source in sources:
        path = source.path
        response = source.response
        published = response.inspection.published
        tracked = panel_report([source], "", today)
        rows.append(
            Row(
                file=project.relative(path),
                title=response.inspection.title,
                published=published,
                deadline=statute.deadline(published),
                days_left=statute.days_left(published, today),
                status=response.status,
                date=response.date,
                outputs=outputs_state(project, path),
                items=dict(tracked.by_stage),
                overdue_items=len(tracked.overdue),
                reply_by=response.invitation.reply_by if response.invitation else None,
                comments_received=comments_received(response),
                today=today,
            )
        )
    rows.sort(key=lambda row: (row.deadline, row.file))
    return Report(rows, problems)


def comments_received(response) -> bool:
    """Whether the chief constable's comments have arrived (written in, or marked received)."""
    # The scaffold's "[To write" passage is where the comments will go, not the comments.
    written = response.response.chief_constable
    return bool((written and PLACEHOLDER not in written) or (response.invitation and response.invitation.received))


def as_json(report: Report, today: dt.date) -> str:
    def row_data(row: Row) -> dict:
        data = asdict(row)
        for key in ("published", "deadline", "date", "reply_by"):
            data[key] = data[key].isoformat() if data[key] else None
        del data["today"]
        data["awaiting_comments"] = row.awaiting_comments
        data["reply_by_passed"] = row.reply_by_passed
        data["overdue"] = row.overdue
        data["timing"] = row.timing
        data["actions"] = row.actions
        return data

    document = {
        "today": today.isoformat(),
        "responses": [row_data(row) for row in report.rows],
        "unreadable": [
            {"file": str(p.file) if p.file else None, "line": p.line, "message": p.message} for p in report.problems
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
