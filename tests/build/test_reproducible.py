"""Same input, same bytes: wherever the office folder is, and in separate processes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project

pytestmark = pytest.mark.slow  # the command in its own process, LibreOffice or Hypothesis


def _build(root: Path) -> dict[str, str]:
    respgen = Path(sys.executable).with_name("respgen")
    subprocess.run([str(respgen), "build", "--jobs", "1", "--quiet"], cwd=root, check=True, capture_output=True)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "output").glob("*.*")) if p.suffix in (".pdf", ".docx", ".html")}


def test_two_office_folders_in_different_places_give_the_same_documents(tmp_path: Path):
    first = _build(copy_project(tmp_path / "here" / "office"))
    second = _build(copy_project(tmp_path / "somewhere" / "else" / "entirely"))
    assert len(first) == 9  # for each example: Word, PDF, web page and fragment; and the list of responses
    assert first == second
