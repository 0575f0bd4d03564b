"""`respgen calendar`: output/deadlines.ics, read back as a calendar program reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from conftest import run_cli as run
from respgen.project import Project
from respgen.workflow import calendar
from respgen.workflow import new as scaffold

NOW = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)
TITLE = 'A report; with, "punctuation" \\ and a very long title that must be folded across lines – ‘quoted’ 🚓'



def events_of(data: bytes) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(data)
    return {str(event["SUMMARY"]): event for event in parsed.walk("VEVENT")}


def test_one_all_day_event_per_response_on_its_deadline_with_a_reminder(project_dir):
    project = Project(project_dir)
    scaffold.new(project, TITLE, dt.date(2026, 11, 20), "PEEL inspection", today=dt.date(2026, 11, 21))
    path, count, problems = calendar.write(project, now=NOW)
    assert path == project_dir / "output" / "deadlines.ics"
    assert len(project.response_files()) == 3 and count == 4 and not problems
    events = events_of(path.read_bytes())
    assert len(events) == 4  # each deadline, and the date set for the new draft's chief constable's comments
    reply = next(event for summary, event in events.items() if summary.startswith("Chief constable's comments due: "))
    assert reply["DTSTART"].dt == dt.date(2026, 12, 18)  # the scaffold's suggestion, 28 days after publication
    assert "section 55(4)" in str(reply["DESCRIPTION"]) and "respgen invite" in str(reply["DESCRIPTION"])
    assert reply["UID"] != next(e for s, e in events.items() if s.startswith("Section 55 response due: A report"))["UID"]
    county = events[
        "Section 55 response due: Both sides of the coin: An inspection of how the police and National Crime "
        "Agency consider vulnerable people who are both victims and offenders in ‘county lines’ drug offending"
    ]
    assert county["DTSTART"].dt == dt.date(2020, 3, 5)  # a date, not a date-time: an all-day event
    assert county["DTEND"].dt == dt.date(2020, 3, 6)
    assert "5 March 2020" in str(county["DESCRIPTION"])
    assert "responses/2020-01-10-both-sides-of-the-coin.yaml" in str(county["DESCRIPTION"])
    alarm = county.walk("VALARM")[0]
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == -dt.timedelta(days=14)
    ours = events[f"Section 55 response due: {TITLE}"]  # escaped and folded text comes back exactly
    assert ours["DTSTART"].dt == dt.date(2027, 1, 14)
    assert ours["DTSTAMP"].dt == NOW


def test_uids_are_stable_across_runs_and_distinct(project_dir):
    project = Project(project_dir)
    first = calendar.render(calendar.events(project)[0], calendar_name="x", now=NOW)
    later = calendar.render(calendar.events(project)[0], calendar_name="x", now=NOW + dt.timedelta(days=9))
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(first).walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in icalendar.Calendar.from_ical(later).walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    assert uids[0].startswith("2020-01-10-both-sides-of-the-coin-")
    # Another office's calendar never collides with this one.
    assert calendar.uid("Another office", Path("2020-01-10-both-sides-of-the-coin.yaml")) != uids[0]


def test_file_is_crlf_folded_at_75_octets_and_escaped(project_dir):
    project = Project(project_dir)
    scaffold.new(project, TITLE, dt.date(2026, 11, 20), "PEEL inspection", today=dt.date(2026, 11, 21))
    data = calendar.write(project, now=NOW)[0].read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends CRLF
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no character is split between two lines
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert 'SUMMARY:Section 55 response due: A report\\; with\\, "punctuation" \\\\ and' in unfolded
    assert "METHOD:PUBLISH" in unfolded and "PRODID:" in unfolded


def test_fold_never_splits_a_character():
    line = "SUMMARY:" + "é🚓" * 40
    folded = calendar.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


def test_cli_writes_the_calendar_and_reports_unreadable_files(project_dir):
    result = run(project_dir, "calendar")
    assert result.exit_code == 0, result.output
    assert "wrote output/deadlines.ics (2 deadlines)" in result.output
    (project_dir / "responses" / "broken.yaml").write_text("date: 2020-13-01\n", encoding="utf-8")
    result = run(project_dir, "calendar")
    assert result.exit_code == 1
    assert "broken.yaml:1" in result.output
    assert len(events_of((project_dir / "output" / "deadlines.ics").read_bytes())) == 2
