"""The status report as a table at the terminal."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from respgen import statute
from respgen.errors import visible
from respgen.workflow.status import NOT_BUILT, OUT_OF_DATE, UP_TO_DATE, Report, shorten


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
    table = Table(
        title=f"Responses on {statute.long_date(today)}", title_justify="left", header_style="bold", box=box.SIMPLE_HEAD
    )
    table.add_column("Inspection and file", overflow="ellipsis")
    table.add_column("Published")
    table.add_column("Deadline")
    table.add_column("Days left")
    table.add_column("Status")
    table.add_column("Outputs")
    table.add_column("Actions")
    for row in report.rows:
        if row.overdue:
            timing_style = "bold red"
        elif row.status == "draft":
            timing_style = "yellow" if row.days_left <= 14 else "green"
        else:
            timing_style = "yellow" if statute.days_late(row.published, row.date) else "green"
        outputs_style = {UP_TO_DATE: "green", OUT_OF_DATE: "yellow", NOT_BUILT: "red"}[row.outputs]
        # Text cells, not markup: a title may hold square brackets.
        table.add_row(
            Text.assemble(visible(shorten(row.title)), "\n", (visible(Path(row.file).name), "dim")),
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
    if report.overdue:
        console.print(
            f"[bold red]{statute.plural(len(report.overdue), 'draft')} past the deadline:[/] "
            "section 55(5A) requires the comments to be published within 56 days of the report."
        )
