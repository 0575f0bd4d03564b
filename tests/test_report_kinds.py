"""Every kind of report, and the whole of section 55, in both documents.

A PEEL response (grades, causes of concern each with its own recommendations,
areas for improvement, no stand-alone recommendations, a deputy signing, the
chief constable's comments and the reply to them) and a thematic one
(recommendations for several bodies, some not for this force, one not accepted)
are built and read back: the Word document with python-docx, the PDF with
poppler's text and tag-tree readers.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn

from conftest import EXAMPLES, ROOT, copy_project, give_mailboxes, run_cli

DATA = Path(__file__).parent / "data"
CATALOGUE = Path(__file__).parent / "catalogue"


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> Path:
    """An office with the PEEL and thematic responses beside the examples, all built."""
    root = copy_project(tmp_path_factory.mktemp("kinds") / "office")
    for name in ("peel.yaml", "thematic.yaml"):
        shutil.copy(DATA / name, root / "responses" / name)
    built = run_cli(root, "build", "--jobs", "1")
    assert built.exit_code == 0, built.output
    return root


def squash(text: str) -> str:
    return " ".join(text.split())


def docx_blocks(path: Path) -> list[tuple[str, str]]:
    """(style or "table", text) for each paragraph and table of the body, in order; a table's text is its cells'."""
    document = Document(str(path))
    styles = {s.style_id: s.name for s in document.styles}
    out = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            out.append((styles.get(style.get(qn("w:val")), "") if style is not None else "", words_of(child)))
        elif child.tag == qn("w:tbl"):
            rows = [
                [" ".join(words_of(p) for p in tc.iter(qn("w:p"))) for tc in tr.findall(qn("w:tc"))]
                for tr in child.findall(qn("w:tr"))
            ]
            out.append(("table", json.dumps(rows, ensure_ascii=False)))
    return out


def words_of(element) -> str:
    return squash("".join(t.text or "" for t in element.iter(qn("w:t"))))


def docx_tables(path: Path) -> list[list[list[str]]]:
    return [json.loads(text) for kind, text in docx_blocks(path) if kind == "table"]


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return squash(out.stdout.replace("\u00ad", ""))


def struct(path: Path) -> str:
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout


# --- PEEL -----------------------------------------------------------------------------


def test_a_peel_response_shows_the_grades_as_a_table_in_both_documents(kinds):
    grades = [["Area", "Grade"], ["Police powers and public treatment", "Good"], ["Preventing crime", "Adequate"],
              ["Responding to the public", "Requires improvement"], ["Investigating crime", "Adequate"],
              ["Protecting vulnerable people", "Requires improvement"], ["Managing offenders", "Good"],
              ["Developing a positive workplace", "Outstanding"], ["Leadership and force management", "Not graded"]]  # fmt: skip
    blocks = docx_blocks(kinds / "output" / "peel.docx")
    headings = [text for style, text in blocks if style == "Heading 1"]
    assert headings[:3] == ["Inspection details", "Inspection grades", "Key findings"]
    assert docx_tables(kinds / "output" / "peel.docx")[0] == grades
    # The PDF: one Table under its heading, with column and row headers, in the report's order.
    tree = struct(kinds / "output" / "peel.pdf")
    table = tree[tree.index("HMICFRS’s grades for Cumbria Constabulary") :]
    table = table[: table.index("Key findings")]
    assert table.count("Table (block)") == 0  # the caption is inside the one Table
    assert tree.count("Table (block)") == 4  # grades, areas for improvement, and each cause's recommendations
    headers = re.findall(r"TH <[^>]*>:\n\s+/Scope /(\w+)\n\s+Span \(inline\)\n\s+\"([^\"]+)\"", table)
    assert headers == [("Column", "Area"), ("Column", "Grade")] + [("Row", row[0]) for row in grades[1:]]
    text = pdf_text(kinds / "output" / "peel.pdf")
    assert "Protecting vulnerable people Requires improvement" in text


def test_each_cause_of_concern_is_followed_by_its_own_recommendations(kinds):
    blocks = docx_blocks(kinds / "output" / "peel.docx")
    order = [(style, text) for style, text in blocks if style in ("Heading 1", "Heading 2", "table") or "ccelerated" in text]
    start = order.index(("Heading 1", "Causes of concern"))
    cause_1, note, table_1, cause_2, table_2 = order[start + 1 : start + 6]
    assert cause_1 == ("Heading 2", "Cause of concern 1") and cause_2 == ("Heading 2", "Cause of concern 2")
    assert note[1] == "Accelerated cause of concern, issued 1 November 2023."
    rows_1, rows_2 = json.loads(table_1[1]), json.loads(table_2[1])
    assert rows_1[0] == ["Ref", "Recommendation", "Response", "Owner", "Due", "Progress"]
    assert [row[0] for row in rows_1[1:]] == ["1.1", "1.2"] and [row[0] for row in rows_2[1:]] == ["2.1"]
    assert rows_1[1][4:] == ["2024 Q2", "In progress"]  # a quarter shown as written; "ongoing" read as in progress
    assert rows_1[2][2].startswith("Partly accepted.")
    text = pdf_text(kinds / "output" / "peel.pdf")
    positions = [text.index(words) for words in (
        "Cause of concern 1", "Accelerated cause of concern, issued 1 November 2023.",
        "Recommendations for cause of concern 1", "1.1 Within three months", "1.2 Within six months",
        "Cause of concern 2", "2.1 The Constabulary should make sure that call",
    )]  # fmt: skip
    assert positions == sorted(positions)
    # No stand-alone recommendations: a sentence says so, and no table stands under the heading.
    assert "The report makes no recommendations other than those that accompany its causes of concern" in text


def test_areas_for_improvement_are_headed_as_such_and_empty_columns_are_left_out(kinds):
    tables = docx_tables(kinds / "output" / "peel.docx")
    areas = next(t for t in tables if t[0][1] == "Area for improvement")
    assert areas[0] == ["Ref", "Area for improvement", "Response"]  # no owner, due date or progress was given
    assert not any(t[0][1] == "Recommendation" and t[1][0] == "1" and "stop and search" in t[1][1] for t in tables)
    # Word gets the column widths of what is left: the text columns share the freed space.
    document = Document(str(kinds / "output" / "peel.docx"))
    grid = next(t for t in document.tables if t.rows[0].cells[1].text == "Area for improvement")._tbl.tblGrid
    widths = [int(c.get(qn("w:w"))) for c in grid.findall(qn("w:gridCol"))]
    assert len(widths) == 3 and widths[1] > 2 * widths[0] and widths[2] > 2 * widths[0]
    tree = struct(kinds / "output" / "peel.pdf")
    part = tree[tree.index("Areas for improvement and the action taken or proposed") :]
    part = part[: part.index("Causes of concern")]
    assert re.findall(r"/Scope /Column\n\s+Span \(inline\)\n\s+\"([^\"]+)\"", part) == ["Ref", "Area for improvement", "Response"]


def test_the_deputy_signs_after_the_commissioners_words_and_the_chief_constables_are_attributed(kinds):
    blocks = [text for _, text in docx_blocks(kinds / "output" / "peel.docx")]
    for text in (pdf_text(kinds / "output" / "peel.pdf"), " ".join(blocks)):
        order = [
            "Cumbria Police and Crime Commissioner’s response I welcome this report.",
            "Response to the Chief Constable’s comments I welcome the Chief Constable's comments",
            "Jane Doe Deputy Police and Crime Commissioner",
            "Chief Constable’s comments These comments were submitted by Michelle Skeer, Chief Constable, Cumbria"
            " Constabulary, when invited to comment on 15 March 2024 under section 55(4) of the Police Act 1996.",
            "I accept the inspectorate's findings.",
        ]
        positions = [text.index(words) for words in order]
        assert positions == sorted(positions)
        assert "Peter McCall" not in text  # the deputy signs, not the commissioner
    # The PDF's author is still the office.
    info = subprocess.run(["pdfinfo", str(kinds / "output" / "peel.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Author:          Cumbria Office of Police and Crime Commissioner" in info


def test_the_new_kinds_of_document_pass_every_check(kinds):
    files = [f"output/{stem}.{kind}" for stem in ("peel", "thematic") for kind in ("pdf", "docx")]
    result = run_cli(kinds, "check", *files)
    assert result.exit_code == 0, result.output


# --- thematic --------------------------------------------------------------------------


def test_a_thematic_response_names_every_body_says_why_and_says_what_is_not_accepted(kinds):
    rows = docx_tables(kinds / "output" / "thematic.docx")[0]
    assert rows[0] == ["Ref", "Recommendation", "Response"]
    assert rows[1][1].endswith(
        "Addressed to: Home Office, National Police Chiefs' Council and College of Policing (for other bodies; not for this force)"
    )
    assert rows[1][2] == "This recommendation is not for this force, so the force will take no action on it."
    assert rows[2][2] == "Cumbria Constabulary was not one of the forces inspected."
    assert rows[3][1].endswith("Addressed to: Chief constables and Police and crime commissioners")
    assert rows[3][2].startswith("Not accepted. A stalking advocate is already funded")
    text = pdf_text(kinds / "output" / "thematic.pdf")
    for words in (
        "Addressed to: Home Office, National Police Chiefs' Council and College of Policing (for other bodies; not for this force)",
        "Cumbria Constabulary was not one of the forces inspected.",
        "Not accepted. A stalking advocate is already funded",
    ):
        assert words in text


def test_a_signatory_and_a_marking_of_its_own(project_dir):
    data = yaml.safe_load((DATA / "thematic.yaml").read_text(encoding="utf-8"))
    data["marking"] = "OFFICIAL-SENSITIVE"
    (project_dir / "responses" / "marked.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run_cli(project_dir, "build", "responses/marked.yaml").exit_code == 0
    document = Document(str(project_dir / "output" / "marked.docx"))
    heads = " ".join(p.text for s in document.sections for part in (s.header, s.first_page_header) for p in part.paragraphs)
    assert "OFFICIAL-SENSITIVE" in heads
    text = pdf_text(project_dir / "output" / "marked.pdf")
    assert text.count("OFFICIAL-SENSITIVE") >= 2  # the banner and the running heads
    assert "Peter McCall Cumbria Police and Crime Commissioner" in text  # no signatory: the commissioner signs


# --- the invitation (s.55(4)) ---------------------------------------------------------


def test_invite_writes_the_email_to_the_chief_constable(kinds, tmp_path):
    root = tmp_path / "office"
    shutil.copytree(kinds, root)
    give_mailboxes(root)
    result = run_cli(root, "invite", "responses/peel.yaml")
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((root / "output" / "peel.invitation.eml").read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert [a.addr_spec for a in message["To"].addresses] == ["chief.constable@cumbria.police.uk"]
    assert message["Subject"] == "Invitation to comment by 12 April 2024: PEEL 2023–25: An inspection of Cumbria Constabulary"
    body = squash(message.get_content())
    assert "section 55(4) of the Police Act 1996" in body and "by 12 April 2024" in body and "due by 8 May 2024" in body
    assert "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-assessments-2023-25/cumbria/" in body
    assert body.endswith("Jane Doe Deputy Police and Crime Commissioner Cumbria Office of Police and Crime Commissioner")


def test_invite_refuses_without_a_reply_by_date_and_says_what_to_add(kinds, tmp_path):
    root = tmp_path / "office"
    shutil.copytree(kinds, root)
    give_mailboxes(root)
    result = run_cli(root, "invite", "responses/thematic.yaml")
    assert result.exit_code == 1
    assert "responses/thematic.yaml: error: there is no 'reply_by' date" in result.output
    assert "reply_by: 2024-07-04" in result.output  # 28 days after publication, as a suggestion
    assert "Traceback" not in result.output
    assert not (root / "output" / "thematic.invitation.eml").exists()


def test_invite_and_email_refuse_an_office_file_still_holding_placeholders(kinds, tmp_path):
    root = tmp_path / "office"
    shutil.copytree(kinds, root)
    give_mailboxes(root)
    office_file = root / "templates" / "office.yaml"
    office_file.write_text(office_file.read_text(encoding="utf-8").replace("cumbria.police.uk", "cumbria.police.example"), encoding="utf-8")
    result = run_cli(root, "invite", "responses/peel.yaml")
    assert result.exit_code == 1
    assert "templates/office.yaml:" in result.output and "'chief_constable.email' in the office file still holds a placeholder" in result.output


# --- the schema ------------------------------------------------------------------------


class _DatesAsText(yaml.SafeLoader):
    """YAML as an editor's schema checker sees it: a date is a string."""


_DatesAsText.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _schema() -> dict:
    return json.loads((ROOT / "templates" / "response.schema.json").read_text(encoding="utf-8"))


def _buildable_catalogue_cases() -> list[Path]:
    cases = []
    for expected in sorted(CATALOGUE.glob("contract/*.expected")):
        outcome = re.search(r"^outcome: (\w+)", expected.read_text(encoding="utf-8"), re.M)
        if outcome and outcome[1] in ("builds", "warning"):
            cases.append(expected.with_suffix(".yaml"))
    return cases


@pytest.mark.parametrize(
    "path", [*EXAMPLES, DATA / "peel.yaml", DATA / "thematic.yaml", *_buildable_catalogue_cases()], ids=lambda p: p.name
)
def test_the_schema_accepts_every_response_respgen_builds(path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText)
    jsonschema.validate(data, _schema())


def test_the_schema_rejects_a_misspelt_key_and_a_grade_that_is_not_one():
    data = yaml.load((DATA / "peel.yaml").read_text(encoding="utf-8"), Loader=_DatesAsText)
    data["causes_of_concern"]["items"][0]["recommendations"][0]["respnse"] = "A typo."
    with pytest.raises(jsonschema.ValidationError, match="respnse"):
        jsonschema.validate(data, _schema())
    data = yaml.load((DATA / "peel.yaml").read_text(encoding="utf-8"), Loader=_DatesAsText)
    data["inspection"]["grades"][0]["grade"] = "very good"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def test_the_shipped_schema_is_the_one_respgen_prints(project_dir):
    result = run_cli(project_dir, "schema")
    assert result.exit_code == 0
    assert result.output == (ROOT / "templates" / "response.schema.json").read_text(encoding="utf-8")
    (project_dir / "templates" / "response.schema.json").unlink()
    written = run_cli(project_dir, "schema", "--write")
    assert written.exit_code == 0 and "wrote templates/response.schema.json" in written.output
    assert (project_dir / "templates" / "response.schema.json").read_text(encoding="utf-8") == result.output


def test_status_says_when_the_chief_constables_comments_are_awaited(project_dir):
    data = yaml.safe_load((DATA / "peel.yaml").read_text(encoding="utf-8"))
    data["status"] = "draft"
    del data["invitation"]["received"]
    del data["response"]["chief_constable"]
    (project_dir / "responses" / "peel.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = json.loads(run_cli(project_dir, "status", "--json", "--today", "2024-04-01").output)
    row = next(r for r in before["responses"] if r["file"] == "responses/peel.yaml")
    assert (row["reply_by"], row["awaiting_comments"], row["reply_by_passed"]) == ("2024-04-12", True, False)
    after = run_cli(project_dir, "status", "--today", "2024-04-20")
    shown = " ".join(after.output.split())
    assert "chief constable: reply overdue" in shown


def test_the_new_ways_of_writing_old_things_give_the_same_word_document(project_dir):
    # A body as a one-item list, and the office's own marking written out, are what the old file said.
    original = (project_dir / "responses" / "2022-11-02-vetting-misconduct-and-misogyny.yaml").read_text(encoding="utf-8")
    rewritten = re.sub(r"addressed_to: (.+)", r"addressed_to: [\1]", original) + "\nmarking: OFFICIAL\n"
    assert rewritten.count("addressed_to: [") >= 5
    (project_dir / "responses" / "rewritten.yaml").write_text(rewritten, encoding="utf-8")
    (project_dir / "responses" / "original.yaml").write_text(original, encoding="utf-8")
    assert run_cli(project_dir, "build", "responses/original.yaml", "responses/rewritten.yaml").exit_code == 0
    assert (project_dir / "output" / "original.docx").read_bytes() == (project_dir / "output" / "rewritten.docx").read_bytes()
