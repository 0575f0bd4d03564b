"""The index page reads each response only when it has changed (its title and dates are kept beside it)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import copy_project
from respgen.build.batch import build_all
from respgen.project import Project
from respgen.web import index

NAME = "2020-01-10-both-sides-of-the-coin"


def test_the_index_follows_a_changed_title_and_ignores_a_damaged_record(tmp_path: Path):
    root = copy_project(tmp_path / "office")
    project = Project(root)
    build_all(project, formats=("web",))
    assert "Both sides of the coin" in project.index_page.read_text(encoding="utf-8")
    record = root / "output" / index.LISTING
    assert record.is_file()

    source = root / "responses" / f"{NAME}.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace('title: "Both sides', 'title: "Two sides', 1), encoding="utf-8")
    build_all(project, formats=("web",))
    page = project.index_page.read_text(encoding="utf-8")
    assert "Two sides of the coin" in page and "Both sides of the coin" not in page

    for damage in ("{not json", json.dumps({f"{NAME}.yaml": {"sha256": "x", "title": 3}}), "[]"):
        record.write_text(damage, encoding="utf-8")
        project.index_page.unlink()
        build_all(project, formats=("web",))
        assert "Two sides of the coin" in project.index_page.read_text(encoding="utf-8")
