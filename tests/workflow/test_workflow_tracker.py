"""`respgen tracker` and the items' updates: every recommendation followed to closure, and the panel's report."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from docx import Document

from conftest import EXAMPLES, copy_project, run_cli
from respgen.pdf import tree as pdftree
from respgen.reading.model import Item, Update
from respgen.reading.source import read_response
from respgen.tracking import panel_report

AS_OF = dt.date(2023, 12, 31)
VETTING = next(p for p in EXAMPLES if "vetting" in p.name)


@pytest.fixture(scope="module")
def tracked(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("tracker") / "office")
    assert run_cli(root, "build", "--jobs", "1").exit_code == 0
    result = run_cli(root, "tracker", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    return root


def every_item(root: Path):
    for path in sorted((root / "responses").glob("*.yaml")):
        response = read_response(path).response
        for _key, section in response.findings_sections():
            yield from ((response, item) for item in section.items)


def test_the_workbook_has_a_row_for_every_item_with_real_dates(tracked):
    book = openpyxl.load_workbook(tracked / "output" / "tracker.xlsx")
    sheet = book["Items"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Report", "Published", "Type", "Kind", "Ref", "Text"]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    expected = list(every_item(tracked))
    assert len(rows) == len(expected) > 0
    assert sorted((r["Report"], r["Ref"]) for r in rows) == sorted(
        (" ".join(resp.inspection.title.split()), item.ref) for resp, item in expected
    )
    assert all(isinstance(r["Published"], dt.datetime) for r in rows)  # dates, not text
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    seven = next(r for r in rows if r["Ref"] == "7")
    assert seven["Progress"] == "awaiting sign-off" and seven["Overdue"] == "yes" and seven["Due date revised"] == "yes"
    assert seven["Due"] == dt.datetime(2023, 9, 30)
    assert seven["Last update"] == dt.datetime(2023, 9, 30) and "posts filled" in seven["Last update note"]


def test_the_report_counts_lists_and_histories_are_right(tracked):
    text = subprocess.run(
        ["pdftotext", "-layout", str(tracked / "output" / f"tracker-{AS_OF}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    overdue = text[text.index("Items past their due date"): text.index("Due in the next quarter")]
    assert "Recommendation" in overdue and "7:" in overdue and "Awaiting sign-off" in overdue
    closed = text[text.index("Items closed in the period"): text.index("History of each item")]
    assert "10:" in closed and "30 November" in closed
    assert "No open item falls due in the next three months." in text
    assert "30 June 2023: In progress." in " ".join(text.split())


def test_the_report_documents_are_accessible_and_pass_the_checks(tracked):
    pdf = tracked / "output" / f"tracker-{AS_OF}.pdf"
    docx = tracked / "output" / f"tracker-{AS_OF}.docx"
    result = run_cli(tracked, "check", str(pdf), str(docx))
    assert result.exit_code == 0, result.output
    with pikepdf.open(pdf) as doc:
        tables = [e for e, _p, _d in pdftree.walk(doc) if e.S == pikepdf.Name.Table]
        assert len(tables) == 4  # by stage, by report, overdue, closed
        for table in tables:
            assert any(e.S == pikepdf.Name.TH for e in pdftree.descendants(table))
    struct = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Table" in struct and "TH" in struct
    document = Document(docx)
    assert len(document.tables) == 4
    assert all(t.rows[0]._tr.trPr is not None for t in document.tables)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Summary", "Overdue", "Due in the next quarter", "Closed in this period", "History of each item"]
    assert document.core_properties.language == "en-GB"


def test_the_tracker_gives_the_same_bytes_every_time(tracked, tmp_path):
    again = tmp_path / "office"
    shutil.copytree(tracked, again)
    assert run_cli(again, "tracker", "--as-of", AS_OF.isoformat()).exit_code == 0
    for name in ("tracker.xlsx", f"tracker-{AS_OF}.pdf", f"tracker-{AS_OF}.docx"):
        assert (again / "output" / name).read_bytes() == (tracked / "output" / name).read_bytes(), name


def _item(**fields) -> Item:
    return Item.model_validate({"ref": "1", "text": "Do it.", "due": dt.date(2023, 3, 31), "progress": "not started", **fields})


def _report(item: Item, as_of: dt.date, since: dt.date | None = None):
    class Source:  # what panel_report reads of a response
        path = Path("r.yaml")

    source = Source()
    source.response = read_response(VETTING).response.model_copy(
        update={"recommendations": read_response(VETTING).response.recommendations.model_copy(update={"items": [item]}),
                "areas_for_improvement": None}
    )  # fmt: skip
    return panel_report([source], "Office", as_of, since)


def test_an_item_due_before_the_day_and_not_closed_is_overdue():
    report = _report(_item(), dt.date(2023, 4, 1))
    assert [i.ref for i in report.overdue] == ["1"]
    assert _report(_item(), dt.date(2023, 3, 31)).overdue == []  # due today is not yet overdue
    done = _item(updates=[Update(date=dt.date(2023, 3, 1), progress="complete")])
    assert _report(done, dt.date(2023, 4, 1)).overdue == []


def test_an_item_closed_in_the_period_is_listed_as_closed_and_one_reopened_is_not():
    closed = _item(updates=[Update(date=dt.date(2023, 5, 1), progress="complete")])
    assert [i.closed_on for i in _report(closed, dt.date(2023, 6, 30), dt.date(2023, 3, 31)).closed] == [dt.date(2023, 5, 1)]
    assert _report(closed, dt.date(2023, 9, 30), dt.date(2023, 6, 30)).closed == []  # closed before this period
    reopened = _item(updates=[Update(date=dt.date(2023, 5, 1), progress="complete"), Update(date=dt.date(2023, 6, 1), progress="in progress")])
    report = _report(reopened, dt.date(2023, 6, 30), dt.date(2023, 3, 31))
    assert report.closed == [] and report.tracked[0].progress == "in progress"


def test_the_position_on_the_report_day_ignores_later_updates():
    item = _item(updates=[Update(date=dt.date(2023, 5, 1), progress="in progress"), Update(date=dt.date(2023, 8, 1), progress="complete")])
    assert _report(item, dt.date(2023, 6, 30)).tracked[0].progress == "in progress"
    assert [u.date for u in _report(item, dt.date(2023, 6, 30)).tracked[0].history] == [dt.date(2023, 5, 1)]


def test_changing_an_update_after_the_letter_never_changes_the_published_documents(tracked, tmp_path):
    root = tmp_path / "office"
    shutil.copytree(tracked, root)
    documents = {p.name: p.read_bytes() for p in (root / "output").glob("2022-*.*")}
    response = root / "responses" / VETTING.name
    text = response.read_text(encoding="utf-8")
    response.write_text(text.replace("evidence sent to the Deputy Chief Constable", "evidence with the Deputy Chief Constable"), encoding="utf-8")
    result = run_cli(root, "build")
    assert result.exit_code == 0 and "built 0, up to date 2" in result.output, result.output
    assert {p.name: p.read_bytes() for p in (root / "output").glob("2022-*.*")} == documents
    # Changing what the letter itself says does rebuild it.
    response.write_text(text.replace("two additional investigators", "three additional investigators"), encoding="utf-8")
    assert "built 1" in run_cli(root, "build").output


def test_status_shows_each_responses_items_and_can_flag_overdue_actions(tracked):
    result = run_cli(tracked, "status", "--today", AS_OF.isoformat())
    assert "6 of 7 closed, 1 overdue" in result.output
    assert result.exit_code == 0
    flagged = run_cli(tracked, "status", "--today", AS_OF.isoformat(), "--overdue-actions")
    assert flagged.exit_code == 1


def test_the_pdf_embeds_the_response_as_published_and_following_it_never_changes_the_pdf(tracked, tmp_path):
    from respgen.workflow.extract import embedded_source

    pdf = tracked / "output" / f"{VETTING.stem}.pdf"
    published = embedded_source(pdf).data
    assert b"updates:" not in published and b"revised_due" not in published
    assert b"updates:" in (tracked / "responses" / VETTING.name).read_bytes()
    # The response as published, built on its own, gives the very same PDF.
    root = copy_project(tmp_path / "office")
    for path in (root / "responses").glob("*.yaml"):
        path.unlink()
    (root / "responses" / VETTING.name).write_bytes(published)
    assert run_cli(root, "build", "--jobs", "1").exit_code == 0
    assert (root / "output" / pdf.name).read_bytes() == pdf.read_bytes()
