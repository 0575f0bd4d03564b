"""Both documents carry the same letter: every sentence of the published response, in both.

The seed is the Cumbria Commissioner's published response of February 2020
(tests/data), the shape respgen's letters take. Its statutory line cites
"Section 33", a mistake in the original: respgen cites section 55. Its opening
line speaks of "inspections" and has no full stop: respgen's says "an inspection
report" and ends as a sentence.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from respgen.letter import markup
from respgen.letter.view import letter
from respgen.project import Project
from respgen.reading.source import read_office, read_response

DATA = Path(__file__).parent / "data"
SEED = "2020-01-10-both-sides-of-the-coin"

# Lines of the published form that are labels or values respgen words differently on purpose:
# the labels become headings and sentence-case labels, the month-only date a full date.
FORM_LINES = {
    "Inspection Title:", "Date Published:", "January 2020", "Type of Inspection:", "National Inspection",
    "Key Findings", "Recommendations:", "PCC & Chief Constable Response to Report and Recommendation:",
}


REWORDED_INTRO = "Cumbria Police and Crime Commissioner (PCC) response to inspections of"


def normal(text: str) -> str:
    """Text as a reader compares it: curly quotes straightened, white space single."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("\u00ad", "")
    return " ".join(text.split())


def pdf_text(path: Path) -> str:
    """The PDF's words in the order they are drawn, without running heads and list markers.

    Those are drawn apart from the text they belong to (the heads are artifacts, the markers
    labels), so they are left out; a word broken after a hyphen at a line end is joined again.
    """
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    apart = r"(OFFICIAL(?: – DRAFT)?)? ?(Page \d+ of \d+)?|•|\d{1,2}\."  # a list number, not a year ending a line
    text = "\n".join(line for line in out.stdout.splitlines() if not re.fullmatch(apart, line.strip()))
    return normal(re.sub(r"(?<=\w-)\n", "", text))


def docx_text(path: Path) -> str:
    """Every paragraph of the body, tables included, in reading order."""
    body = docx.Document(str(path)).element.body
    paragraphs = ("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))
    return normal("\n".join(paragraphs))


def seed_sentences() -> list[str]:
    sentences = []
    for line in (DATA / "cumbria-2020-county-lines-response.txt").read_text(encoding="utf-8").splitlines():
        line = line.replace("[bookmark: _GoBack]", "").strip().lstrip("·").strip()
        if not line or line in FORM_LINES or line.startswith(("Section 33 of the Police Act", REWORDED_INTRO)):
            continue
        sentences += re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", line)
    return [normal(s) for s in sentences if s.strip()]


@pytest.fixture(scope="module")
def outputs(built_examples: Path) -> dict[str, Path]:
    return {kind: built_examples / "output" / f"{SEED}.{kind}" for kind in ("pdf", "docx")}


def test_the_seed_has_sentences_to_compare():
    sentences = seed_sentences()
    assert len(sentences) > 20
    assert "Forces could work together more efficiently" in sentences


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_every_sentence_of_the_published_response_is_in_the_document(outputs, kind):
    text = pdf_text(outputs[kind]) if kind == "pdf" else docx_text(outputs[kind])
    missing = [s for s in seed_sentences() if s not in text]
    assert missing == []
    # The form's values, worded as respgen words them, and the corrected statute.
    assert "10 January 2020" in text and "National inspection" in text
    assert "Section 55 of the Police Act 1996 (as amended by section 37 of the Policing and Crime Act 2017)" in text
    assert "Section 33" not in text
    assert (
        "Cumbria Police and Crime Commissioner (PCC) response to an inspection report by Her Majesty's Inspectorate"
        " of Constabulary and Fire and Rescue Services (HMICFRS) that concerns Cumbria Constabulary." in text
    )


EXAMPLE_NAMES = ["2020-01-10-both-sides-of-the-coin", "2022-11-02-vetting-misconduct-and-misogyny"]


def view_lines(built_examples: Path, name: str) -> list[str]:
    """What the view says, line by line, in the letter's order."""
    project = Project(built_examples)
    view = letter(read_response(built_examples / "responses" / f"{name}.yaml").response, read_office(project.office_file), project.templates)
    pieces = [view.date_text, view.title, view.intro, view.statutory, *[d.value for d in view.details]]
    pieces += [markup.plain(view.key_findings), *[markup.plain(p) for p in view.key_points]]
    for section in view.findings:
        pieces += [section.heading, markup.plain(section.summary)]
        for row in section.rows:
            pieces += [row.ref, markup.plain(row.text), markup.plain(row.response), row.owner, row.due]
    for comments in view.comments:
        pieces += [comments.heading, markup.plain(comments.body)]
    pieces += [view.signatory_name, view.signatory_title]
    return [normal(line) for piece in pieces for line in piece.split("\n") if line.strip()]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_both_documents_hold_the_same_words_in_the_same_order(built_examples: Path, name: str):
    lines = view_lines(built_examples, name)
    for kind in ("pdf", "docx"):
        path = built_examples / "output" / f"{name}.{kind}"
        text = pdf_text(path) if kind == "pdf" else docx_text(path)
        at = 0
        for line in lines:
            found = text.find(line, at)
            assert found >= 0, f"{kind}: {line!r} missing or out of order"
            at = found


# --- where the two documents used to differ, and now agree --------------------------------


SEED = "2020-01-10-both-sides-of-the-coin"


def pdf_page_layout(path: Path, page: int = 1) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_the_addressees_stand_one_under_the_other_with_their_names_in_bold(built_examples: Path):
    page = pdf_page_layout(built_examples / "output" / f"{SEED}.pdf")
    names = [line for line in page.splitlines() if line.strip() in ("Home Secretary", "HM Chief Inspector of Constabulary")]
    assert len(names) == 2  # on two lines: not side by side
    document = docx.Document(str(built_examples / "output" / f"{SEED}.docx"))
    for paragraph in document.paragraphs:
        if paragraph.text in ("Home Secretary", "HM Chief Inspector of Constabulary"):
            assert all(run.bold for run in paragraph.runs)
    project = Project(built_examples)
    from respgen.pdf import document as pdf

    source = read_response(built_examples / "responses" / f"{SEED}.yaml")
    html = pdf.render_html(letter(source.response, read_office(project.office_file), project.templates), project)
    assert '<p class="addressee"><strong>Home Secretary</strong>' in html


def test_addressed_to_is_a_bold_label_in_both_documents(project_dir: Path):
    from respgen.build.one import build_one
    from respgen.pdf import document as pdf

    target = project_dir / "responses" / "thematic.yaml"
    target.write_text((Path(__file__).parent / "data" / "thematic.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    project = Project(project_dir)
    build_one(project, target, kinds=("docx",))
    html = pdf.render_html(letter(read_response(target).response, read_office(project.office_file), project.templates), project)
    assert '<p class="addressed"><strong>Addressed to:</strong> Chief constables and Police and crime commissioners</p>' in html
    assert "font-style: italic" not in re.search(r"table\.findings \.addressed \{[^}]*\}", (project.templates / "response.css").read_text()).group(0)
    cells = [c for t in docx.Document(str(project_dir / "output" / "thematic.docx")).tables for r in t.rows for c in r.cells]
    labels = [run for c in cells for p in c.paragraphs for run in p.runs if run.text.startswith("Addressed to:")]
    assert labels and all(run.bold and not run.italic for run in labels)


def test_a_hyphenated_office_name_is_never_broken_at_its_hyphen(project_dir: Path):
    from respgen.build.one import build_one

    office_file = project_dir / "templates" / "office.yaml"
    name = "Office of the Police, Fire and Crime Commissioner for North Yorkshire-Dyfed-Powys"
    office_file.write_text(re.sub(r"(?m)^name: .*$", f'name: "{name}"', office_file.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    project = Project(project_dir)
    built = build_one(project, project_dir / "responses" / f"{SEED}.yaml", kinds=("pdf", "docx"))
    page = pdf_page_layout(built.written["pdf"][0])
    assert "Yorkshire-Dyfed-Powys" in page  # the name wraps before it, never at a hyphen
    document = docx.Document(str(built.written["docx"][0]))
    first = document.paragraphs[0]
    assert first.text == name
    assert len(first._p.findall(".//" + qn("w:noBreakHyphen"))) == 2


def test_a_list_in_word_is_followed_by_the_space_of_the_text_around_it(built_examples: Path):
    document = docx.Document(str(built_examples / "output" / f"{SEED}.docx"))
    body_after = document.styles["Body Text"].paragraph_format.space_after
    paragraphs = document.paragraphs
    ends = [i for i, p in enumerate(paragraphs[:-1]) if p.style.name == "List Bullet" and paragraphs[i + 1].style.name != "List Bullet"]
    assert ends
    for i in ends:
        assert paragraphs[i].paragraph_format.space_after == body_after
    inside = [p for i, p in enumerate(paragraphs[:-1]) if p.style.name == "List Bullet" and i not in ends]
    assert inside and all(p.paragraph_format.space_after is None for p in inside)  # the style's own, closer spacing


def test_the_draft_watermark_is_the_same_pale_grey_in_both_documents(project_dir: Path):
    import zipfile

    page = (project_dir / "templates" / "response.html").read_text(encoding="utf-8")  # the picture, in the edition's word
    pdf_fill = re.search(r"fill='%23([0-9A-F]{6})'%3E\{\{ letter.watermark", page).group(1)
    with zipfile.ZipFile(project_dir / "templates" / "response.docx") as template:
        fills = {re.search(r'fillcolor="#([0-9A-F]{6})"', template.read(n).decode()).group(1)
                 for n in template.namelist() if re.fullmatch(r"word/header\d+\.xml", n) and b"DRAFT" in template.read(n)}
    for colour in (pdf_fill, *fills):
        assert colour[0:2] == colour[2:4] == colour[4:6] and int(colour[0:2], 16) >= 0xD0, colour  # a light grey


def test_the_word_document_keeps_no_runs_of_spaces_the_pdf_would_not_show(built_examples: Path):
    source = (built_examples / "responses" / f"{SEED}.yaml").read_text(encoding="utf-8")
    assert ".  " in source  # the published response's habit: two spaces after a full stop
    document = docx.Document(str(built_examples / "output" / f"{SEED}.docx"))
    assert not [p.text for p in document.paragraphs if "  " in p.text]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_tag_tree_holds_every_sentence_once_in_reading_order_and_no_running_head(built_examples: Path, name: str):
    """What a screen reader reads, as poppler's tag-tree reader lists it."""
    listing = subprocess.run(["pdfinfo", "-struct-text", str(built_examples / "output" / f"{name}.pdf")],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    pieces = "\n".join(line.strip()[1:-1] for line in listing.splitlines() if line.strip().startswith('"'))
    pieces = re.sub(r"(?<=\w-)\n", "", pieces)  # a word broken after its hyphen at a line end
    tree = normal(re.sub(r"\n(?=[.,;:!?)'’”])", "", pieces))  # a run of bold or a link, then its punctuation
    lines = view_lines(built_examples, name)
    said = " ".join(lines)
    at = 0
    for line in lines:
        found = tree.find(line, at)
        assert found >= 0, f"{line!r} is not in the tag tree, or not in the letter's order"
        if len(line) >= 30:  # a sentence, not a word such as a date or a reference
            # As often as the letter says it (the inspection's title is in the title and the details).
            assert tree.count(line) == said.count(line), f"{line!r} is in the tag tree {tree.count(line)} times"
        at = found
    assert not re.search(r"Page \d+ of \d+", tree)  # the running heads are artifacts
    assert tree.count("OFFICIAL") == 1  # the marking under the letterhead; the heads are not read out
