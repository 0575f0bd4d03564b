"""The status report as a table at the terminal."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from respgen import statute
from respgen.errors import visible
from respgen.workflow.status import NOT_BUILT, OUT_OF_DATE, TITLE_WIDTH, UP_TO_DATE, Report, Row

# Below this many columns (an 80-column window, say) each response is a block of lines
# instead of a table row, so that no title wraps a word to a line and no file name is cut.
TABLE_WIDTH = 120


def shorten_middle(text: str, width: int) -> str:
    """``text`` on one line, cut in the middle at word boundaries if it is longer than ``width``.

    The start of a report's title is often the same for every thematic report ("An inspection of
    how well the police…"); its end names the subject, so both ends are kept.
    """
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    words = text.split(" ")
    head: list[str] = []
    tail: list[str] = []
    while words:
        side, word = (head, words[0]) if len(" ".join(head)) <= len(" ".join(tail)) else (tail, words[-1])
        if len(" ".join([*head, *tail, word])) + 3 > width:
            break
        if side is head:
            head.append(words.pop(0))
        else:
            tail.insert(0, words.pop())
    if not head and not tail:
        return text[: max(1, width - 1)] + "…"
    return f"{' '.join(head)} … {' '.join(tail)}".strip()


def _timing_style(row: Row) -> str:
    if row.overdue:
        return "bold red"
    if row.status == "draft":
        return "yellow" if row.days_left <= 14 else "green"
    return "yellow" if statute.days_late(row.published, row.date) else "green"


def _print_blocks(report: Report, today: dt.date, console) -> None:
    """One block per response: the title (cut in the middle if at all), the file whole, then the facts."""
    from rich.text import Text

    console.print(Text(f"Responses on {statute.long_date(today)}", style="italic"))
    for row in report.rows:
        console.print()
        console.print(Text(visible(shorten_middle(row.title, max(20, console.width - 2))), style="bold"), overflow="fold")
        console.print(Text(f"  {visible(row.file)}", style="dim"), overflow="fold", no_wrap=False)
        dates = Text(f"  {row.status}, published {statute.short_date(row.published)}, deadline {statute.short_date(row.deadline)}: ")
        dates.append(row.timing, style=_timing_style(row))
        console.print(dates)
        state = Text("  documents ")
        state.append(row.outputs, style={UP_TO_DATE: "green", OUT_OF_DATE: "yellow", NOT_BUILT: "red"}[row.outputs])
        state.append(f"; actions: {row.actions}", style="bold red" if row.overdue_items else "")
        console.print(state)
        if row.comments:
            console.print(Text(f"  {row.comments}", style="bold red" if row.reply_by_passed else "yellow"))


def print_table(report: Report, today: dt.date, file=None, colour: bool | None = None) -> None:
    """The report as a table; coloured when printed to a terminal that shows colour (or ``colour`` is true)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # In a log or a pipe there is no terminal width to respect: keep each response on one line.
    console = Console(file=file, highlight=False, force_terminal=colour)
    stream = file or sys.stdout
    if not (hasattr(stream, "isatty") and stream.isatty()) and "COLUMNS" not in os.environ:
        console.width = 160
    if report.rows and console.width < TABLE_WIDTH:
        _print_blocks(report, today, console)
        _print_overdue(report, console)
        return
    table = Table(
        title=f"Responses on {statute.long_date(today)}", title_justify="left", header_style="bold", box=box.SIMPLE_HEAD
    )
    table.add_column("Inspection and file", overflow="fold")  # a file name is what the officer types next: never cut
    table.add_column("Published")
    table.add_column("Deadline")
    table.add_column("Days left")
    table.add_column("Status")
    table.add_column("Outputs")
    table.add_column("Actions")
    for row in report.rows:
        timing_style = _timing_style(row)
        outputs_style = {UP_TO_DATE: "green", OUT_OF_DATE: "yellow", NOT_BUILT: "red"}[row.outputs]
        # Text cells, not markup: a title may hold square brackets.
        table.add_row(
            Text.assemble(visible(shorten_middle(row.title, TITLE_WIDTH)), "\n", (visible(Path(row.file).name), "dim")),
            Text(statute.short_date(row.published)),
            Text(statute.short_date(row.deadline)),
            Text(row.timing, style=timing_style),
            Text.assemble(row.status, *(("\n", (row.comments, "bold red" if row.reply_by_passed else "yellow")) if row.comments else ())),
            Text(row.outputs, style=outputs_style),
            Text(row.actions, style="bold red" if row.overdue_items else ""),
        )
    if report.rows:
        console.print(table)
    else:
        console.print("There are no responses in responses/ yet: start one with 'respgen new'.")
    _print_overdue(report, console)


def _print_overdue(report: Report, console) -> None:
    if report.overdue:
        console.print(
            f"[bold red]{statute.plural(len(report.overdue), 'draft')} past the deadline:[/] "
            "section 55(5A) requires the comments to be published within 56 days of the report."
        )
