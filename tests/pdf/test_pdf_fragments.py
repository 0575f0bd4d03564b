"""Repairing WeasyPrint's per-page fragments, on structure trees built by hand.

A table whose caption is the last thing on a page becomes a Table holding only
the caption, followed by a Table with the header and rows on the next page.
Each element names the HTML element it was drawn from, as the drawing does
(``SOURCE``): pieces with the same source are one element.
"""

from __future__ import annotations

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from respgen.pdf import post as pdfpost
from respgen.pdf import tree as pdftree


def _doc_with(kids_of_document):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    root.K = Array([document])
    root.ParentTree = Dictionary(Nums=Array([0, Array(), 1, Array()]))
    pdf.Root.StructTreeRoot = root
    pdf.pages[0].obj.StructParents = 0
    pdf.pages[1].obj.StructParents = 1
    pdftree.set_kids(document, kids_of_document(pdf, document))
    return pdf


SOURCE = pdfpost.SOURCE


def _element(pdf, tag, parent, kids=(), page=0, source=None, **extra):
    element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(tag), P=parent, Pg=pdf.pages[page].obj, **extra))
    element.K = Array(list(kids))
    if source is not None:
        element[SOURCE] = source
    return element


def _cell(pdf, tag, parent, mcid, page, source=None, **extra):
    cell = _element(pdf, tag, parent, [mcid] if mcid is not None else [], page, source, **extra)
    if mcid is not None:
        entries = pdf.Root.StructTreeRoot.ParentTree.Nums[2 * page + 1]
        while len(entries) <= mcid:
            entries.append(None)
        entries[mcid] = cell
    return cell


def _table(pdf, parent, page, caption_mcid=None, header_mcids=(), rows=()):
    """One page's piece of table 1; ``rows`` are (the row's source, its cells' MCIDs)."""
    table = _element(pdf, "/Table", parent, page=page, source=1)
    kids = []
    if caption_mcid is not None:
        kids.append(_cell(pdf, "/Caption", table, caption_mcid, page, source=2))
    if header_mcids:
        head = _element(pdf, "/THead", table, page=page, source=3)
        row = _element(pdf, "/TR", head, page=page, source=4)
        pdftree.set_kids(row, [
            _cell(pdf, "/TH", row, m, page, source=10 + j, ID=String(f"{page}-0-{j}"), A=Dictionary(O=Name.Table))
            for j, m in enumerate(header_mcids)
        ])
        pdftree.set_kids(head, [row])
        kids.append(head)
    if rows:
        body = _element(pdf, "/TBody", table, page=page, source=5)
        made = []
        for row_source, mcids in rows:
            tr = _element(pdf, "/TR", body, page=page, source=row_source)
            pdftree.set_kids(tr, [
                _cell(
                    pdf, "/TD", tr, m, page, source=100 * row_source + j,
                    A=Dictionary(O=Name.Table, Headers=Array([String(f"{page}-0-{j}")])),
                )
                for j, m in enumerate(mcids)
            ])
            made.append(tr)
        pdftree.set_kids(body, made)
        kids.append(body)
    pdftree.set_kids(table, kids)
    return table


def _tags(element) -> list:
    return [str(k.S)[1:] for k in pdftree.child_elements(element)]


def test_a_caption_left_alone_on_a_page_joins_its_table():
    pdf = _doc_with(lambda pdf, doc: [
        _table(pdf, doc, 0, caption_mcid=0),
        _table(pdf, doc, 1, header_mcids=(0, 1), rows=[(20, (2, 3)), (21, (4, 5))]),
    ])
    pdfpost.join_fragments(pdf)
    (table,) = pdftree.child_elements(pdftree.roots(pdf)[0])
    assert _tags(table) == ["Caption", "THead", "TBody"]
    assert all(k.P.objgen == table.objgen for k in pdftree.child_elements(table))
    body = pdftree.child_elements(table)[2]
    assert len(pdftree.child_elements(body)) == 2


def test_a_repeated_header_is_dropped_and_cells_point_at_the_first_header():
    pdf = _doc_with(lambda pdf, doc: [
        _table(pdf, doc, 0, caption_mcid=0, header_mcids=(1, 2), rows=[(20, (3, 4))]),
        _table(pdf, doc, 1, header_mcids=(0, 1), rows=[(21, (2, 3)), (22, (4, 5))]),
    ])
    pdfpost.join_fragments(pdf)
    reached = pdfpost.tidy(pdf)
    (table,) = pdftree.child_elements(pdftree.roots(pdf)[0])
    assert _tags(table) == ["Caption", "THead", "TBody"]
    rows = pdftree.child_elements(pdftree.child_elements(table)[2])
    assert len(rows) == 3
    for row in rows:
        assert [str(c.A.Headers[0]) for c in pdftree.child_elements(row)] == ["0-0-0", "0-0-1"]
    # The second page's header row is no longer reached, so it becomes an artifact.
    second = pdf.pages[1].obj.objgen
    assert (second, 0) not in reached and (second, 1) not in reached
    assert (second, 2) in reached


def test_a_row_split_by_the_page_break_is_joined_cell_by_cell():
    pdf = _doc_with(lambda pdf, doc: [
        _table(pdf, doc, 0, header_mcids=(0, 1), rows=[(20, (2, 3))]),
        # The second half of the row (the same source): its first cell (the reference) is empty.
        _table(pdf, doc, 1, header_mcids=(0, 1), rows=[(20, (None, 2)), (21, (3, 4))]),
    ])
    pdfpost.join_fragments(pdf)
    (table,) = pdftree.child_elements(pdftree.roots(pdf)[0])
    rows = pdftree.child_elements(pdftree.child_elements(table)[1])
    assert len(rows) == 2
    response = pdftree.child_elements(rows[0])[1]
    number = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    held = sorted((number[page], mcid) for page, mcid in pdftree.marked_content(response))
    assert held == [(0, 3), (1, 2)]
    # The ParentTree now names the joined cell for the moved content.
    assert pdftree.parent_tree(pdf)[1][2].objgen == response.objgen


def _two_lists(second_page: int, second_mcid: int, one_list: bool):
    """A document of two one-item lists, the second on ``second_page``: pieces of one list, or two lists."""

    def lists(pdf, doc):
        first = _element(pdf, "/L", doc, page=0, source=1)
        pdftree.set_kids(first, [_element(pdf, "/LI", first, [_cell(pdf, "/LBody", first, 0, 0, source=2)], page=0, source=2)])
        second = _element(pdf, "/L", doc, page=second_page, source=1 if one_list else 3)
        item = 2 if one_list else 4
        pdftree.set_kids(
            second,
            [_element(pdf, "/LI", second, [_cell(pdf, "/LBody", second, second_mcid, second_page, source=item)], page=second_page, source=item)],
        )
        return [first, second]

    return _doc_with(lists)


def test_two_lists_stay_two_lists():
    pdf = _two_lists(second_page=1, second_mcid=0, one_list=False)
    pdfpost.join_fragments(pdf)
    assert _tags(pdftree.roots(pdf)[0]) == ["L", "L"]


def test_a_list_continued_on_the_next_page_becomes_one_list():
    pdf = _two_lists(second_page=1, second_mcid=0, one_list=True)
    pdfpost.join_fragments(pdf)
    (merged,) = pdftree.child_elements(pdftree.roots(pdf)[0])
    # The second item is the rest of the first (the same source), so the list has one item.
    items = pdftree.child_elements(merged)
    assert len(items) == 1


def _page_with_content(content: bytes):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(content)
    page.obj.StructParents = 0
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root))
    reached = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page.obj, K=Array([1])))
    document.K = Array([reached])
    root.K = Array([document])
    orphan = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Span, Pg=page.obj, K=Array([0])))
    root.ParentTree = Dictionary(Nums=Array([0, Array([orphan, reached])]))
    pdf.Root.StructTreeRoot = root
    return pdf


@pytest.mark.parametrize(
    "content",
    [
        # As WeasyPrint writes it: rewritten in place.
        b"/Span\n<</MCID 0>>\nBDC\nBT ET\nEMC\n/Span\n<</MCID 1>>\nBDC\nBT ET\nEMC\n",
        # A shape the byte patterns do not know (a named property list): parsed and rewritten.
        b"/Span <</MCID 0>> BDC BT ET EMC /Span <</MCID 1>> BDC BT ET EMC /OC /Layer1 BDC EMC\n",
    ],
)
def test_content_no_element_reaches_becomes_a_pagination_artifact(content):
    pdf = _page_with_content(content)
    pdfpost.artifact_unreached_content(pdf)
    marks = [(m.tag, m.mcid) for m in pdftree.marks(pdf.pages[0])]
    assert ("/Span", 1) in marks  # reached: left as it was
    assert ("/Span", 0) not in marks
    assert ("/Artifact", None) in marks
    assert pdftree.parent_tree(pdf)[0][0] is None
    assert pdftree.parent_tree(pdf)[0][1] is not None
