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
