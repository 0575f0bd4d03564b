"""Finish WeasyPrint's PDF/A-3a file: PDF/UA-1, repaired tags, the embedded source.

WeasyPrint 70 writes PDF/A or PDF/UA, never both, and gets some tagging wrong:
the running header and footer are tagged content that no structure element
reaches; header cells have no /Scope; anything that crosses a page break or
wraps over lines (a table, a list, a paragraph, a link) becomes one element per
box, with a table's header row tagged again on each page; a nested list sits
beside its item instead of inside it. The drawing names each element after its
HTML element (``engine.mark_structure``), so here, with pikepdf, in one walk:

- the pieces of one HTML element become one element again (repeated header
  rows become pagination artifacts, a row split over a page is joined cell by
  cell), and a list item holds only its label and body, nested lists inside;
- marked content that the structure tree does not reach (the running header
  and footer) becomes ``/Artifact /Pagination``;
- in a second walk, empty elements are dropped, every TH gets ``/Scope`` and the
  tree an ``/IDTree`` for the cells' /Headers;
- the XMP gains ``pdfuaid:part=1`` and the extension schema PDF/A asks for;
- the response file is embedded as a PDF/A-3 associated file (``/Source``);
- the file is saved deterministically: the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from respgen.pdf import tree as pdftree
from respgen.pdf import xmp
from respgen.pdf.engine import SOURCE_KEY
from respgen.reading.source import ResponseSource

SOURCE_MIME = "application/yaml"
SOURCE_DESCRIPTION = "The response file this PDF was made from (YAML)"


def finish(pdf_bytes: bytes, day: dt.date, source: ResponseSource | None = None) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        join_fragments(pdf)
        reached = tidy(pdf)
        artifact_unreached_content(pdf, reached)
        no_interpolated_images(pdf)
        xmp.declare_pdfua(pdf)
        if source is not None:
            embed_source(pdf, Path(source.path).name, source.published_data, day)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
        )
        return out.getvalue()


def no_interpolated_images(pdf: pikepdf.Pdf) -> None:
    """Drop /Interpolate from every image: WeasyPrint sets it, and PDF/A forbids it (ISO 19005-3, 6.2.8)."""
    for image in pdftree.images(pdf):
        if "/Interpolate" in image:
            del image["/Interpolate"]


# --- fragments: one element per HTML element -------------------------------------------


SOURCE = Name("/" + SOURCE_KEY)
# Table cells and rows keep the table's grid even when a cell is empty.
_KEEP_WHEN_EMPTY = {Name.TD, Name.TH, Name.TR}


def join_fragments(pdf: pikepdf.Pdf) -> None:
    """Make one element again of each HTML element WeasyPrint split, and put list items in order.

    WeasyPrint makes one element per box: a table, list or paragraph that crosses a page, a
    cell of a row split by the break, or a link or marked passage that wraps over lines, comes
    out as neighbouring elements, each named (by the drawing) after the same HTML element. One
    walk, parents first: an element's children are joined before they are visited, so the
    halves of a paragraph inside the halves of a cell meet in turn.
    """
    for element, _parent, _depth in pdftree.walk(pdf):
        items = pdftree.kids(element)
        joined: list = []
        for kid in items:
            previous = joined[-1] if joined else None
            if previous is not None and _same_source(previous, kid):
                _join(pdf, previous, kid)
                continue
            joined.append(kid)
        if element.get("/S") == Name.L:
            joined = _nest_lists(pdf, element, joined)
        elif element.get("/S") == Name.LI:
            joined = _item_parts(pdf, element, joined)
        if len(joined) != len(items) or any(a is not b for a, b in zip(joined, items, strict=False)):
            pdftree.set_kids(element, joined)
        if SOURCE in element:
            del element[SOURCE]


def _same_source(first, second) -> bool:
    return (
        pdftree.is_element(first)
        and pdftree.is_element(second)
        and first.S == second.S
        and SOURCE in first
        and SOURCE in second
        and int(first[SOURCE]) == int(second[SOURCE])
    )


def _join(pdf: pikepdf.Pdf, first, second) -> None:
    if first.S == Name.Table:
        _absorb(pdf, first, second)
    elif first.S == Name.TR:
        _join_rows(pdf, first, second)
    else:
        _join_into(pdf, first, second)


def _nest_lists(pdf: pikepdf.Pdf, items, kids: list) -> list:
    """A list inside an item goes in that item's body (WeasyPrint puts it beside the item)."""
    kept: list = []
    for kid in kids:
        previous = kept[-1] if kept else None
        if pdftree.is_element(kid) and kid.S == Name.L and pdftree.is_element(previous) and previous is not None and previous.S == Name.LI:
            pdftree.set_kids(previous, _item_parts(pdf, previous, pdftree.kids(previous)))
            body = [k for k in pdftree.child_elements(previous) if k.S == Name.LBody][-1]
            kid.P = body
            pdftree.set_kids(body, [*pdftree.kids(body), kid])
            continue
        kept.append(kid)
    return kept


def _item_parts(pdf: pikepdf.Pdf, item, kids: list) -> list:
    """A list item holds a label and bodies only: anything else goes in a body (ISO 14289-1, 7.2)."""
    parts: list = []
    loose: list = []

    def wrap() -> None:
        if not loose:
            return
        if parts and pdftree.is_element(parts[-1]) and parts[-1].S == Name.LBody:
            body = parts[-1]
        else:
            body = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LBody, P=item, K=Array([])))
            if "/Pg" in item:
                body.Pg = item.Pg
            parts.append(body)
        _move_into(pdf, body, loose, item.get("/Pg"))
        loose.clear()

    for kid in kids:
        if pdftree.is_element(kid) and kid.S in (Name.Lbl, Name.LBody):
            wrap()
            parts.append(kid)
        else:
            loose.append(kid)
    wrap()
    return parts


def _part(table, tag: Name):
    for kid in pdftree.child_elements(table):
        if kid.S == tag:
            return kid
    return None


def _header_ids(thead) -> list[str]:
    ids: list[str] = []
    for row in pdftree.child_elements(thead) if thead is not None else []:
        for cell in pdftree.child_elements(row):
            if cell.S == Name.TH and "/ID" in cell:
                ids.append(str(cell.ID))
    return ids


def _absorb(pdf: pikepdf.Pdf, table, fragment) -> None:
    """Move ``fragment``'s caption (if ``table`` lacks one), header and rows into ``table``."""
    head, extra_head = _part(table, Name.THead), _part(fragment, Name.THead)
    if head is None and extra_head is not None:
        _adopt(table, extra_head, before_body=True)
        head, extra_head = extra_head, None
    if _part(table, Name.Caption) is None and (caption := _part(fragment, Name.Caption)) is not None:
        caption.P = table
        pdftree.set_kids(table, [caption, *pdftree.kids(table)])
    # The repeated header row is left out of the tree; its marked content becomes an artifact.
    rename = dict(zip(_header_ids(extra_head), _header_ids(head), strict=False))  # a fragment may repeat fewer
    body, extra_body = _part(table, Name.TBody), _part(fragment, Name.TBody)
    if extra_body is None:
        return
    if body is None:
        _adopt(table, extra_body, before_body=False)
        _rename_headers(extra_body, rename)
        return
    rows = pdftree.child_elements(extra_body)
    existing = pdftree.child_elements(body)
    if rows and existing and _same_source(existing[-1], rows[0]):  # a row split by the page break
        _join_rows(pdf, existing[-1], rows.pop(0))
    for row in rows:
        row.P = body
    _rename_headers(extra_body, rename)
    pdftree.set_kids(body, [*pdftree.kids(body), *rows])


def _adopt(table, part, before_body: bool) -> None:
    part.P = table
    items = pdftree.kids(table)
    if before_body:
        index = next((i for i, k in enumerate(items) if pdftree.is_element(k) and k.S in (Name.TBody, Name.TFoot)), len(items))
        items.insert(index, part)
    else:
        items.append(part)
    pdftree.set_kids(table, items)


def _rename_headers(body, rename: dict[str, str]) -> None:
    if not rename:
        return
    for row in pdftree.child_elements(body):
        for cell in pdftree.child_elements(row):
            attributes = cell.get("/A")
            if isinstance(attributes, Dictionary) and "/Headers" in attributes:
                attributes.Headers = Array([String(rename.get(str(h), str(h))) for h in attributes.Headers])


def _join_rows(pdf: pikepdf.Pdf, row, rest) -> None:
    """Append each cell of ``rest`` to the matching cell of ``row``."""
    for cell, more in zip(pdftree.child_elements(row), pdftree.child_elements(rest), strict=False):
        _join_into(pdf, cell, more)


def _join_into(pdf: pikepdf.Pdf, target, more) -> None:
    """Move everything ``more`` holds to the end of ``target``."""
    _move_into(pdf, target, pdftree.kids(more), more.get("/Pg"))


def _move_into(pdf: pikepdf.Pdf, target, kids: list, page) -> None:
    """Put ``kids`` (held until now by an element on ``page``) at the end of ``target``."""
    moved = []
    for k in kids:
        if isinstance(k, int):
            # A bare MCID belongs to its element's page; name the page now it moves.
            moved.append(Dictionary(Type=Name.MCR, Pg=page, MCID=k))
        else:
            if pdftree.is_element(k):
                k.P = target
            moved.append(k)
    pdftree.set_kids(target, [*pdftree.kids(target), *moved])
    _repoint_parent_tree(pdf, target, moved, page)


def _repoint_parent_tree(pdf: pikepdf.Pdf, parent, moved: list, page) -> None:
    """The ParentTree entries of moved marked content and annotations must name their new parent."""
    parents = pdftree.parent_tree(pdf)
    for k in moved:
        if isinstance(k, Dictionary) and k.get("/Type") == Name.OBJR:
            annotation = k.get("/Obj")
            if isinstance(annotation, Dictionary) and "/StructParent" in annotation:
                pdftree.set_parent_entry(pdf, int(annotation.StructParent), parent)
            continue
        if not (isinstance(k, Dictionary) and k.get("/Type") == Name.MCR):
            continue
        owner = k.get("/Pg", page)
        index = owner.get("/StructParents") if owner is not None else None
        entries = parents.get(int(index)) if index is not None else None
        mcid = int(k.MCID)
        if isinstance(entries, Array) and mcid < len(entries):
            entries[mcid] = parent


def tidy(pdf: pikepdf.Pdf) -> set:
    """One walk, children before parents: drop empty elements, give each TH its /Scope, list the IDs.

    Returns the marked content the tree reaches, for ``artifact_unreached_content``.
    """
    order = list(pdftree.walk(pdf))
    holds: dict[tuple[int, int], bool] = {}
    dropped: set[tuple[int, int]] = set()
    for element, _parent, _depth in reversed(order):
        kids = pdftree.kids(element)
        kept = []
        for kid in kids:
            if pdftree.is_element(kid) and kid.S not in _KEEP_WHEN_EMPTY and not _holds(kid, holds):
                dropped.add(kid.objgen)  # each <br> becomes two empty NonStruct elements
            else:
                kept.append(kid)
        if len(kept) != len(kids):
            pdftree.set_kids(element, kept)
        holds[element.objgen] = pdftree.holds_directly(element) or any(_holds(k, holds) for k in pdftree.child_elements(element))
    reached: set = set()
    found: dict[str, object] = {}
    alive: set[tuple[int, int]] = set()
    for element, parent, _depth in order:
        if element.objgen in dropped or (parent is not None and parent.objgen not in alive):
            continue
        alive.add(element.objgen)
        reached.update(pdftree.marked_content(element))
        if element.S == Name.TH:
            _scope(element, in_head=parent is not None and parent.get("/P") is not None and parent.P.get("/S") == Name.THead)
        if "/ID" in element:
            found.setdefault(bytes(element.ID).decode("latin-1"), element)
    tree = pdf.Root.get("/StructTreeRoot")
    if found and tree is not None:
        names = Array()
        for key in sorted(found):
            names.append(String(key.encode("latin-1")))
            names.append(found[key])
        tree.IDTree = Dictionary(Names=names)
    return reached


def _holds(element, holds: dict) -> bool:
    known = holds.get(element.objgen)
    return pdftree.holds_content(element) if known is None or element.objgen == (0, 0) else known


# --- artifacts -----------------------------------------------------------------------


_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"
# WeasyPrint writes each tagged sequence as "/Span <</MCID 7>> BDC".
_TAGGED = re.compile(rb"/[A-Za-z0-9_.]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_OTHER_MARKS = re.compile(rb"/Artifact\s*<<[^<>]*>>\s*BDC")
_ANY_BDC = re.compile(rb"(?<![A-Za-z0-9_])BDC(?![A-Za-z0-9_])")


def artifact_unreached_content(pdf: pikepdf.Pdf, reached: set | None = None) -> None:
    """Turn marked content that no structure element reaches into pagination artifacts."""
    if reached is None:
        reached = pdftree.reachable_content(pdf)
    parents = pdftree.parent_tree(pdf)
    for page in pdf.pages:
        key = pdftree.page_key(page.obj)
        changed = _rewrite_fast(pdf, page, key, reached)
        if changed is None:
            changed = _rewrite_parsed(pdf, page, key, reached)
        index = page.obj.get("/StructParents")
        entries = parents.get(int(index)) if index is not None else None
        if isinstance(entries, Array):
            for mcid in changed:
                if mcid < len(entries):
                    entries[mcid] = None


def _rewrite_fast(pdf: pikepdf.Pdf, page, key, reached) -> list[int] | None:
    """Rewrite the page's bytes directly, when every BDC in them has the shape WeasyPrint writes.

    Parsing and re-writing every operator costs ten times as much; any BDC the patterns
    do not account for (another writer's content, a string holding "BDC") means None,
    and the careful path is taken.
    """
    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        return None
    data = contents.read_bytes()
    tagged = _TAGGED.findall(data)
    if len(tagged) + len(_OTHER_MARKS.findall(data)) != len(_ANY_BDC.findall(data)):
        return None
    changed: list[int] = []

    def swap(match: re.Match) -> bytes:
        mcid = int(match.group(1))
        if (key, mcid) in reached:
            return match.group(0)
        changed.append(mcid)
        return _PAGINATION

    rewritten = _TAGGED.sub(swap, data)
    if changed:
        page.obj.Contents = pdf.make_stream(rewritten)
    return changed


def _rewrite_parsed(pdf: pikepdf.Pdf, page, key, reached) -> list[int]:
    instructions = pikepdf.parse_content_stream(page)
    changed: list[int] = []
    for mark in pdftree.marks(page, instructions):
        if mark.mcid is not None and (key, mark.mcid) not in reached:
            instructions[mark.index] = pikepdf.ContentStreamInstruction(
                [Name.Artifact, Dictionary(Type=Name.Pagination)], pikepdf.Operator("BDC")
            )
            changed.append(mark.mcid)
    if changed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return changed


# --- table headers -------------------------------------------------------------------


def _scope(element, in_head: bool) -> None:
    """Give a TH its /Scope: Column in the table's header rows, Row elsewhere."""
    scope = Name.Column if in_head else Name.Row
    attributes = element.get("/A")
    if isinstance(attributes, Array):
        table_attrs = [a for a in attributes if isinstance(a, Dictionary) and a.get("/O") == Name.Table]
        if table_attrs:
            if "/Scope" not in table_attrs[0]:
                table_attrs[0].Scope = scope
        else:
            attributes.append(Dictionary(O=Name.Table, Scope=scope))
    elif isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
        if "/Scope" not in attributes:
            attributes.Scope = scope
    elif isinstance(attributes, Dictionary):
        element.A = Array([attributes, Dictionary(O=Name.Table, Scope=scope)])
    else:
        element.A = Dictionary(O=Name.Table, Scope=scope)


# --- the embedded source -----------------------------------------------------------------


def pdf_date(day: dt.date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def embed_source(pdf: pikepdf.Pdf, name: str, data: bytes, day: dt.date) -> None:
    """Attach the response file as a PDF/A-3 associated file with relationship /Source."""
    when = String(pdf_date(day))
    embedded = pdf.make_stream(
        data,
        Type=Name.EmbeddedFile,
        Subtype=Name("/" + SOURCE_MIME),
        Params=Dictionary(
            Size=len(data),
            CreationDate=when,
            ModDate=when,
            CheckSum=String(hashlib.md5(data).digest()),
        ),
    )
    spec = pdf.make_indirect(
        Dictionary(
            Type=Name.Filespec,
            F=String(name),
            UF=String(name),
            Desc=String(SOURCE_DESCRIPTION),
            AFRelationship=Name.Source,
            EF=Dictionary(F=embedded, UF=embedded),
        )
    )
    names = pdf.Root.get("/Names")
    if names is None:
        pdf.Root.Names = names = Dictionary()
    names.EmbeddedFiles = Dictionary(Names=Array([String(name), spec]))
    associated = pdf.Root.get("/AF")
    pdf.Root.AF = Array([*(associated or []), spec])
