"""Checks a built Word document against Word's accessibility rules.

``check_docx`` looks for what Word's Accessibility Checker and the office's
reviewers look for: alt text on every picture, a repeating header row on every
table, headings in order, meaningful link text, a title and subject, and the
language, declared alike in the properties and in the document defaults (which
is what office software reads) and true of each passage. It also rejects justified text and capitals-only
styles, which the house style forbids because they are hard to read.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from respgen.accessibility import (
    edition_language,
    guess_language,
    heading_order,
    is_language_tag,
    is_web_address,
    poor_link_text,
    primary_language,
)
from respgen.errors import Problem, visible
from respgen.word.parts import open_document, stories, style_names, text_of

_HINT_REBUILD = "Build the document again with 'respgen build'; if this comes back, check the template with 'respgen check-template'."
_PICTURE_FILE = re.compile(r"\.(png|jpe?g|gif|bmp|emf|wmf|svg|tiff?)$", re.IGNORECASE)
_ESCAPED = re.compile(r"&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);")
_HEADING = re.compile(r"^heading ([1-9])$", re.IGNORECASE)
_HARM = "Opening it or clicking could reach outside the document: ask for it again from whoever sent it."


def _on(element) -> bool:
    """Whether a Word on/off property (``<w:b/>``, ``<w:caps w:val="0"/>``) is switched on."""
    return element.get(qn("w:val"), "true").lower() not in ("0", "false", "off")


# --- the built document ----------------------------------------------------------------


def _check_language(document, path: Path, declared: str, fail) -> None:
    """The language is declared, in the properties and the defaults alike, and every passage is in the one it is marked in."""
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    default = lang.get(qn("w:val")) if lang is not None else None
    if not is_language_tag(declared):
        fail(f"the document language in the properties is '{visible(declared) or 'not set'}', not a language tag such as en-GB or cy-GB")
    if not is_language_tag(default):
        fail(f"the default language in the styles is '{visible(default or '') or 'not set'}', not a language tag such as en-GB or cy-GB",
             "Office software reads the language from the document defaults (w:lang in styles.xml).")
        return
    assert default is not None
    if is_language_tag(declared) and primary_language(declared) != primary_language(default):
        fail(f"the properties say the document is in '{declared}' but its text defaults to '{default}'")
    named = edition_language(path)
    if named and named != primary_language(default):
        fail(f"the file's name says it is the {named} edition, but its language is '{default}'",
             "Build it again with 'respgen build', or rename it after the language it is in.")
    # A passage of a sentence or more in one language, marked (or left) as another, is read in the wrong voice.
    for paragraph in document.element.body.iter(qn("w:p")):
        runs = [(text_of(run), run.find(f"{qn('w:rPr')}/{qn('w:lang')}")) for run in paragraph.iter(qn("w:r"))]
        text = "".join(words for words, _ in runs)
        guessed = guess_language(text)
        if guessed is None:
            continue
        weight: dict[str, int] = {}
        for words, marked in runs:
            tag = (marked.get(qn("w:val")) or marked.get(qn("w:bidi"))) if marked is not None else None
            weight[primary_language(tag or default)] = weight.get(primary_language(tag or default), 0) + len(words)
        marked_as = max(weight, key=lambda code: weight[code])
        if marked_as != guessed:
            shown = " ".join(text.split()[:8])
            fail(f"a passage reads as {guessed} but is marked as {marked_as} ('{visible(shown)} …'), so a screen reader reads it in the wrong voice",
                 "Mark the passage with its language: [text]{lang=" + guessed + "} in the response file.")
            break



def check_docx(path) -> list[Problem]:
    """Every accessibility rule the Word document at ``path`` breaks (empty when it passes)."""
    path = Path(path)
    document, problems = open_document(path, "document")
    if document is None:
        return problems

    def fail(message: str, hint: str = _HINT_REBUILD) -> None:
        problems.append(Problem(message, file=path, hint=hint))

    names = style_names(document)
    parts = stories(document)

    # Pictures need alt text that says what they show (a file name says nothing).
    for where, root in parts:
        for doc_pr in root.iter(qn("wp:docPr")):
            alt = (doc_pr.get("descr") or "").strip()
            label = doc_pr.get("name") or "a picture"
            if not alt:
                fail(f"the picture '{label}' in {where} has no alt text", "Give the picture alt text (office.yaml: logo/signature 'alt:'; in Word: right-click, Edit Alt Text).")
            elif _PICTURE_FILE.search(alt):
                fail(f"the alt text of the picture '{label}' in {where} is a file name ('{alt}')", "Describe what the picture shows instead.")

    # Tables need a header row that repeats on each page.
    body = document.element.body
    for number, tbl in enumerate(body.iter(qn("w:tbl")), start=1):
        first = tbl.find(qn("w:tr"))
        header = first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") if first is not None else None
        if header is None or not _on(header):
            fail(f"table {number} does not mark its first row as a header row", "In Word: select the first row, Table Properties, Row, 'Repeat as header row at the top of each page'.")
        rows = [tr.findall(qn("w:tc")) for tr in tbl.findall(qn("w:tr"))]
        if rows and len({len(cells) for cells in rows}) == 1:  # a plain grid: its columns can be told apart
            blank = [i + 1 for i in range(len(rows[0])) if all(not text_of(cells[i]).strip() and cells[i].find(".//" + qn("w:drawing")) is None for cells in rows)]
            if blank:
                fail(f"table {number} has a column with nothing in any row (column {', '.join(map(str, blank))})",
                     "Word's accessibility checker flags blank columns, and a reader gains nothing from one: delete the column.")  # fmt: skip

    # A passage marked in another language names it with a language tag.
    for lang in body.iter(qn("w:lang")):
        for attribute in ("w:val", "w:bidi", "w:eastAsia"):
            value = lang.get(qn(attribute))
            if value is not None and not is_language_tag(value):
                fail(f"a passage's language '{visible(value)}' is not a language tag (such as cy-GB)")

    # Headings use heading styles, start at level 1 and go down one level at a time.
    levels: list[tuple[int, str]] = []
    for p in body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = names.get(style.get(qn("w:val")), "") if style is not None else ""
        match = _HEADING.match(name)
        if match:
            levels.append((int(match.group(1)), text_of(p)))
    if not levels:
        fail("the document has no headings in heading styles", "Use the Heading 1, Heading 2 and Heading 3 styles for headings.")
    for level, text in levels:
        if not text.strip():
            fail(f"there is an empty Heading {level}", "Remove the empty heading or give it text.")
    for index, message in heading_order([level for level, _ in levels], lambda level: f"Heading {level}"):
        fail(f"{message}: '{levels[index][1]}'", "Use heading levels in order: Heading 1, then Heading 2 inside it.")

    # Links need text that says where they go, and a target.
    rels = document.part.rels
    for where, root in parts:
        for link in root.iter(qn("w:hyperlink")):
            text = text_of(link).strip()
            rid = link.get(qn("r:id"))
            target = rels[rid].target_ref if rid in rels and where == "the body" else None
            if rid and where == "the body" and rid not in rels:
                fail(f"the link '{text}' has no target")
            if not text:
                fail(f"a link in {where} has no text", "Give every link text that says where it goes.")
            elif reason := poor_link_text(text, target):
                fail(reason, "Use link text that says where it goes, such as the report's title.")

    # Nothing outside the document: links go to web pages, and no part is fetched from elsewhere.
    for rel in (r for part in document.part.package.iter_parts() for r in part.rels.values()):
        if not rel.is_external:
            continue
        target = rel.target_ref
        if rel.reltype == RT.HYPERLINK:
            if not is_web_address(target, mail=True):
                fail(f"a link goes to '{visible(target)[:80]}', which is not a web page", _HARM)
        else:
            kind = rel.reltype.rsplit("/", 1)[-1]
            fail(f"the document fetches its {kind} from outside itself ('{visible(target)[:80]}')", _HARM)

    # What the file says made it, and its statistics, must be true of it: a template's stale copy is not.
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            app = part.blob.decode("utf-8", "replace")
            template = re.search(r"<Template>([^<]*)</Template>", app)
            if template and template.group(1).strip():
                fail(f"the document properties name a template it was not made from ('{visible(template.group(1))[:60]}')",
                     "Build it again with 'respgen build': respgen writes true properties.")  # fmt: skip
            words = re.search(r"<Words>(\d+)</Words>", app)
            if words and int(words.group(1)) == 0 and text_of(document.element).strip():
                fail("the document properties say it has no words (statistics copied from a template)",
                     "Build it again with 'respgen build': respgen writes true properties.")  # fmt: skip

    # Title, subject and language are what search, screen readers and the archive read.
    props = document.core_properties
    for label, value in (("title", props.title), ("subject", props.subject)):
        if not (value or "").strip():
            fail(f"the document {label} is not set in the properties")
        elif _ESCAPED.search(value):
            fail(f"the document {label} is escaped twice: '{value}'", "Build again with this version of respgen: the properties must be set after rendering.")
    _check_language(document, path, props.language or "", fail)

    # The house style: left aligned, no capitals-only text (in the text and in the styles it uses).
    for where, root in [*parts, *_used_styles(document, parts)]:
        for jc in root.iter(qn("w:jc")):
            if jc.get(qn("w:val")) in ("both", "distribute") and jc.getparent().tag == qn("w:pPr"):
                fail(f"text in {where} is justified", "Use left-aligned text: justified text is harder to read.")
                break
        for caps in root.iter(qn("w:caps")):
            if _on(caps):
                fail(f"text in {where} is set in capitals only", "Remove 'All caps' from the style: capitals-only text is harder to read.")
                break
    return problems


def _used_styles(document, parts) -> list[tuple[str, object]]:
    """(where, XML) of each style the document's text uses, the styles they are based on included."""
    styles = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}
    wanted = {sid for sid, s in styles.items() if s.get(qn("w:default")) in ("1", "true")}
    for _, root in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            wanted.update(e.get(qn("w:val")) for e in root.iter(qn(tag)))
    seen: dict[str, object] = {}
    while wanted:
        sid = wanted.pop()
        if sid in seen or sid not in styles:
            continue
        seen[sid] = styles[sid]
        for link in ("w:basedOn", "w:link"):
            based = styles[sid].find(qn(link))
            if based is not None:
                wanted.add(based.get(qn("w:val")))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    found = [("the document defaults", defaults)] if defaults is not None else []
    names = style_names(document)
    return found + [(f"the style '{names.get(sid, sid)}'", seen[sid]) for sid in sorted(seen)]
