"""Each check of `respgen check` fails on a PDF that breaks its rule, and only then."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from respgen.pdf import tree as pdftree
from respgen.pdf.check import check_pdf
from respgen.reading.source import read_office

SEED = "2020-01-10-both-sides-of-the-coin"
TABLES = "2022-11-02-vetting-misconduct-and-misogyny"


@pytest.fixture(scope="module")
def good(built_examples: Path) -> dict[str, Path]:
    return {name: built_examples / "output" / f"{name}.pdf" for name in (SEED, TABLES)}


def broken(source: Path, tmp_path: Path, change: Callable[[pikepdf.Pdf], None]) -> Path:
    target = tmp_path / "broken.pdf"
    with pikepdf.open(source) as doc:
        change(doc)
        doc.save(target)
    return target


def messages(path: Path) -> str:
    return "\n".join(str(p) for p in check_pdf(path))


def elements(doc, tag: str) -> list:
    return [e for e, _p, _d in pdftree.walk(doc) if e.S == Name(tag)]


def set_xmp(doc, edit: Callable[[str], str]) -> None:
    data = doc.Root.Metadata.read_bytes().decode("utf-8")
    doc.Root.Metadata = doc.make_stream(edit(data).encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)


def test_the_examples_pass(good):
    for path in good.values():
        assert check_pdf(path) == []


def _untag(doc):
    del doc.Root.MarkInfo
    del doc.Root.StructTreeRoot


def _drop_heading(doc):
    document = pdftree.roots(doc)[0]
    pdftree.set_kids(document, [k for k in pdftree.kids(document) if not (pdftree.is_element(k) and k.S == Name.H1)])


def _first_heading_h2(doc):
    elements(doc, "/H1")[0].S = Name.H2


def _skip_level(doc):
    elements(doc, "/H2")[0].S = Name.H3


def _empty_element(doc):
    document = pdftree.roots(doc)[0]
    empty = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, K=Array()))
    pdftree.set_kids(document, [*pdftree.kids(document), empty])


def _no_alt(doc):
    del elements(doc, "/Figure")[0].Alt


def _no_scope(doc):
    for cell in elements(doc, "/TH"):
        del cell.A.Scope


def _no_header_cells(doc):
    for cell in elements(doc, "/TH"):
        cell.S = Name.TD


def _font_not_embedded(doc):
    for page in doc.pages:
        for name in page.Resources.Font.keys():
            font = page.Resources.Font[name]
            descriptor = font.DescendantFonts[0].FontDescriptor
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    del descriptor[key]
            return


def _no_to_unicode(doc):
    for name in doc.pages[0].Resources.Font.keys():
        del doc.pages[0].Resources.Font[name].ToUnicode


def _untagged_text(doc):
    page = doc.pages[0]
    font = next(iter(page.Resources.Font.keys()))
    page.contents_add(doc.make_stream(f"BT {font} 12 Tf 72 72 Td <0001> Tj ET".encode()), prepend=False)


def _wrong_parent(doc):
    parents = pdftree.parent_tree(doc)
    entries = parents[int(doc.pages[0].obj.StructParents)]
    heading = elements(doc, "/H1")[0]
    first = next(i for i, e in enumerate(entries) if e is not None and e.objgen != heading.objgen)
    entries[first] = heading


def _links(doc):
    return [a for page in doc.pages for a in page.get("/Annots", []) if a.get("/Subtype") == Name.Link]


def _untagged_link(doc):
    for link in elements(doc, "/Link"):
        pdftree.set_kids(link, [k for k in pdftree.kids(link) if not (isinstance(k, Dictionary) and k.get("/Type") == Name.OBJR)])


def _undescribed_link(doc):
    for link in _links(doc):
        del link.Contents


def _no_tab_order(doc):
    for page in doc.pages:
        del page.obj.Tabs


def _no_outline(doc):
    del doc.Root.Outlines


def _no_relationship(doc):
    del doc.Root.AF[0].AFRelationship


def _not_associated(doc):
    del doc.Root.AF


def _no_mime(doc):
    del doc.Root.AF[0].EF.F.Subtype


def _no_display_title(doc):
    doc.Root.ViewerPreferences.DisplayDocTitle = False


def _interpolated(doc):
    next(iter(pdftree.images(doc))).Interpolate = True


def _item_without_body(doc):
    item = elements(doc, "/LI")[0]
    body = next(k for k in pdftree.child_elements(item) if k.S == Name.LBody)
    pdftree.set_kids(item, [k for k in pdftree.kids(item) if k is not body] + [pikepdf.Dictionary(Type=Name.StructElem, S=Name.P, P=item, K=body.K)])


def _list_beside_its_item(doc):
    # The last item becomes a list of its own, beside the item before it (as WeasyPrint tags a nested list).
    outer = elements(doc, "/L")[0]
    *kept, last = pdftree.kids(outer)
    inner = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.L, P=outer, K=Array([last])))
    last.P = inner
    pdftree.set_kids(outer, [*kept, inner])


def _link_in_pieces(doc):
    link = elements(doc, "/Link")[0]
    parent = link.P
    piece = doc.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=parent, K=Array([k for k in pdftree.kids(link) if isinstance(k, Dictionary)])))
    kids = pdftree.kids(parent)
    index = next(i for i, k in enumerate(kids) if isinstance(k, Dictionary) and k.objgen == link.objgen)
    pdftree.set_kids(parent, [*kids[: index + 1], piece, *kids[index + 1 :]])


def _passage_language(doc):
    elements(doc, "/P")[0].Lang = pikepdf.String("Welsh please")


def _hidden_link(doc):
    for page in doc.pages:
        for annotation in page.obj.get("/Annots", []):
            annotation.F = 2  # Hidden, and not printed
            return


def _image_with(key, value):
    def change(doc):
        image = next(iter(pdftree.images(doc)))
        image[key] = value

    return change


CASES = [
    (SEED, _hidden_link, r"page \d+: 1 annotation\(s\) are hidden or not printed \(/F\), which PDF/A forbids"),
    (SEED, _image_with("/Alternates", Array()), r"1 image\(s\) have alternate versions \(/Alternates\), which PDF/A forbids"),
    (SEED, _image_with("/OPI", Dictionary()), r"1 image\(s\) have a link to a print server's copy \(/OPI\)"),
    (SEED, _image_with("/Intent", Name("/Vivid")), r"an image has the rendering intent /Vivid, which PDF/A does not know"),
    (SEED, _item_without_body, r"a list item \(LI\) holds P beside its label and body"),
    (SEED, _list_beside_its_item, r"a list inside a list is not inside one of its items"),
    (SEED, _link_in_pieces, r"one link \(https://\S+\) is cut into several Link elements"),
    (SEED, _passage_language, r"a P element's language 'Welsh please' is not a language tag"),
    (SEED, lambda d: setattr(d.Root, "Lang", pikepdf.String("English")), r"the PDF's language 'English' is not a language tag"),
    (SEED, _interpolated, r"1 image\(s\) ask to be smoothed \(/Interpolate true\), which PDF/A forbids"),
    (SEED, _untag, r"is not tagged.*\n.*\n?.*no structure tree"),
    (SEED, lambda d: d.Root.__delattr__("Lang"), r"does not say its language \(/Lang\)"),
    (SEED, lambda d: set_xmp(d, lambda x: re.sub(r"<dc:title>.*?</dc:title>", "", x, flags=re.S)), r"no title in its XMP"),
    (SEED, _no_display_title, r"does not ask viewers to show its title"),
    (SEED, lambda d: set_xmp(d, lambda x: x.replace("<pdfuaid:part>1</pdfuaid:part>", "")), r"does not declare PDF/UA-1"),
    (SEED, lambda d: set_xmp(d, lambda x: x.replace('pdfaid:conformance="A"', 'pdfaid:conformance="B"')), r"does not declare PDF/A-3a"),
    (
        SEED,
        lambda d: set_xmp(d, lambda x: re.sub(r"<pdfaExtension:schemas>.*</pdfaExtension:schemas>", "", x, flags=re.S)),
        r"without the PDF/A extension schema",
    ),
    (SEED, lambda d: set_xmp(d, lambda x: x.replace("</x:xmpmeta>", "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/></x:xmpmeta>")), r"exactly one rdf:RDF"),
    (SEED, _font_not_embedded, r"page 1: the font .* is not embedded"),
    (SEED, _no_to_unicode, r"page 1: the font .* has no ToUnicode"),
    (SEED, _no_alt, r"page 1: a Figure \(picture\) has no alternative text"),
    (TABLES, _no_scope, r"page \d+: 6 table header cell\(s\) have no /Scope"),
    (TABLES, _no_header_cells, r"a Table has no header cells"),
    (SEED, _first_heading_h2, r"the first heading is H2; it must be H1"),
    (SEED, _skip_level, r"heading H3 follows H1, skipping a level"),
    (SEED, _empty_element, r"1 empty P structure element"),
    (SEED, _drop_heading, r"page 1: \d+ tagged piece\(s\) of content are neither in the structure tree nor marked as artifacts"),
    (SEED, _untagged_text, r"page 1: 1 piece\(s\) of text or images are neither tagged nor marked as artifacts"),
    (SEED, _wrong_parent, r"page 1: 1 piece\(s\) of tagged content are not linked back to their structure element"),
    (SEED, _untagged_link, r"page \d+: \d+ link\(s\) are not tagged"),
    (SEED, _undescribed_link, r"page \d+: \d+ link\(s\) have no description"),
    (SEED, _no_tab_order, r"page \d+: the page's links are not visited in the order of the tags"),
    (SEED, _no_outline, r"no bookmarks"),
    (SEED, _no_relationship, r"has no /AFRelationship"),
    (SEED, _not_associated, r"is not listed in the document's /AF"),
    (SEED, _no_mime, r"has no MIME type"),
]


@pytest.mark.parametrize("example, change, expected", CASES, ids=[c[1].__name__ if c[1].__name__ != "<lambda>" else c[2][:30] for c in CASES])
def test_each_rule_fails_on_a_pdf_that_breaks_it(good, tmp_path: Path, example, change, expected):
    text = messages(broken(good[example], tmp_path, change))
    assert re.search(expected, text), text


def test_a_pdf_drawn_without_tags_fails(tmp_path: Path):
    import weasyprint

    path = tmp_path / "plain.pdf"
    weasyprint.HTML(string="<html lang='en-GB'><title>T</title><h1>Hello</h1><p>Text</p></html>").write_pdf(path)
    text = messages(path)
    assert "is not tagged" in text
    assert "no structure tree" in text
    assert "claims neither PDF/A nor PDF/UA" in text


def test_a_file_that_is_not_a_pdf_is_a_message(tmp_path: Path):
    path = tmp_path / "not.pdf"
    path.write_text("hello")
    (problem,) = check_pdf(path)
    assert problem.message == "this PDF cannot be checked: it is not a PDF"
    # A Word document given by mistake, and a PDF cut short in copying, are named as such.
    word = tmp_path / "response.docx"
    word.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert "it is a Word document" in check_pdf(word)[0].message
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    assert "damaged or cut short" in check_pdf(cut)[0].message


def test_a_structure_the_checks_do_not_expect_is_reported_not_passed(good, tmp_path: Path):
    def odd(doc):
        elements(doc, "/H1")[0].Pg = 5  # a page reference that is not a page

    problems = check_pdf(broken(good[SEED], tmp_path, odd))
    assert problems and any("could not be checked" in p.message for p in problems)


def test_characters_drawn_as_empty_boxes_fail_the_check(project_dir: Path, tmp_path: Path):
    from respgen.letter import view
    from respgen.pdf import document as pdf
    from respgen.project import Project
    from respgen.reading.source import read_response

    response = project_dir / "responses" / f"{SEED}.yaml"
    response.write_text(response.read_text(encoding="utf-8").replace("Forces could", "Forces \ue000\U00055b75 could"), encoding="utf-8")
    project = Project(project_dir)
    source = read_response(response)
    out = tmp_path / "boxes.pdf"
    out.write_bytes(pdf.render(view.letter(source.response, read_office(project.office_file), project.templates), source, project))
    text = messages(out)
    assert re.search(r"page \d+: the font \w+\+Liberation-Sans draws 2 character\(s\) as empty boxes \(.notdef\)", text), text


def test_a_pdf_named_as_another_languages_edition_fails(good, tmp_path: Path):
    import shutil

    named = tmp_path / "response.cy.pdf"
    shutil.copy(next(iter(good.values())), named)
    assert "the file's name says it is the cy edition, but its language (/Lang) is 'en-GB'" in messages(named)
