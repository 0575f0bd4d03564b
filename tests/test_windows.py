"""What an office's Windows desktop brings that can be tried here: Notepad's files and the Windows lock."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from conftest import copy_project, run_cli

FINAL = "2022-11-02-vetting-misconduct-and-misogyny"


def test_a_response_saved_by_notepad_with_crlf_and_a_bom_builds_and_is_named_at_the_right_line(tmp_path):
    root = copy_project(tmp_path / "office")
    lf = (root / "responses" / f"{FINAL}.yaml").read_text(encoding="utf-8")
    notepad = root / "responses" / "notepad.yaml"
    notepad.write_bytes(b"\xef\xbb\xbf" + lf.replace("\n", "\r\n").encode("utf-8"))
    built = run_cli(root, "build", "responses/notepad.yaml", f"responses/{FINAL}.yaml")
    assert built.exit_code == 0, built.output
    # The same words in the Word document as from the file with Unix line ends.
    assert (root / "output" / "notepad.docx").read_bytes() == (root / "output" / f"{FINAL}.docx").read_bytes()
    # A mistake in it is named at its line, as Notepad numbers it.
    lines = lf.splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("status:"))
    lines[number - 1] = "status: finished"
    notepad.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    refused = run_cli(root, "build", "responses/notepad.yaml")
    assert refused.exit_code == 1
    assert f"responses/notepad.yaml:{number}:" in refused.output and "'status' cannot be 'finished'" in refused.output


def test_the_build_lock_uses_msvcrt_on_windows(monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("msvcrt")
    fake.LK_NBLCK, fake.LK_UNLCK = 2, 0
    fake.locking = lambda fd, mode, size: calls.append((mode, size))
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    import respgen.build.lock as lock

    windows = importlib.reload(lock)
    try:
        held = windows.BuildLock(tmp_path)
        held.acquire(wait=False)
        held.release()
        assert calls == [(fake.LK_NBLCK, 1), (fake.LK_UNLCK, 1)]  # one byte at the start of the lock file, then let go
    finally:
        monkeypatch.setattr(sys, "platform", "linux")
        importlib.reload(lock)


def test_a_folder_with_spaces_and_welsh_letters_in_its_path_builds(tmp_path):
    root = copy_project(tmp_path / "Swyddfa'r Comisiynydd ŵ" / "My Documents" / "respgen")
    built = run_cli(root, "build", "--format", "web")
    assert built.exit_code == 0, built.output
    assert (root / "output" / f"{FINAL}.html").is_file()
    assert Path(root / "output" / "index.html").read_text(encoding="utf-8").count(".html") >= 2
