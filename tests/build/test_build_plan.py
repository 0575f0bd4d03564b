"""Planning a build: what is up to date, what must be built, what is left over.

These tests put a small stand-in in place of the renderers so that they can
build many times quickly; tests/test_build.py builds with the real renderers.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from respgen.build.batch import remove_orphans
from respgen.build.lock import BuildLock
from respgen.build.manifest import KINDS, WEB_KINDS, Manifest, is_up_to_date
from respgen.build.one import Built
from respgen.build.plan import plan
from respgen.build.pool import run
from respgen.errors import RespgenError
from respgen.files import remove_stale_temporaries, write_atomic
from respgen.project import Project
from respgen.reading.source import read_office

ALL = set(KINDS)  # the Word document, the PDF, the web page and its fragment
WEB = WEB_KINDS

def fake_build(project: Project, office, path: Path, *, strict: bool = False, kinds=KINDS) -> Built:
    """Writes a document from the bytes of the response; refuses a response containing BROKEN."""
    text = Path(path).read_bytes()
    if b"BROKEN" in text:
        raise RespgenError("this response is broken", file=path, line=1)
    targets = project.outputs_for(path)
    digests = {}
    for kind in kinds:
        data = b"%s document of " % kind.encode() + text
        write_atomic(targets[kind], data)
        digests[kind] = hashlib.sha256(data).hexdigest()
    return Built(Path(path), {kind: (targets[kind], digests[kind]) for kind in kinds})


def build(project: Project, files=None, force=False, jobs=1):
    manifest = Manifest.load(project)
    the_plan = plan(project, manifest, files, force=force)
    outcome = run(project, read_office(project.office_file), manifest, the_plan, jobs=jobs, builder=fake_build)
    return the_plan, outcome


def built_kinds(the_plan) -> dict[str, set[str]]:
    return {job.source.name: set(job.kinds) for job in the_plan.jobs}


@pytest.fixture
def project(project_dir: Path) -> Project:
    # Three responses, so that "exactly the affected ones" means something.
    first = sorted((project_dir / "responses").glob("*.yaml"))[0]
    (project_dir / "responses" / "third.yaml").write_bytes(first.read_bytes())
    return Project(project_dir)


def names(project: Project) -> list[str]:
    return [p.name for p in project.response_files()]


def test_first_build_builds_everything_and_records_it(project: Project):
    _the_plan, outcome = build(project)
    assert outcome.built == len(names(project)) and outcome.failed == 0
    data = json.loads((project.output / "manifest.json").read_text())
    for response in project.response_files():
        for kind, document in project.outputs_for(response).items():
            entry = data["outputs"][document.name]
            assert entry["source"] == f"responses/{response.name}"
            assert entry["kind"] == kind
            assert entry["sha256"] == hashlib.sha256(document.read_bytes()).hexdigest()
            assert len(entry["inputs"]) == 64


def test_nothing_changed_nothing_to_build(project: Project):
    build(project)
    the_plan, outcome = build(project)
    assert the_plan.jobs == [] and outcome.built == 0
    assert sorted(p.name for p in the_plan.current) == names(project)
    assert all(is_up_to_date(project, p) for p in project.response_files())


def test_editing_one_response_rebuilds_only_it(project: Project):
    build(project)
    edited = project.responses / "third.yaml"
    edited.write_text(edited.read_text() + "\n# a comment changes the file\n")
    assert not is_up_to_date(project, edited)
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {"third.yaml": ALL}
    assert is_up_to_date(project, edited)


def test_a_template_change_rebuilds_only_the_documents_that_use_it(project: Project):
    build(project)
    everyone = set(names(project))

    # The web page names the PDF's and the Word document's size and pages, so it follows both.
    (project.templates / "response.css").write_text((project.templates / "response.css").read_text() + "\n/* x */\n")
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {name: {"pdf", *WEB} for name in everyone}

    (project.templates / "response.docx").write_bytes(b"another Word template")
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {name: {"docx", *WEB} for name in everyone}

    (project.templates / "web.css").write_text((project.templates / "web.css").read_text() + "\n/* x */\n")
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {name: set(WEB) for name in everyone}

    office = project.templates / "office.yaml"
    office.write_text(office.read_text().replace("OFFICIAL", "OFFICIAL-SENSITIVE"))
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {name: ALL for name in everyone}


def test_files_that_are_not_templates_do_not_count(project: Project):
    build(project)
    # Word's owner file while the template is open, the email templates, a note.
    (project.templates / "~$sponse.docx").write_bytes(b"owner")
    (project.templates / "email.txt").write_text("Dear ...")
    (project.templates / "notes.md").write_text("colours agreed with comms")
    the_plan, _ = build(project)
    assert the_plan.jobs == []


def test_a_changed_or_missing_document_is_rebuilt(project: Project):
    build(project)
    documents = project.outputs_for(project.responses / "third.yaml")
    documents["pdf"].write_bytes(b"someone else's file")
    documents["docx"].unlink()
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {"third.yaml": ALL}


def test_a_copied_folder_is_still_up_to_date(project: Project, tmp_path: Path):
    """New modification times alone (a copy, a restore from backup) do not mean new content."""
    build(project)
    for document in project.built_files():
        os.utime(document, ns=(1, 1))
    the_plan, _ = build(project)
    assert the_plan.jobs == []


def test_force_rebuilds_everything(project: Project):
    build(project)
    _the_plan, outcome = build(project, force=True)
    assert outcome.built == len(names(project))


def test_a_damaged_manifest_means_a_full_build_not_a_crash(project: Project):
    build(project)
    (project.output / "manifest.json").write_text("{ this is not json")
    _the_plan, outcome = build(project)
    assert outcome.built == len(names(project))
    json.loads((project.output / "manifest.json").read_text())


def test_a_failed_response_keeps_its_documents_and_is_tried_again(project: Project):
    build(project)
    response = project.responses / "third.yaml"
    documents = project.outputs_for(response)
    before = {kind: path.read_bytes() for kind, path in documents.items()}
    recorded = json.loads((project.output / "manifest.json").read_text())["outputs"]

    response.write_text(response.read_text() + "\n# BROKEN\n")
    the_plan, outcome = build(project)
    assert outcome.failed == 1 and outcome.built == 0
    assert outcome.results[0].problems[0].file == response
    assert {kind: path.read_bytes() for kind, path in documents.items()} == before
    assert json.loads((project.output / "manifest.json").read_text())["outputs"] == recorded
    assert not is_up_to_date(project, response)
    the_plan, _ = build(project)
    assert built_kinds(the_plan) == {"third.yaml": ALL}


def test_a_failed_response_does_not_stop_the_others(project: Project):
    response = project.responses / "third.yaml"
    response.write_text(response.read_text() + "\n# BROKEN\n")
    _, outcome = build(project, jobs=2)
    assert outcome.failed == 1 and outcome.built == len(names(project)) - 1


def test_missing_and_clashing_files_are_refused_by_name(project: Project):
    (project.root / "elsewhere").mkdir()
    clash = project.root / "elsewhere" / "third.yaml"
    clash.write_text("x")
    the_plan = plan(project, Manifest.load(project), [project.responses / "third.yaml", clash, Path("gone.yaml")])
    assert [job.source.name for job in the_plan.jobs] == ["third.yaml"]
    messages = {str(p.file): p.message for p in the_plan.refused}
    assert "would both be built into output/third.pdf" in messages[str(clash)]
    assert messages["gone.yaml"] == "there is no such response file: it does not exist"


def test_deleted_responses_are_reported_and_pruned_only_on_request(project: Project):
    build(project)
    (project.output / "left-by-hand.pdf").write_bytes(b"%PDF")  # never built, no response of that name
    (project.responses / "third.yaml").unlink()
    (project.output / "third.docx").unlink()  # already removed by hand: nothing to report, just forgotten
    manifest = Manifest.load(project)
    the_plan = plan(project, manifest)
    expected = ["left-by-hand.pdf", "third.fragment.html", "third.html", "third.pdf"]
    assert [p.name for p in the_plan.orphans] == expected
    assert "third.docx" not in manifest.entries
    assert all((project.output / name).exists() for name in expected)
    # Naming files means "build these", not "tidy up".
    assert plan(project, manifest, [next(project.responses.glob("*.yaml"))]).orphans == []

    remove_orphans(project, manifest, the_plan.orphans)
    assert not any((project.output / name).exists() for name in expected)
    recorded = json.loads((project.output / "manifest.json").read_text())["outputs"]
    assert "third.pdf" not in recorded and len(recorded) == len(KINDS) * len(names(project))
    assert plan(project, Manifest.load(project)).orphans == []


def test_a_second_build_cannot_take_the_lock(project: Project):
    first = BuildLock(project.output)
    first.acquire()
    try:
        with pytest.raises(RespgenError) as caught:
            BuildLock(project.output).acquire(wait=False)
        assert "another respgen build is running in this folder" in str(caught.value)
        assert f"process {os.getpid()}" in str(caught.value)
    finally:
        first.release()
    second = BuildLock(project.output)
    second.acquire(wait=False)
    second.release()


def test_temporaries_of_a_killed_build_are_cleaned(project: Project):
    stale = project.output / ".third.pdf.abc123.part"
    stale.write_bytes(b"half a PDF")
    keep = project.output / "third.pdf"
    keep.write_bytes(b"good")
    assert remove_stale_temporaries(project.output) == [stale]
    assert not stale.exists() and keep.read_bytes() == b"good"


def test_write_atomic_leaves_no_temporary_behind(tmp_path: Path):
    target = tmp_path / "out" / "x.pdf"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]


def test_a_bar_only_for_long_builds_at_a_terminal(monkeypatch):
    from respgen.cli import progress

    monkeypatch.setattr(progress.sys.stdout, "isatty", lambda: True, raising=False)
    assert type(progress.reporter(10, str)) is progress.BarReporter
    assert type(progress.reporter(progress.BAR_ABOVE, str)) is progress.Reporter
    assert type(progress.reporter(10, str, quiet=True)) is progress.Reporter
    monkeypatch.setattr(progress.sys.stdout, "isatty", lambda: False, raising=False)
    assert type(progress.reporter(10, str)) is progress.Reporter


def test_the_summary_says_what_happened():
    from respgen.build.pool import Summary
    from respgen.cli.progress import summary_line

    assert summary_line(Summary(built=3, up_to_date=97, failed=1, seconds=4.26)) == (
        "built 3, up to date 97, failed 1 (4.3 s)"
    )


def test_a_failure_writing_the_second_document_replaces_neither(tmp_path: Path, monkeypatch):
    import errno
    import os

    from respgen.errors import RespgenError
    from respgen.files import write_together

    word, pdf = tmp_path / "x.docx", tmp_path / "x.pdf"
    word.write_bytes(b"old word")
    pdf.write_bytes(b"old pdf")
    real_fsync, calls = os.fsync, []

    def fsync_fails_second_time(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_fails_second_time)
    with pytest.raises(RespgenError, match="No space left on device"):
        write_together({word: b"new word", pdf: b"new pdf"})
    assert word.read_bytes() == b"old word" and pdf.read_bytes() == b"old pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.docx", "x.pdf"]
