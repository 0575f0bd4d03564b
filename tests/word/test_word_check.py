"""`respgen check` on Word documents: every rule passes on what respgen builds and fails on a document that breaks it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from respgen.word.check import check_docx

TRICKY = ROOT / "tests" / "word" / "fixtures" / "tricky.yaml"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A built Word document that uses every feature: pictures, tables, lists, links, draft marking."""
    from respgen.build.one import build_one
    from respgen.project import Project

    root = copy_project(tmp_path_factory.mktemp("wordcheck") / "office")
    shutil.copy(TRICKY, root / "responses" / "tricky.yaml")
    project = Project(root)
    build_one(project, root / "responses" / "tricky.yaml", kinds=("docx",))
    return project.outputs_for(root / "responses" / "tricky.yaml")["docx"]


def broken(good: Path, tmp_path: Path, part: str, pattern: str, replacement: str, count: int = 0) -> Path:
    """A copy of ``good`` with ``pattern`` replaced in one of its XML parts."""
    target = tmp_path / "broken.docx"
    changed = 0
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if re.fullmatch(part, info.filename):
                text, n = re.subn(pattern, replacement, data.decode("utf-8"), count=count)
                changed += n
                data = text.encode("utf-8")
            out.writestr(info, data)
    assert changed, f"{pattern} is not in {part}"
    return target


def messages(path: Path) -> str:
    return "\n".join(p.message for p in check_docx(path))


def test_a_built_document_passes_every_check(good):
    assert check_docx(good) == []


# (what is broken, the part, what to find, what to put instead, words the failure must contain)
BREAKAGES = [
    ("picture without alt text", r"word/header\d\.xml", r'descr="[^"]*"', 'descr=""', "has no alt text"),
    ("alt text is a file name", r"word/header\d\.xml", r'descr="[^"]*"', 'descr="logo.png"', "is a file name"),
    ("table without header row", "word/document.xml", r"<w:tblHeader/>", "", "does not mark its first row as a header row"),
    ("first heading not level 1", "word/document.xml", r'w:val="Heading1"', 'w:val="Heading3"', "the first heading is Heading 3; it must be Heading 1"),
    ("no headings at all", "word/document.xml", r'w:val="Heading1"', 'w:val="BodyText"', "no headings"),
    ("meaningless link text", "word/document.xml", r"the full report", "click here", "does not say where the link goes"),
    ("double-escaped title", "docProps/core.xml", r"Smith &amp;", "Smith &amp;amp;", "escaped twice"),
    ("no title", "docProps/core.xml", r"<dc:title>.*?</dc:title>", "<dc:title></dc:title>", "title is not set"),
    ("no subject", "docProps/core.xml", r"<dc:subject>.*?</dc:subject>", "<dc:subject/>", "subject is not set"),
    ("language in properties", "docProps/core.xml", r"<dc:language>en-GB</dc:language>", "<dc:language>cy-GB</dc:language>",
     "the properties say the document is in 'cy-GB' but its text defaults to 'en-GB'"),
    ("language in defaults", "word/styles.xml", r'(<w:rPrDefault><w:rPr>.*?<w:lang w:val=")en-GB', r"\1cy-GB", "reads as en but is marked as cy"),
    ("language not set", "word/styles.xml", r'(<w:rPrDefault><w:rPr>.*?)<w:lang w:val="en-GB"[^>]*/>', r"\1", "default language in the styles is 'not set'"),
    ("a Welsh passage left unmarked", "word/document.xml", r"<w:t( xml:space=\"preserve\")?>[^<{]{30,}</w:t>",
     "<w:t>Mae’r Comisiynydd yn ymwybodol o’r adroddiad hwn ac yn hyderus bod yr heddlu yn mynd i’r afael â’r troseddau hyn.</w:t>",
     "reads as cy but is marked as en"),
    ("justified text", "word/document.xml", r'<w:pStyle w:val="BodyText"/>', '<w:pStyle w:val="BodyText"/><w:jc w:val="both"/>', "justified"),
    ("capitals only", "word/styles.xml", r'<w:caps w:val="0"/>', "<w:caps/>", "capitals only"),
    ("stale template name", "docProps/app.xml", r"<DocSecurity>", "<Template>Normal.dotm</Template><DocSecurity>", "name a template it was not made from"),
    ("stale word count", "docProps/app.xml", r"<DocSecurity>", "<Words>0</Words><DocSecurity>", "say it has no words"),
    ("a language that is not a tag", "word/document.xml", r"<w:r><w:t", '<w:r><w:rPr><w:lang w:val="Welsh please"/></w:rPr><w:t', "language 'Welsh please' is not a language tag"),
    ("a link to a file", "word/_rels/document.xml.rels", r'Target="https://[^"]*"', 'Target="file:///C:/secret.docx"', "which is not a web page"),
]


@pytest.mark.parametrize("name, part, pattern, replacement, expected", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_each_rule_fails_on_a_document_that_breaks_it(good, tmp_path, name, part, pattern, replacement, expected):
    found = messages(broken(good, tmp_path, part, pattern, replacement, count=0 if name not in ("justified text", "a language that is not a tag", "a Welsh passage left unmarked") else 1))
    assert expected in found


def test_a_file_that_is_not_a_word_document(tmp_path):
    fake = tmp_path / "response.docx"
    fake.write_text("not a zip")
    assert "not a Word document that can be opened" in messages(fake)


@pytest.mark.slow
def test_respgen_check_prints_each_failure_and_exits_non_zero(good, tmp_path):
    bad = broken(good, tmp_path, "word/document.xml", r"<w:tblHeader/>", "")
    result = subprocess.run([sys.executable, "-m", "respgen", "check", str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "table 1 does not mark its first row as a header row" in result.stderr
    assert "table 2 does not mark its first row as a header row" in result.stderr
    assert "Traceback" not in result.stderr
    ok = subprocess.run([sys.executable, "-m", "respgen", "check", str(good)], capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "passes every check" in ok.stdout


def test_a_table_column_with_nothing_in_any_row_fails(good, tmp_path):
    from docx import Document

    document = Document(str(good))
    table = next(t for t in document.tables if len(t.columns) > 2)
    for row in table.rows:
        cell = row.cells[len(table.columns) - 1]
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.text = ""
    target = tmp_path / "blank-column.docx"
    document.save(str(target))
    assert f"has a column with nothing in any row (column {len(table.columns)})" in messages(target)


def test_a_document_named_as_another_languages_edition_fails(good: Path, tmp_path: Path):
    named = tmp_path / "response.cy.docx"
    shutil.copy(good, named)
    assert "the file's name says it is the cy edition, but its language is 'en-GB'" in messages(named)
