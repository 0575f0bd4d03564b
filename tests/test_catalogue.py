"""The catalogue of bad input (tests/catalogue/): every case answered as its .expected file says.

Every case goes through the real ``respgen build`` command, as an officer
would run it: a non-zero exit, a message naming the file and the line, no
Python traceback, the other responses still built and earlier documents
left exactly as they were. See tests/catalogue/README.md for adding a case.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import copy_project

pytestmark = pytest.mark.slow  # the command in its own process, LibreOffice or Hypothesis

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE / "catalogue"
RESPONSE_GROUPS = ("yaml", "contract", "content")
RESPGEN = Path(sys.executable).with_name("respgen")
EARLIER = b"an earlier, good document that a failed build must not touch\n"


# --- reading the catalogue ------------------------------------------------------------------


@dataclass
class Expected:
    outcome: str = "error"
    file: str | None = None
    line: str | None = None
    column: str | None = None
    messages: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)
    known_bug: str | None = None


def read_expected(path: Path) -> Expected:
    expected = Expected()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, _, value = raw.partition(": ")
        key = key.strip().rstrip(":")
        if key == "message":
            expected.messages.append(value)
        elif key == "literal":
            expected.literals.append(value)
        elif key in ("outcome", "file", "line", "column"):
            setattr(expected, key, value.strip())
        elif key == "known-bug":
            expected.known_bug = value
        else:
            raise ValueError(f"{path}: unknown key {key!r}")
    assert expected.outcome in ("error", "warning", "builds"), path
    return expected


def response_cases() -> list[tuple[str, str]]:
    return [(group, p.stem) for group in RESPONSE_GROUPS for p in sorted((CATALOGUE / group).glob("*.yaml"))]


def file_cases(group: str) -> list[str]:
    return sorted(p.stem for p in (CATALOGUE / group).glob("*.expected"))


# --- running respgen and reading its messages ------------------------------------------------

_HEAD = re.compile(r"^(?P<file>[^\s].*?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?: (?P<severity>error|warning): (?P<message>.*)$")


@dataclass
class Message:
    file: str
    line: str | None
    column: str | None
    severity: str
    text: str  # the message and its hint


def messages(stderr: str) -> list[Message]:
    found: list[Message] = []
    for line in stderr.splitlines():
        head = _HEAD.match(line)
        if head:
            found.append(Message(head["file"], head["line"], head["column"], head["severity"], head["message"]))
        elif found and line.startswith(" "):
            found[-1].text += " " + line.strip()
    return found


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.pop("RESPGEN_DEBUG", None)
    return subprocess.run(
        [str(RESPGEN), "build", *args], cwd=root, capture_output=True, text=True, timeout=600, env=env
    )


def assert_no_crash(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert "respgen failed while building" not in output, output


def _same_file(shown: str, file: str) -> bool:
    # Files in the project may be shown relative to it or in full.
    return shown == file or shown.endswith("/" + file)


def assert_message(found: list[Message], expected: Expected, file: str, severity: str, output: str) -> None:
    candidates = [m for m in found if _same_file(m.file, file) and m.severity == severity]
    assert candidates, f"no {severity} naming {file}:\n{output}"

    def matches(m: Message) -> bool:
        if expected.line == "any" and m.line is None:
            return False
        if expected.line not in (None, "any") and m.line != expected.line:
            return False
        if expected.column is not None and m.column != expected.column:
            return False
        return all(part.lower() in m.text.lower() for part in expected.messages)

    assert any(matches(m) for m in candidates), (
        f"expected a {severity} at {file}:{expected.line}:{expected.column} containing {expected.messages};"
        f" got:\n" + "\n".join(f"{m.file}:{m.line}:{m.column}: {m.text}" for m in candidates)
    )


# --- the text a reader sees in each document ------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """Every paragraph of the Word document (body, tables, headers, footers), via python-docx."""
    import docx

    document = docx.Document(str(path))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
    lines = []
    for part in parts:
        for paragraph in part.iter(f"{_W}p"):
            text = []
            for element in paragraph.iter():
                if element.tag == f"{_W}t":
                    text.append(element.text or "")
                elif element.tag == f"{_W}tab":
                    text.append("\t")
                elif element.tag in (f"{_W}br", f"{_W}cr"):
                    text.append("\n")
            lines.append("".join(text))
    return "\n".join(lines)


def pdf_texts(path: Path) -> list[str]:
    """The PDF's text as three extractors read it.

    Each guesses the reading order in its own way: pdfminer keeps a table cell's
    lines together and a hyphen at a line end, but gives right-to-left text in
    visual order; poppler's pdftotext gives right-to-left text in logical order
    but drops a hyphen at a line end and can interleave table columns. A text is
    in the PDF if one of them finds it.
    """
    from pdfminer.high_level import extract_text

    texts = [extract_text(str(path))]
    for mode in ([], ["-raw"]):
        texts.append(
            subprocess.run(
                ["pdftotext", *mode, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    return texts


# Unicode's "default ignorable" code points: never drawn, so a PDF's text need not hold them.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Cf" or any(low <= code <= high for low, high in _IGNORABLE)


def comparable(text: str) -> str:
    """Text with the differences that line-wrapping makes removed: no spaces or line breaks, and no
    invisible characters (a joiner between emoji, the direction marks around right-to-left text)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if not c.isspace() and not _invisible(c))


def assert_documents(root: Path, stem: str, literals: list[str]) -> None:
    import pikepdf

    docx_path, pdf_path = root / "output" / f"{stem}.docx", root / "output" / f"{stem}.pdf"
    assert docx_path.is_file() and pdf_path.is_file(), f"{stem} was not built"
    with pikepdf.open(pdf_path) as pdf:
        assert len(pdf.pages) >= 1
    word, printed = comparable(docx_text(docx_path)), [comparable(text) for text in pdf_texts(pdf_path)]
    for literal in literals:
        assert comparable(literal) in word, f"{literal!r} is not in {docx_path.name} as typed"
        assert any(comparable(literal) in text for text in printed), f"{literal!r} is not in {pdf_path.name} as typed"


# --- response files: all cases built together, beside the good examples ---------------------


@pytest.fixture(scope="module")
def catalogue_run(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("catalogue") / "office")
    examples = [p.stem for p in (root / "responses").glob("*.yaml")]
    for group, name in response_cases():
        shutil.copyfile(CATALOGUE / group / f"{name}.yaml", root / "responses" / f"{group}--{name}.yaml")
        if read_expected(CATALOGUE / group / f"{name}.expected").outcome == "error":
            # Documents from an earlier, good version of this response: a failed build must keep them.
            for suffix in (".docx", ".pdf"):
                (root / "output" / f"{group}--{name}{suffix}").write_bytes(EARLIER)
    result = run_build(root)
    return root, examples, result, messages(result.stderr)


def test_catalogue_build_fails_as_a_whole_but_builds_the_good_responses(catalogue_run):
    root, examples, result, _ = catalogue_run
    assert_no_crash(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "could not be built" in result.stderr
    for stem in examples:
        assert_documents(root, stem, [])


@pytest.mark.parametrize("group,name", response_cases(), ids=[f"{g}/{n}" for g, n in response_cases()])
def test_response_case(catalogue_run, group, name):
    expected = read_expected(CATALOGUE / group / f"{name}.expected")
    try:
        _check_response_case(catalogue_run, expected, f"{group}--{name}")
    except AssertionError as exc:
        if expected.known_bug:
            pytest.xfail(f"known bug: {expected.known_bug} ({exc})")
        raise
    if expected.known_bug:
        pytest.fail(f"the known bug is fixed: remove 'known-bug:' from {group}/{name}.expected")


def _check_response_case(catalogue_run, expected: Expected, stem: str) -> None:
    root, _, result, found = catalogue_run
    file = expected.file or f"responses/{stem}.yaml"
    output = result.stdout + result.stderr
    if expected.outcome == "error":
        assert_message(found, expected, file, "error", output)
        for suffix in (".docx", ".pdf"):
            assert (root / "output" / f"{stem}{suffix}").read_bytes() == EARLIER, f"{stem}{suffix} was overwritten"
        assert not list((root / "output").glob(f".{stem}*")), "a temporary file was left behind"
    else:
        if expected.outcome == "warning":
            assert_message(found, expected, file, "warning", output)
        assert not [m for m in found if _same_file(m.file, file) and m.severity == "error"], output
        assert_documents(root, stem, expected.literals)


# --- office files and templates: each case in its own copy of the project -------------------


def _earlier_outputs(root: Path) -> dict[Path, bytes]:
    written = {}
    for response in (root / "responses").glob("*.yaml"):
        for suffix in (".docx", ".pdf"):
            target = root / "output" / f"{response.stem}{suffix}"
            target.write_bytes(EARLIER)
            written[target] = EARLIER
    return written


def _check_file_case(root: Path, expected: Expected) -> None:
    earlier = _earlier_outputs(root)
    result = run_build(root, "--jobs", "1")  # one process: these fail before any rendering
    output = result.stdout + result.stderr
    assert_no_crash(result)
    assert result.returncode == 1, output
    assert_message(messages(result.stderr), expected, expected.file, "error", output)
    for path, data in earlier.items():
        assert path.read_bytes() == data, f"{path.name} was overwritten"


@pytest.mark.parametrize("name", file_cases("office"))
def test_office_case(tmp_path, name):
    root = copy_project(tmp_path / "office")
    shutil.copyfile(CATALOGUE / "office" / f"{name}.yaml", root / "templates" / "office.yaml")
    _check_file_case(root, read_expected(CATALOGUE / "office" / f"{name}.expected"))


@pytest.mark.parametrize("name", file_cases("templates"))
def test_templates_case(tmp_path, name):
    root = copy_project(tmp_path / "office")
    case = CATALOGUE / "templates" / name
    removals = case / "remove.txt"
    if removals.exists():
        for line in removals.read_text().split():
            (root / "templates" / line).unlink()
    for source in case.iterdir():
        if source.name != "remove.txt":
            shutil.copyfile(source, root / "templates" / source.name)
    _check_file_case(root, read_expected(CATALOGUE / "templates" / f"{name}.expected"))


# --- cases made from the real template, so they follow it as it changes --------------------


def _rewrite_docx(path: Path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            archive.writestr(info, data)


def test_word_template_with_a_broken_tag(tmp_path):
    root = copy_project(tmp_path / "office")

    def break_first_tag(xml: str) -> str:
        # "{{ x }}" becomes "{{ x }", as when a brace is deleted while editing in Word
        assert "}}" in xml, "the template has no {{ }} tag to break"
        return xml.replace("}}", "}", 1)

    _rewrite_docx(root / "templates" / "response.docx", break_first_tag)
    expected = Expected(file="templates/response.docx", messages=["a tag is not closed with '}}'", "in the paragraph", "retype the whole tag"])
    _check_file_case(root, expected)


def test_word_template_without_a_body(tmp_path):
    root = copy_project(tmp_path / "office")
    with zipfile.ZipFile(root / "templates" / "response.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    _check_file_case(root, Expected(file="templates/response.docx", messages=["not a Word document", "word/document.xml"]))


def test_pdf_template_with_a_broken_tag(tmp_path):
    root = copy_project(tmp_path / "office")
    html = root / "templates" / "response.html"
    text = html.read_text(encoding="utf-8")
    assert "{%" in text
    lines = text.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if "%}" in line)
    lines[number] = lines[number].replace("%}", "%", 1)
    html.write_text("".join(lines), encoding="utf-8")
    _check_file_case(root, Expected(file="templates/response.html", line="any", messages=["a tag in the PDF template is broken"]))


def test_output_is_a_file_not_a_folder(tmp_path):
    root = copy_project(tmp_path / "office")
    shutil.rmtree(root / "output")
    (root / "output").write_text("not a folder")
    result = run_build(root)
    assert_no_crash(result)
    assert result.returncode == 1
    assert "output" in result.stderr and "cannot" in result.stderr.lower(), result.stderr
    assert (root / "output").read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only folder")
def test_output_folder_read_only(tmp_path):
    root = copy_project(tmp_path / "office")
    earlier = _earlier_outputs(root)
    (root / "output").chmod(0o555)
    try:
        result = run_build(root)
    finally:
        (root / "output").chmod(0o755)
    assert_no_crash(result)
    assert result.returncode == 1
    assert "cannot write" in result.stderr, result.stderr
    assert all(path.read_bytes() == data for path, data in earlier.items())


# --- output/ that cannot be written: simulated, since a test cannot fill a disk or lock a file -----


def _build_with_failing(monkeypatch, tmp_path, name: str, error: OSError):
    import respgen.files
    from respgen.build.one import build_one
    from respgen.errors import RespgenError
    from respgen.project import Project

    root = copy_project(tmp_path / "office")
    earlier = _earlier_outputs(root)
    real = getattr(respgen.files.os, name)
    calls = []

    def failing(*args, **kwargs):
        if name == "fsync" and not calls:
            calls.append(args)
            raise error
        if name == "replace":
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(respgen.files.os, name, failing)
    response = sorted((root / "responses").glob("*.yaml"))[0]
    with pytest.raises(RespgenError) as caught:
        build_one(Project(root), response)
    assert all(path.read_bytes() == data for path, data in earlier.items()), "an earlier document was changed"
    assert not [p for p in (root / "output").iterdir() if p.name.startswith(".")], "a temporary file was left behind"
    return str(caught.value)


def test_disk_full(monkeypatch, tmp_path):
    import errno

    message = _build_with_failing(monkeypatch, tmp_path, "fsync", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    assert "cannot write" in message and "No space left on device" in message
    assert "space on the disk" in message


def test_output_folder_not_writable(monkeypatch, tmp_path):
    # Simulated, so that it also runs as root (who may write to a read-only folder).
    import errno

    import respgen.files
    from respgen.build.one import build_one
    from respgen.errors import RespgenError
    from respgen.project import Project

    root = copy_project(tmp_path / "office")
    earlier = _earlier_outputs(root)

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(respgen.files.tempfile, "mkstemp", refused)
    with pytest.raises(RespgenError) as caught:
        build_one(Project(root), sorted((root / "responses").glob("*.yaml"))[0])
    message = str(caught.value)
    assert "cannot write to the folder" in message and "Permission denied" in message
    assert "you may write to it" in message
    assert all(path.read_bytes() == data for path, data in earlier.items())


def test_output_file_open_in_another_program(monkeypatch, tmp_path):
    import errno

    message = _build_with_failing(monkeypatch, tmp_path, "replace", PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
    assert "cannot write" in message and "Permission denied" in message
    assert "Close the file if it is open in another program" in message


# --- every required key, left out in turn (made from the model, so a new key is covered too) ---


def _required_paths(model, prefix=()) -> list[tuple]:
    from respgen.reading.source import _inner_model

    paths = []
    for name, info in model.model_fields.items():
        inner = _inner_model(info.annotation)
        if info.is_required():
            paths.append(prefix + (name,))
        if inner is not None and not str(info.annotation).startswith("list"):
            paths += _required_paths(inner, prefix + (name,))
    return paths


def _without(data, path):
    import copy

    data = copy.deepcopy(data)
    container = data
    for key in path[:-1]:
        container = container[key]
    del container[path[-1]]
    return data


def _response_with_item() -> dict:
    import yaml

    data = yaml.safe_load((CATALOGUE / "contract" / "applies-yes.yaml").read_text(encoding="utf-8"))
    assert data["recommendations"]["items"]
    data["signatory"] = {"name": "Jane Doe", "title": "Deputy Police and Crime Commissioner"}  # an optional section
    return data


def _required_cases():
    from respgen.reading.model import Item, Office, Response

    cases = [("response", p) for p in _required_paths(Response)]
    cases += [("response", ("recommendations", "items", 0, p[0])) for p in _required_paths(Item)]
    import yaml

    office = yaml.safe_load((HERE.parent / "templates" / "office.yaml").read_text(encoding="utf-8"))
    # Keys inside an optional section (a signature, say) only where the example office file has the section.
    cases += [("office", p) for p in _required_paths(Office) if len(p) == 1 or p[0] in office]
    return cases


@pytest.mark.parametrize("kind,path", _required_cases(), ids=lambda v: v if isinstance(v, str) else ".".join(map(str, v)))
def test_every_required_key_missing_in_turn(tmp_path, kind, path):
    import yaml

    from respgen.errors import RespgenError
    from respgen.reading.source import read_office, read_response

    if kind == "response":
        data, read = _response_with_item(), read_response
    else:
        data, read = yaml.safe_load((HERE.parent / "templates" / "office.yaml").read_text(encoding="utf-8")), read_office
    file = tmp_path / f"{kind}.yaml"
    file.write_text(yaml.safe_dump(_without(data, path), sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RespgenError) as caught:
        read(file)
    dotted = "".join(f"[{p + 1}]" if isinstance(p, int) else ("." if i else "") + p for i, p in enumerate(path))
    problems = caught.value.problems
    assert len(problems) == 1, str(caught.value)
    assert f"the required key '{dotted}' is missing" in problems[0].message
    assert f"Add '{path[-1]}:'" in problems[0].hint
    assert problems[0].file == file and problems[0].line is not None
