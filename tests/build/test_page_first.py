"""Building the one response being edited: its web page is written before the PDF is drawn.

The page is what the officer looks at while writing (``respgen serve`` shows
it); the PDF takes a second or two more. If the documents then fail, the
page written early is put back, so that the build still writes everything
or nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project, run_cli
from respgen.build.one import build_one, build_response
from respgen.build.preflight import check_office
from respgen.errors import RespgenError
from respgen.project import Project

NAME = "2020-01-10-both-sides-of-the-coin"
NEW_WORDS = "heinous crimes every day"


def edit(root: Path) -> tuple[Project, Path, Path]:
    """(the project, the response, its web page), the response just saved with NEW_WORDS in it."""
    project = Project(root)
    source = root / "responses" / f"{NAME}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("heinous crime", NEW_WORDS), encoding="utf-8")
    return project, source, project.outputs_for(source)["html"]


def watch_the_pdf(monkeypatch, page: Path, *, wait: float = 0.0, fail: bool = False) -> list[bool]:
    """Whether ``page`` holds NEW_WORDS as each PDF starts to be drawn (waiting up to ``wait`` seconds for
    them, when another process is writing it); with ``fail``, the drawing then fails."""
    import time

    from respgen.pdf import document as pdf

    seen: list[bool] = []
    draw = pdf.render

    def watching(*args, **kwargs):
        deadline = time.monotonic() + wait
        while NEW_WORDS not in page.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(NEW_WORDS in page.read_text(encoding="utf-8"))
        if fail:
            raise RespgenError("the PDF could not be drawn")
        return draw(*args, **kwargs)

    monkeypatch.setattr(pdf, "render", watching)
    return seen


@pytest.fixture
def office_folder(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "office")
    build_one(Project(root), root / "responses" / f"{NAME}.yaml")
    return root


def test_the_page_is_written_before_the_pdf_is_drawn(office_folder: Path, monkeypatch):
    project, source, page = edit(office_folder)
    seen = watch_the_pdf(monkeypatch, page)
    built = build_response(project, check_office(project), source, page_first=True)
    assert seen == [True]
    # Once the PDF is there, the page names it as it is now (its size and pages).
    assert built.written["html"][1] and NEW_WORDS in page.read_text(encoding="utf-8")
    assert f"{NAME}.pdf" in page.read_text(encoding="utf-8")


def test_when_the_documents_fail_the_page_written_early_is_put_back(office_folder: Path, monkeypatch):
    outputs = Project(office_folder).outputs_for(office_folder / "responses" / f"{NAME}.yaml")
    before = {kind: path.read_bytes() for kind, path in outputs.items()}
    project, source, page = edit(office_folder)
    early = watch_the_pdf(monkeypatch, page, fail=True)
    with pytest.raises(RespgenError):
        build_response(project, check_office(project), source, page_first=True)
    assert early == [True]
    assert {kind: path.read_bytes() for kind, path in outputs.items()} == before  # every document as it was


def test_a_page_that_was_not_there_is_removed_again(tmp_path: Path, monkeypatch):
    from respgen.pdf import document as pdf

    root = copy_project(tmp_path / "office")
    project = Project(root)
    monkeypatch.setattr(pdf, "render", lambda *args, **kwargs: (_ for _ in ()).throw(RespgenError("no PDF")))
    with pytest.raises(RespgenError):
        build_response(project, check_office(project), root / "responses" / f"{NAME}.yaml", page_first=True)
    assert list((root / "output").iterdir()) == []


def test_one_response_on_two_cores_gives_the_same_bytes_as_on_one(tmp_path: Path):
    # Its Word document is drawn in a second process while this one draws the PDF (pool._build_split).
    found = {}
    for jobs in ("1", "2"):
        root = copy_project(tmp_path / jobs)
        result = run_cli(root, "build", "--jobs", jobs, f"responses/{NAME}.yaml")
        assert result.exit_code == 0, result.output
        found[jobs] = {p.name: p.read_bytes() for p in (root / "output").glob(f"{NAME}.*")}
    assert sorted(found["2"]) == sorted(f"{NAME}{ending}" for ending in (".docx", ".pdf", ".html", ".fragment.html"))
    assert found["1"] == found["2"]


def test_one_response_on_two_cores_writes_nothing_when_the_word_template_is_broken(tmp_path: Path):
    import shutil
    import zipfile

    root = copy_project(tmp_path / "office")
    template = root / "templates" / "response.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"{{ title }}", b"{{ title }", 1)
            out.writestr(info, data)
    shutil.copy(broken, template)
    result = run_cli(root, "build", "--jobs", "2", f"responses/{NAME}.yaml")
    assert result.exit_code == 1
    assert "response.docx" in result.output and "Traceback" not in result.output
    assert not list((root / "output").glob(f"{NAME}.*"))  # not even the page written first


def test_on_two_cores_the_page_is_written_while_the_pdf_is_drawn(office_folder: Path, monkeypatch):
    from respgen.build.batch import build_all

    project, source, page = edit(office_folder)
    seen = watch_the_pdf(monkeypatch, page, wait=20)  # the second process writes the page while this one draws
    summary = build_all(project, [source], jobs=2)
    assert summary.built == 1 and not summary.failed
    assert seen == [True]
    assert f"{NAME}.pdf" in page.read_text(encoding="utf-8")  # and the final page names the new PDF
