"""The tag tree of a response with everything that used to come out in pieces, read by poppler.

A response with paragraphs that cross page breaks, a link that wraps over
lines, a numbered list with a nested list, a Welsh passage and paragraph, and
Arabic words: in the PDF each paragraph and link is one element, every list
item holds only its label and body with the nested list inside, and each
marked passage carries its language in the PDF, the Word document and the
web page.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name
from tests.conftest import copy_project, run_cli

from respgen.pdf import tree as pdftree
from respgen.pdf.check import check_pdf

LONG = (
    "This paragraph number {n} is long so that some of them cross a page break, and it goes on about the work"
    " of the force and of the office with its partners across the county, week after week, until it ends here {n}."
)
LINK_TEXT = "Cumbria Constabulary digital strategy for the years ahead, which is published on the force website"
WELSH = "Diolch yn fawr iawn i bawb sy'n gweithio yn yr heddlu a'r swyddfa am eu gwaith caled"
WELSH_PARAGRAPH = "Mae'r paragraff hwn i gyd yn Gymraeg."
ARABIC = "مرحبا"  # no lam-alef ligature: see README, "What respgen checks"


def commissioner_text() -> str:
    lines = [
        f"We thank the force: [{WELSH}]{{lang=cy}}. Hello is [{ARABIC}]{{lang=ar}} in Arabic.",
        "",
        f"[{WELSH_PARAGRAPH}]{{lang=cy}}",
        "",
        f"The work is set out in the [{LINK_TEXT}](https://www.cumbria.police.uk/digital-strategy) and reviewed each year.",
        "",
        "1. First step, with its own steps:",
        "    - a nested point",
        "    - another nested point",
        "2. Second step",
        "",
    ]
    for n in range(1, 31):
        lines += [LONG.format(n=n) * 2, ""]
    return "\n".join("    " + line if line else "" for line in lines)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("structure") / "office")
    seed = (root / "responses" / "2020-01-10-both-sides-of-the-coin.yaml").read_text(encoding="utf-8")
    text = seed.replace("  commissioner: |\n", "  commissioner: |\n" + commissioner_text() + "\n", 1)
    (root / "responses" / "structure.yaml").write_text(text, encoding="utf-8")
    result = run_cli(root, "build", "responses/structure.yaml")
    assert result.exit_code == 0, result.output
    return root / "output"


def struct_text(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True).stdout


def listing(tree: str) -> list[tuple[str, str]]:
    """(tag, words) of every element in poppler's listing, in its order (the tree's document order)."""
    lines = tree.splitlines()
    out = []
    for i, line in enumerate(lines):
        head = line.strip()
        if not head or head.startswith(('"', "/", "Object")):
            continue
        indent = len(line) - len(line.lstrip())
        words = []
        for inner in lines[i + 1 :]:
            if inner.strip() and len(inner) - len(inner.lstrip()) <= indent:
                break
            if inner.strip().startswith('"'):
                words.append(inner.strip()[1:-1])
        out.append((head.split(" ")[0].rstrip(":"), " ".join(" ".join(words).split())))
    return out


def elements_in(tree: str, tag: str) -> list[str]:
    """The words inside each ``tag`` element of poppler's listing, one string per element."""
    return [words for found, words in listing(tree) if found == tag]


def test_the_response_crosses_pages(built: Path):
    info = subprocess.run(["pdfinfo", str(built / "structure.pdf")], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 4


def test_each_paragraph_is_one_element_even_across_a_page_break(built: Path):
    paragraphs = elements_in(struct_text(built / "structure.pdf"), "P")
    long_ones = [p for p in paragraphs if "is long so that some of them cross a page break" in p]
    # Every one of the 30 paragraphs, whole, in order: none cut in two by a page break.
    assert len(long_ones) == 30
    for n, words in enumerate(long_ones, start=1):
        assert words.startswith(f"This paragraph number {n} is long") and words.endswith(f"until it ends here {n}."), words
    assert not [p for p in paragraphs if p and p[0].islower() and not p.startswith("https:")]  # none starts mid-sentence


def test_a_link_that_wraps_over_lines_is_one_link(built: Path):
    tree = struct_text(built / "structure.pdf")
    links = elements_in(tree, "Link")
    assert LINK_TEXT in links
    assert not [link for link in links if link != LINK_TEXT and link in LINK_TEXT]  # no piece of it is a link of its own


def test_each_list_item_holds_its_label_and_body_and_the_nested_list_is_inside(built: Path):
    with pikepdf.open(built / "structure.pdf") as pdf:
        items = [e for e, _p, _d in pdftree.walk(pdf) if e.S == Name.LI]
        assert items
        for item in items:
            assert {str(k.S) for k in pdftree.child_elements(item)} <= {"/Lbl", "/LBody"}
        nested = [e for e, parent, _d in pdftree.walk(pdf) if e.S == Name.L and parent is not None and parent.S == Name.LBody]
        assert len(nested) == 1
        assert not [e for e, parent, _d in pdftree.walk(pdf) if e.S == Name.L and parent is not None and parent.S == Name.L]
        # Nothing of respgen's own bookkeeping is left in the file.
        assert not [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and "/RespgenElement" in o]
    assert check_pdf(built / "structure.pdf") == []


def test_a_marked_passage_carries_its_language_in_the_pdf(built: Path):
    pdf_path = built / "structure.pdf"
    with pikepdf.open(pdf_path) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        tree = [(str(e.S)[1:], str(e.get("/Lang", ""))) for e, _p, _d in pdftree.walk(pdf)]
    read = listing(struct_text(pdf_path))
    assert [tag for tag, _ in tree] == [tag for tag, _ in read]  # the same elements, in the same order
    marked = [(tag, lang, words) for (tag, lang), (_, words) in zip(tree, read, strict=True) if lang]
    assert ("Span", "cy", WELSH) in marked
    assert ("P", "cy", WELSH_PARAGRAPH) in marked
    assert [(tag, lang) for tag, lang, _ in marked if lang == "ar"] == [("Span", "ar")]
    assert len(marked) == 3


def test_arabic_is_extracted_in_the_order_it_was_written(built: Path):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built / "structure.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in text.splitlines() if "in Arabic" in line)
    assert ARABIC in line.replace("\u202b", "").replace("\u202c", "")
    with pikepdf.open(built / "structure.pdf") as pdf:
        spoken = [str(e.ActualText) for e, _p, _d in pdftree.walk(pdf) if "/ActualText" in e]
    assert ARABIC in spoken  # what a screen reader is given, in logical order


def test_a_marked_passage_carries_its_language_in_the_word_document(built: Path):
    with zipfile.ZipFile(built / "structure.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r>(.*?)</w:r>", body, flags=re.S)
    welsh = [run for run in runs if 'w:lang w:val="cy-GB"' in run]
    assert any(WELSH.replace("'", "&#x27;") in run or WELSH in run for run in welsh)
    assert any(WELSH_PARAGRAPH in run for run in welsh)
    arabic = [run for run in runs if ARABIC in run]
    assert arabic and all('<w:rtl/><w:lang w:bidi="ar-SA"/>' in run for run in arabic)


def test_a_marked_passage_carries_its_language_on_the_web_page(built: Path):
    page = (built / "structure.html").read_text(encoding="utf-8")
    assert f'<span lang="cy">{WELSH.replace(chr(39), "&#39;")}</span>' in page
    assert f'<p lang="cy">{WELSH_PARAGRAPH.replace(chr(39), "&#39;")}</p>' in page
    assert f'<span lang="ar" dir="rtl">{ARABIC}</span>' in page
