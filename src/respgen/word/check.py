"""Checks for Word files: a built response against Word's accessibility rules, and an edited template.

``check_docx`` looks for what Word's Accessibility Checker and the office's
reviewers look for: alt text on every picture, a repeating header row on every
table, headings in order, meaningful link text, a title and subject, and en-GB
as the language both in the properties and in the document defaults (which is
what office software reads). It also rejects justified text and capitals-only
styles, which the house style forbids because they are hard to read.

``check_template`` looks at templates/response.docx after the communications
team has edited it in Word: it must open, every tag must be whole and known to
respgen, and every style respgen writes must exist.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from docx.oxml.ns import qn

from respgen.errors import Problem
from respgen.accessibility import heading_order, poor_link_text

_HINT_REBUILD = "Build the document again with 'respgen build'; if this comes back, check the template with 'respgen check-template'."
_PICTURE_FILE = re.compile(r"\.(png|jpe?g|gif|bmp|emf|wmf|svg|tiff?)$", re.IGNORECASE)
_ESCAPED = re.compile(r"&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);")
_HEADING = re.compile(r"^heading ([1-9])$", re.IGNORECASE)
_REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


def _open(path: Path, what: str) -> tuple[object | None, list[Problem]]:
    from docx import Document

    if not path.is_file():
        return None, [Problem("there is no such file", file=path, hint=f"Check the name of the {what}.")]
    try:
        return Document(str(path)), []
    except Exception as exc:  # python-docx raises many kinds for a damaged file
        return None, [
            Problem(
                f"this is not a Word document that can be opened ({type(exc).__name__}: {exc})",
                file=path,
                hint=f"Save the {what} again from Word as a .docx file.",
            )
        ]


def _stories(document) -> list[tuple[str, object]]:
    """(where, XML root) for the body and each header and footer."""
    stories = [("the body", document.element)]
    for rel in document.part.rels.values():
        if rel.reltype == _REL_HEADER:
            stories.append(("a header", rel.target_part.element))
        elif rel.reltype == _REL_FOOTER:
            stories.append(("a footer", rel.target_part.element))
    return stories


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _style_names(document) -> dict[str, str]:
    return {s.style_id: s.name for s in document.styles if s.style_id}


def _on(element) -> bool:
    """Whether a Word on/off property (``<w:b/>``, ``<w:caps w:val="0"/>``) is switched on."""
    return element.get(qn("w:val"), "true").lower() not in ("0", "false", "off")


# --- the built document ----------------------------------------------------------------


def check_docx(path) -> list[Problem]:
    """Every accessibility rule the Word document at ``path`` breaks (empty when it passes)."""
    path = Path(path)
    document, problems = _open(path, "document")
    if document is None:
        return problems

    def fail(message: str, hint: str = _HINT_REBUILD) -> None:
        problems.append(Problem(message, file=path, hint=hint))

    names = _style_names(document)
    stories = _stories(document)

    # Pictures need alt text that says what they show (a file name says nothing).
    for where, root in stories:
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

    # Headings use heading styles, start at level 1 and go down one level at a time.
    levels: list[tuple[int, str]] = []
    for p in body.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = names.get(style.get(qn("w:val")), "") if style is not None else ""
        match = _HEADING.match(name)
        if match:
            levels.append((int(match.group(1)), _text(p)))
    if not levels:
        fail("the document has no headings in heading styles", "Use the Heading 1, Heading 2 and Heading 3 styles for headings.")
    for level, text in levels:
        if not text.strip():
            fail(f"there is an empty Heading {level}", "Remove the empty heading or give it text.")
    for index, message in heading_order([level for level, _ in levels], lambda level: f"Heading {level}"):
        fail(f"{message}: '{levels[index][1]}'", "Use heading levels in order: Heading 1, then Heading 2 inside it.")

    # Links need text that says where they go, and a target.
    rels = document.part.rels
    for where, root in stories:
        for link in root.iter(qn("w:hyperlink")):
            text = _text(link).strip()
            rid = link.get(qn("r:id"))
            target = rels[rid].target_ref if rid in rels and where == "the body" else None
            if rid and where == "the body" and rid not in rels:
                fail(f"the link '{text}' has no target")
            if not text:
                fail(f"a link in {where} has no text", "Give every link text that says where it goes.")
            elif reason := poor_link_text(text, target):
                fail(reason, "Use link text that says where it goes, such as the report's title.")

    # Title, subject and language are what search, screen readers and the archive read.
    props = document.core_properties
    for label, value in (("title", props.title), ("subject", props.subject)):
        if not (value or "").strip():
            fail(f"the document {label} is not set in the properties")
        elif _ESCAPED.search(value):
            fail(f"the document {label} is escaped twice: '{value}'", "Build again with this version of respgen: the properties must be set after rendering.")
    if (props.language or "") != "en-GB":
        fail(f"the document language in the properties is '{props.language or 'not set'}', not en-GB")
    lang = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    default = lang.get(qn("w:val")) if lang is not None else None
    if default != "en-GB":
        fail(f"the default language in the styles is '{default or 'not set'}', not en-GB", "Office software reads the language from the document defaults (w:lang in styles.xml).")

    # The house style: left aligned, no capitals-only text (in the text and in the styles it uses).
    for where, root in [*stories, *_used_styles(document, stories)]:
        for jc in root.iter(qn("w:jc")):
            if jc.get(qn("w:val")) in ("both", "distribute") and jc.getparent().tag == qn("w:pPr"):
                fail(f"text in {where} is justified", "Use left-aligned text: justified text is harder to read.")
                break
        for caps in root.iter(qn("w:caps")):
            if _on(caps):
                fail(f"text in {where} is set in capitals only", "Remove 'All caps' from the style: capitals-only text is harder to read.")
                break
    return problems


def _used_styles(document, stories) -> list[tuple[str, object]]:
    """(where, XML) of each style the document's text uses, the styles they are based on included."""
    styles = {s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))}
    wanted = {sid for sid, s in styles.items() if s.get(qn("w:default")) in ("1", "true")}
    for _, root in stories:
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
    names = _style_names(document)
    return found + [(f"the style '{names.get(sid, sid)}'", seen[sid]) for sid in sorted(seen)]


# --- the template ---------------------------------------------------------------------

_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
_SPACED = re.compile(r"\{\s+[{%#]|[}%#]\s+\}")


def check_template(path) -> list[Problem]:
    """Every problem in the Word template at ``path`` that would break or spoil a build."""
    from respgen.word import document as word

    path = Path(path)
    document, problems = _open(path, "template")
    if document is None:
        return problems

    def fail(message: str, hint: str | None = None, severity: str = "error") -> None:
        problems.append(Problem(message, file=path, hint=hint, severity=severity))

    # The styles respgen writes by name.
    names = _style_names(document)
    present = set(names.values())
    for name in word.REQUIRED_STYLES:
        if name not in present:
            fail(f"the template has no style named '{name}'", "Add the style in Word (Styles pane, New Style) with exactly this name; respgen puts text in it.")
    used = set()
    for _, root in _stories(document):
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(e.get(qn("w:val")) for e in root.iter(qn(tag)))
    for style_id in sorted(used - set(names)):
        fail(f"the template uses a style '{style_id}' that it does not define", "Apply an existing style to that text in Word.")
    for name in ("List Bullet", "List Number"):
        if name in present and document.styles[name].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is None:
            fail(f"the style '{name}' has no bullets or numbers attached", "In Word: modify the style, Format, Numbering, and choose a list format.", "warning")

    # Pictures the communications team put into the template need alt text too.
    for where, root in _stories(document):
        for doc_pr in root.iter(qn("wp:docPr")):
            if not (doc_pr.get("descr") or "").strip():
                fail(f"the picture '{doc_pr.get('name') or ''}' in {where} of the template has no alt text", "In Word: right-click the picture, Edit Alt Text.")

    # Tags must be whole within one paragraph, as Word shows them.
    broken = False
    for where, root in _stories(document):
        for p in root.iter(qn("w:p")):
            text = _text(p)
            message = _broken_tag(text)
            if message:
                broken = True
                fail(f"{message} in {where}, in the paragraph: \"{_short(text)}\"", "Retype the whole tag in one go, with both brackets, e.g. {{ title }} or {%p if draft %}.")
            elif re.search(r"\{%(p|tr|tc|r)\s", text) and _TAG.sub("", re.sub(r"\{%.*?%\}", "", text)).strip():
                fail(f"the text beside a {{%p %}} or {{%tr %}} tag is dropped when respgen fills in the template, in {where}: \"{_short(text)}\"", "Put such tags alone in their own paragraph.", "warning")
    if broken:
        return problems

    problems.extend(_jinja_problems(document, path))
    if not any(p.is_error for p in problems):
        problems.extend(_trial_render(path))
    return problems


def _broken_tag(text: str) -> str | None:
    spaced = _SPACED.search(text)
    if spaced:
        return f"a tag has a space between its brackets ('{spaced.group(0)}')"
    expected = None
    for match in _TAG.finditer(text):
        token = match.group(0)
        if token in _CLOSER:
            if expected:
                return f"the tag before '{token}' is not closed"
            expected = _CLOSER[token]
        elif token != expected:
            return f"'{token}' closes a tag that was never opened (Word may have split or broken it)"
        else:
            expected = None
    if expected:
        return f"a tag is not closed with '{expected}' in the same paragraph (Word may have split it across paragraphs)"
    return None


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jinja_problems(document, path: Path) -> list[Problem]:
    from jinja2 import Environment, TemplateSyntaxError, meta

    from respgen.word import document as word

    env = Environment()
    problems: list[Problem] = []
    variables: dict[str, str] = {}
    for where, xml in word.tag_sources(_stories(document)):
        try:
            parsed = env.parse(xml)
        except TemplateSyntaxError as exc:
            lines = xml.splitlines()
            around = lines[exc.lineno - 1] if exc.lineno and exc.lineno <= len(lines) else ""
            problems.append(
                Problem(
                    f"a tag in {where} is broken ({exc.message}), near the paragraph: \"{_short(re.sub(r'<[^>]+>', '', around))}\"",
                    file=path,
                    hint="Every {%p if %} needs an {%p endif %} and every {%p for %} an {%p endfor %}; check the spelling inside the tags.",
                )
            )
            continue
        for name in meta.find_undeclared_variables(parsed):
            for line in xml.splitlines():
                if re.search(r"[{%][^}%]*\b" + re.escape(name) + r"\b", line):
                    variables.setdefault(name, re.sub(r"<[^>]+>", "", line))
                    break
            variables.setdefault(name, "")
    for prop in ("title", "subject", "author", "comments", "keywords", "category"):
        value = getattr(document.core_properties, prop) or ""
        try:
            env.parse(value)
        except TemplateSyntaxError:
            problems.append(
                Problem(
                    f"the document property '{prop}' contains curly-bracket tags that cannot be read: \"{_short(value)}\"",
                    file=path,
                    hint="In Word: File, Info, Properties; remove the {{ }} or {% %} from it.",
                )
            )
    for name in sorted(set(variables) - word.VARIABLES):
        guess = difflib.get_close_matches(name, sorted(word.VARIABLES), n=1)
        where = f", in the paragraph: \"{_short(variables[name])}\"" if variables[name] else ""
        problems.append(
            Problem(
                f"the template uses '{name}', which respgen does not supply{where}",
                file=path,
                hint=(f"Did you mean '{guess[0]}'? " if guess else "")
                + "The names respgen supplies are: " + ", ".join(sorted(word.VARIABLES)) + ".",
            )
        )
    return problems


def _trial_render(path: Path) -> list[Problem]:
    """Fill the template with a sample response, so misspelt fields (section.hedding) show up too."""
    from jinja2 import Environment, StrictUndefined

    from respgen.word import document as word
    from respgen.errors import RespgenError

    try:
        word.render_with(path, _sample_letter(), jinja_env=Environment(undefined=StrictUndefined))
    except RespgenError as exc:
        return [
            Problem(p.message, file=path, hint="Check the spelling of the names inside the tags, e.g. {{ section.heading }}.")
            for p in exc.problems
        ]
    return []


def _sample_letter():
    """A response that uses every section, for the trial fill."""
    import datetime as dt

    from respgen.letter import view
    from respgen.reading.model import Office, Response

    item = {
        "ref": "1", "text": "A recommendation with a [link](https://example.org/).", "addressed_to": "Chief constables",
        "response": "- done\n- to do", "owner": "Owner", "due": dt.date(2024, 1, 31), "progress": "in progress",
    }  # fmt: skip
    findings = {"summary": "Summary.", "items": [item, {**item, "ref": "2", "applies": False}]}
    response = Response.model_validate(
        {
            "inspection": {"title": "Sample", "published": dt.date(2023, 1, 10), "type": "National", "url": "https://example.org/"},
            "date": dt.date(2023, 2, 1),
            "status": "draft",
            "key_findings": {"summary": "Found:", "points": ["one", "two"]},
            "recommendations": findings,
            "areas_for_improvement": findings,
            "causes_of_concern": findings,
            "response": {"commissioner": "Comments.\n\n1. first\n2. second", "chief_constable": "> Quoted."},
        }
    )
    person = {"name": "Name", "title": "Title"}
    office = Office.model_validate(
        {
            "name": "Office", "force": "Force", "commissioner": person, "chief_constable": person,
            "address": ["Street", "Town"], "recipients": [{"name": "Name", "role": "Role", "address": ["Line"]}],
        }
    )  # fmt: skip
    return view.letter(response, office, Path("."))
