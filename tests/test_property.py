"""Whole responses with arbitrary Unicode in every text field.

Whatever the officer types, the build either succeeds, with a Word document
python-docx reopens and a PDF pikepdf opens, each holding the text as typed,
or fails with a message naming the file and the line. Never a traceback,
never a broken file.

Two layers keep the cost down: many cheap examples read, check and lay out
the response (no rendering), and fewer examples run the full build.

    RESPGEN_PROPERTY_EXAMPLES   cheap examples (default 300)
    RESPGEN_PROPERTY_BUILDS     full builds (default 40)

For a long run: RESPGEN_PROPERTY_EXAMPLES=5000 RESPGEN_PROPERTY_BUILDS=500 ./dev test tests/test_property.py
"""

from __future__ import annotations

import datetime as dt
import io
import os
import string
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import copy_project
from test_catalogue import comparable, docx_text, pdf_texts

pytestmark = pytest.mark.slow  # the command in its own process, LibreOffice or Hypothesis

CHEAP = int(os.environ.get("RESPGEN_PROPERTY_EXAMPLES", "300"))
BUILDS = int(os.environ.get("RESPGEN_PROPERTY_BUILDS", "40"))

# Plain-text fields take any character at all. Rich-text fields are Markdown, where ASCII
# punctuation means something (and the catalogue tests it); here they take everything else.
# Control characters and lone surrogates are refused (the catalogue has each); one example in
# eight gets one, so that most examples go on to be built.
_typed = st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\t\n"))
_refused = st.one_of(st.characters(whitelist_categories=("Cc",)), st.sampled_from(["\ud800", "\udfff", "\ud83d", "\ufffe"]))
plain = st.text(_typed, min_size=1, max_size=40)
rich = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=string.punctuation + string.digits)
    | st.sampled_from("\n"),
    min_size=1,
    max_size=80,
)

PLAIN_FIELDS = ("title", "type", "ref", "addressed_to", "owner")


@st.composite
def responses(draw) -> dict:
    items = [
        {
            "ref": draw(plain),
            "text": draw(rich),
            "addressed_to": draw(plain),
            "applies": draw(st.booleans()),
            "response": draw(rich),
            "owner": draw(plain),
            "due": dt.date(2021, 3, 31),
            "progress": "in progress",
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    data = {
        "inspection": {"title": draw(plain), "published": dt.date(2020, 1, 10), "type": draw(plain)},
        "date": dt.date(2020, 2, 20),
        # Mostly drafts: arbitrary Unicode nearly always holds a character no font here can draw,
        # which is an error in a final response (a warning in a draft), and the point is to build.
        "status": draw(st.sampled_from(["draft", "draft", "draft", "final"])),
        "key_findings": {"summary": draw(rich), "points": draw(st.lists(rich, max_size=3))},
        "recommendations": {"summary": draw(rich), "items": items},
        "response": {"commissioner": draw(rich), "chief_constable": draw(rich)},
    }
    if draw(st.integers(0, 7)) == 0:
        places = [(data["inspection"], "title"), (data["inspection"], "type"), (data["response"], "commissioner")]
        places += [(item, key) for item in items for key in ("ref", "owner", "text")]
        where, key = draw(st.sampled_from(places))
        text = where[key]
        at = draw(st.integers(0, len(text)))
        where[key] = text[:at] + draw(_refused) + text[at:]
    return data


def write(path: Path, data: dict) -> None:
    # safe_dump writes what a file cannot hold raw (control characters, lone surrogates) as escapes.
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")


def fields(data: dict) -> list[tuple[str, str]]:
    """(kind, text) of every text field: kind is 'plain' or 'rich'."""
    found = [("plain", data["inspection"]["title"]), ("plain", data["inspection"]["type"])]
    found += [("rich", data["key_findings"]["summary"])] + [("rich", p) for p in data["key_findings"]["points"]]
    found += [("rich", data["recommendations"]["summary"])]
    for item in data["recommendations"]["items"]:
        found += [("plain", item["ref"]), ("rich", item["text"]), ("plain", item["addressed_to"])]
        found += [("rich", item["response"]), ("plain", item["owner"])]
    found += [("rich", data["response"]["commissioner"]), ("rich", data["response"]["chief_constable"])]
    return found


def assert_clear_failure(error, path: Path) -> None:
    """A refusal names the response file and a line, in words."""
    assert error.problems
    for problem in error.problems:
        assert str(problem.file).endswith(path.name), str(problem)
        assert problem.line is not None, str(problem)
        assert "Traceback" not in str(problem)


def _bidi_or_combining(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL", "AN", "RLE", "RLO", "RLI") or unicodedata.combining(c) for c in text)


def _in_pdf(text: str, extracted: list[str]) -> bool:
    wanted = comparable(text)
    if not wanted:
        return True
    if any(wanted in page for page in extracted):
        return True
    if _bidi_or_combining(text):
        # Right-to-left runs and combining marks may be extracted reordered: every character must be there.
        need = Counter(wanted)
        return any(not (need - Counter(page)) for page in extracted)
    return False


# --- cheap: read, check and lay out ----------------------------------------------------------


@settings(max_examples=CHEAP, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=responses())
def test_read_and_lay_out_any_text(tmp_path, data):
    from respgen.errors import RespgenError
    from respgen.letter import markup, view
    from respgen.reading.source import read_office, read_response

    path = tmp_path / "response.yaml"
    write(path, data)
    try:
        source = read_response(path)
    except RespgenError as error:
        assert_clear_failure(error, path)
        event("refused")
        return
    event("read")
    letter = view.letter(source.response, read_office(Path(__file__).resolve().parent.parent / "templates" / "office.yaml"), Path("templates"))
    shown = comparable(
        "\n".join(
            [letter.title, *(d.value for d in letter.details), markup.plain(letter.key_findings)]
            + [markup.plain(p) for p in letter.key_points]
            + [markup.plain(s.summary) for s in letter.findings]
            + [f"{r.ref}{markup.plain(r.text)}{r.addressed_to}{markup.plain(r.response)}{r.owner}" for s in letter.findings for r in s.rows]
            + [markup.plain(c.body) for c in letter.comments + letter.submitted]
        )
    )
    for kind, text in fields(data):
        assert comparable(text) in shown, f"{kind} text {text!r} was changed on the way to the letter"


# --- full builds --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from respgen.project import Project

    root = copy_project(tmp_path_factory.mktemp("property") / "office")
    for example in (root / "responses").glob("*.yaml"):
        example.unlink()
    return Project(root)


@settings(max_examples=BUILDS, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=responses())
def test_build_any_text(project, data):
    import docx
    import pikepdf

    from respgen.build.one import build_one
    from respgen.errors import RespgenError

    path = project.responses / "generated.yaml"
    write(path, data)
    outputs = project.outputs_for(path)
    for output in outputs.values():
        output.unlink(missing_ok=True)
    try:
        build_one(project, path)
    except RespgenError as error:
        assert_clear_failure(error, path)
        assert not any(o.exists() for o in outputs.values()), "a failed build wrote a document"
        event("refused")
        return
    event("built")
    # The Word document: every part is well-formed XML and python-docx reopens it.
    with zipfile.ZipFile(outputs["docx"]) as archive:
        assert archive.testzip() is None
        from lxml import etree

        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(archive.read(name))
    docx.Document(io.BytesIO(outputs["docx"].read_bytes()))
    with pikepdf.open(outputs["pdf"]) as pdf:
        assert len(pdf.pages) >= 1
    word = comparable(docx_text(outputs["docx"]))
    printed = [comparable(text) for text in pdf_texts(outputs["pdf"])]
    for kind, text in fields(data):
        assert comparable(text) in word, f"{kind} text {text!r} is not in the Word document as typed"
        assert _in_pdf(text, printed), f"{kind} text {text!r} is not in the PDF as typed"
