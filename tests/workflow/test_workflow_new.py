"""`respgen new`: a draft with every section, explained, that reads and builds at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import run_cli as run
from respgen import rules
from respgen.project import Project
from respgen.reading.source import read_response
from respgen.reports import KINDS
from respgen.workflow import new as scaffold

TITLE = "PEEL 2025–27: An inspection of Cumbria Constabulary & its “partners” <2026> {{ jinja }} 🚓"



@pytest.mark.parametrize(
    "title, expected",
    [
        ("Both sides of the coin: An inspection of how the police ...", "both-sides-of-the-coin"),
        ("An inspection of vetting, misconduct, and misogyny in the police service",
         "vetting-misconduct-and-misogyny-in-the-police"),
        ("An inspection of how well the police respond to stalking", "stalking"),
        ("A joint thematic inspection of the police and Crown Prosecution Service's response to rape", "rape"),
        ("An inspection of the police response to the public", "the-public"),
        ("Café & “Crème”: the rest", "cafe-creme"),
        (": nothing before the colon", "nothing-before-the-colon"),
        ("🚓 🚓", "response"),
    ],
)
def test_slug(title, expected):
    assert scaffold.slug(title) == expected
    assert len(scaffold.slug(title)) <= scaffold.SLUG_LENGTH


def test_new_writes_a_draft_with_every_section_today_and_the_deadline(project_dir):
    path = scaffold.new(Project(project_dir), TITLE, dt.date(2026, 11, 20), "PEEL inspection", today=dt.date(2026, 11, 28))
    assert path == project_dir / "responses" / "2026-11-20-peel-2025-27.yaml"
    text = path.read_text(encoding="utf-8")
    assert "DEADLINE: 14 January 2027" in text  # 20 November 2026 + 55 days
    source = read_response(path)
    response = source.response
    assert response.inspection.title == TITLE  # quotes, <, &, {{ }} and emoji come back exactly
    assert response.inspection.published == dt.date(2026, 11, 20)
    assert response.inspection.type == "PEEL inspection"
    assert response.status == "draft"
    assert response.date == dt.date(2026, 11, 28)
    # A PEEL report's shape: grades, a cause of concern with its own recommendation, areas for
    # improvement, and no stand-alone recommendations.
    assert len(response.inspection.grades) == 8
    assert response.recommendations is None
    concern = response.causes_of_concern.items[0]
    assert concern.recommendations[0].ref == "1.1"
    assert response.areas_for_improvement.items[0].ref == "1"
    assert response.response.chief_constable
    # The s.55(4) invitation, with a reply-by date suggested 28 days after publication.
    assert response.invitation.reply_by == dt.date(2026, 12, 18)
    assert "section 55(4)" in text.lower()
    # Editors complete and check the keys from the schema named in the first line.
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../templates/response.schema.json"
    # Every section is explained by a comment.
    for key in ("inspection:", "  grades:", "date:", "status:", "invitation:", "key_findings:", "areas_for_improvement:",
                "causes_of_concern:", "response:", "  commissioner:", "  chief_constable:", "      response:"):
        line_no = next(i for i, line in enumerate(text.splitlines()) if line.startswith(key))
        before = text.splitlines()[line_no - 1] if line_no else ""
        line = text.splitlines()[line_no]
        assert "#" in line or before.strip().startswith("#"), f"{key} has no explanation"
    # A draft: the unwritten passages are one warning, not errors.
    problems = rules.review(source)
    assert problems and not any(p.is_error for p in problems)


def test_the_officer_may_name_the_file(project_dir):
    path = scaffold.new(Project(project_dir), "Any title", dt.date(2026, 11, 20), today=dt.date(2026, 11, 28), name="Stalking: 2026")
    assert path.name == "2026-11-20-stalking.yaml"
    assert "respgen build responses/2026-11-20-stalking.yaml" in path.read_text(encoding="utf-8")
    result = run(project_dir, "new", "Another title", "--published", "2026-11-21", "--name", "county lines")
    assert result.exit_code == 0 and (project_dir / "responses" / "2026-11-21-county-lines.yaml").is_file()


def test_a_thematic_scaffold_has_recommendations_for_several_bodies_and_no_grades(project_dir):
    path = scaffold.new(Project(project_dir), "Stalking", dt.date(2026, 11, 20), "Thematic inspection", today=dt.date(2026, 11, 28))
    response = read_response(path).response
    assert response.inspection.grades == []
    item = response.recommendations.items[0]
    assert item.addressed_to == ["Chief constables", "Police and crime commissioners"] and item.applies
    assert response.causes_of_concern is None


def test_new_help_lists_the_kinds_of_report(project_dir):
    result = run(project_dir, "new", "--help")
    assert result.exit_code == 0
    for kind in KINDS:
        assert kind in " ".join(result.output.split())


def test_new_without_a_type_leaves_it_to_write_and_a_final_with_it_is_refused(project_dir):
    path = scaffold.new(Project(project_dir), "A report", dt.date(2026, 1, 1), today=dt.date(2026, 1, 2))
    text = path.read_text(encoding="utf-8").replace("status: draft", "status: final")
    path.write_text(text, encoding="utf-8")
    errors = [p for p in rules.review(read_response(path)) if p.is_error]
    assert any("inspection.type" in p.message for p in errors)
    assert len(errors) >= 8  # every passage left to write is named, with its line
    assert all(p.line for p in errors)


def test_new_refuses_to_overwrite(project_dir):
    first = run(project_dir, "new", "Both sides of the coin: again", "--published", "2020-01-10")
    assert first.exit_code == 1
    assert "responses/2020-01-10-both-sides-of-the-coin.yaml already exists" in first.output
    assert "never overwrites" in first.output
    # The example is untouched.
    original = (Path(__file__).resolve().parents[2] / "responses" / "2020-01-10-both-sides-of-the-coin.yaml")
    assert (project_dir / "responses" / original.name).read_bytes() == original.read_bytes()


def test_new_cli_rejects_a_bad_date_plainly(project_dir):
    result = run(project_dir, "new", "A report", "--published", "2026-02-30")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output or "2026-02-30" in result.output
    assert "Traceback" not in result.output


def test_new_cli_writes_the_file_and_says_where(project_dir):
    result = run(project_dir, "new", "A thematic report: on things", "--published", "2026-11-20", "--type",
                 "National thematic inspection", "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert "wrote responses/2026-11-20-a-thematic-report.yaml" in result.output
    assert "must be published by 14 January 2027" in result.output
    response = read_response(project_dir / "responses" / "2026-11-20-a-thematic-report.yaml").response
    assert response.date == dt.date(2026, 11, 25)
    assert response.inspection.type == "National thematic inspection"


@pytest.mark.parametrize(
    "given, said",
    [
        ("13/11/2026", "'13/11/2026' is not a date written year-month-day: write it as YYYY-MM-DD, for example 2026-11-13"),
        ("2026-02-30", "'2026-02-30' is not a real date: check the day and the month"),
    ],
)
def test_a_date_on_the_command_line_is_refused_in_plain_words(project_dir, given, said):
    result = run(project_dir, "new", "A report", "--published", given)
    assert result.exit_code == 2
    assert said in result.output
    assert "%Y" not in result.output and "does not match the format" not in result.output
