"""Attacks with hostile files: each reproduces a way a crafted file once got past respgen.

PDFs and Word documents are given to 'check' and 'extract' from anywhere;
response and office files come by email; output/ and its manifest are files
anyone can change. None of them may make respgen write elsewhere, run
anything, hang, exhaust memory, print raw control characters or end in a
traceback.
"""

from __future__ import annotations

import email
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
import zlib
from email import policy
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from conftest import EXAMPLES, copy_project, give_mailboxes, respgen_process, run_cli

pytestmark = pytest.mark.slow  # the attack suite: many builds, checks and extractions

SEED = EXAMPLES[0].stem
FINAL = next(p for p in EXAMPLES if "vetting" in p.name)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "office")
    result = run_cli(root, "build", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def office(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "office"
    shutil.copytree(built, root)
    give_mailboxes(root)  # the email tests need somewhere to send to
    return root


def no_traceback(output: str) -> None:
    assert "Traceback" not in output and "respgen failed" not in output, output


def rewrite_pdf(source: Path, target: Path, change) -> Path:
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


# --- extract -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [".bashrc", "conftest.py", "../../escape.yaml", "/tmp/absolute.yaml", "report\u202elmay.exe"])
def test_extract_names_the_file_after_the_pdf_never_as_the_pdf_says(built, tmp_path, name):
    def rename(pdf):
        spec = pdf.Root.AF[0]
        spec.F = String(name)
        spec.UF = String(name)

    pdf = rewrite_pdf(built / "output" / f"{SEED}.pdf", tmp_path / "letter.pdf", rename)
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli(work, "extract", str(pdf), "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in work.iterdir()) == ["letter.yaml"]
    assert (work / "letter.yaml").read_bytes() == (built / "responses" / f"{SEED}.yaml").read_bytes()
    assert not (tmp_path / "escape.yaml").exists() and not Path("/tmp/absolute.yaml").exists()


def test_extract_refuses_a_pdf_with_two_source_files(built, tmp_path):
    def twice(pdf):
        pdf.Root.AF = Array([pdf.Root.AF[0], pdf.Root.AF[0]])

    pdf = rewrite_pdf(built / "output" / f"{SEED}.pdf", tmp_path / "two.pdf", twice)
    result = run_cli(tmp_path, "extract", str(pdf))
    assert result.exit_code == 1 and "carries 2 source files" in result.output
    assert not (tmp_path / "two.yaml").exists()


def test_extract_refuses_a_compression_bomb_without_writing_it(built, tmp_path):
    from respgen.workflow.extract import MAX_SOURCE_BYTES

    packed = zlib.compress(b"\n" * (MAX_SOURCE_BYTES + 1), 9)  # about 20 KB that unpack past the limit

    def bomb(pdf):
        stream = pdf.Root.AF[0].EF.F
        stream.write(packed, filter=Name.FlateDecode)
        del stream.Params["/Size"]

    pdf = rewrite_pdf(built / "output" / f"{SEED}.pdf", tmp_path / "bomb.pdf", bomb)
    assert pdf.stat().st_size < 200_000
    result = run_cli(tmp_path, "extract", str(pdf))
    assert result.exit_code == 1 and "larger than 20 MB" in result.output
    assert not (tmp_path / "bomb.yaml").exists()


# --- check ---------------------------------------------------------------------------------


def _add_open_action(pdf):
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))


def _javascript_names(pdf):
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("x"), Dictionary(S=Name.JavaScript, JS=String("1"))]))


def _link_action(kind):
    def change(pdf):
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", Array()):
                if annotation.get("/Subtype") == Name.Link:
                    if kind == "Launch":
                        annotation.A = Dictionary(S=Name.Launch, F=String("calc.exe"))
                    else:
                        annotation.A = Dictionary(S=Name.URI, URI=String(kind))
                    return

    return change


@pytest.mark.parametrize(
    "change, expected",
    [
        (_add_open_action, "action that runs when it is opened"),
        (_javascript_names, "carries JavaScript"),
        (_link_action("Launch"), "runs a Launch action"),
        (_link_action("javascript:alert(1)"), "which is not a web page"),
        (_link_action("file:///etc/passwd"), "which is not a web page"),
    ],
)
def test_check_fails_a_pdf_that_could_run_something(built, tmp_path, change, expected):
    pdf = rewrite_pdf(built / "output" / f"{FINAL.stem}.pdf", tmp_path / "active.pdf", change)
    result = run_cli(tmp_path, "check", str(pdf))
    assert result.exit_code == 1 and expected in result.output, result.output
    assert "passes every check" not in result.output


@pytest.mark.parametrize("target", ["file:///C:/Windows/System32/calc.exe", "javascript:alert(1)", "\\\\server\\share\\x.docx"])
def test_check_fails_a_word_document_whose_links_go_outside_the_web(built, tmp_path, target):
    source = built / "output" / f"{FINAL.stem}.docx"
    bad = tmp_path / "links.docx"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as out:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                text = data.decode()
                start = text.index('Target="https://')
                end = text.index('"', start + len('Target="'))
                data = (text[:start] + f'Target="{target}"' + text[end + 1:]).encode()
            out.writestr(info, data)
    result = run_cli(tmp_path, "check", str(bad))
    assert result.exit_code == 1 and "which is not a web page" in result.output, result.output


def _nested_tree(depth: int):
    def change(pdf):
        root = pdf.Root.StructTreeRoot
        parent = root
        for _ in range(depth):
            element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, P=parent))
            parent.K = element
            parent = element

    return change


def _cyclic_tree(pdf):
    document = pdf.Root.StructTreeRoot.K
    document = document[0] if isinstance(document, Array) else document
    document.K = Array([document, document])


def _looping_parent_tree(pdf):
    tree = pdf.make_indirect(Dictionary())
    tree.Kids = Array([tree])
    pdf.Root.StructTreeRoot.ParentTree = tree


def _shared_elements(pdf):
    # Each level holds the next one twice: 2^60 paths through 60 objects.
    root = pdf.Root.StructTreeRoot
    below = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, K=0))
    for _ in range(60):
        below = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, K=Array([below, below])))
    root.K = below


@pytest.mark.parametrize("change", [_nested_tree(20_000), _cyclic_tree, _looping_parent_tree, _shared_elements])
def test_check_stops_on_a_structure_tree_made_to_never_end(built, tmp_path, change):
    pdf = rewrite_pdf(built / "output" / f"{SEED}.pdf", tmp_path / "tree.pdf", change)
    started = time.monotonic()
    result = respgen_process(tmp_path, "check", str(pdf), timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 150  # the guard's clock limit is twice its 60 s of processor time


def test_check_reads_a_font_map_made_to_be_slow_in_one_pass(built, tmp_path):
    def slow_cmap(pdf):
        for page in pdf.pages:
            for _name, font in page.obj.Resources.Font.items():
                if font.get("/Subtype") == Name.Type0:
                    font.Encoding = pdf.make_stream(b"begincidchar " * 200_000)
                    return

    pdf = rewrite_pdf(built / "output" / f"{SEED}.pdf", tmp_path / "cmap.pdf", slow_cmap)
    started = time.monotonic()
    result = respgen_process(tmp_path, "check", str(pdf), timeout=300)
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


def test_check_refuses_a_word_document_that_unpacks_to_gigabytes(tmp_path):
    from respgen.word.parts import MAX_UNPACKED

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("word/document.xml", "w", force_zip64=True) as part:
        block = b" " * (1 << 20)
        for _ in range(MAX_UNPACKED // len(block) + 1):
            part.write(block)
    assert bomb.stat().st_size < 2_000_000
    result = run_cli(tmp_path, "check", str(bomb))
    assert result.exit_code == 1 and "unpacks to more than 200 MB" in result.output
    no_traceback(result.output)


# --- the terminal ----------------------------------------------------------------------------


def test_control_characters_from_files_never_reach_the_terminal(office):
    # OSC 52 writes the clipboard, OSC 0 the window title, CSI 2J clears the screen; U+202E reorders text.
    attack = '"\\e]52;c;aGVsbG8=\\a\\e]0;pwned\\a\\e[2J\\u202e": 1\n'
    response = office / "responses" / f"{SEED}.yaml"
    response.write_text(response.read_text(encoding="utf-8") + attack, encoding="utf-8")
    named = office / "responses" / "evil\x1b[2J.yaml"
    shutil.copy(response, named)
    result = run_cli(office, "build")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b]52" in result.output and "\\u202e" in result.output
    status = run_cli(office, "status")
    assert "\x1b" not in status.output


# --- the lock, prune, the manifest ---------------------------------------------------------


def test_a_link_at_the_lock_is_never_written_through(office, tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    lock = office / "output" / ".respgen.lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    result = run_cli(office, "build", "--force")
    assert result.exit_code == 1 and "never writes through a link" in result.output
    assert victim.read_text() == "keep me"


@pytest.mark.parametrize("name", ["../templates/response.docx", "/etc/hostname", "sub/../../templates/office.yaml", "notes.txt"])
def test_prune_removes_only_documents_respgen_wrote_in_output(office, name):
    manifest_path = office / "output" / "manifest.json"
    data = json.loads(manifest_path.read_text())
    entry = next(iter(data["outputs"].values()))
    data["outputs"][name] = {**entry, "source": "responses/gone.yaml"}
    manifest_path.write_text(json.dumps(data))
    (office / "output" / "notes.txt").write_text("mine")
    before = {p: p.read_bytes() for p in (office / "templates").iterdir() if p.is_file()}
    result = run_cli(office, "build", "--prune")
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in before} == before
    assert (office / "output" / "notes.txt").read_text() == "mine"
    assert name not in json.loads(manifest_path.read_text())["outputs"]


def test_a_build_killed_outright_does_not_lock_the_folder_for_good(office):
    for n in range(6):
        shutil.copy(office / "responses" / FINAL.name, office / "responses" / f"copy-{n}.yaml")
    build = subprocess.Popen(
        [sys.executable, "-m", "respgen", "build", "--jobs", "2"], cwd=office, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    lock = office / "output" / ".respgen.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip()) and build.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(1.0)  # the workers are drawing
    build.send_signal(signal.SIGKILL)
    build.wait()
    again = respgen_process(office, "build", timeout=120)
    assert again.returncode == 0, again.stderr
    assert "waiting" not in again.stderr or "built" in again.stdout


# --- what a build reads, and writes -------------------------------------------------------------


def test_a_response_edited_during_a_build_is_recorded_as_what_was_built(office):
    from respgen.build.manifest import Manifest, is_up_to_date
    from respgen.build.one import build_response
    from respgen.build.plan import plan
    from respgen.build.pool import run
    from respgen.project import Project
    from respgen.reading.source import read_office
    from respgen.workflow.extract import embedded_source

    project = Project(office)
    response = office / "responses" / f"{SEED}.yaml"
    original = response.read_bytes()
    response.write_bytes(original.replace(b"\ndate:", b"\n# first edit\ndate:", 1))
    first = response.read_bytes()
    manifest = Manifest.load(project)
    the_plan = plan(project, manifest, [response])
    edited = first.replace(b"\ndate:", b"\n# edited while building\ndate:", 1)

    def edit_then_build(project, office_model, path, **options):
        path.write_bytes(edited)  # the officer saves again after the plan hashed the file
        return build_response(project, office_model, path, **options)

    run(project, read_office(project.office_file), manifest, the_plan, jobs=1, builder=edit_then_build)
    pdf = office / "output" / f"{SEED}.pdf"
    assert embedded_source(pdf).data == edited  # the PDF embeds what was validated and drawn
    assert is_up_to_date(project, response)
    response.write_bytes(first)  # back to what the plan saw: the documents do not show that
    assert not is_up_to_date(project, response)


def test_a_pair_left_mixed_by_a_stopped_build_is_named_and_built_again(office):
    from respgen.build.one import build_response
    from respgen.project import Project
    from respgen.reading.source import read_office

    project = Project(office)
    response = office / "responses" / f"{SEED}.yaml"
    response.write_text(response.read_text(encoding="utf-8").replace("heinous", "terrible", 1), encoding="utf-8")
    # As a kill between the two renames leaves it: a new Word document beside the old PDF, nothing recorded.
    build_response(project, read_office(project.office_file), response, kinds=("docx",))
    result = run_cli(office, "build")
    assert result.exit_code == 0, result.output
    assert f"output/{SEED}.docx is not what respgen last wrote" in result.output
    assert f"wrote output/{SEED}.pdf" in result.output and f"wrote output/{SEED}.docx" in result.output


# --- email headers, calendar, addresses -------------------------------------------------------


def _office_text(root: Path, old: str, new: str) -> None:
    path = root / "templates" / "office.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_office_name_with_a_comma_and_a_welsh_apostrophe_makes_a_whole_from_header(office):
    from respgen.project import Project
    from respgen.reading.source import read_office

    name = read_office(Project(office).office_file).name
    _office_text(office, f"name: {name}", "name: \"Swyddfa’r Comisiynydd, Heddlu Dyfed-Powys\"")
    assert run_cli(office, "build").exit_code == 0
    result = run_cli(office, "email", f"responses/{FINAL.name}")
    assert result.exit_code == 0, result.output
    raw = (office / "output" / f"{FINAL.stem}.eml").read_bytes()
    for parse_policy in (policy.default, policy.compat32):
        message = email.message_from_bytes(raw, policy=parse_policy)
        assert message["Subject"] and message["X-Unsent"] == "1"
        parts = [p for p in message.walk() if p.get_filename()]
        assert len(parts) == 2
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["From"].addresses[0].display_name == "Swyddfa’r Comisiynydd, Heddlu Dyfed-Powys"
    assert len(message["To"].addresses) == 2


@pytest.mark.parametrize("bad", ["ysgrifennydd@swyddfa-gartref.llyw.cymru\u2028Bcc: x@evil.example", "ffion@llyw.cymru\r\nBcc: x@evil.example", "défi@example.org"])
def test_an_address_a_header_could_be_split_at_is_refused_where_it_is_written(office, bad):
    from respgen.project import Project
    from respgen.reading.source import read_office

    address = read_office(Project(office).office_file).recipients[1].email
    escaped = json.dumps(bad)  # a YAML double-quoted string takes JSON's escapes
    _office_text(office, f"email: {address}", f"email: {escaped}")
    result = run_cli(office, "build")
    assert result.exit_code == 1
    assert "templates/office.yaml:" in result.output and "must be an email address" in result.output
    no_traceback(result.output)


def test_a_line_break_in_the_report_address_never_reaches_the_calendar(office):
    response = office / "responses" / f"{FINAL.stem}.yaml"
    text = response.read_text(encoding="utf-8")
    start = text.index("  url: ")
    end = text.index("\n", start)
    response.write_text(text[:start] + '  url: "https://www.example.org/\\r\\nATTENDEE:mailto:x@evil.example"' + text[end:], encoding="utf-8")
    built = run_cli(office, "build")
    assert built.exit_code == 1 and "must be one web address" in built.output
    run_cli(office, "calendar")
    ics = (office / "output" / "deadlines.ics").read_text(encoding="utf-8")
    assert "ATTENDEE" not in ics and "evil.example" not in ics


def test_a_title_longer_than_word_allows_in_a_property_still_builds(office):
    from docx import Document

    title = "An inspection of " + "the police response to a very long list of matters, " * 5
    response = office / "responses" / f"{SEED}.yaml"
    text = response.read_text(encoding="utf-8")
    start = text.index("  title: ")
    end = text.index("\n", start)
    response.write_text(text[:start] + f"  title: {json.dumps(title.strip())}" + text[end:], encoding="utf-8")
    result = run_cli(office, "build")
    assert result.exit_code == 0, result.output
    document = Document(office / "output" / f"{SEED}.docx")
    assert len(document.core_properties.title) == 255 and document.core_properties.title.endswith("…")
    assert any(title.strip() in p.text for p in document.paragraphs)


# --- faults --------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_place_of_a_response_is_refused_at_once(office):
    os.mkfifo(office / "responses" / "pipe.yaml")
    result = respgen_process(office, "build", "responses/pipe.yaml", timeout=60)
    assert result.returncode == 1 and "not an ordinary file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_full_disk_is_a_message_not_a_traceback(office, monkeypatch):
    import errno

    import respgen.workflow.calendar

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(office / "output" / "deadlines.ics"))

    monkeypatch.setattr(respgen.workflow.calendar, "write_atomic", full)
    result = run_cli(office, "calendar")
    assert result.exit_code == 1 and "No space left on device" in result.output
    no_traceback(result.output)
    assert isinstance(io.StringIO(result.output).read(), str)


# --- links out of the office folder ----------------------------------------------------------


def test_a_response_file_that_links_outside_the_office_is_not_read(office, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("inspection: the contents of a file elsewhere\n")
    (office / "responses" / "linked.yaml").symlink_to(secret)
    result = run_cli(office, "build")
    assert result.exit_code == 1 and "a link to a file outside the office folder" in result.output
    assert "the contents of a file elsewhere" not in result.output


@pytest.mark.parametrize("name", ["office.yaml", "response.docx", "response.html"])
def test_a_template_that_links_outside_templates_is_not_read(office, tmp_path, name):
    elsewhere = tmp_path / name
    shutil.move(office / "templates" / name, elsewhere)
    (office / "templates" / name).symlink_to(elsewhere)
    result = run_cli(office, "build", "--force")
    assert result.exit_code == 1 and f"templates/{name} is a link to a file outside templates/" in result.output
    no_traceback(result.output)


def test_an_output_folder_that_links_elsewhere_is_never_written(office, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(office / "output")
    (office / "output").symlink_to(elsewhere)
    result = run_cli(office, "build")
    assert result.exit_code == 1 and "output/ is a link to a folder outside the office folder" in result.output
    assert list(elsewhere.iterdir()) == []


def test_a_damaged_build_record_is_said_and_everything_built_again(office):
    (office / "output" / "manifest.json").write_text('{"format": 2, "outputs": {"x.pdf": [[[[')
    result = run_cli(office, "build")
    assert result.exit_code == 0, result.output
    assert "the build record could not be read, so every document is built again" in result.output
    assert sum(line.startswith("wrote ") and line.endswith((".pdf", ".docx")) for line in result.output.splitlines()) == 4
    json.loads((office / "output" / "manifest.json").read_text())


@pytest.mark.parametrize("name", ["-starts with a dash.yaml", "name with spaces.yaml", "ymateb-Gwasanaeth-Heddlu-ŵ.yaml"])
def test_response_files_with_awkward_names_build(office, name):
    shutil.copy(office / "responses" / FINAL.name, office / "responses" / name)
    result = run_cli(office, "build")
    assert result.exit_code == 0, result.output
    stem = Path(name).stem
    assert (office / "output" / f"{stem}.pdf").is_file() and (office / "output" / f"{stem}.docx").is_file()


@pytest.mark.parametrize("field, bad", [("name", "Ffion Jones\u2028Bcc: x@evil.example"), ("role", "Home Secretary\nBcc: x@evil.example"), ("name", "Ffion\x85Jones")])
def test_a_recipient_name_a_header_could_be_split_at_is_refused(office, field, bad):
    # The example names the first recipient by role alone: a name is written in under it.
    written = {"role": f"  - role: {json.dumps(bad)}", "name": f"  - role: Home Secretary\n    name: {json.dumps(bad)}"}[field]
    _office_text(office, "  - role: Home Secretary", written)
    lines = (office / "templates" / "office.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if json.dumps(bad) in text)
    result = run_cli(office, "build")
    assert result.exit_code == 1 and ("must be on one line" in result.output or "invisible character" in result.output)
    assert f"templates/office.yaml:{line}:" in result.output, result.output
    no_traceback(result.output)


@pytest.mark.parametrize("title", ["Stalking\r\nBcc: x@evil.example", "Stalking\u2028Bcc: x@evil.example", "Stalking\x85Bcc: x@evil.example"])
def test_a_title_with_line_breaks_adds_no_header_or_part_to_the_email(office, title):
    response = office / "responses" / FINAL.name
    text = response.read_text(encoding="utf-8")
    start = text.index("  title: ")
    end = text.index("\n", start)
    response.write_text(text[:start] + f"  title: {json.dumps(title)}" + text[end:], encoding="utf-8")
    built = run_cli(office, "build")
    if built.exit_code != 0:  # refused as a character a document cannot hold: equally safe
        assert "invisible character" in built.output
        return
    assert run_cli(office, "email", f"responses/{FINAL.name}").exit_code == 0
    raw = (office / "output" / f"{FINAL.stem}.eml").read_bytes()
    for parse_policy in (policy.default, policy.compat32):
        message = email.message_from_bytes(raw, policy=parse_policy)
        assert message["Bcc"] is None
        assert len([p for p in message.walk() if p.get_filename()]) == 2
        assert sorted(message.keys()) == sorted(["X-Unsent", "From", "To", "Subject", "MIME-Version", "Content-Type"])
