"""Building the one response being edited: its web page is written before the PDF is drawn.

The page is what the officer looks at while writing (``respgen serve`` shows
it); the PDF takes a second or two more. If the documents then fail, the
page written early is put back, so that the build still writes everything
or nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project
from respgen.build.one import build_one, build_response
from respgen.build.preflight import check_office
from respgen.errors import RespgenError
from respgen.project import Project

NAME = "2020-01-10-both-sides-of-the-coin"


@pytest.fixture
def office_folder(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "office")
    build_one(Project(root), root / "responses" / f"{NAME}.yaml")
    return root


def test_the_page_is_written_before_the_pdf_is_drawn(office_folder: Path, monkeypatch):
    from respgen.pdf import document as pdf

    project = Project(office_folder)
    source = office_folder / "responses" / f"{NAME}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("heinous crime", "heinous crimes every day"), encoding="utf-8")
    page = project.outputs_for(source)["html"]
    seen = []
    draw = pdf.render

    def watching(*args, **kwargs):
        seen.append("heinous crimes every day" in page.read_text(encoding="utf-8"))  # what is on disk as the PDF starts
        return draw(*args, **kwargs)

    monkeypatch.setattr(pdf, "render", watching)
    built = build_response(project, check_office(project), source, page_first=True)
    assert seen == [True]
    # Once the PDF is there, the page names it as it is now (its size and pages).
    assert built.written["html"][1] and "heinous crimes every day" in page.read_text(encoding="utf-8")
    assert f"{NAME}.pdf" in page.read_text(encoding="utf-8")


def test_when_the_documents_fail_the_page_written_early_is_put_back(office_folder: Path, monkeypatch):
    from respgen.pdf import document as pdf

    project = Project(office_folder)
    source = office_folder / "responses" / f"{NAME}.yaml"
    outputs = project.outputs_for(source)
    before = {kind: path.read_bytes() for kind, path in outputs.items()}
    source.write_text(source.read_text(encoding="utf-8").replace("heinous crime", "heinous crimes every day"), encoding="utf-8")
    early = []

    def failing(*args, **kwargs):
        early.append("heinous crimes every day" in outputs["html"].read_text(encoding="utf-8"))
        raise RespgenError("the PDF could not be drawn")

    monkeypatch.setattr(pdf, "render", failing)
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
