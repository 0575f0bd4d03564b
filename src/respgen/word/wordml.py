"""Rich text as WordprocessingML: paragraphs, lists, quotations and hyperlinks.

The XML is handed to docxtpl through ``{{p name }}`` (whole paragraphs) and
``{{r name }}`` (runs) tags. Values are escaped here, once; docxtpl's
autoescape leaves objects with ``__html__`` alone.

Paragraphs name the template's styles (looked up by their names, so a
template saved by any version of Word works). Every list gets its own
numbering instance, so each numbered list starts again at its own first
number instead of carrying on from the list before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from docx.oxml.ns import qn
from markupsafe import Markup, escape

from respgen.errors import RespgenError
from respgen.letter import markup


class Xml:
    """Ready-made WordprocessingML, put into the template as it is."""

    def __init__(self, xml: str):
        self.xml = xml

    def __html__(self) -> str:
        return self.xml

    __str__ = __html__

    def __bool__(self) -> bool:
        return bool(self.xml)


class Writer:
    """Turns blocks into XML for one document being rendered (its styles, numbering and links)."""

    def __init__(self, document, on_link: Callable[[str], str]):
        self._document = document
        self._on_link = on_link
        self._style_ids: dict[str, str] = {}
        self._numbering: Any = None  # the numbering part's XML, found when the first list needs it
        self._abstract: dict[str, str | None] = {}

    # --- public -------------------------------------------------------------

    def blocks(self, blocks: markup.Blocks, style: str = "Body Text", cell: bool = False) -> Xml:
        """Paragraphs for ``blocks``; in a table ``cell`` there is always at least one paragraph."""
        parts: list[str] = []
        self._blocks(blocks, style, 0, parts)
        if not parts and cell:
            parts.append(self._paragraph(style, []))
        return Xml("".join(parts))

    def bullets(self, items: tuple[markup.Blocks, ...]) -> Xml:
        """One bulleted list with an item for each entry of ``items``."""
        if not items:
            return Xml("")
        parts: list[str] = []
        self._list(markup.List(tuple(markup.ListItem(b) for b in items)), "Body Text", 0, parts)
        return Xml("".join(parts))

    def runs(self, text: str, href: str | None = None) -> Xml:
        """Plain runs for one line of text, as a hyperlink when ``href`` is given."""
        return Xml(self._spans([markup.Span(text, href=href)]))

    # --- blocks -------------------------------------------------------------

    def _blocks(self, blocks, style: str, depth: int, parts: list[str]) -> None:
        for block in blocks:
            if isinstance(block, markup.Paragraph):
                parts.append(self._paragraph(style, block.spans))
            elif isinstance(block, markup.List):
                self._list(block, style, depth, parts)
            elif isinstance(block, markup.Quote):
                self._blocks(block.blocks, "Quote", depth, parts)

    def _list(self, block: markup.List, style: str, depth: int, parts: list[str]) -> None:
        list_style = "List Number" if block.ordered else "List Bullet"
        if style.startswith("Table") and self._has_style(f"Table {list_style}"):
            list_style = f"Table {list_style}"  # smaller lists inside tables, when the template has them
        level = min(depth, 2)
        num_id = self._new_numbering(list_style, level, block.start if block.ordered else 1)
        numbering = (
            f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>' if num_id else ""
        )
        for item in block.items:
            first = True
            for inner in item.blocks:
                if isinstance(inner, markup.Paragraph):
                    if first:
                        parts.append(self._paragraph(list_style, inner.spans, numbering))
                    else:
                        parts.append(self._paragraph(style if style.startswith("Table") else "List Continue", inner.spans))
                    first = False
                elif isinstance(inner, markup.List):
                    self._list(inner, style, depth + 1, parts)
                else:
                    self._blocks(inner.blocks, "Quote", depth, parts)
            if first:  # an empty item still shows its bullet
                parts.append(self._paragraph(list_style, [], numbering))
        if depth == 0 and not style.startswith("Table") and parts:
            # The list's items sit close together; after its last, the space of the text around it.
            after = self._space_after(style)
            if after is not None and "<w:spacing" not in parts[-1].split("</w:pPr>")[0]:
                parts[-1] = parts[-1].replace("</w:pPr>", f'<w:spacing w:after="{after}"/></w:pPr>', 1)

    def _paragraph(self, style: str, spans, extra_ppr: str = "") -> str:
        ppr = f'<w:pPr><w:pStyle w:val="{self._style_id(style)}"/>{extra_ppr}</w:pPr>'
        return f"<w:p>{ppr}{self._spans(spans)}</w:p>"

    # --- runs ---------------------------------------------------------------

    def _spans(self, spans) -> str:
        out = []
        for span in spans:
            props = ""
            if span.href:
                props += f'<w:rStyle w:val="{self._style_id("Hyperlink")}"/>'
            if span.bold:
                props += "<w:b/><w:bCs/>"
            if span.italic:
                props += "<w:i/><w:iCs/>"
            if span.lang:
                props += language_properties(span.lang)
            run = self._run(span.text, props)
            if span.href:
                rid = self._on_link(span.href)
                out.append(f'<w:hyperlink r:id="{rid}" w:history="1">{run}</w:hyperlink>')
            else:
                out.append(run)
        return "".join(out)

    @staticmethod
    def _run(text: str, props: str) -> str:
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        pieces = []
        for i, line in enumerate(text.split("\n")):
            if i:
                pieces.append("<w:br/>")
            if line:
                pieces.append(f'<w:t xml:space="preserve">{escape_text(line)}</w:t>')
        return f"<w:r>{rpr}{''.join(pieces)}</w:r>"

    # --- the template's styles and numbering ---------------------------------

    def _style_id(self, name: str) -> str:
        if name not in self._style_ids:
            try:
                self._style_ids[name] = self._document.styles[name].style_id
            except KeyError:
                raise RespgenError(
                    f"the Word template has no style named '{name}'",
                    hint="Add the style in Word (Styles pane, New Style) or restore templates/response.docx; "
                    "'respgen check-template' lists every style respgen needs.",
                ) from None
        return self._style_ids[name]

    def _space_after(self, name: str) -> int | None:
        """The space after a paragraph of the template's style ``name``, in twentieths of a point."""
        self._style_id(name)
        space = self._document.styles[name].paragraph_format.space_after
        return None if space is None else int(space.twips)

    def _has_style(self, name: str) -> bool:
        try:
            self._style_id(name)
        except RespgenError:
            return False
        return True

    def _new_numbering(self, list_style: str, level: int, start: int) -> str | None:
        """A fresh numbering instance for one list, so that its numbers start again."""
        if list_style not in self._abstract:
            self._abstract[list_style] = self._abstract_for(list_style)
        abstract = self._abstract[list_style]
        if abstract is None:
            return None  # the style has no numbering: the paragraphs keep the style's own look
        numbering = self._numbering
        num = numbering.add_num(int(abstract))
        override = num.add_lvlOverride(ilvl=level)
        override.add_startOverride(start)
        return str(num.numId)

    def _abstract_for(self, list_style: str) -> str | None:
        self._style_id(list_style)
        try:
            self._numbering = self._document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return None
        style = self._document.styles[list_style].element
        num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num_id is None:
            return None
        for num in self._numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == num_id.get(qn("w:val")):
                abstract = num.find(qn("w:abstractNumId"))
                return abstract.get(qn("w:val")) if abstract is not None else None
        return None


# Word names a language with its region: the region where a bare language is mostly written.
_WORD_REGIONS = {
    "cy": "cy-GB", "en": "en-GB", "gd": "gd-GB", "ga": "ga-IE", "kw": "kw-GB", "gv": "gv-IM",
    "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "it": "it-IT", "pl": "pl-PL", "pt": "pt-PT",
    "ro": "ro-RO", "lt": "lt-LT", "lv": "lv-LV", "bg": "bg-BG", "so": "so-SO",
    "ar": "ar-SA", "ur": "ur-PK", "fa": "fa-IR", "he": "he-IL", "ps": "ps-AF",
    "pa": "pa-IN", "bn": "bn-BD", "gu": "gu-IN", "hi": "hi-IN", "ta": "ta-IN", "zh": "zh-CN",
}  # fmt: skip


def word_language(lang: str) -> str:
    """The language tag as Word writes it (``cy`` -> ``cy-GB``)."""
    return lang if "-" in lang else _WORD_REGIONS.get(lang.lower(), lang)


def language_properties(lang: str) -> str:
    """A run's language; a right-to-left script's text is also marked as such, for its order and shaping."""
    tag = escape_text(word_language(lang))
    if markup.is_right_to_left(lang):
        return f'<w:rtl/><w:lang w:bidi="{tag}"/>'
    return f'<w:lang w:val="{tag}"/>'


# docxtpl turns "{_{", "}_}", "{_%" and "%_}" into tags after rendering; a character reference keeps them literal.
_TAG_UNDERSCORE = re.compile(r"(?<=[{}%])_|_(?=[{}%])")


def escape_text(text: str) -> str:
    """``text`` ready for an XML text node or attribute, exactly as the officer wrote it."""
    return _TAG_UNDERSCORE.sub("&#95;", str(escape(_xml_chars(text))))


def literal(text: str) -> Markup:
    """A plain value for a ``{{ name }}`` tag: escaped once, here, and left alone by autoescape."""
    return Markup(escape_text(text))


def unbroken(text: str) -> Markup:
    """A plain value whose hyphens do not end a line ("Dyfed-Powys" is a name): Word's non-breaking hyphen."""
    return Markup('</w:t><w:noBreakHyphen/><w:t xml:space="preserve">').join(literal(part) for part in str(text).split("-"))


def _xml_chars(text: str) -> str:
    # XML 1.0 cannot hold most control characters; a stray one would make Word refuse the file.
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 0x20)



