"""`respgen serve`: a live preview on this computer only, following each saved edit."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import copy_project

pytestmark = pytest.mark.slow  # a server in its own process

PAGE = "2022-11-02-vetting-misconduct-and-misogyny"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # our own server, on 127.0.0.1
        return response.read().decode("utf-8")


def wait_for(url: str, words: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while True:
        page = fetch(url)
        if words in page or time.monotonic() > deadline:
            return page
        time.sleep(0.2)


@pytest.fixture
def served(tmp_path: Path):
    root = copy_project(tmp_path / "office")
    respgen = Path(sys.executable).with_name("respgen")
    process = subprocess.Popen([str(respgen), "serve", "--port", "0"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + process.stderr.read() if process.poll() is not None else line
        yield root, f"http://127.0.0.1:{match[1]}", process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_preview_follows_an_edit_and_shows_a_mistake_where_the_page_was(served):
    root, base, process = served
    url = f"{base}/{PAGE}.html"
    page = fetch(url)
    assert "An inspection of vetting, misconduct, and misogyny" in page
    assert "/__respgen/version" in page  # the preview reloads itself...
    assert "__respgen" not in (root / "output" / f"{PAGE}.html").read_text(encoding="utf-8")  # ...but the file does not
    assert not list((root / "output").glob("*.pdf"))  # at the start, the preview builds the web pages only

    response = root / "responses" / f"{PAGE}.yaml"
    text = response.read_text(encoding="utf-8")
    response.write_text(text.replace("I welcome", "I warmly welcome", 1), encoding="utf-8")
    assert "I warmly welcome" in wait_for(url, "I warmly welcome")
    # The saved response's PDF and Word document follow, drawn in a warm process, and are recorded as built.
    pdf = root / "output" / f"{PAGE}.pdf"
    deadline = time.monotonic() + 60
    while not (pdf.is_file() and (root / "output" / f"{PAGE}.docx").is_file()) and time.monotonic() < deadline:
        time.sleep(0.2)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "I warmly welcome" in " ".join(text.split())
    assert f"{PAGE}.pdf" in wait_for(url, f"{PAGE}.pdf")  # and the page, reloaded, offers them
    respgen = Path(sys.executable).with_name("respgen")
    status = subprocess.run([str(respgen), "status", "--json"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
    assert status.stdout.count('"outputs": "up to date"') == 1, status.stdout  # this one; the other has no PDF yet

    response.write_text(text.replace("status: final", "status: [final", 1), encoding="utf-8")
    broken = wait_for(url, "could not be built")
    assert "could not be built" in broken and f"responses/{PAGE}.yaml:" in broken

    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "Stopped." in out


def test_the_preview_listens_on_this_computer_only_unless_asked(tmp_path):
    root = copy_project(tmp_path / "office")
    respgen = Path(sys.executable).with_name("respgen")
    result = subprocess.run([str(respgen), "serve", "--host", "0.0.0.0", "--port", "0"], cwd=root,
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "listens on this computer only" in result.stderr and "--allow-remote" in result.stderr
    assert "Traceback" not in result.stderr
