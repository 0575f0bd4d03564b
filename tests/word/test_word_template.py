"""The Word template belongs to the communications team: their edits change every document, and
`respgen check-template` finds what an edit in Word can break."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor

from conftest import EXAMPLES, copy_project
from respgen.errors import RespgenError
from respgen.reading.source import read_office
from respgen.word.template import check_template


@pytest.fixture
def office(tmp_path) -> Path:
    root = copy_project(tmp_path / "office")
    for extra in EXAMPLES[1:]:
        (root / "responses" / extra.name).unlink()
    return root


def template(root: Path) -> Path:
    return root / "templates" / "response.docx"


def build(root: Path) -> Path:
    from respgen.build.one import build_one
    from respgen.project import Project

    project = Project(root)
    source = root / "responses" / EXAMPLES[0].name
    build_one(project, source, kinds=("docx",))
    return project.outputs_for(source)["docx"]


def edit_paragraph(path: Path, old: str, *new: str) -> None:
    """Replace the body paragraph whose text is ``old`` by paragraphs with the texts ``new``, as in Word."""
    document = Document(path)
    paragraph = next(p for p in document.paragraphs if p.text == old)
    paragraph.text = new[0]
    for text in reversed(new[1:]):
        added = paragraph._p.makeelement(qn("w:p"), {})
        paragraph._p.addnext(added)
        from docx.text.paragraph import Paragraph

        Paragraph(added, paragraph._parent).add_run(text)
    document.save(path)


def problems(path: Path) -> str:
    return "\n".join(f"{p.message} {p.hint or ''}" for p in check_template(path) if p.is_error)


def test_the_shipped_template_passes(office):
    assert check_template(template(office)) == []


def test_changing_a_style_in_the_template_changes_the_next_document(office):
    before = Document(build(office))
    assert before.styles["Heading 1"].font.color.rgb == RGBColor.from_string("1D3C6E")
    document = Document(template(office))
    document.styles["Heading 1"].font.color.rgb = RGBColor.from_string("8B0000")
    document.styles["Body Text"].font.name = "Verdana"
    document.save(template(office))
    after = Document(build(office))
    assert after.styles["Heading 1"].font.color.rgb == RGBColor.from_string("8B0000")
    assert after.styles["Body Text"].font.name == "Verdana"
    # The headings follow the style: no colour is written on the paragraphs themselves.
    headings = [p for p in after.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) >= 3
    assert all(run.font.color.rgb is None for p in headings for run in p.runs)


def test_a_tag_that_word_split_across_runs_still_works(office):
    document = Document(template(office))
    paragraph = next(p for p in document.paragraphs if p.text == "{{ office_name }}")
    paragraph.text = ""
    paragraph.add_run("{{ office_")
    paragraph.add_run("name }}").bold = True
    document.save(template(office))
    assert check_template(template(office)) == []
    assert "Cumbria Office of Police and Crime Commissioner" in [p.text for p in Document(build(office)).paragraphs]


def test_an_unknown_variable_is_named_with_its_paragraph(office):
    edit_paragraph(template(office), "{{ statutory }}", "The law: {{ statutary }}")
    found = problems(template(office))
    assert "the template uses 'statutary', which respgen does not supply" in found
    assert 'in the paragraph: "The law: {{ statutary }}"' in found
    assert "Did you mean 'statutory'?" in found


def test_a_misspelt_field_is_found_by_filling_in_a_sample(office):
    edit_paragraph(template(office), "{{ section.heading }}", "{{ section.hedding }}")
    assert "hedding" in problems(template(office))


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("{{ office_name }}", ("{{ office_name }",), 'is not closed with \'}}\' in the same paragraph (Word may have split it across paragraphs) in the body, in the paragraph: "{{ office_name }"'),
        ("{{ title }}", ("{ { title }}",), "a tag has a space between its brackets"),
        ("{{ date_text }}", ("date_text }}",), "'}}' closes a tag that was never opened"),
        ("{%p if draft %}", ("{%p if draft", "%}"), 'in the paragraph: "{%p if draft"'),
    ],
    ids=["missing bracket", "space inside", "opening lost", "split across paragraphs"],
)
def test_a_broken_or_split_tag_is_reported_with_its_paragraph(office, old, new, expected):
    edit_paragraph(template(office), old, *new)
    assert expected in problems(template(office))


def test_an_unclosed_block_is_reported(office):
    edit_paragraph(template(office), "{%p endif %}", "")
    found = problems(template(office))
    assert "is broken" in found and "endif" in found


def test_a_missing_style_is_reported(office):
    document = Document(template(office))
    quote = document.styles["Quote"].element
    quote.getparent().remove(quote)
    document.save(template(office))
    assert "the template has no style named 'Quote'" in problems(template(office))


def test_a_building_with_a_broken_template_gives_a_message_not_a_traceback(office):
    edit_paragraph(template(office), "{%p endif %}", "")
    with pytest.raises(RespgenError) as caught:
        build(office)
    assert "response.docx" in str(caught.value)
    # The renderer says so too, when it is called without the checks that a build does first.
    from respgen.letter import view
    from respgen.project import Project
    from respgen.reading.source import read_response
    from respgen.word import document as word

    project = Project(office)
    letter = view.letter(read_response(office / "responses" / EXAMPLES[0].name).response, read_office(project.office_file), project.templates)
    with pytest.raises(RespgenError) as caught:
        word.render(letter, project)
    assert "the Word template could not be filled in" in str(caught.value)
    assert "check-template" in str(caught.value)


@pytest.mark.slow
def test_the_command_exits_non_zero_on_a_broken_template(office):
    ok = subprocess.run([sys.executable, "-m", "respgen", "check-template"], cwd=office, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "templates/response.docx: the template is ready to use" in ok.stdout
    edit_paragraph(template(office), "{{ statutory }}", "{{ statutary }}")
    bad = subprocess.run([sys.executable, "-m", "respgen", "check-template", "templates/response.docx"], cwd=office, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "statutary" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "respgen", "check-template", "nowhere.docx"], cwd=office, capture_output=True, text=True)
    assert missing.returncode == 1 and "there is no such file" in missing.stderr


def test_the_house_style_template_that_comes_with_respgen_is_ready_to_use():
    # templates/response.docx is the source of the house style: the communications team edits it in Word.
    from conftest import ROOT

    target = ROOT / "templates" / "response.docx"
    assert check_template(target) == []
    styles = {s.name for s in Document(target).styles}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "Body Text", "List Bullet", "List Number", "Quote",
            "Small Print", "Response Table", "Draft Banner"} <= styles  # fmt: skip
    normal = Document(target).styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert normal.find(qn("w:rFonts")).get(qn("w:ascii")) == "Arial"
    assert normal.find(qn("w:sz")).get(qn("w:val")) == "24"  # 12 pt
    assert normal.find(qn("w:lang")).get(qn("w:val")) == "en-GB"


def test_the_names_check_template_accepts_are_exactly_the_names_respgen_fills_in(office):
    import io

    from docxtpl import DocxTemplate

    from respgen.word import document as word
    from respgen.word import wordml as wordxml
    from respgen.word.template import _sample_letter

    tpl = DocxTemplate(io.BytesIO(template(office).read_bytes()))
    tpl.init_docx()
    context = word._context(_sample_letter(), tpl, wordxml.Writer(tpl.docx, on_link=tpl.build_url_id), template(office))
    assert set(context) == word.VARIABLES


def _first_page_header(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    return section.first_page_header._element


def test_a_template_that_lost_the_first_page_watermark_is_not_ready(office):
    """As when LibreOffice saves the template: the first page's header keeps its text but not the DRAFT shape."""
    document = Document(template(office))
    header = _first_page_header(document)
    for picture in list(header.iter(qn("w:pict"))):
        picture.getparent().remove(picture)
    document.save(template(office))
    assert "the first page's header has no DRAFT watermark" in problems(template(office))
    result = subprocess.run([sys.executable, "-m", "respgen", "check-template", str(template(office))], capture_output=True, text=True, cwd=office)
    assert result.returncode != 0 and "Design, Watermark" in result.stdout + result.stderr


def test_a_watermark_outside_the_draft_condition_is_reported(office):
    document = Document(template(office))
    header = document.sections[0].header._element
    for text in header.iter(qn("w:t")):
        if "if draft" in (text.text or "") or "endif" in (text.text or ""):
            text.text = ""
    document.save(template(office))
    assert "the DRAFT watermark in the page header is not inside {% if draft %}" in problems(template(office))
