"""A very long response (about 240 pages) still builds, and nothing of it is lost.

It takes a minute or more on a small machine, so it runs only when asked:
RESPGEN_SLOW=1 ./dev test tests/test_long_response.py
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import yaml

from conftest import copy_project
from test_catalogue import comparable, docx_text, pdf_texts

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("RESPGEN_SLOW"), reason="slow: set RESPGEN_SLOW=1 to run"),
]

WORDS = ["The", "Constabulary", "has", "reviewed", "its", "approach", "to", "county", "lines", "and", "will", "report", "progress", "to", "the", "Commissioner", "each", "quarter"]


def paragraph(length: int, seed: int) -> str:
    return " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(length)) + f" (paragraph {seed})."


def long_response() -> dict:
    items = [
        {
            "ref": str(i + 1),
            "text": paragraph(60, i),
            "addressed_to": "Chief constables",
            "response": "\n\n".join(paragraph(80, i * 10 + j) for j in range(2)),
            "owner": "Head of Crime",
            "due": dt.date(2021, 3, 31),
            "progress": "in progress",
        }
        for i in range(120)
    ]
    return {
        "inspection": {"title": "A very long inspection", "published": dt.date(2020, 1, 10), "type": "National inspection"},
        "date": dt.date(2020, 2, 20),
        "status": "final",
        "key_findings": {
            "summary": "\n\n".join(paragraph(120, i) for i in range(40)),
            "points": [paragraph(40, i) for i in range(60)],
        },
        "recommendations": {"summary": paragraph(50, 1), "items": items},
        "response": {
            "commissioner": "\n\n".join(paragraph(150, 1000 + i) for i in range(250)),
            "chief_constable": "\n\n".join(paragraph(150, 2000 + i) for i in range(100)),
        },
    }


def test_a_response_of_two_hundred_pages_builds(tmp_path):
    import pikepdf

    root = copy_project(tmp_path / "office")
    for example in (root / "responses").glob("*.yaml"):
        example.unlink()
    (root / "responses" / "long.yaml").write_text(yaml.safe_dump(long_response(), sort_keys=False), encoding="utf-8")
    respgen = os.path.join(os.path.dirname(sys.executable), "respgen")
    result = subprocess.run([respgen, "build"], cwd=root, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    with pikepdf.open(root / "output" / "long.pdf") as pdf:
        assert len(pdf.pages) >= 200
    word = comparable(docx_text(root / "output" / "long.docx"))
    printed = [comparable(text) for text in pdf_texts(root / "output" / "long.pdf")]
    # The first and the last paragraph of each long field, in both documents. In the PDF a
    # paragraph may run over a page break (with the running footer and header in between), so
    # its first and last words are looked for.
    for text in (paragraph(120, 0), paragraph(150, 1249), paragraph(150, 2099), paragraph(80, 1191)):
        assert comparable(text) in word, text
        words = text.split()
        for probe in (" ".join(words[:6]), " ".join(words[-6:])):
            assert any(comparable(probe) in page for page in printed), probe
