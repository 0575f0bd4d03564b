"""A real office program opens every Word document respgen builds, and shows what respgen put in.

All documents are converted in one LibreOffice run, with a private profile so
that runs in parallel do not clash.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, copy_project
from respgen.letter import markup, view
from respgen.project import Project
from respgen.reading.source import read_office, read_response

TABLE_HEADERS = ("Ref", "Recommendation", "Response", "Owner", "Due", "Progress")

pytestmark = pytest.mark.slow  # the command in its own process, LibreOffice or Hypothesis

TRICKY = ROOT / "tests" / "word" / "fixtures" / "tricky.yaml"
STEMS = [p.stem for p in EXAMPLES] + ["tricky"]
# Long values as offices write them, for the narrow columns of a findings table.
LONG_VALUES = {"owner: Head of Contact Management": "owner: Detective Chief Superintendent, Public Protection",
               "due: 2024 Q2": "due: 2027-02-13", "owner: Head of Public Protection": "owner: Police and Crime Commissioner"}  # fmt: skip
LONG_WORDS = ("Superintendent", "Protection", "Commissioner", "February", "September", "Detective")


def long_values(root: Path) -> Path:
    """The PEEL example, its owners and due dates as long as real ones, as responses/long-values.yaml."""
    text = (ROOT / "tests" / "data" / "peel.yaml").read_text(encoding="utf-8")
    for old, new in LONG_VALUES.items():
        assert old in text
        text = text.replace(old, new)
    target = root / "responses" / "long-values.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def broken_words(text: str) -> list[str]:
    """Each of LONG_WORDS that the text breaks across two lines ("Superintenden" / "t")."""
    lines = [line.split() for line in text.splitlines() if line.split()]
    return [
        f"{first[-1]}/{second[0]}"
        for first, second in itertools.pairwise(lines)
        for word in LONG_WORDS
        if (first[-1] + second[0]).strip(",.").startswith(word) and not first[-1].strip(",.").startswith(word)
    ]


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    from respgen.build.one import build_one

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run ./dev to set up"
    base = tmp_path_factory.mktemp("libreoffice")
    root = copy_project(base / "office")
    shutil.copy(TRICKY, root / "responses" / "tricky.yaml")
    long_values(root)
    project = Project(root)
    documents = []
    for path in project.response_files():
        build_one(project, path, kinds=("docx",))
        documents.append(str(project.outputs_for(path)["docx"]))
    pdfs = base / "pdf"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{base / 'profile'}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(pdfs), *documents],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root


def converted_text(root: Path, stem: str) -> str:
    pdf = root.parent / "pdf" / f"{stem}.pdf"
    assert pdf.is_file(), f"LibreOffice did not convert {stem}.docx"
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def without_running_lines(text: str, marking: str) -> str:
    """The text without the running header and footer, which break up paragraphs that cross a page."""
    return "\n".join(
        line
        for line in text.splitlines()
        if line.strip() != marking and not re.fullmatch(rf"\s*({re.escape(marking)})?\s*Page \d+ of \d+\s*", line)
    )


def squash(text: str, hyphen: str = "") -> str:
    # Line breaks are layout, not content; so is a word broken at its hyphen ("re-" at a line end),
    # which comes back joined, without the hyphen.
    text = re.sub(r"-\s*", hyphen, text.replace("\u00ad", ""))
    return re.sub(r"\s+", " ", text).strip()


def words(text: str, hyphen: str = "") -> str:
    # LibreOffice's fonts have no glyph for some emoji; compare the words around them.
    return squash(re.sub(r"[^\w\s&<>\"'’‘“”.,:;()–-]", " ", text), hyphen)


@pytest.mark.parametrize("stem", STEMS)
def test_libreoffice_shows_the_response_text_tables_included(converted, stem):
    project = Project(converted)
    letter = view.letter(read_response(converted / "responses" / f"{stem}.yaml").response, read_office(project.office_file), project.templates)
    raw = converted_text(converted, stem)
    pages = raw.count("\f")
    assert f"Page 1 of {pages}" in raw and f"Page {pages} of {pages}" in raw
    assert raw.count(letter.marking_line) >= 2 * pages  # the header and the footer of every page
    shown = words(without_running_lines(raw, letter.marking_line))
    shown_words = words(without_running_lines(raw, letter.marking_line), hyphen=" ")
    expected = [letter.title, letter.statutory, letter.signatory_name, "Inspection details", "Key findings"]
    expected += [markup.plain(p) for p in letter.key_points]
    expected += [markup.plain(c.body) for c in letter.comments]
    cells = []
    for section in letter.findings:
        expected += [section.heading, markup.plain(section.summary)]
        if section.rows:
            cells += list(TABLE_HEADERS)
        for row in section.rows:
            cells += [row.ref, markup.plain(row.text), markup.plain(row.response), row.owner, row.due, row.progress]
    for text in expected:
        for line in text.split("\n"):
            assert words(line) in shown, line
    # Table cells wrap onto several lines, so each cell's words are looked for one at a time, in order.
    for cell in cells:
        position = 0
        for word in words(cell, hyphen=" ").split():
            found = shown_words.find(word, position)
            assert found >= 0, f"{word!r} of table cell {cell!r}"
            position = found + len(word)


def test_no_word_of_a_long_owner_or_due_date_is_broken_in_two(converted, tmp_path: Path):
    """In Word (as LibreOffice lays it out) and in the PDF, the narrow columns fit the longest everyday words."""
    from respgen.build.one import build_one

    pdf = converted.parent / "pdf" / "long-values.pdf"
    in_word = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Superintendent" in in_word and "February" in in_word
    assert broken_words(in_word) == []
    root = copy_project(tmp_path / "office")
    project = Project(root)
    build_one(project, long_values(root), kinds=("pdf",))
    ours = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(root / "output" / "long-values.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Superintendent" in ours and "February" in ours
    assert broken_words(ours) == []


def test_broken_words_finds_a_word_broken_in_two():
    assert broken_words("Detective Chief\nSuperintenden\nt, Public") == ["Superintenden/t,"]
    assert broken_words("Detective Chief\nSuperintendent,\nPublic") == []


def test_page_one_shows_the_marking_as_often_in_word_as_in_the_pdf(converted, built_examples: Path):
    """Once under the letterhead and once in the footer: the first page's header does not repeat it."""
    stem = "2020-01-10-both-sides-of-the-coin"

    def first_page(pdf: Path) -> str:
        return subprocess.run(["pdftotext", "-l", "1", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    in_word = first_page(converted.parent / "pdf" / f"{stem}.pdf")
    ours = first_page(built_examples / "output" / f"{stem}.pdf")
    assert in_word.count("OFFICIAL") == ours.count("OFFICIAL") == 2
