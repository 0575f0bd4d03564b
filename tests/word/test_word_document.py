"""The Word document respgen builds, read back with python-docx: content, order, structure, properties."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT, copy_project
from respgen.letter import markup, view
from respgen.project import Project
from respgen.reading.source import read_office, read_response

TRICKY = ROOT / "tests" / "word" / "fixtures" / "tricky.yaml"
TRICKY_TITLE = 'Smith & Sons <Ltd> "quoted" it’s — ✅ 🎉 {{ not_a_tag }} {% if x %} café'


def build_docx(root: Path) -> dict[str, Path]:
    """Build every response in ``root`` into a Word document only; {response name: document}."""
    from respgen.build.one import build_one

    project = Project(root)
    out = {}
    for path in project.response_files():
        build_one(project, path, kinds=("docx",))
        out[path.stem] = project.outputs_for(path)["docx"]
    return out


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("word") / "office")
    shutil.copy(TRICKY, root / "responses" / "tricky.yaml")
    build_docx(root)
    return root


def docx_of(root: Path, stem: str) -> Path:
    return root / "output" / f"{stem}.docx"


def letter_of(root: Path, stem: str) -> view.Letter:
    project = Project(root)
    return view.letter(read_response(root / "responses" / f"{stem}.yaml").response, read_office(project.office_file), project.templates)


def body_paragraphs(document) -> list:
    """Every paragraph of the body in reading order, table cells included."""
    return list(document.element.body.iter(qn("w:p")))


def text_of(element) -> str:
    """The text as Word shows it: tabs and line breaks included."""
    out = []
    for e in element.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if e.tag == qn("w:t"):
            out.append(e.text or "")
        elif e.getparent().tag == qn("w:r"):  # not a tab stop in the paragraph's properties
            out.append("\t" if e.tag == qn("w:tab") else "\n")
    return "".join(out)


def style_of(document, p) -> str:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    ids = {s.style_id: s.name for s in document.styles}
    return ids.get(style.get(qn("w:val")), "") if style is not None else "Normal"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def expected_texts(letter: view.Letter) -> list[str]:
    """Every piece of text the letter must show, one per paragraph."""
    texts = [letter.title, letter.intro, letter.statutory, letter.office_name, letter.date_text, letter.signatory_name]
    texts += [d.value for d in letter.details]
    blocks = [letter.key_findings, *letter.key_points, *(c.body for c in letter.comments)]
    for section in letter.findings:
        texts.append(section.heading)
        blocks.append(section.summary)
        for row in section.rows:
            blocks += [row.text, row.response]
            texts += [t for t in (row.ref, row.owner, row.due, row.progress, row.addressed_to) if t]
    for b in blocks:
        texts += [line for line in markup.plain(b).split("\n") if line.strip()]
    return [squash(t) for t in texts]


STEMS = [p.stem for p in EXAMPLES] + ["tricky"]


@pytest.mark.parametrize("stem", STEMS)
def test_every_sentence_of_the_response_is_in_the_document(office, stem):
    document = Document(docx_of(office, stem))
    paragraphs = [squash(text_of(p)) for p in body_paragraphs(document)]
    whole = "\n".join(paragraphs)
    for text in expected_texts(letter_of(office, stem)):
        assert text in whole, text


@pytest.mark.parametrize("stem", STEMS)
def test_the_content_comes_in_the_order_of_a_formal_letter(office, stem):
    letter = letter_of(office, stem)
    document = Document(docx_of(office, stem))
    paragraphs = [squash(text_of(p)) for p in body_paragraphs(document)]
    order = [
        letter.office_name,
        letter.marking_line,
        letter.date_text,
        letter.recipients[0].name,
        letter.title,
        squash(letter.statutory),
        "Inspection details",
        "Key findings",
        *[s.heading for s in letter.findings],
        *[c.heading for c in letter.comments],
        letter.signatory_name,
    ]
    positions = [next(i for i, p in enumerate(paragraphs) if p == squash(text)) for text in order]
    assert positions == sorted(positions)


def test_the_parts_of_the_letter_are_in_the_house_styles(office):
    stem = EXAMPLES[0].stem
    letter = letter_of(office, stem)
    document = Document(docx_of(office, stem))
    styled = [(style_of(document, p), squash(text_of(p))) for p in body_paragraphs(document)]
    assert ("Title", squash(letter.title)) in styled
    headings = [t for s, t in styled if s == "Heading 1"]
    assert headings == ["Inspection details", "Key findings", "Recommendations", *[c.heading for c in letter.comments + letter.submitted]]
    bullets = [t for s, t in styled if s == "List Bullet"]
    assert bullets == [squash(markup.plain(p)) for p in letter.key_points]
    assert ("Statutory", squash(letter.statutory)) in styled
    assert ("Small Print", "Page 1 of 1") not in styled  # the footer is not in the body


def test_lists_quotes_bold_and_links_are_real_word_structure(office):
    document = Document(docx_of(office, "tricky"))
    paragraphs = body_paragraphs(document)
    styled = {squash(text_of(p)): (style_of(document, p), p) for p in paragraphs}
    assert styled["A quoted finding & its source <p>."][0] == "Quote"
    numbered = [(t, p) for t, (s, p) in styled.items() if s == "List Number"]
    assert [t for t, _ in numbered] == ["alpha one", "alpha two", "beta one", "beta two"]
    # Each list has its own numbering instance, restarting at 1.
    num_ids = [p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val")) for _, p in numbered]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    numbering = document.part.numbering_part.element
    for num_id in set(num_ids):
        num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        assert start is not None and start.get(qn("w:val")) == "1"
    # Bold and italic are run properties, not asterisks.
    summary = next(p for t, (s, p) in styled.items() if t.startswith("The inspection looked at"))
    runs = {text_of(r): r for r in summary.iter(qn("w:r"))}
    assert runs["vetting"].find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    assert runs["misconduct"].find(f"{qn('w:rPr')}/{qn('w:i')}") is not None
    assert "**" not in text_of(summary)
    # Links are w:hyperlink elements with a relationship to the address, ampersands intact.
    links = {text_of(h): h.get(qn("r:id")) for h in document.element.body.iter(qn("w:hyperlink"))}
    rels = document.part.rels
    assert rels[links["the full report"]].target_ref == "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/?x=1&y=2"
    assert rels[links[TRICKY_TITLE]].target_ref == "https://www.justiceinspectorates.gov.uk/hmicfrs/?a=1&b=2"


def test_awkward_characters_and_curly_brackets_come_out_literally(office):
    document = Document(docx_of(office, "tricky"))
    texts = [text_of(p) for p in body_paragraphs(document)]
    assert f"Police and Crime Commissioner’s response to: {TRICKY_TITLE}" in texts
    whole = "\n".join(texts)
    assert "I welcome this report & its findings. “We will act.” {{ literally }} and {% literally %}." in whole
    assert "Emoji 👩🏽‍💻 and curly ‘quotes’" in whole
    assert "The College of Policing should update its guidance <soon>." in whole
    assert "&amp;" not in whole and "&lt;" not in whole
    assert document.core_properties.title == f"Police and Crime Commissioner’s response to: {TRICKY_TITLE}"
    assert document.core_properties.subject == TRICKY_TITLE


def test_findings_tables_have_a_repeating_header_row_and_a_row_per_item(office):
    letter = letter_of(office, "tricky")
    document = Document(docx_of(office, "tricky"))
    groups = [group for s in letter.findings for group in s.groups if group.rows]
    assert len(document.tables) == len(groups) == 2
    for table, group in zip(document.tables, groups, strict=True):
        header = table.rows[0]
        # Headed by the section's own noun; a column no item fills is left out.
        assert tuple(c.text for c in header.cells) == tuple(h for h in group.headers if h)
        assert header.cells[1].text in ("Recommendation", "Area for improvement", "Cause of concern")
        assert header._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert len(table.rows) == 1 + len(group.rows)
        for row, item in zip(table.rows[1:], group.rows, strict=True):
            cells = [squash(c.text) for c in row.cells]
            assert cells[0] == item.ref
            assert squash(markup.plain(item.text)) in cells[1]
            assert cells[3:] == [getattr(item, key) for key in group.columns[3:]]
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        assert caption.get(qn("w:val")) == group.caption
    other = document.tables[0].rows[2].cells[1].text
    assert "for other bodies; not for this force" in other
    # A nested list in a cell is a real list.
    response = document.tables[0].rows[1].cells[2]
    assert [p.style.name for p in response.paragraphs][1:] == ["Table List Bullet", "Table List Bullet"]


@pytest.mark.parametrize("stem", STEMS)
def test_properties_language_and_alt_text(office, stem):
    letter = letter_of(office, stem)
    document = Document(docx_of(office, stem))
    props = document.core_properties
    assert (props.title, props.subject, props.author, props.language) == (
        letter.title, letter.subject, letter.author, "en-GB",
    )  # fmt: skip
    assert props.created.date() == letter.date and props.modified.date() == letter.date
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"
    header = document.sections[0].first_page_header
    pictures = list(header._element.iter(qn("wp:docPr")))
    assert [p.get("descr") for p in pictures] == [letter.logo.alt]
    from respgen.word.check import check_docx

    assert check_docx(docx_of(office, stem)) == []


def test_page_numbers_are_word_fields_in_the_footer(office):
    document = Document(docx_of(office, "tricky"))
    for footer in (document.sections[0].footer, document.sections[0].first_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", xml)
        assert "Page " in text_of(footer._element) and " of " in text_of(footer._element)


def test_a_draft_says_so_and_a_final_response_does_not(office):
    def everything(stem):
        document = Document(docx_of(office, stem))
        section = document.sections[0]
        parts = [document.element, section.header._element, section.first_page_header._element,
                 section.footer._element, section.first_page_footer._element]  # fmt: skip
        return "\n".join(text_of(p) for p in parts), document

    draft, document = everything("tricky")
    assert "DRAFT: not for publication or circulation beyond those preparing this response." in draft
    assert text_of(document.sections[0].header._element) == "OFFICIAL – DRAFT"
    assert "OFFICIAL – DRAFT" in text_of(document.sections[0].footer._element)
    for header in (document.sections[0].header, document.sections[0].first_page_header):
        assert re.search(r'<v:textpath [^>]*string="DRAFT"', header._element.xml)  # the watermark
    final, document = everything(EXAMPLES[0].stem)
    assert "DRAFT" not in final
    assert text_of(document.sections[0].header._element) == "OFFICIAL"
    for header in (document.sections[0].header, document.sections[0].first_page_header):
        assert "DRAFT" not in header._element.xml


def test_the_commissioners_signature_picture_has_alt_text(tmp_path):
    root = copy_project(tmp_path / "office")
    shutil.copy(root / "templates" / "logo.png", root / "templates" / "signature.png")
    office_file = root / "templates" / "office.yaml"
    office_file.write_text(office_file.read_text() + "\nsignature:\n  file: signature.png\n  alt: Signature of Peter McCall\n")
    for extra in list((root / "responses").glob("*.yaml"))[1:]:
        extra.unlink()
    out = build_docx(root)
    document = Document(next(iter(out.values())))
    alts = [d.get("descr") for d in document.element.body.iter(qn("wp:docPr"))]
    assert alts == ["Signature of Peter McCall"]
    ids = [d.get("id") for d in document.element.iter(qn("wp:docPr"))]
    ids += [d.get("id") for d in document.sections[0].first_page_header._element.iter(qn("wp:docPr"))]
    assert len(ids) == len(set(ids)) == 2
    from respgen.word.check import check_docx

    assert check_docx(next(iter(out.values()))) == []


RENDER = """
import sys
from pathlib import Path
from respgen.letter import view
from respgen.word import document as word
from respgen.project import Project
from respgen.reading.source import read_office, read_response
project = Project(Path(sys.argv[1]))
letter = view.letter(read_response(Path(sys.argv[2])).response, read_office(project.office_file), project.templates)
Path(sys.argv[3]).write_bytes(word.render(letter, project))
"""


@pytest.mark.slow
def test_two_builds_in_separate_processes_give_the_same_bytes(office, tmp_path):
    outputs = []
    for n in (1, 2):
        target = tmp_path / f"{n}.docx"
        subprocess.run(
            [sys.executable, "-c", RENDER, str(office), str(office / "responses" / "tricky.yaml"), str(target)],
            check=True, env={"PYTHONHASHSEED": str(n), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] == docx_of(office, "tricky").read_bytes()
    with zipfile.ZipFile(docx_of(office, "tricky")) as z:
        assert {i.date_time for i in z.infolist()} == {(2022, 12, 15, 0, 0, 0)}



_PIECES = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc")),
    st.sampled_from(list("&<>\"'’{}%#*_-[]()\n\t") + ["{{", "}}", "{%", "%}", "{_{", "&amp;", "]]>", "👩🏽‍💻"]),
)
AWKWARD = st.lists(_PIECES, min_size=1, max_size=30).map("".join)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(comment=AWKWARD, title=AWKWARD.filter(lambda t: t.strip()))
def test_any_text_comes_out_as_written(office, comment, title):
    from respgen.reading.model import Response
    from respgen.word import document as word

    project = Project(office)
    source = read_response(office / "responses" / f"{EXAMPLES[0].stem}.yaml").response
    data = source.model_dump()
    data["inspection"]["title"] = title
    data["response"]["commissioner"] = comment
    letter = view.letter(Response.model_validate(data), read_office(project.office_file), project.templates)
    from io import BytesIO

    document = Document(BytesIO(word.render(letter, project)))
    texts = [text_of(p) for p in body_paragraphs(document)]
    assert letter.title in texts
    assert document.core_properties.title == letter.title
    whole = "\n".join(texts)
    assert markup.plain(markup.parse(comment)) in whole


def test_the_office_colours_reach_the_word_document_as_they_reach_the_pdf(tmp_path: Path):
    """office.yaml's colours are the one place: Word's headings, table shading and borders take them."""
    root = copy_project(tmp_path / "office")
    office_file = root / "templates" / "office.yaml"
    text = office_file.read_text(encoding="utf-8")
    text = re.sub(r'primary: "#1D3C6E"', 'primary: "#7A1F2B"', text)
    text = re.sub(r'accent: "#5A6B7B"', 'accent: "#4A5A2A"', text)
    office_file.write_text(text, encoding="utf-8")
    built = build_docx(root)["2022-11-02-vetting-misconduct-and-misogyny"]
    with zipfile.ZipFile(built) as docx:
        xml = "".join(docx.read(name).decode("utf-8") for name in docx.namelist() if re.fullmatch(r"word/(styles|document|header\d|footer\d)\.xml", name))
    assert "1D3C6E" not in xml.upper() and "5A6B7B" not in xml.upper()  # none of the template's own left
    document = Document(str(built))
    heading = document.styles["Heading 1"].element
    assert heading.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val")) == "7A1F2B"
    fills = {shd.get(qn("w:fill")) for shd in document.element.body.iter(qn("w:shd"))}
    assert "7A1F2B" in fills  # the table header rows
    # The PDF is drawn in the same colours, from the same file.
    from respgen.pdf import document as pdf

    project = Project(root)
    source = read_response(root / "responses" / "2022-11-02-vetting-misconduct-and-misogyny.yaml")
    html = pdf.render_html(view.letter(source.response, read_office(project.office_file), project.templates), project)
    assert "--primary: #7A1F2B; --accent: #4A5A2A;" in html


def test_an_office_with_the_template_colours_gets_the_template_unchanged(office: Path):
    with zipfile.ZipFile(docx_of(office, "2022-11-02-vetting-misconduct-and-misogyny")) as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert 'w:val="1D3C6E"' in styles


def test_the_signature_keeps_with_the_last_paragraph_it_signs(office: Path):
    document = Document(str(docx_of(office, "2020-01-10-both-sides-of-the-coin")))
    paragraphs = document.paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.style.name == "Signature")
    before = paragraphs[first - 1]
    assert before.paragraph_format.keep_with_next is True
    assert "county lines drug supply activity" in before.text
