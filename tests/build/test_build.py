"""`respgen build` with the real renderers: incremental, parallel, atomic, one at a time.

Every build here runs the command in its own process, as an officer would.
The example responses are built once for the module; each test works on a
copy of that folder (copies keep the files' times, so the copy is up to date).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from conftest import copy_project, respgen_process

pytestmark = pytest.mark.slow  # the command in its own process, LibreOffice or Hypothesis

respgen = respgen_process


def wrote(result: subprocess.CompletedProcess, web: bool = False) -> list[str]:
    """The documents a build says it wrote: the Word documents and PDFs (with ``web``, the web pages and list too)."""
    lines = [line.removeprefix("wrote ") for line in result.stdout.splitlines() if line.startswith("wrote ")]
    return sorted(line for line in lines if web or line.endswith((".pdf", ".docx")))


def documents(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "output").iterdir()) if p.suffix in (".pdf", ".docx")}


def times(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / "output").iterdir() if p.suffix in (".pdf", ".docx")}


def manifest(root: Path) -> dict:
    return json.loads((root / "output" / "manifest.json").read_text())["outputs"]


def start_build(root: Path, *args: str, **popen) -> subprocess.Popen:
    """Start 'respgen build' in the background and return once it holds the folder's lock."""
    build = subprocess.Popen(
        [sys.executable, "-m", "respgen", "build", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    lock = root / "output" / ".respgen.lock"
    deadline = time.monotonic() + 60
    while not (lock.exists() and lock.read_text().strip()) and build.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return build


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("built") / "office")
    result = respgen(root, "build", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def office(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "office"
    shutil.copytree(built, root)  # copy2 keeps modification times
    # Normally a no-op; it catches up if respgen itself changed since the module's build.
    assert respgen(root, "build", "--quiet").returncode == 0
    return root


def stems(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "responses").glob("*.yaml"))


def test_full_build_writes_both_documents_and_the_manifest(built: Path):
    names = stems(built)
    assert sorted(documents(built)) == sorted(f"{s}.{k}" for s in names for k in ("docx", "pdf"))
    # The web page and its fragment beside them, and the office's list of responses.
    pages = sorted(p.name for p in (built / "output").glob("*.html"))
    assert pages == sorted([*(f"{s}.html" for s in names), *(f"{s}.fragment.html" for s in names), "index.html"])
    recorded = manifest(built)
    assert sorted(recorded) == sorted(p for p in [*documents(built), *pages] if p != "index.html")
    import hashlib

    for name, data in documents(built).items():
        assert recorded[name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert recorded[name]["source"] == f"responses/{Path(name).stem}.yaml"
    assert list((built / "output").glob(".*.part")) == []


def test_nothing_changed_nothing_built_and_no_renderer_imported(office: Path):
    before = times(office)
    script = textwrap.dedent(
        """
        import sys
        from respgen.cli.commands import main
        sys.argv[0] = "respgen"
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        heavy = ("weasyprint", "docxtpl", "docx", "pydyf", "pikepdf", "respgen.pdf.document", "respgen.word.document")
        print("IMPORTED", sorted(m for m in sys.modules if m.startswith(heavy)))
        sys.exit(code)
        """
    )
    result = respgen(office, "build", script=script)
    assert result.returncode == 0, result.stderr
    assert "IMPORTED []" in result.stdout
    assert f"built 0, up to date {len(stems(office))}, failed 0" in result.stdout
    assert wrote(result) == []
    assert times(office) == before


def test_editing_one_response_rebuilds_exactly_it(office: Path):
    first, second = stems(office)[:2]
    before = times(office)
    path = office / "responses" / f"{first}.yaml"
    path.write_text(path.read_text().replace("status: final", "status: draft", 1))
    result = respgen(office, "build")
    assert result.returncode == 0, result.stderr
    assert wrote(result) == [f"output/{first}.docx", f"output/{first}.pdf"]
    assert f"built 1, up to date {len(stems(office)) - 1}, failed 0" in result.stdout
    after = times(office)
    assert after[f"{second}.pdf"] == before[f"{second}.pdf"] and after[f"{second}.docx"] == before[f"{second}.docx"]
    assert after[f"{first}.pdf"] != before[f"{first}.pdf"]
    # And the draft marking really reached the rebuilt PDF.
    text = subprocess.run(["pdftotext", str(office / "output" / f"{first}.pdf"), "-"], capture_output=True, text=True)
    assert "DRAFT" in text.stdout


def test_editing_the_stylesheet_rebuilds_only_the_pdfs(office: Path):
    css = office / "templates" / "response.css"
    css.write_text(css.read_text() + "\n/* house style reviewed */\n")
    result = respgen(office, "build")
    assert result.returncode == 0, result.stderr
    assert wrote(result) == [f"output/{s}.pdf" for s in stems(office)]
    # and the web pages, which give each PDF's size and pages
    assert sorted(set(wrote(result, web=True)) - set(wrote(result))) == sorted(
        f"output/{s}{kind}" for s in stems(office) for kind in (".html", ".fragment.html")
    )


def test_naming_one_response_builds_only_it(office: Path):
    name = stems(office)[0]
    (office / "output" / f"{name}.pdf").unlink()
    result = respgen(office, "build", f"responses/{name}.yaml")
    assert result.returncode == 0, result.stderr
    assert wrote(result) == [f"output/{name}.pdf"]  # its Word document was still current
    again = respgen(office, "build", f"responses/{name}.yaml")
    assert wrote(again) == [] and "built 0, up to date 1, failed 0" in again.stdout
    forced = respgen(office, "build", "--force", f"responses/{name}.yaml")
    assert wrote(forced) == [f"output/{name}.docx", f"output/{name}.pdf"]


def test_one_worker_and_two_workers_write_the_same_bytes(office: Path):
    # In one folder: the PDF names its pictures after where they were found.
    parallel = respgen(office, "build", "--force", "--jobs", "2")
    assert parallel.returncode == 0, parallel.stderr
    first = documents(office)
    serial = respgen(office, "build", "--force", "--jobs", "1")
    assert serial.returncode == 0, serial.stderr
    assert len(wrote(serial)) == len(first) == 2 * len(stems(office))
    assert documents(office) == first


def test_a_worker_killed_mid_write_leaves_the_previous_documents(office: Path):
    before = documents(office)
    recorded = manifest(office)
    for path in (office / "responses").glob("*.yaml"):
        path.write_text(path.read_text() + "\n# edited\n")
    # Each worker writes half of its first document, then is killed outright (as by kill -9 or the OOM killer).
    script = textwrap.dedent(
        """
        import os, signal, sys, tempfile
        import respgen.build.one
        from respgen.cli.commands import main

        def half_then_die(documents):
            path, data = next(iter(documents.items()))
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
            os.write(fd, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)

        respgen.build.one.write_together = half_then_die
        sys.argv[0] = "respgen"
        main()
        """
    )
    result = respgen(office, "build", "--jobs", "2", script=script)
    assert result.returncode == 1
    assert "stopped unexpectedly" in result.stderr and "Traceback" not in result.stderr
    assert documents(office) == before
    assert manifest(office) == recorded
    assert list((office / "output").glob(".*.part"))  # the half-written files never took a document's name

    result = respgen(office, "build")
    assert result.returncode == 0, result.stderr
    assert len(wrote(result)) == 2 * len(stems(office))
    assert list((office / "output").glob(".*.part")) == []


def test_ctrl_c_stops_at_once_and_leaves_whole_documents(office: Path):
    import os
    import signal

    before = documents(office)
    for path in (office / "responses").glob("*.yaml"):
        path.write_text(path.read_text() + "\n# edited\n")
    build = start_build(office, "--jobs", "2", start_new_session=True)
    time.sleep(0.5)
    os.killpg(build.pid, signal.SIGINT)  # as Ctrl-C at a terminal: the main process and its workers
    _out, err = build.communicate(timeout=15)
    if build.returncode == 0:
        pytest.skip("the build finished before it could be interrupted")
    assert build.returncode == 130 and "stopped." in err and "Traceback" not in err, err[-2000:]
    # Each document is either the earlier one or a whole new one that opens.
    for name, data in documents(office).items():
        if data != before[name]:
            if name.endswith(".pdf"):
                assert data.rstrip().endswith(b"%%EOF")
            else:
                assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    result = respgen(office, "build")
    assert result.returncode == 0, result.stderr
    assert list((office / "output").glob(".*.part")) == []


def test_a_second_build_waits_for_the_first(tmp_path: Path):
    root = copy_project(tmp_path / "office")
    first = start_build(root, "--jobs", "1")
    second = respgen(root, "build")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert "another respgen build is running in this folder" in second.stderr
    assert f"process {first.pid}" in second.stderr
    # The second build saw the first one's finished work, not a half-made folder.
    assert f"built 0, up to date {len(stems(root))}, failed 0" in second.stdout
    assert len(wrote(subprocess.CompletedProcess([], 0, out, err))) == 2 * len(stems(root))
    assert {name for name in manifest(root) if name.endswith((".pdf", ".docx"))} == set(documents(root))


def test_outputs_of_a_deleted_response_are_reported_then_pruned(office: Path):
    gone = stems(office)[0]
    (office / "responses" / f"{gone}.yaml").unlink()
    result = respgen(office, "build")
    assert result.returncode == 0, result.stderr
    assert f"output/{gone}.*" in result.stderr and "--prune" in result.stderr
    assert result.stderr.count("warning:") == 1  # one line for all of its documents, not one each
    assert (office / "output" / f"{gone}.pdf").exists() and (office / "output" / f"{gone}.docx").exists()

    result = respgen(office, "build", "--prune")
    assert result.returncode == 0, result.stderr
    assert f"removed output/{gone}.docx" in result.stdout and f"removed output/{gone}.pdf" in result.stdout
    assert not (office / "output" / f"{gone}.pdf").exists()
    assert not any(name.startswith(gone) for name in manifest(office))


def test_a_broken_response_keeps_its_documents_and_the_others_build(office: Path):
    broken, fine = stems(office)[:2]
    before = documents(office)
    path = office / "responses" / f"{broken}.yaml"
    path.write_text(path.read_text().replace("recommendations:", "recomendations:", 1))
    other = office / "responses" / f"{fine}.yaml"
    other.write_text(other.read_text() + "\n# edited\n")

    result = respgen(office, "build", "--jobs", "2")
    assert result.returncode == 1
    assert f"responses/{broken}.yaml:" in result.stderr and "recommendations" in result.stderr
    assert "Traceback" not in result.stderr
    assert wrote(result) == [f"output/{fine}.docx", f"output/{fine}.pdf"]
    assert "failed 1" in result.stdout
    assert documents(office)[f"{broken}.pdf"] == before[f"{broken}.pdf"]
    assert documents(office)[f"{broken}.docx"] == before[f"{broken}.docx"]
    # Still broken, still tried again (and still failing) on the next build.
    assert respgen(office, "build").returncode == 1


def test_usage_errors_and_missing_files(office: Path):
    result = respgen(office, "build", "--jobs", "0")
    assert result.returncode == 2 and "--jobs" in result.stderr
    result = respgen(office, "build", "responses/no-such-response.yaml")
    assert result.returncode == 1
    assert "responses/no-such-response.yaml: error: there is no such response file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("breakage", ["office file", "Word template"])
def test_a_broken_office_is_reported_once_by_a_parallel_build_and_nothing_is_built(office, breakage):
    # The default --jobs (one worker per core): the office's files are checked once, before any worker starts.
    responses = sorted((office / "responses").glob("*.yaml"))
    for n in range(3):
        shutil.copy(responses[0], office / "responses" / f"copy-{n}.yaml")
    if breakage == "office file":
        text = (office / "templates" / "office.yaml").read_text()
        (office / "templates" / "office.yaml").write_text(text.replace("force:", "forse:", 1))
        complaint = "unknown key 'forse'"
    else:
        with zipfile.ZipFile(office / "templates" / "response.docx") as archive:
            parts = {info: archive.read(info.filename) for info in archive.infolist()}
        with zipfile.ZipFile(office / "templates" / "response.docx", "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in parts.items():
                if info.filename == "word/document.xml":
                    data = data.replace(b"}}", b"}", 1)
                archive.writestr(info, data)
        complaint = "a tag is not closed with '}}'"
    before = documents(office)
    result = respgen(office, "build")
    assert result.returncode == 1
    assert result.stderr.count(complaint) == 1, result.stderr
    assert "nothing was built: the 5 responses to build" in result.stderr
    assert "5 of 5 responses could not be built" in result.stderr
    assert "Traceback" not in result.stderr and "respgen failed" not in result.stderr
    assert documents(office) == before  # the earlier documents are kept
    assert not (office / "output" / "copy-0.pdf").exists()
