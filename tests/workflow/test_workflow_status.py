"""`respgen status`: every response by deadline, days left, and an exit status for scheduled jobs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import run_cli as run
from respgen.cli.status_table import print_table, shorten_middle
from respgen.project import Project
from respgen.workflow import new as scaffold
from respgen.workflow import status


def add_drafts(project_dir: Path) -> Project:
    project = Project(project_dir)
    # Deadlines: 14 January 2027 and 27 December 2026 (written in the other order on purpose).
    scaffold.new(project, "Later report", dt.date(2026, 11, 20), "PEEL inspection", today=dt.date(2026, 11, 21))
    scaffold.new(project, "Earlier report", dt.date(2026, 11, 2), "Thematic", today=dt.date(2026, 11, 3))
    return project


def test_rows_are_sorted_by_deadline_with_days_left(project_dir):
    project = add_drafts(project_dir)
    report = status.collect(project, dt.date(2026, 12, 30))
    assert [row.deadline for row in report.rows] == sorted(row.deadline for row in report.rows)
    by_title = {row.title: row for row in report.rows}
    assert by_title["Earlier report"].deadline == dt.date(2026, 12, 27)
    assert by_title["Earlier report"].timing == "overdue by 3 days"
    assert by_title["Later report"].timing == "15 days left"
    # The examples are final and were sent on time.
    finals = [row for row in report.rows if row.status == "final"]
    assert finals and all(row.timing == "on time" for row in finals)
    assert [row.title for row in report.rows][-2:] == ["Earlier report", "Later report"]


def test_exit_status_is_zero_until_a_draft_is_overdue(project_dir):
    add_drafts(project_dir)
    before = run(project_dir, "status", "--today", "2026-12-27")  # the earlier draft's last day
    assert before.exit_code == 0, before.output
    assert "due today" in before.output
    after = run(project_dir, "status", "--today", "2026-12-28")
    assert after.exit_code == 1
    assert "overdue by 1 day" in after.output
    assert "1 draft past the deadline" in after.output


def test_table_lists_titles_dates_status_and_outputs(project_dir):
    add_drafts(project_dir)
    result = run(project_dir, "status", "--today", "2026-12-01")
    lines = result.output.splitlines()
    earlier = next(i for i, line in enumerate(lines) if "Earlier report" in line)
    later = next(i for i, line in enumerate(lines) if "Later report" in line)
    assert earlier < later
    assert "2 Nov 2026" in lines[earlier] and "27 Dec 2026" in lines[earlier] and "26 days left" in lines[earlier]
    assert "draft" in lines[earlier] and "not built" in lines[earlier]
    assert "2026-11-02-earlier-report.yaml" in lines[earlier + 1]
    assert "\x1b[" not in result.output  # no colour codes when the output is not a terminal


def test_json_for_scripts(project_dir):
    add_drafts(project_dir)
    result = run(project_dir, "status", "--json", "--today", "2027-01-20")
    assert result.exit_code == 1  # both drafts are overdue
    data = json.loads(result.output)
    assert data["today"] == "2027-01-20"
    rows = data["responses"]
    assert [r["deadline"] for r in rows] == sorted(r["deadline"] for r in rows)
    later = next(r for r in rows if r["title"] == "Later report")
    assert later == {
        "file": "responses/2026-11-20-later-report.yaml",
        "title": "Later report",
        "published": "2026-11-20",
        "deadline": "2027-01-14",
        "days_left": -6,
        "status": "draft",
        "date": "2026-11-21",
        "outputs": "not built",
        "overdue": True,
        "timing": "overdue by 6 days",
        "items": {"not stated": 2},  # the PEEL scaffold's recommendation and area for improvement, not yet written
        "overdue_items": 0,
        "actions": "0 of 2 closed",
        "reply_by": "2026-12-18",  # the scaffold's suggestion: 28 days after publication
        "comments_received": False,
        "awaiting_comments": True,
        "reply_by_passed": True,
    }


def test_a_broken_response_is_reported_and_the_others_still_listed(project_dir):
    add_drafts(project_dir)
    (project_dir / "responses" / "broken.yaml").write_text("inspection: [\n", encoding="utf-8")
    result = run(project_dir, "status", "--today", "2026-11-25")
    assert result.exit_code == 1
    assert "broken.yaml:" in result.output and "YAML syntax error" in result.output
    assert "Later report" in result.output and "Earlier report" in result.output


def test_outputs_state_follows_the_response(project_dir):
    project = Project(project_dir)
    path = project.response_files()[0]
    assert status.outputs_state(project, path) == status.NOT_BUILT
    # Documents that respgen did not record as built from this file are not up to date.
    for output in project.outputs_for(path).values():
        output.write_bytes(b"not a real document")
    assert status.outputs_state(project, path) == status.OUT_OF_DATE


def test_a_long_title_is_cut_in_the_middle_at_whole_words_keeping_its_subject():
    text = "An inspection of how well the police and other agencies respond to stalking and harassment"
    short = shorten_middle(text, 50)
    assert len(short) <= 50 and " … " in short
    head, tail = short.split(" … ")
    assert text.startswith(head) and text.endswith(tail) and tail.endswith("stalking and harassment")
    assert shorten_middle("Short title", 50) == "Short title"


LONG_TITLE = (
    "An inspection of how well the police and the National Crime Agency, with their partners in local government,"
    " health and education, identify, protect and support children and vulnerable adults exploited by county lines"
)


def test_status_reads_well_at_80_columns_with_every_file_name_whole(project_dir, monkeypatch):
    project = add_drafts(project_dir)
    scaffold.new(project, LONG_TITLE, dt.date(2026, 11, 25), "Thematic inspection", today=dt.date(2026, 11, 26))
    monkeypatch.setenv("COLUMNS", "80")
    result = run(project_dir, "status", "--today", "2026-12-01")
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    for path in project.response_files():
        assert any(line.strip() == f"responses/{path.name}" for line in lines), path.name  # whole, on its own line
    # Every title on one line, cut (if at all) in the middle, never one word to a line.
    titled = [line for line in lines if line and not line.startswith(" ") and not line.startswith("Responses on")]
    assert len(titled) == len(project.response_files())
    assert all(len(line.split()) >= 2 for line in titled)
    long = next(line for line in titled if line.startswith("An inspection of how well"))
    assert " … " in long and long.endswith("exploited by county lines")


def test_colour_marks_an_overdue_draft_red_on_a_terminal(project_dir):
    import io

    project = add_drafts(project_dir)
    report = status.collect(project, dt.date(2026, 12, 28))
    out = io.StringIO()
    print_table(report, dt.date(2026, 12, 28), file=out, colour=True)
    text = out.getvalue()
    overdue = next(line for line in text.splitlines() if "overdue by 1 day" in line)
    assert "\x1b[1;31moverdue by 1 day" in overdue  # bold red
    plain = io.StringIO()
    print_table(report, dt.date(2026, 12, 28), file=plain, colour=False)
    assert "\x1b[" not in plain.getvalue()


def test_final_response_dated_late_shows_how_late(project_dir):
    path = project_dir / "responses" / "2022-11-02-vetting-misconduct-and-misogyny.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2022-12-20", "date: 2022-12-30"), encoding="utf-8")
    report = status.collect(Project(project_dir), dt.date(2026, 1, 1))
    row = next(r for r in report.rows if r.file.endswith(path.name))
    assert row.timing == "3 days late" and not row.overdue
    assert report.exit_code == 0  # a final response has been published: nothing left to chase
