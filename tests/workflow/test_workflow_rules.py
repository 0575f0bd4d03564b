"""The law's content rule (s.55(5B)), lateness (s.55(5A)) and unwritten passages."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli as run
from respgen import rules
from respgen.reading.source import read_response

RESPONSE = """\
inspection:
  title: "Test inspection: a report with recommendations"
  published: 2022-11-02
  type: National inspection
date: {date}
status: {status}
key_findings:
  summary: The inspection found things.
recommendations:
  summary: The report makes three recommendations.
  items:
    - ref: "1"
      text: The Home Office should do something.
      applies: false
    - ref: "3"
      text: Chief constables should do something.
      addressed_to: Chief constables
    - ref: "7"
      text: Chief constables should do another thing.
      response: The Constabulary has done it.
areas_for_improvement:
  items:
    - ref: AFI 2
      text: The force should improve.
      response: "   "
response:
  commissioner: I welcome the report.
"""
# Lines of the items above, as an officer's editor shows them.
LINE_REC_3 = 15
LINE_AFI_2 = 23
LINE_DATE = 5


def write(folder: Path, status: str = "final", date: str = "2022-12-20", name: str = "2022-11-02-test.yaml") -> Path:
    path = folder / name
    path.write_text(RESPONSE.format(status=status, date=date), encoding="utf-8")
    return path


def test_the_fixture_lines_are_right(tmp_path):
    lines = write(tmp_path).read_text().splitlines()
    assert lines[LINE_REC_3 - 1].strip() == '- ref: "3"'
    assert lines[LINE_AFI_2 - 1].strip() == "- ref: AFI 2"
    assert lines[LINE_DATE - 1].startswith("date:")


def test_final_response_with_an_unanswered_item_is_an_error_naming_file_line_and_ref(tmp_path):
    path = write(tmp_path, status="final")
    problems = rules.review(read_response(path))
    errors = [p for p in problems if p.is_error]
    assert [(p.line, p.severity) for p in errors] == [(LINE_REC_3, "error"), (LINE_AFI_2, "error")]
    assert "recommendation 3" in errors[0].message and "55(5B)" in errors[0].message
    assert "area for improvement AFI 2" in errors[1].message
    assert str(errors[0]).startswith(f"{path}:{LINE_REC_3}:")
    # Items for other bodies and answered items are fine.
    assert not any("recommendation 1 " in p.message or "recommendation 7" in p.message for p in problems)


def test_draft_response_with_an_unanswered_item_is_a_warning(tmp_path):
    problems = rules.review(read_response(write(tmp_path, status="draft")))
    assert [(p.line, p.severity) for p in problems] == [(LINE_REC_3, "warning"), (LINE_AFI_2, "warning")]
    assert "before the response is marked final" in problems[0].hint


def test_cause_of_concern_counts_too(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(
        RESPONSE.format(status="final", date="2022-12-20").replace(
            "response:\n  commissioner:",
            "causes_of_concern:\n  items:\n    - ref: C1\n      text: A worry.\nresponse:\n  commissioner:",
        ),
        encoding="utf-8",
    )
    messages = [p.message for p in rules.review(read_response(path)) if p.is_error]
    assert any(m.startswith("cause of concern C1 applies") for m in messages)


def test_final_response_dated_after_the_deadline_warns_how_late(tmp_path):
    # Published 2 November 2022: due 27 December 2022; dated 6 January 2023 is 10 days late.
    path = write(tmp_path, date="2023-01-06")
    late = [p for p in rules.review(read_response(path)) if "late" in p.message]
    assert len(late) == 1
    assert late[0].severity == "warning" and late[0].line == LINE_DATE
    assert "10 days late" in late[0].message and "27 December 2022" in late[0].message


def test_on_time_final_and_late_draft_are_not_called_late(tmp_path):
    on_time = write(tmp_path, date="2022-12-27", name="a.yaml")
    assert not [p for p in rules.review(read_response(on_time)) if "late" in p.message]
    draft = write(tmp_path, status="draft", date="2023-01-06", name="b.yaml")
    assert not [p for p in rules.review(read_response(draft)) if "late" in p.message]


def test_one_day_late_is_singular(tmp_path):
    path = write(tmp_path, date="2022-12-28")
    assert any("1 day late" in p.message for p in rules.review(read_response(path)))


def test_unwritten_passages_are_errors_in_a_final_response(tmp_path):
    path = tmp_path / "x.yaml"
    text = RESPONSE.format(status="final", date="2022-12-20").replace(
        "I welcome the report.", '"[To write: the Commissioner\'s comments.]"'
    )
    path.write_text(text, encoding="utf-8")
    errors = [p for p in rules.review(read_response(path)) if "left to write" in p.message]
    assert len(errors) == 1 and errors[0].is_error
    assert errors[0].line == text.splitlines().index('  commissioner: "[To write: the Commissioner\'s comments.]"') + 1
    assert "response.commissioner" in errors[0].message



def test_build_refuses_a_final_response_with_an_unanswered_recommendation(project_dir):
    path = write(project_dir / "responses", status="final")
    result = run(project_dir, "build", "responses/" + path.name)
    assert result.exit_code == 1
    assert f"2022-11-02-test.yaml:{LINE_REC_3}:" in result.output
    assert "recommendation 3" in result.output
    assert not (project_dir / "output" / "2022-11-02-test.pdf").exists()


def test_build_strict_refuses_a_draft_with_warnings(project_dir):
    path = write(project_dir / "responses", status="draft")
    result = run(project_dir, "build", "--strict", "responses/" + path.name)
    assert result.exit_code == 1
    assert f"2022-11-02-test.yaml:{LINE_REC_3}:" in result.output
    # The warning it refuses on is called what it has become, not a warning.
    assert "error (strict mode): recommendation 3 applies to this force" in result.output
    assert "warning:" not in result.output
    assert not (project_dir / "output" / "2022-11-02-test.docx").exists()


def test_warnings_found_while_reading_are_part_of_the_review(tmp_path):
    # Whatever the reader warns about reaches the build and --strict; dates are a content rule of the review.
    source = read_response(write(tmp_path, date="2022-12-20"))
    assert all(w in rules.review(source) for w in source.warnings)
    far = read_response(write(tmp_path, date="1990-01-01", name="far.yaml"))
    assert not any("1990" in w.message for w in far.warnings)
    assert [w.severity for w in rules.review(far) if "'date' is 1990-01-01" in w.message] == ["warning"]


def test_a_link_whose_text_does_not_say_where_it_goes_is_a_warning(project_dir):
    path = project_dir / "responses" / "2020-01-10-both-sides-of-the-coin.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  chief_constable: |\n",
        "  chief_constable: |\n    Read it [here](https://example.org/report) or at [https://example.org/r](https://example.org/r).\n\n",
    )
    path.write_text(text, encoding="utf-8")
    problems = [p for p in rules.review(read_response(path)) if "link" in p.message]
    line = text.splitlines().index("  chief_constable: |") + 1  # the line of the field's key
    assert [(p.severity, p.line) for p in problems] == [("warning", line), ("warning", line)]
    assert "the link text 'here' does not say where the link goes" in problems[0].message
    assert "bare address 'https://example.org/r'" in problems[1].message
    assert "response.chief_constable" in problems[0].message
