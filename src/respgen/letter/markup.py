"""The text markup of rich-text fields: a small Markdown subset, parsed into blocks.

Both renderers draw the same blocks, so a list in the YAML is a real list in
Word and in the PDF alike. Raw HTML, headings and code are switched off:
such text comes out literally, exactly as the officer typed it.

A passage in another language is marked ``[Diolch yn fawr]{lang=cy}`` (the
bracketed-span syntax of Pandoc and markdown-it-attrs), so that screen readers
switch voice; a paragraph that is all one such passage is in that language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from respgen.accessibility import LANGUAGE_TAG, is_web_address


@dataclass(frozen=True)
class Span:
    """A run of text with one look: plain, bold, italic, or a link."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    lang: str | None = None  # a language tag, where the passage is not in the document's language

    @property
    def right_to_left(self) -> bool:
        return is_right_to_left(self.lang)


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def lang(self) -> str | None:
        """The paragraph's language, when all of it is one marked passage."""
        marked = {span.lang for span in self.spans if span.text.strip()}
        return marked.pop() if len(marked) == 1 and None not in marked else None

    @property
    def right_to_left(self) -> bool:
        return is_right_to_left(self.lang)


# The scripts written right to left, by the primary language subtag (ISO 639-1 / -2).
RIGHT_TO_LEFT = frozenset({"ar", "arc", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})


def is_right_to_left(lang: str | None) -> bool:
    return bool(lang) and str(lang).split("-")[0].lower() in RIGHT_TO_LEFT


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class List:
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


Block = Paragraph | List | Quote
Blocks = tuple[Block, ...]


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(["list", "blockquote", "emphasis", "link", "escape", "newline"])
    md.validateLink = lambda url: is_web_address(url, mail=True)  # type: ignore[method-assign]
    md.inline.ruler.before("link", "language", _language_span)
    return md


_MARKED_LANGUAGE = re.compile(r"\]\{lang=(" + LANGUAGE_TAG.pattern + r")\}")


def _language_span(state, silent: bool) -> bool:
    """``[text]{lang=xx}``: the text, marked as being in language xx."""
    from markdown_it.helpers import parseLinkLabel

    start = state.pos
    if state.src[start] != "[":
        return False
    end = parseLinkLabel(state, start, True)
    if end < 0:
        return False
    found = _MARKED_LANGUAGE.match(state.src, end)
    if not found:
        return False
    if not silent:
        state.push("language_open", "span", 1).attrs = {"lang": found.group(1)}
        limit = state.posMax
        state.pos, state.posMax = start + 1, end
        state.md.inline.tokenize(state)
        state.posMax = limit
        state.push("language_close", "span", -1)
    state.pos = found.end()
    return True


# Word turns "- " at the start of a line into an en dash, and pastes its bullets as "•": an
# officer who writes or pastes either means a bulleted list, so either is read as "- ".
WORD_BULLET = re.compile(r"^([ \t]*)[–—•▪●◦][ \t]+", re.MULTILINE)


def parse(text: str | None) -> Blocks:
    """Parse one rich-text field into blocks (empty for no text)."""
    if not text or not text.strip():
        return ()
    tokens = _parser().parse(WORD_BULLET.sub(r"\1- ", text))
    blocks, _ = _blocks(tokens, 0, closing=None)
    return tuple(blocks)


def plain(blocks: Blocks) -> str:
    """The words of ``blocks`` without any formatting, paragraphs on separate lines."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, List):
            for item in block.items:
                lines.append(plain(item.blocks))
        else:
            lines.append(plain(block.blocks))
    return "\n".join(lines)


def links(blocks: Blocks) -> Iterator[Span]:
    """Every link in ``blocks``, in reading order."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from (span for span in block.spans if span.href)
        elif isinstance(block, List):
            for item in block.items:
                yield from links(item.blocks)
        else:
            yield from links(block.blocks)


def _blocks(tokens: list[Token], i: int, closing: str | None) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    while i < len(tokens):
        token = tokens[i]
        if closing and token.type == closing:
            return blocks, i + 1
        if token.type == "paragraph_open":
            inline = tokens[i + 1]
            blocks.append(Paragraph(tuple(_spans(inline.children or []))))
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            end = "ordered_list_close" if ordered else "bullet_list_close"
            items, i = _items(tokens, i + 1, end)
            start = int(token.attrs.get("start", 1)) if ordered else 1
            blocks.append(List(tuple(items), ordered=ordered, start=start))
        elif token.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, "blockquote_close")
            blocks.append(Quote(tuple(inner)))
        else:
            i += 1
    return blocks, i


def _items(tokens: list[Token], i: int, end: str) -> tuple[list[ListItem], int]:
    items: list[ListItem] = []
    while i < len(tokens) and tokens[i].type != end:
        if tokens[i].type == "list_item_open":
            inner, i = _blocks(tokens, i + 1, "list_item_close")
            items.append(ListItem(tuple(inner)))
        else:
            i += 1
    return items, i + 1


def _spans(children: list[Token]) -> list[Span]:
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    languages: list[str] = []
    for child in children:
        kind = child.type
        lang = languages[-1] if languages else None
        if kind == "language_open":
            languages.append(str(child.attrs["lang"]))
        elif kind == "language_close":
            languages.pop()
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        elif kind in ("softbreak",):
            _append(spans, Span(" ", bool(bold), bool(italic), href, lang))
        elif kind == "hardbreak":
            _append(spans, Span("\n", bool(bold), bool(italic), href, lang))
        elif kind == "text":
            # A run of spaces (two after a full stop, say) is one space, as the PDF and web page show it.
            _append(spans, Span(_SPACES.sub(" ", child.content), bool(bold), bool(italic), href, lang))
    return spans


_SPACES = re.compile(r"[ \t]{2,}")


def _append(spans: list[Span], span: Span) -> None:
    # Merge neighbours with the same look, so each run is drawn once.
    if not span.text:
        return
    last = spans[-1] if spans else None
    if last is not None and (last.bold, last.italic, last.href, last.lang) == (span.bold, span.italic, span.href, span.lang):
        spans[-1] = Span(last.text + span.text, span.bold, span.italic, span.href, span.lang)
    else:
        spans.append(span)
