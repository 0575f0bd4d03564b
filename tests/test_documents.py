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


@pytest.mark.parametrize("name", ["2020-01-10-both-sides-of-the-coin", "2022-11-02-vetting-misconduct-and-misogyny"])
def test_both_documents_hold_the_same_words_in_the_same_order(built_examples: Path, name: str):
    project = Project(built_examples)
    view = letter(read_response(built_examples / "responses" / f"{name}.yaml").response, read_office(project.office_file), project.templates)
    # What the view says, piece by piece, in the letter's order.
    pieces = [view.date_text, view.title, view.intro, view.statutory, *[d.value for d in view.details]]
    pieces += [markup.plain(view.key_findings), *[markup.plain(p) for p in view.key_points]]
    for section in view.findings:
        pieces += [section.heading, markup.plain(section.summary)]
        for row in section.rows:
            pieces += [row.ref, markup.plain(row.text), markup.plain(row.response), row.owner, row.due]
    for comments in view.comments:
        pieces += [comments.heading, markup.plain(comments.body)]
    pieces += [view.signatory_name, view.signatory_title]
    lines = [normal(line) for piece in pieces for line in piece.split("\n") if line.strip()]
    for kind in ("pdf", "docx"):
        path = built_examples / "output" / f"{name}.{kind}"
        text = pdf_text(path) if kind == "pdf" else docx_text(path)
        at = 0
        for line in lines:
            found = text.find(line, at)
            assert found >= 0, f"{kind}: {line!r} missing or out of order"
            at = found
