"""Finish WeasyPrint's PDF/A-3a file: PDF/UA-1, repaired tags, the embedded source.

WeasyPrint 70 writes PDF/A or PDF/UA, never both, and gets some tagging wrong:
the running header and footer are tagged content that no structure element
reaches; header cells have no /Scope; a table or list that runs over a page
break becomes one element per page, with a table's header row tagged again
on each page. (A paragraph split by a page break stays two P elements: the
PDF does not say whether two neighbouring paragraphs were one.)
Here, with pikepdf:

- table fragments are merged back into one Table (repeated header rows
  become pagination artifacts, a row split over a page joins its first half),
  and list fragments into one list;
- marked content that the structure tree does not reach (the running header
  and footer) becomes ``/Artifact /Pagination``;
- every TH gets ``/Scope`` and the tree an ``/IDTree`` for the cells' /Headers;
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
from respgen.reading.source import ResponseSource

SOURCE_MIME = "application/yaml"
SOURCE_DESCRIPTION = "The response file this PDF was made from (YAML)"


def finish(pdf_bytes: bytes, day: dt.date, source: ResponseSource | None = None) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        merge_fragments(pdf)
        prune_empty_elements(pdf)
        artifact_unreached_content(pdf)
        add_header_scope(pdf)
        add_id_tree(pdf)
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


# --- table fragments -----------------------------------------------------------------


def merge_fragments(pdf: pikepdf.Pdf) -> None:
    """Join the Tables and Lists WeasyPrint makes of one table or list that crosses pages."""
    pages = {pdftree.page_key(page.obj): number for number, page in enumerate(pdf.pages)}
    for element, _parent, _depth in list(pdftree.walk(pdf)):
        siblings = pdftree.kids(element)
        if sum(1 for k in siblings if pdftree.is_element(k) and k.S in (Name.Table, Name.L)) < 2:
            continue
        merged: list = []
        for kid in siblings:
            previous = merged[-1] if merged else None
            if previous is not None and pdftree.is_element(kid) and pdftree.is_element(previous):
                if kid.S == Name.Table and previous.S == Name.Table and _continues(previous, kid, pages):
                    _absorb(pdf, previous, kid)
                    continue
                if kid.S == Name.L and previous.S == Name.L and _continues(previous, kid, pages):
                    _absorb_list(pdf, previous, kid)
                    continue
            merged.append(kid)
        if len(merged) != len(siblings):
            pdftree.set_kids(element, merged)


def _pages_of(element, pages: dict) -> list[int]:
    found = [pages[page] for page, _mcid in pdftree.marked_content(element) if page in pages]
    for child in pdftree.child_elements(element):
        found.extend(_pages_of(child, pages))
    return found


def _continues(first, second, pages: dict) -> bool:
    """``second`` is the rest of ``first`` on the next page (two lists that merely touch share a page)."""
    before, after = _pages_of(first, pages), _pages_of(second, pages)
    return bool(before and after) and min(after) == max(before) + 1


def _absorb_list(pdf: pikepdf.Pdf, items, fragment) -> None:
    more = pdftree.child_elements(fragment)
    existing = pdftree.child_elements(items)
    if more and existing and not any(k.S == Name.Lbl for k in pdftree.child_elements(more[0])):
        # An item split by the page break: its second half has a body but no label.
        bodies = [k for k in pdftree.child_elements(existing[-1]) if k.S == Name.LBody]
        rest = [k for k in pdftree.child_elements(more[0]) if k.S == Name.LBody]
        if bodies and rest:
            _join_into(pdf, bodies[-1], rest[0])
            more = more[1:]
    for item in more:
        item.P = items
    pdftree.set_kids(items, [*pdftree.kids(items), *more])


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
    if rows and existing and _is_continuation(rows[0]):
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


def _is_continuation(row) -> bool:
    """A row split by a page break: its first cell (the reference, never empty) is empty on the new page."""
    cells = pdftree.child_elements(row)
    return bool(cells) and cells[0].S == Name.TD and not pdftree.holds_content(cells[0])


def _join_rows(pdf: pikepdf.Pdf, row, rest) -> None:
    """Append each cell of ``rest`` to the matching cell of ``row``."""
    for cell, more in zip(pdftree.child_elements(row), pdftree.child_elements(rest), strict=False):
        _join_into(pdf, cell, more)


def _join_into(pdf: pikepdf.Pdf, target, more) -> None:
    """Move everything ``more`` holds to the end of ``target``."""
    page = more.get("/Pg")
    moved = []
    for k in pdftree.kids(more):
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
    """The ParentTree entries of moved marked content must name their new parent."""
    parents = pdftree.parent_tree(pdf)
    for k in moved:
        if not (isinstance(k, Dictionary) and k.get("/Type") == Name.MCR):
            continue
        owner = k.get("/Pg", page)
        index = owner.get("/StructParents") if owner is not None else None
        entries = parents.get(int(index)) if index is not None else None
        mcid = int(k.MCID)
        if isinstance(entries, Array) and mcid < len(entries):
            entries[mcid] = parent


# Table cells and rows keep the table's grid even when a cell is empty.
_KEEP_WHEN_EMPTY = {Name.TD, Name.TH, Name.TR}


def prune_empty_elements(pdf: pikepdf.Pdf) -> None:
    """Drop elements that hold nothing (each <br> becomes two empty NonStruct elements)."""
    for element, _parent, _depth in reversed(list(pdftree.walk(pdf))):
        items = pdftree.kids(element)
        kept = [k for k in items if not (pdftree.is_element(k) and k.S not in _KEEP_WHEN_EMPTY and not pdftree.holds_content(k))]
        if len(kept) != len(items):
            pdftree.set_kids(element, kept)


# --- artifacts -----------------------------------------------------------------------


_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"
# WeasyPrint writes each tagged sequence as "/Span <</MCID 7>> BDC".
_TAGGED = re.compile(rb"/[A-Za-z0-9_.]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_OTHER_MARKS = re.compile(rb"/Artifact\s*<<[^<>]*>>\s*BDC")
_ANY_BDC = re.compile(rb"(?<![A-Za-z0-9_])BDC(?![A-Za-z0-9_])")


def artifact_unreached_content(pdf: pikepdf.Pdf) -> None:
    """Turn marked content that no structure element reaches into pagination artifacts."""
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


# --- table headers and IDs -----------------------------------------------------------


def add_header_scope(pdf: pikepdf.Pdf) -> None:
    """Give every TH a /Scope: Column in the table's header rows, Row elsewhere."""
    for element, parent, _depth in pdftree.walk(pdf):
        if element.S != Name.TH:
            continue
        in_head = parent is not None and parent.get("/P") is not None and parent.P.get("/S") == Name.THead
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


def add_id_tree(pdf: pikepdf.Pdf) -> None:
    """List every element /ID in the tree's /IDTree, so that a cell's /Headers can be followed."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    found: dict[str, object] = {}
    for element, _parent, _depth in pdftree.walk(pdf):
        if "/ID" in element:
            found.setdefault(bytes(element.ID).decode("latin-1"), element)
    if not found:
        return
    names = Array()
    for key in sorted(found):
        names.append(String(key.encode("latin-1")))
        names.append(found[key])
    tree.IDTree = Dictionary(Names=names)


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
