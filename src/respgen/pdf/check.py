"""The PDF/UA-1 and PDF/A-3 rules that can be checked here, with pikepdf.

This is not a full validator (veraPDF is the reference one); it checks the
machine-checkable rules that matter most for a screen reader and the archive,
and each rule is tested against a PDF that breaks it.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from respgen.accessibility import edition_language, heading_order, is_language_tag, is_web_address, primary_language
from respgen.errors import Problem, visible
from respgen.pdf import tree as pdftree
from respgen.pdf import xmp

_NS = {**xmp.NS, "dc": "http://purl.org/dc/elements/1.1/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
# Operators that put text or a picture on the page: each must be tagged or an artifact.
_DRAWING = [pikepdf.Operator(op) for op in ("Tj", "TJ", "'", '"', "Do")]
_HEADINGS = {f"/H{n}": n for n in range(1, 7)}
# Table cells may be empty (a response not yet written); every other element must hold something.
_MAY_BE_EMPTY = {"/TD"}


def unreadable(path: Path, exc: Exception) -> str:
    """Why the file at ``path`` cannot be opened as a PDF, in the words of someone who sees its name."""
    if isinstance(exc, OSError) and not isinstance(exc, pikepdf.PdfError):
        return f"the file cannot be read ({exc.strerror or exc})"
    try:
        with open(path, "rb") as handle:
            start = handle.read(1024)
    except OSError as error:
        return f"the file cannot be read ({error.strerror})"
    if start.startswith(b"PK"):
        return "it is a Word document (or another zip file), not a PDF: give the PDF of the response"
    if b"%PDF-" not in start:
        return "it is not a PDF"
    return "the PDF is damaged or cut short (it may not have finished copying): take a fresh copy"


def check_pdf(path: Path) -> list[Problem]:
    """Every rule the PDF at ``path`` breaks (empty when it passes)."""
    path = Path(path)
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        return [Problem(f"this PDF cannot be checked: {unreadable(path, exc)}", file=path)]
    with pdf:
        checker = _Checker(pdf, path)
        try:
            checker.run()
        except (pikepdf.PdfError, ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            # A PDF built in ways these checks do not expect: say so rather than pass it.
            checker.fail(f"the PDF's structure could not be checked ({type(exc).__name__}: {exc})")
        return checker.problems


class _Checker:
    def __init__(self, pdf: pikepdf.Pdf, path: Path):
        self.pdf = pdf
        self.path = path
        self.problems: list[Problem] = []
        self.page_numbers = {pdftree.page_key(p.obj): n for n, p in enumerate(pdf.pages, start=1)}
        self._pages: dict[tuple[int, int], int | None] | None = None
        self._holding: set[tuple[int, int]] | None = None

    def fail(self, message: str, page: int | None = None, hint: str | None = None) -> None:
        where = f"page {page}: " if page else ""
        self.problems.append(Problem(where + message, file=self.path, hint=hint))

    def run(self) -> None:
        tagged = self.check_tagged()
        self.check_language()
        self.check_title()
        self.check_identification()
        self.check_fonts()
        self.check_outline()
        self.check_attachments()
        self.check_actions()
        self.check_images()
        if tagged:
            self.check_marked_content()
            self.check_parent_tree()
            self.check_annotations()
            self.check_elements()

    # --- document level ---

    def check_tagged(self) -> bool:
        root = self.pdf.Root
        mark_info = root.get("/MarkInfo")
        if not (isinstance(mark_info, Dictionary) and bool(mark_info.get("/Marked", False))):
            self.fail("the PDF is not tagged, so a screen reader cannot follow its headings, lists and tables",
                      hint="Whoever made it: export it as a tagged PDF (its /MarkInfo says it is not marked).")
        if "/StructTreeRoot" not in root or not pdftree.roots(self.pdf):
            self.fail("the PDF has no tags at all (no structure tree)", hint="A screen reader cannot follow it.")
            return False
        return True

    def check_language(self) -> None:
        lang = self.pdf.Root.get("/Lang")
        if lang is None or not str(lang).strip():
            self.fail("the PDF does not say its language (/Lang)", hint="A screen reader needs it to pronounce the text.")
        elif not is_language_tag(str(lang)):
            self.fail(f"the PDF's language '{visible(str(lang))}' is not a language tag (such as en-GB or cy)",
                      hint="A screen reader cannot tell which voice to read it in.")
        elif (named := edition_language(self.path)) and named != primary_language(str(lang)):
            self.fail(f"the file's name says it is the {named} edition, but its language (/Lang) is '{visible(str(lang))}'",
                      hint="Build it again with 'respgen build', or rename it after the language it is in.")

    def check_title(self) -> None:
        meta = xmp.read(self.pdf)
        titles = meta.findall(".//dc:title//rdf:li", _NS) if meta is not None else []
        if not any((t.text or "").strip() for t in titles):
            self.fail("the PDF has no title in its XMP metadata, the title a screen reader announces first",
                      hint="Whoever made it: set the document's title (XMP dc:title).")
        prefs = self.pdf.Root.get("/ViewerPreferences")
        if not (isinstance(prefs, Dictionary) and bool(prefs.get("/DisplayDocTitle", False))):
            self.fail("the PDF does not ask viewers to show its title in place of its file name",
                      hint="Whoever made it: set /DisplayDocTitle in its viewer preferences.")

    def check_identification(self) -> None:
        meta = xmp.read(self.pdf)
        if meta is None:
            self.fail("the PDF has no readable XMP metadata, so it claims neither PDF/A nor PDF/UA")
            return
        rdf = meta.find("rdf:RDF", _NS)
        packets = meta.findall("rdf:RDF", _NS)
        if rdf is None or len(packets) != 1:
            self.fail("the XMP metadata must hold exactly one rdf:RDF block")
            return

        def value(ns: str, name: str) -> str | None:
            for description in rdf.findall("rdf:Description", _NS):
                attribute = description.get(f"{{{_NS[ns]}}}{name}")
                if attribute is not None:
                    return attribute.strip()
                element = description.find(f"{ns}:{name}", _NS)
                if element is not None:
                    return (element.text or "").strip()
            return None

        if value("pdfuaid", "part") != "1":
            self.fail("the PDF does not declare PDF/UA-1 (pdfuaid:part=1 in its XMP metadata)")
        elif "http://www.aiim.org/pdfua/ns/id/" not in etree.tostring(rdf).decode():
            self.fail("the pdfuaid schema is not declared")
        if value("pdfaid", "part") != "3" or (value("pdfaid", "conformance") or "").upper() != "A":
            self.fail("the PDF does not declare PDF/A-3a (pdfaid:part=3, conformance A)")
        if value("pdfuaid", "part") == "1" and b"pdfaExtension" not in etree.tostring(rdf):
            self.fail("pdfuaid is used without the PDF/A extension schema that declares it")

    def check_outline(self) -> None:
        outlines = self.pdf.Root.get("/Outlines")
        if not (isinstance(outlines, Dictionary) and outlines.get("/First") is not None):
            self.fail("the PDF has no bookmarks (outline)", hint="Readers use them to move between sections.")

    def check_fonts(self) -> None:
        seen: set = set()
        for number, page in enumerate(self.pdf.pages, start=1):
            for name, font in self._fonts(page.obj.get("/Resources"), set()):
                key = font.objgen
                if key in seen:
                    continue
                seen.add(key)
                base = str(font.get("/BaseFont", name)).lstrip("/")
                if font.get("/Subtype") == Name.Type3:
                    continue
                descriptor_font = font
                if font.get("/Subtype") == Name.Type0:
                    descendants = font.get("/DescendantFonts")
                    descriptor_font = descendants[0] if descendants else font
                descriptor = descriptor_font.get("/FontDescriptor")
                embedded = isinstance(descriptor, Dictionary) and any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if not embedded:
                    self.fail(f"the font {base} is not embedded", page=number)
                if "/ToUnicode" not in font:
                    self.fail(f"the font {base} has no ToUnicode map, so its text cannot be read out", page=number)
                boxes = _notdef_codes(font)
                if boxes:
                    self.fail(
                        f"the font {base} draws {boxes} character(s) as empty boxes (.notdef), which PDF/A forbids",
                        page=number,
                        hint="No font installed when it was built has them: install one that does, or replace them.",
                    )

    def _fonts(self, resources, visited: set):
        if not isinstance(resources, Dictionary):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, Dictionary):
            for name in fonts.keys():
                yield name, fonts[name]
        xobjects = resources.get("/XObject")
        if isinstance(xobjects, Dictionary):
            for name in xobjects.keys():
                xobject = xobjects[name]
                if xobject.get("/Subtype") == Name.Form and xobject.objgen not in visited:
                    visited.add(xobject.objgen)
                    yield from self._fonts(xobject.get("/Resources"), visited)

    def check_attachments(self) -> None:
        names = self.pdf.Root.get("/Names")
        files = names.get("/EmbeddedFiles") if isinstance(names, Dictionary) else None
        if not isinstance(files, Dictionary):
            return
        associated = {spec.objgen for spec in self.pdf.Root.get("/AF", Array()) if isinstance(spec, Dictionary)}
        entries = files.get("/Names", Array())
        for i in range(1, len(entries), 2):
            spec = entries[i]
            label = str(entries[i - 1])
            if "/AFRelationship" not in spec:
                self.fail(f"the embedded file {label!r} has no /AFRelationship (PDF/A-3)")
            if spec.objgen not in associated:
                self.fail(f"the embedded file {label!r} is not listed in the document's /AF (PDF/A-3)")
            stream = spec.get("/EF", Dictionary()).get("/F")
            if stream is None or "/Subtype" not in stream:
                self.fail(f"the embedded file {label!r} has no MIME type (PDF/A-3)")
            elif "/ModDate" not in stream.get("/Params", Dictionary()):
                self.fail(f"the embedded file {label!r} has no modification date (PDF/A-3)")

    def check_images(self) -> None:
        """PDF/A (ISO 19005-3, 6.2.8): no image asks to be smoothed, has alternates or OPI, or an unknown intent."""
        images = list(pdftree.images(self.pdf))
        smoothed = [image for image in images if bool(image.get("/Interpolate", False))]
        if smoothed:
            self.fail(
                f"{len(smoothed)} image(s) ask to be smoothed (/Interpolate true), which PDF/A forbids",
                hint="Build the document again with this version of respgen, which removes the flag.",
            )
        for key, what in (("/Alternates", "alternate versions (/Alternates)"), ("/OPI", "a link to a print server's copy (/OPI)")):
            found = [image for image in images if key in image]
            if found:
                self.fail(f"{len(found)} image(s) have {what}, which PDF/A forbids")
        intents = {str(image.get("/Intent")) for image in images if "/Intent" in image} - _INTENTS
        if intents:
            self.fail(f"an image has the rendering intent {', '.join(sorted(intents))}, which PDF/A does not know")

    def check_actions(self) -> None:
        """Nothing may run when the PDF is opened or clicked: no JavaScript, no actions, only links to web pages.

        A published letter has no reason to run anything; a PDF from elsewhere that does may do harm.
        """
        root = self.pdf.Root
        harm = "Opening or clicking it could run something: ask for the document again from whoever sent it."
        for key, what in (("/OpenAction", "an action that runs when it is opened"), ("/AA", "actions that run on events")):
            if key in root:
                self.fail(f"the PDF has {what} (/{key[1:]})", hint=harm)
        names = root.get("/Names")
        if isinstance(names, Dictionary) and "/JavaScript" in names:
            self.fail("the PDF carries JavaScript", hint=harm)
        if isinstance(root.get("/AcroForm"), Dictionary):
            self.fail("the PDF has a form (/AcroForm), which a letter does not", hint=harm)
        for number, page in enumerate(self.pdf.pages, start=1):
            if "/AA" in page.obj:
                self.fail("the page has actions that run when it is shown (/AA)", page=number, hint=harm)
            for annotation in page.obj.get("/Annots", Array()):
                if not isinstance(annotation, Dictionary):
                    continue
                subtype = str(annotation.get("/Subtype", "/none"))[1:]
                if subtype != "Link":
                    self.fail(f"the page has a {subtype} annotation, where a letter has only links", page=number, hint=harm)
                    continue
                action = annotation.get("/A")
                if action is None:
                    continue  # a link within the document (/Dest)
                kind = str(action.get("/S", "/none"))[1:] if isinstance(action, Dictionary) else "unknown"
                if kind != "URI":
                    self.fail(f"a link runs a {kind} action instead of opening a web page", page=number, hint=harm)
                elif not is_web_address(str(action.get("/URI", "")), mail=True):
                    address = visible(str(action.get("/URI", "")))[:80]
                    self.fail(f"a link goes to '{address}', which is not a web page", page=number, hint=harm)

    # --- tags ---

    def check_annotations(self) -> None:
        """Links must be tagged (an OBJR in a Link element), described, and visited in structure order."""
        tagged = set()
        for element, _parent, _depth in pdftree.walk(self.pdf):
            for kid in pdftree.kids(element):
                if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR and "/Obj" in kid:
                    tagged.add(kid.Obj.objgen)
        for number, page in enumerate(self.pdf.pages, start=1):
            annotations = [a for a in page.obj.get("/Annots", Array()) if isinstance(a, Dictionary)]
            links = [a for a in annotations if a.get("/Subtype") == Name.Link]
            if annotations and page.obj.get("/Tabs") != Name.S:
                self.fail("the page's links are not visited in the order of the tags (/Tabs /S)", page=number)
            untagged = [a for a in links if a.objgen not in tagged]
            if untagged:
                self.fail(f"{len(untagged)} link(s) are not tagged (no Link element refers to them)", page=number)
            undescribed = [a for a in links if not str(a.get("/Contents", "")).strip()]
            if undescribed:
                self.fail(f"{len(undescribed)} link(s) have no description (/Contents)", page=number)
            # PDF/A (ISO 19005-3, 6.3.2): every annotation is printed and never hidden.
            hidden = [a for a in annotations if a.get("/Subtype") != Name.Popup and not _printed(a)]
            if hidden:
                self.fail(f"{len(hidden)} annotation(s) are hidden or not printed (/F), which PDF/A forbids", page=number)

    def check_parent_tree(self) -> None:
        """Each piece of tagged content must lead back (through the ParentTree) to the element holding it."""
        parents = pdftree.parent_tree(self.pdf)
        pages = {pdftree.page_key(p.obj): p.obj for p in self.pdf.pages}
        wrong: dict[int, int] = {}
        for element, _parent, _depth in pdftree.walk(self.pdf):
            for page_key, mcid in pdftree.marked_content(element):
                page = pages.get(page_key) if page_key is not None else None
                index = page.get("/StructParents") if page is not None else None
                entries = parents.get(int(index)) if index is not None else None
                ok = isinstance(entries, Array) and mcid < len(entries) and entries[mcid].objgen == element.objgen
                if not ok:
                    number = self.page_numbers.get(page_key, 0) if page_key is not None else 0
                    wrong[number] = wrong.get(number, 0) + 1
        for number, count in sorted(wrong.items()):
            self.fail(
                f"{count} piece(s) of tagged content are not linked back to their structure element (ParentTree)",
                page=number or None,
            )

    def check_marked_content(self) -> None:
        reached = pdftree.reachable_content(self.pdf)
        for number, page in enumerate(self.pdf.pages, start=1):
            key = pdftree.page_key(page.obj)
            instructions = pikepdf.parse_content_stream(page)
            orphans = [
                m.mcid
                for m in pdftree.marks(page, instructions)
                if m.mcid is not None and m.artifact_depth == 0 and (key, m.mcid) not in reached
            ]
            if orphans:
                self.fail(
                    f"{len(orphans)} tagged piece(s) of content are neither in the structure tree nor marked as"
                    f" artifacts (MCID {', '.join(map(str, orphans[:5]))}{'…' if len(orphans) > 5 else ''})",
                    page=number,
                )
            depth = 0
            untagged = 0
            for instruction in instructions:
                operator = instruction.operator
                if operator == pdftree.BDC or operator == pdftree.BMC:
                    depth += 1
                elif operator == pdftree.EMC:
                    depth = max(0, depth - 1)
                elif depth == 0 and operator in _DRAWING:
                    untagged += 1
            if untagged:
                self.fail(f"{untagged} piece(s) of text or images are neither tagged nor marked as artifacts", page=number)

    def check_elements(self) -> None:
        headings: list[tuple[int, int | None]] = []  # (level, page)
        empty: dict[str, list[int | None]] = {}
        for element, _parent, _depth in pdftree.walk(self.pdf):
            tag = str(element.S)
            page = self._page_of(element)
            self._check_parts(element, tag, page)
            lang = element.get("/Lang")
            if lang is not None and not is_language_tag(str(lang)):
                self.fail(f"a {tag[1:]} element's language '{visible(str(lang))}' is not a language tag", page=page)
            if tag == "/Figure":
                alt = element.get("/Alt")
                if alt is None or not str(alt).strip():
                    self.fail("a Figure (picture) has no alternative text (/Alt)", page=page)
            elif tag == "/Table":
                self._check_table(element, page)
            elif tag in _HEADINGS:
                headings.append((_HEADINGS[tag], page))
            if tag not in _MAY_BE_EMPTY and not self._holds(element):
                empty.setdefault(tag[1:], []).append(page)
        for index, message in heading_order([level for level, _ in headings], lambda level: f"H{level}"):
            self.fail(message, page=headings[index][1])
        for tag, pages in empty.items():
            self.fail(f"{len(pages)} empty {tag} structure element(s) hold no content", page=pages[0])

    def _check_parts(self, element, tag: str, page: int | None) -> None:
        """What an element may hold (ISO 14289-1, 7.2): list items, and links and lists in one piece."""
        kids = pdftree.child_elements(element)
        if tag == "/LI":
            stray = sorted({str(k.S)[1:] for k in kids if k.S not in (Name.Lbl, Name.LBody)})
            if stray:
                self.fail(f"a list item (LI) holds {', '.join(stray)} beside its label and body (Lbl, LBody)", page=page,
                          hint="A screen reader does not read it as part of the item.")
        if tag == "/L" and any(k.S == Name.L for k in kids):
            self.fail("a list inside a list is not inside one of its items (LBody)", page=page,
                      hint="A screen reader cannot tell which item the inner list belongs to.")
        for first, second in itertools.pairwise(kids):
            if first.S == second.S == Name.Link and _targets(first) and _targets(first) == _targets(second):
                self.fail(f"one link ({visible(_targets(first)[0])}) is cut into several Link elements", page=page,
                          hint="A screen reader lists each piece as a link of its own, named by part of its text.")
                break

    def _check_table(self, table, page: int | None) -> None:
        headers = [e for e in pdftree.descendants(table) if e.S == Name.TH]
        if not headers:
            self.fail("a Table has no header cells (TH)", page=page)
        missing = [h for h in headers if not _scope(h)]
        if missing:
            self.fail(f"{len(missing)} table header cell(s) have no /Scope", page=page)

    def _holds(self, element) -> bool:
        """``pdftree.holds_content``, worked out once for the whole tree, children before parents."""
        if self._holding is None:
            self._holding = set()
            for current, _parent, _depth in reversed(list(pdftree.walk(self.pdf))):
                below = any(child.objgen in self._holding for child in pdftree.child_elements(current))
                if below or pdftree.holds_directly(current):
                    self._holding.add(current.objgen)
        return element.objgen in self._holding

    def _page_of(self, element) -> int | None:
        """The page an element is on: its own /Pg, or that of its first element below that has one."""
        if self._pages is None:
            # Worked out once for the whole tree, children before parents: linear in its size.
            self._pages = {}
            for current, _parent, _depth in reversed(list(pdftree.walk(self.pdf))):
                page = current.get("/Pg")
                found = self.page_numbers.get(pdftree.page_key(page)) if page is not None else None
                for child in pdftree.child_elements(current) if found is None else ():
                    found = self._pages.get(child.objgen)
                    if found:
                        break
                self._pages[current.objgen] = found
        return self._pages.get(element.objgen)


_CID_CHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s+(\d+)")
_CID_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s+(\d+)")


def _notdef_codes(font) -> int:
    """How many character codes a Type0 font's own CMap sends to glyph 0 (.notdef)."""
    encoding = font.get("/Encoding")
    if font.get("/Subtype") != Name.Type0 or not isinstance(encoding, pikepdf.Stream):
        return 0
    cmap = encoding.read_bytes()
    count = 0
    for block in _blocks(cmap, b"begincidchar", b"endcidchar"):
        count += sum(1 for code, cid in _CID_CHAR.findall(block) if int(cid) == 0 and int(code, 16) != 0)
    for block in _blocks(cmap, b"begincidrange", b"endcidrange"):
        count += sum(1 for low, _high, cid in _CID_RANGE.findall(block) if int(cid) == 0 and int(low, 16) != 0)
    return count


def _blocks(data: bytes, begin: bytes, end: bytes):
    """The text between each ``begin`` and the next ``end``, found in one pass (a lazy regex is quadratic here)."""
    at = 0
    while (start := data.find(begin, at)) != -1:
        stop = data.find(end, start + len(begin))
        if stop == -1:
            return
        yield data[start + len(begin):stop]
        at = stop + len(end)


_INTENTS = {"/RelativeColorimetric", "/AbsoluteColorimetric", "/Perceptual", "/Saturation"}
_PRINT, _HIDDEN_FLAGS = 4, 1 | 2 | 32 | 256  # Print; Invisible, Hidden, NoView, ToggleNoView


def _printed(annotation) -> bool:
    flags = annotation.get("/F", 0)
    flags = flags if isinstance(flags, int) else 0  # pikepdf gives a PDF integer as an int
    return bool(flags & _PRINT) and not flags & _HIDDEN_FLAGS


def _targets(link) -> list[str]:
    """The web addresses a Link element's annotations go to."""
    found = []
    for kid in pdftree.kids(link):
        annotation = kid.get("/Obj") if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR else None
        action = annotation.get("/A") if isinstance(annotation, Dictionary) else None
        if isinstance(action, Dictionary) and "/URI" in action:
            found.append(str(action.URI))
    return found


def _scope(cell) -> bool:
    attributes = cell.get("/A")
    items = list(attributes) if isinstance(attributes, Array) else [attributes]
    return any(isinstance(a, Dictionary) and a.get("/O") == Name.Table and "/Scope" in a for a in items)
