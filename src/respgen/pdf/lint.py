"""Check the HTML behind the PDF before it is drawn.

WeasyPrint writes a PDF that claims to be accessible whatever it is given; it
says nothing about a missing title or a skipped heading level. A template
edited in house could lose any of these, so the HTML is checked first and the
build stops with a message naming the template.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from respgen.accessibility import heading_order


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title: str | None = None
        self._in_title = False
        self.images: list[dict[str, Any]] = []
        self.headings: list[tuple[int, int]] = []  # (level, line)
        self.tables: list[dict] = []
        self._table_stack: list[dict] = []
        self._row: list[dict] | None = None
        self._section: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "title":
            self._in_title = True
            self.title = self.title or ""
        elif tag == "img":
            self.images.append({"src": attributes.get("src"), "alt": attributes.get("alt"), "line": line})
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append((int(tag[1]), line))
        elif tag == "table":
            table = {"line": line, "header_rows": [], "data_rows": 0}
            self.tables.append(table)
            self._table_stack.append(table)
        elif tag in ("thead", "tbody", "tfoot") and self._table_stack:
            self._section = tag
        elif tag == "tr" and self._table_stack:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._row.append({"tag": tag, "scope": attributes.get("scope")})

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "tr" and self._row is not None and self._table_stack:
            table = self._table_stack[-1]
            if self._row and all(c["tag"] == "th" for c in self._row):
                table["header_rows"].append(self._row)
            else:
                table["data_rows"] += 1
            self._row = None
        elif tag == "table" and self._table_stack:
            self._table_stack.pop()
            self._section = None

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data


def lint(html: str) -> list[str]:
    """Every accessibility rule the HTML breaks, in plain words (empty when it passes)."""
    found = _Collector()
    found.feed(html)
    found.close()
    problems: list[str] = []
    if not (found.lang or "").strip():
        problems.append("the <html> element has no lang attribute (the document language)")
    if not (found.title or "").strip():
        problems.append("the document has no <title> (the PDF needs one for its title bar)")
    for image in found.images:
        if not (image["alt"] or "").strip():
            problems.append(f"line {image['line']}: the image {image['src']!r} has no alt text")
    for index, message in heading_order([level for level, _ in found.headings], lambda level: f"h{level}"):
        problems.append(f"line {found.headings[index][1]}: {message}")
    if not found.headings:
        problems.append("the document has no headings (it needs an h1 title)")
    for table in found.tables:
        if not table["data_rows"]:
            continue
        if not table["header_rows"]:
            problems.append(f"line {table['line']}: a table has no header row of <th> cells")
        elif any(not cell["scope"] for row in table["header_rows"] for cell in row):
            problems.append(f"line {table['line']}: a table's header cells have no scope attribute")
    return problems
