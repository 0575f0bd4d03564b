"""Every limit respgen puts on what a file may hold: a file at the limit is read, one just past it is refused.

Each limit is a named constant beside the reason for it; the messages name the limit.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PIL import Image

from respgen import sandbox
from respgen.errors import RespgenError


def test_a_response_file_of_exactly_the_size_limit_is_read_and_one_byte_more_is_refused(tmp_path):
    from respgen.reading.loader import MAX_BYTES, read_text

    at = tmp_path / "at.yaml"
    at.write_bytes(b"a: b\n" + b"#" * (MAX_BYTES - 6) + b"\n")
    assert at.stat().st_size == MAX_BYTES
    assert read_text(at).startswith("a: b")
    past = tmp_path / "past.yaml"
    past.write_bytes(at.read_bytes() + b"\n")
    with pytest.raises(RespgenError, match="the limit is 20 MB"):
        read_text(past)


@pytest.mark.slow  # parsing 200,000 values twice takes several seconds
def test_a_file_of_exactly_the_most_values_is_read_and_one_more_is_refused(tmp_path):
    from respgen.reading.loader import MAX_NODES, load_yaml

    at = tmp_path / "at.yaml"
    # The mapping, its key, the list and its items are each a value.
    at.write_text("items: [" + ", ".join(["x"] * (MAX_NODES - 3)) + "]\n", encoding="utf-8")
    data, _ = load_yaml(at)
    assert len(data["items"]) == MAX_NODES - 3
    past = tmp_path / "past.yaml"
    past.write_text("items: [" + ", ".join(["x"] * (MAX_NODES - 2)) + "]\n", encoding="utf-8")
    with pytest.raises(RespgenError, match="more than 200,000 values"):
        load_yaml(past)


def test_nesting_to_the_depth_limit_is_read_and_one_level_more_is_refused(tmp_path):
    from respgen.reading.loader import MAX_DEPTH, load_yaml

    def nested(depth: int) -> str:
        return "a: " + "[" * depth + "x" + "]" * depth + "\n"

    at = tmp_path / "at.yaml"
    at.write_text(nested(MAX_DEPTH - 1), encoding="utf-8")  # the mapping is the first level
    load_yaml(at)
    past = tmp_path / "past.yaml"
    past.write_text(nested(MAX_DEPTH), encoding="utf-8")
    with pytest.raises(RespgenError, match="nested too deeply"):
        load_yaml(past)


def test_a_picture_of_exactly_the_most_pixels_is_used_and_one_pixel_more_is_refused(tmp_path):
    from respgen.build.preflight import MAX_PICTURE_PIXELS, picture_problem

    width = 8000
    assert MAX_PICTURE_PIXELS % width == 0
    Image.new("1", (width, MAX_PICTURE_PIXELS // width)).save(tmp_path / "at.png")
    assert picture_problem(tmp_path, "at.png") is None
    Image.new("1", (width + 1, MAX_PICTURE_PIXELS // width)).save(tmp_path / "past.png")
    problem = picture_problem(tmp_path, "past.png")
    assert problem is not None and "pixels" in problem[0]


def test_a_picture_file_of_exactly_the_size_limit_is_used_and_one_byte_more_is_refused(tmp_path):
    from respgen.build.preflight import MAX_PICTURE_BYTES, picture_problem

    Image.new("RGB", (10, 10)).save(tmp_path / "logo.png")
    data = (tmp_path / "logo.png").read_bytes()
    # Bytes after a PNG's end are ignored by readers: pad to the exact size.
    (tmp_path / "at.png").write_bytes(data + b"\0" * (MAX_PICTURE_BYTES - len(data)))
    assert picture_problem(tmp_path, "at.png") is None
    (tmp_path / "past.png").write_bytes(data + b"\0" * (MAX_PICTURE_BYTES - len(data) + 1))
    problem = picture_problem(tmp_path, "past.png")
    assert problem is not None and "too big" in problem[0]


def test_a_template_may_make_a_value_of_exactly_the_limit_and_not_one_character_more():
    env = sandbox.environment()
    assert len(env.from_string("{{ 'x' * n }}").render(n=sandbox.MAX_MADE)) == sandbox.MAX_MADE
    with pytest.raises(sandbox.SecurityError, match="more than 100,000 characters"):
        env.from_string("{{ 'x' * n }}").render(n=sandbox.MAX_MADE + 1)
    with pytest.raises(sandbox.SecurityError):
        env.from_string("{{ a + b }}").render(a="x" * sandbox.MAX_MADE, b="y")


def _docx_of(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "")
        archive.writestr("padding.bin", b"\0" * (size - 0))
    return path


def test_a_word_file_that_unpacks_to_exactly_the_limit_is_opened_and_one_byte_more_is_refused(tmp_path, monkeypatch):
    from respgen.word import parts

    monkeypatch.setattr(parts, "MAX_UNPACKED", 1_000_000)  # the same rule, at a size a test can make quickly
    _, at = parts.open_document(_docx_of(tmp_path / "at.docx", 1_000_000), "document")
    assert not any("unpacks to more than" in p.message for p in at)  # refused later, for not being Word at all
    _, past = parts.open_document(_docx_of(tmp_path / "past.docx", 1_000_001), "document")
    assert [p for p in past if "unpacks to more than" in p.message]


def test_a_file_inside_a_pdf_of_exactly_the_limit_is_extracted_and_one_byte_more_is_refused(tmp_path, monkeypatch):
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from respgen.workflow import extract

    monkeypatch.setattr(extract, "MAX_SOURCE_BYTES", 1_000_000)

    def pdf_with(size: int) -> Path:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        stream = pdf.make_stream(b"a" * size, Type=Name.EmbeddedFile)
        spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("x.yaml"), AFRelationship=Name.Source, EF=Dictionary(F=stream)))
        pdf.Root.AF = Array([spec])
        target = tmp_path / f"{size}.pdf"
        pdf.save(target)
        return target

    assert len(extract._read_embedded(pdf_with(1_000_000)).data) == 1_000_000
    with pytest.raises(RespgenError, match="larger than"):
        extract._read_embedded(pdf_with(1_000_001))


def _response_with(tmp_path: Path, change) -> Path:
    import yaml

    from conftest import EXAMPLES

    data = yaml.safe_load(EXAMPLES[-1].read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "response.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_section_of_exactly_the_most_findings_is_read_and_one_more_is_refused(tmp_path):
    from respgen.reading.model import MAX_ITEMS
    from respgen.reading.source import read_response

    def findings(count):
        def change(data):
            item = data["recommendations"]["items"][0]
            data["recommendations"]["items"] = [{**item, "ref": str(n)} for n in range(count)]

        return change

    assert len(read_response(_response_with(tmp_path, findings(MAX_ITEMS))).response.recommendations.items) == MAX_ITEMS
    with pytest.raises(RespgenError, match="more than 1,000 entries"):
        read_response(_response_with(tmp_path, findings(MAX_ITEMS + 1)))


def test_a_passage_of_exactly_the_most_characters_is_read_and_one_more_is_refused(tmp_path):
    from respgen.reading.model import MAX_TEXT
    from respgen.reading.source import read_response

    def passage(length):
        def change(data):
            data["response"]["commissioner"] = "a" * length  # one line, as a pasted 5 MB line would be

        return change

    assert len(read_response(_response_with(tmp_path, passage(MAX_TEXT))).response.response.commissioner) == MAX_TEXT
    with pytest.raises(RespgenError, match="longer than 500,000 characters"):
        read_response(_response_with(tmp_path, passage(MAX_TEXT + 1)))
