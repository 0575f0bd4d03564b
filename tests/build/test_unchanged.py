"""A response file that built before builds to the same bytes: new keys change nothing for a file without them.

tests/build/golden.json holds the SHA-256 of each example's documents, with what
the PDF's bytes depend on beyond respgen (the text-layout libraries and the
fonts installed). The Word documents must match always. The PDFs must match
byte for byte where those are the same; on a machine with other fonts the
words and the tag tree must still match (font metrics move line breaks, and so
bytes, without any change in respgen).

After a deliberate change to what the documents say, record the new values
with:  RESPGEN_RECORD_GOLDEN=1 .venv/bin/python -m pytest tests/build/test_unchanged.py
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

GOLDEN = Path(__file__).with_name("golden.json")
LAYOUT_PACKAGES = ("libpango-1.0-0", "libharfbuzz0b", "libfontconfig1", "libcairo2", "libfreetype6")


def environment() -> dict[str, str]:
    """What a PDF's bytes depend on outside respgen and its pinned Python packages."""
    import weasyprint

    try:
        packages = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}=${Version}\n", *LAYOUT_PACKAGES], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        packages = "unknown"
    fonts = subprocess.run(["fc-list", "--format", "%{file}|%{fontversion}\n"], capture_output=True, text=True, check=False).stdout
    return {
        "weasyprint": weasyprint.__version__,
        "packages": " ".join(sorted(packages.split())),
        "fonts": hashlib.sha256("\n".join(sorted(fonts.splitlines())).encode()).hexdigest(),
    }


def words(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def tags(pdf: Path) -> str:
    tree = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = re.findall(r"^\s*([A-Z][A-Za-z0-9]*)\b", tree, re.M)
    return hashlib.sha256(" ".join(names).encode()).hexdigest()


def fingerprint(output: Path) -> dict:
    documents = sorted(p for p in output.iterdir() if p.suffix in (".pdf", ".docx"))
    return {
        "environment": environment(),
        "sha256": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in documents},
        "pdf_words": {p.name: words(p) for p in documents if p.suffix == ".pdf"},
        "pdf_tags": {p.name: tags(p) for p in documents if p.suffix == ".pdf"},
    }


def test_the_examples_build_to_the_recorded_documents(built_examples: Path):
    found = fingerprint(built_examples / "output")
    if os.environ.get("RESPGEN_RECORD_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip("recorded tests/build/golden.json")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(found["sha256"]) == sorted(golden["sha256"])
    for name, digest in golden["sha256"].items():
        if name.endswith(".docx") or found["environment"] == golden["environment"]:
            assert found["sha256"][name] == digest, f"{name} is no longer the document it was"
    assert found["pdf_words"] == golden["pdf_words"]
    assert found["pdf_tags"] == golden["pdf_tags"]
