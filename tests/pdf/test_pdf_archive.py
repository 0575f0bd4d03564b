"""The PDF as an archive record: it passes the checks, is reproducible, small, and carries its source."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name

from conftest import EXAMPLES, copy_project, respgen_process
from respgen.letter import view
from respgen.pdf import tree as pdftree
from respgen.pdf.check import check_pdf
from respgen.project import Project
from respgen.reading.source import read_office, read_response

SEED = "2020-01-10-both-sides-of-the-coin"
def respgen(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return respgen_process(cwd, *args, text=False)


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_every_example_pdf_passes_the_checks_and_stays_small(built_examples: Path, example: str):
    path = built_examples / "output" / f"{example}.pdf"
    assert check_pdf(path) == []
    with pikepdf.open(path) as doc:
        pages = len(doc.pages)
    if pages <= 3:
        assert path.stat().st_size < 100_000
    with pikepdf.open(path) as doc:
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"].startswith("Police and Crime Commissioner’s response to:")
        assert doc.pdf_version == "1.7"


@pytest.mark.slow
def test_respgen_check_passes_the_outputs_and_fails_a_broken_one(built_examples: Path, tmp_path: Path):
    root = copy_project(tmp_path / "office")
    for pdf in (built_examples / "output").glob("*.pdf"):
        (root / "output" / pdf.name).write_bytes(pdf.read_bytes())
    good = respgen(root, "check", *[f"output/{p.stem}.pdf" for p in EXAMPLES])
    assert good.returncode == 0, good.stderr
    assert b"passes every check" in good.stdout
    broken = root / "output" / "broken.pdf"
    with pikepdf.open(root / "output" / f"{SEED}.pdf") as doc:
        del doc.Root.Lang
        doc.save(broken)
    bad = respgen(root, "check", "output/broken.pdf")
    assert bad.returncode == 1
    assert b"does not say its language" in bad.stderr
    assert b"Traceback" not in bad.stderr


@pytest.mark.slow
def test_the_same_response_gives_the_same_bytes_in_separate_processes(project_dir: Path):
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from respgen.pdf import document as pdf
        from respgen.letter import view
        from respgen.project import Project
        from respgen.reading.source import read_office, read_response
        project = Project(Path(sys.argv[1]))
        source = read_response(project.responses / sys.argv[2])
        data = pdf.render(view.letter(source.response, read_office(project.office_file), project.templates), source, project)
        Path(sys.argv[3]).write_bytes(data)
        """
    )
    outputs = []
    for run in range(2):
        target = project_dir / f"run{run}.pdf"
        subprocess.run(
            [sys.executable, "-c", script, str(project_dir), f"{SEED}.yaml", str(target)],
            check=True,
            timeout=120,
            env={"PYTHONHASHSEED": str(run + 1), "PATH": "/usr/bin:/bin"},
        )
        outputs.append(target.read_bytes())
    assert hashlib.sha256(outputs[0]).digest() == hashlib.sha256(outputs[1]).digest()
    # No wall-clock date anywhere: the only dates are the response's own.
    with pikepdf.open(project_dir / "run0.pdf") as doc:
        assert str(doc.docinfo.CreationDate).startswith("D:20200220")
        assert str(doc.docinfo.ModDate).startswith("D:20200220")


def test_the_source_is_embedded_as_an_associated_file(built_examples: Path):
    path = built_examples / "output" / f"{SEED}.pdf"
    source = (built_examples / "responses" / f"{SEED}.yaml").read_bytes()
    with pikepdf.open(path) as doc:
        (spec,) = list(doc.Root.AF)
        assert spec.AFRelationship == Name.Source
        assert str(spec.UF) == f"{SEED}.yaml"
        stream = spec.EF.F
        assert stream.read_bytes() == source
        assert stream.Subtype == Name("/application/yaml")
        assert str(stream.Params.ModDate) == "D:20200220000000Z"  # the response's date, not the build's
        names = doc.Root.Names.EmbeddedFiles.Names
        assert str(names[0]) == f"{SEED}.yaml" and names[1].objgen == spec.objgen


@pytest.mark.slow
def test_extract_gives_back_the_response_file_byte_for_byte(built_examples: Path, tmp_path: Path):
    pdf = built_examples / "output" / f"{SEED}.pdf"
    source = (built_examples / "responses" / f"{SEED}.yaml").read_bytes()
    here = tmp_path / "here"
    here.mkdir()
    first = respgen(here, "extract", str(pdf))
    assert first.returncode == 0, first.stderr
    assert (here / f"{SEED}.yaml").read_bytes() == source
    # It never overwrites a file unless asked.
    (here / f"{SEED}.yaml").write_text("kept")
    again = respgen(here, "extract", str(pdf))
    assert again.returncode == 1
    assert b"already exists" in again.stderr and b"Traceback" not in again.stderr
    assert (here / f"{SEED}.yaml").read_text() == "kept"
    forced = respgen(here, "extract", str(pdf), "--force")
    assert forced.returncode == 0 and (here / f"{SEED}.yaml").read_bytes() == source
    # -o names a file or a folder; -o - writes to standard output.
    assert respgen(here, "extract", str(pdf), "-o", "copy.yaml").returncode == 0
    assert (here / "copy.yaml").read_bytes() == source
    (here / "sub").mkdir()
    assert respgen(here, "extract", str(pdf), "-o", "sub").returncode == 0
    assert (here / "sub" / f"{SEED}.yaml").read_bytes() == source
    piped = respgen(here, "extract", str(pdf), "-o", "-")
    assert piped.returncode == 0 and piped.stdout == source
    # The file extracted builds the same response.
    assert read_response(here / "copy.yaml").response == read_response(built_examples / "responses" / f"{SEED}.yaml").response


@pytest.mark.slow
def test_extract_from_a_pdf_without_a_source_says_so(tmp_path: Path):
    plain = tmp_path / "plain.pdf"
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.save(plain)
    result = respgen(tmp_path, "extract", str(plain))
    assert result.returncode == 1
    assert b"carries no response file" in result.stderr and b"Traceback" not in result.stderr


LONG_ROW = "\n\n".join(
    f"Paragraph {n} of a long update on this recommendation, written to run past the end of a page so that"
    " the row has to be split between two pages of the table." for n in range(1, 31)
)


def test_a_row_longer_than_a_page_is_still_one_row_of_one_table(project_dir: Path, tmp_path: Path):
    import yaml


    data = yaml.safe_load((project_dir / "responses" / f"{SEED}.yaml").read_text(encoding="utf-8"))
    data["recommendations"] = {
        "summary": "Four recommendations.",
        "items": [
            {
                "ref": str(n),
                "text": f"Chief constables should do thing number {n}.",
                "addressed_to": "Chief constables",
                "response": LONG_ROW if n == 2 else "Done.",
                "owner": "Head of Standards",
                "due": dt.date(2023, 3, 31),
                "progress": "complete",
            }
            for n in range(1, 5)
        ],
    }
    out = pdf_of(project_dir, "long", data, tmp_path)
    assert check_pdf(out) == []
    with pikepdf.open(out) as doc:
        tables = [e for e, _p, _d in pdftree.walk(doc) if e.S == Name.Table]
        assert len(tables) == 1
        body = next(e for e in pdftree.child_elements(tables[0]) if e.S == Name.TBody)
        rows = pdftree.child_elements(body)
        assert len(rows) == 4
        # The long response cell holds marked content from more than one page.
        response_cell = pdftree.child_elements(rows[1])[2]
        pages = set()
        stack = [response_cell]
        while stack:
            element = stack.pop()
            pages.update(page for page, _mcid in pdftree.marked_content(element))
            stack.extend(pdftree.child_elements(element))
        assert len(pages) >= 2
        # Each marked-content reference names the element that holds it in the ParentTree.
        parents = pdftree.parent_tree(doc)
        for element, _parent, _depth in pdftree.walk(doc):
            for page_key, mcid in pdftree.marked_content(element):
                page = next(p for p in doc.pages if p.obj.objgen == page_key)
                assert parents[int(page.obj.StructParents)][mcid].objgen == element.objgen


def pdf_of(project_dir: Path, name: str, data: dict, folder: Path) -> Path:
    """The PDF of a response ``data`` written as responses/<name>.yaml, drawn in this process."""
    import yaml

    from respgen.pdf import document as pdf

    response = project_dir / "responses" / f"{name}.yaml"
    response.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    project = Project(project_dir)
    source = read_response(response)
    out = folder / f"{name}.pdf"
    out.write_bytes(pdf.render(view.letter(source.response, read_office(project.office_file), project.templates), source, project))
    return out


def test_a_list_over_a_page_break_is_one_list_with_one_item_per_point(project_dir: Path, tmp_path: Path):
    import yaml


    data = yaml.safe_load((project_dir / "responses" / f"{SEED}.yaml").read_text(encoding="utf-8"))
    points = [f"Finding {n}: a finding long enough to fill a line or two of the letter." for n in range(1, 25)]
    points[9] = "Finding 10 runs on and on. " + "It goes on to describe the finding at length, sentence by sentence. " * 40
    data["key_findings"]["points"] = points
    out = pdf_of(project_dir, "list", data, tmp_path)
    assert check_pdf(out) == []
    with pikepdf.open(out) as doc:
        document = pdftree.roots(doc)[0]
        lists = [k for k in pdftree.child_elements(document) if k.S == Name.L]
        assert len(lists) == 1
        items = pdftree.child_elements(lists[0])
        assert len(items) == len(points)
        assert all(pdftree.child_elements(item)[0].S == Name.Lbl for item in items)
        # The long finding itself runs over the page break, and is still one item.
        pages, stack = set(), [items[9]]
        while stack:
            element = stack.pop()
            pages.update(page for page, _mcid in pdftree.marked_content(element))
            stack.extend(pdftree.child_elements(element))
        assert len(pages) == 2


def test_extract_given_a_word_document_says_so(tmp_path):
    from conftest import copy_project, run_cli

    root = copy_project(tmp_path / "office")
    (root / "output" / "response.docx").write_bytes(b"PK\x03\x04" + b"\0" * 200)
    result = run_cli(root, "extract", "output/response.docx")
    assert result.exit_code == 1
    assert "it is a Word document (or another zip file), not a PDF" in result.output
    assert "trailer" not in result.output
