"""Shared fixtures: a private copy of the example project for each test that writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "responses").glob("*.yaml"))


def copy_project(dest: Path) -> Path:
    """A fresh office folder in ``dest``: the real templates and example responses, an empty output/."""
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "responses", dest / "responses")
    (dest / "output").mkdir()
    return dest


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "office")


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory) -> Path:
    """The example responses built once for the whole test session (read-only for tests)."""
    from respgen.build.one import build_one
    from respgen.project import Project

    root = copy_project(tmp_path_factory.mktemp("built") / "office")
    project = Project(root)
    for path in project.response_files():
        build_one(project, path)
    return root


MAILBOXES = {
    "office": "commissioner@cumbria-pcc.gov.uk",
    "Home Secretary": "section55@homeoffice.gov.uk",
    "HM Chief Inspector of Constabulary": "pcc.responses@hmicfrs.gov.uk",
    "chief constable": "chief.constable@cumbria.police.uk",
}


def give_mailboxes(root: Path) -> None:
    """Fill in the email addresses the example office file leaves out (the emails need them).

    The commented-out "# email:" lines are filled in where they stand, so every
    other line keeps its number (tests name lines of the office file).
    """
    import re

    office_file = root / "templates" / "office.yaml"
    lines = office_file.read_text(encoding="utf-8").splitlines()
    section = "office"
    for number, line in enumerate(lines):
        if line.startswith("chief_constable:"):
            section = "chief constable"
        elif line.startswith(("address:", "recipients:")):
            section = "office"
        elif match := re.match(r"\s*- role: (.+?)\s*(#.*)?$", line):
            section = match[1]
        if match := re.fullmatch(r"(\s*)# email: \S+.*", line):
            lines[number] = f"{match[1]}email: {MAILBOXES[section]}"
    assert sum("email:" in line and "#" not in line for line in lines) == 4, "the example office file has changed"
    office_file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def respgen_process(folder: Path, *args: str, script: str | None = None, timeout: float = 300, text: bool = True):
    """Run the respgen command in its own process in ``folder`` (or ``script``, which ends by running it)."""
    import subprocess
    import sys

    command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "respgen"]
    return subprocess.run([*command, *args], cwd=folder, capture_output=True, text=text, timeout=timeout)


def run_cli(folder: Path, *args: str):
    """Run the respgen command in ``folder``, as an officer would from there."""
    import os

    from click.testing import CliRunner

    from respgen.cli.commands import main

    old = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
