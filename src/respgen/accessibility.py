"""The accessibility rules that every format shares, stated once.

The HTML behind the PDF, the PDF's tags and the Word document are checked by
three checkers; a heading out of order or a link that says nothing must get
the same answer, in the same words, whichever format it is found in. Each
checker names the heading levels as its format does (h2, H2, Heading 2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

WEB_SCHEMES = ("https://", "http://")


def is_web_address(url: object, *, mail: bool = False) -> bool:
    """Whether ``url`` may become a link in a document: a web page (or, with ``mail``, a mailbox).

    Links are written into the documents, never fetched; a ``file:`` or
    ``javascript:`` address is shown as text instead.
    """
    if not isinstance(url, str):
        return False
    schemes = WEB_SCHEMES + (("mailto:",) if mail else ())
    return url.strip().lower().startswith(schemes)


# Link text a screen-reader user hears out of context: it must say where the link goes.
MEANINGLESS_LINK_TEXT = {"click here", "here", "link", "this link", "read more", "more", "click", "this", "website", "page"}


def poor_link_text(text: str, href: str | None) -> str | None:
    """Why ``text`` is poor text for a link to ``href``, or None when it is fine."""
    text = text.strip()
    if not text:
        return "the link has no text"
    if text.lower().rstrip(".") in MEANINGLESS_LINK_TEXT:
        return f"the link text '{text}' does not say where the link goes"
    if href and text.rstrip("/") == href.strip().rstrip("/"):
        return f"the link text is the bare address '{text}'"
    return None


def heading_order(levels: Iterable[int], name: Callable[[int], str]) -> list[tuple[int, str]]:
    """(index, message) for each heading of ``levels`` that is out of order.

    The first heading must be level 1, and a heading may go down only one level
    at a time (h1, then h2 inside it), so that a screen reader's list of
    headings is the document's outline. ``name`` spells a level in the format's
    own words.
    """
    found = []
    previous = 0
    for index, level in enumerate(levels):
        if previous == 0 and level != 1:
            found.append((index, f"the first heading is {name(level)}; it must be {name(1)}"))
        elif previous and level > previous + 1:
            found.append((index, f"heading {name(level)} follows {name(previous)}, skipping a level"))
        previous = level
    return found


# A language as screen readers, PDF /Lang, Word's w:lang and HTML's lang name it (BCP 47: cy, cy-GB).
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# The languages respgen writes editions in, by the code office.yaml and the file names use (<name>.cy.pdf).
LANGUAGES = ("en", "cy")


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and LANGUAGE_TAG.fullmatch(value) is not None


def primary_language(tag: str) -> str:
    """``cy`` for ``cy-GB``: the part that says which voice reads it."""
    return tag.split("-", 1)[0].lower()


def edition_language(path) -> str | None:
    """The language a document's name says it is in: ``cy`` for ``<name>.cy.pdf``; None when it does not say."""
    from pathlib import Path

    parts = Path(path).name.lower().split(".")
    return next((part for part in parts[1:-1] if part in LANGUAGES), None)


# The short words each language cannot do without, and the other language never uses on its own. Counting
# them tells a Welsh passage from an English one reliably once it has a sentence or so.
_FUNCTION_WORDS = {
    "cy": frozenset(["y", "yr", "mae", "yn", "ei", "eu", "hyn", "hwn", "hon", "gan", "ein", "wedi", "bod", "gyda", "ond", "neu", "pob", "fel", "hefyd", "cyn", "drwy", "rhwng", "bydd", "fydd", "oedd", "yw", "ydy", "sydd", "ac", "ar", "nid", "na", "gael", "eu", "hefyd", "sy’n", "i’r", "o’r", "a’r", "â’r", "’r"]),
    "en": frozenset(["the", "and", "of", "to", "is", "that", "for", "with", "was", "are", "this", "be", "by", "will", "has", "have", "it", "not", "which", "on", "from", "their", "its", "an", "at", "we", "our", "been", "were"]),
}
_WORD = re.compile(r"[\w’']+")


def guess_language(text: str) -> str | None:
    """``en`` or ``cy`` when ``text`` is clearly in that language, else None (too short, mixed, or neither)."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(text.lower().replace("'", "’")):
        for code, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[code] += 1
    (first, most), (_, next_most) = sorted(counts.items(), key=lambda item: -item[1])
    return first if most >= 4 and most >= 3 * next_most else None


# WCAG 2 level AA: text needs this contrast with what is behind it (large text 3:1; respgen asks 4.5 of all).
MIN_CONTRAST = 4.5


def contrast(first: str, second: str = "#FFFFFF") -> float:
    """The WCAG contrast ratio of two colours written #RRGGBB (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
