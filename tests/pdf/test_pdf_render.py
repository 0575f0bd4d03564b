"""The PDF letter: its words, its tags and its safety, read back from the PDF itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name

from respgen.errors import RespgenError
from respgen.letter import view
from respgen.pdf import document as pdf
from respgen.pdf import lint as htmllint
from respgen.pdf.check import check_pdf
from respgen.project import Project
from respgen.reading.source import read_office, read_response

TABLE_HEADERS = ("Ref", "Recommendation", "Response", "Owner", "Due", "Progress")

SEED = "2020-01-10-both-sides-of-the-coin"
TABLES = "2022-11-02-vetting-misconduct-and-misogyny"
SPECIAL = 'Smith & Sons <Ltd> "quoted" it’s {{ config }} <script>alert(1)</script> 🎉 café'


def text_of(path: Path) -> str:
    """The text a reader copies out of the PDF, with runs of white space made single."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def render(root: Path, name: str) -> bytes:
    project = Project(root)
    source = read_response(root / "responses" / f"{name}.yaml")
    return pdf.render(view.letter(source.response, read_office(project.office_file), project.templates), source, project)


def tags(path: Path) -> list[str]:
    """The structure element types in reading order."""
    from respgen.pdf import tree as pdftree

    with pikepdf.open(path) as doc:
        return [str(e.S)[1:] for e, _p, _d in pdftree.walk(doc)]


@pytest.fixture(scope="module")
def seed_pdf(built_examples: Path) -> Path:
    return built_examples / "output" / f"{SEED}.pdf"


@pytest.fixture(scope="module")
def tables_pdf(built_examples: Path) -> Path:
    return built_examples / "output" / f"{TABLES}.pdf"


def test_the_seed_pdf_says_every_sentence_of_the_published_response(seed_pdf: Path, built_examples: Path):
    text = text_of(seed_pdf)
    for words in [
        read_office(Project(built_examples).office_file).name,
        "Carleton Hall",
        "20 February 2020",
        "Police and Crime Commissioner’s response to: Both sides of the coin",
        "Section 55 of the Police Act 1996 (as amended by section 37 of the Policing and Crime Act 2017)",
        "within 56 days",
        "Date published: 10 January 2020",
        "Type of inspection: National inspection",
        "In 2019, HMICFRS inspected how county lines drug trafficking is dealt with",
        "Forces could work together more efficiently",
        "The inspection report identifies 10 recommendations for other bodies to take forward.",
        "The Police & Crime Commissioner is aware of this report",
        "We will continue to do all we can to stop this cruel and horrific behaviour",
        "Peter McCall Cumbria Police and Crime Commissioner",
        "Home Office 2 Marsham Street London SW1P 4DF",
        "Page 1 of",
    ]:
        assert words in text, words
    assert "Section 33" not in text
    # In the order of the published letter.
    order = ["Carleton Hall", "OFFICIAL", "20 February 2020", "response to:", "Section 55", "Inspection details",
             "Key findings", "Recommendations", "Commissioner’s response The Police", "Peter McCall",
             "Chief Constable’s comments These comments were submitted by Michelle Skeer"]
    positions = [text.index(w) for w in order]
    assert positions == sorted(positions)


def test_the_pdf_is_tagged_with_headings_lists_links_and_a_figure(seed_pdf: Path, built_examples: Path):
    found = tags(seed_pdf)
    assert found[0] == "Document"
    assert found.count("H1") == 1
    assert found.count("H2") == 5  # details, key findings, recommendations, the response and the chief constable's comments
    assert "Figure" in found and "L" in found and "LI" in found and "Link" in found
    with pikepdf.open(seed_pdf) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert doc.Root.ViewerPreferences.DisplayDocTitle is True
        assert doc.Root.MarkInfo.Marked is True
        info = doc.docinfo
        assert str(info.Title).startswith("Police and Crime Commissioner’s response to: Both sides of the coin")
        assert str(info.Author) == read_office(Project(built_examples).office_file).name
        assert str(info.Subject).startswith("Both sides of the coin")
        assert "HMICFRS" in str(info.Keywords)
        outline_titles = []
        with doc.open_outline() as outline:
            stack = list(outline.root)
            while stack:
                item = stack.pop(0)
                outline_titles.append(item.title)
                stack[0:0] = list(item.children)
        assert outline_titles[0].startswith("Police and Crime Commissioner’s response to")
        assert "Key findings" in outline_titles and "Chief Constable’s comments" in outline_titles


def test_a_table_over_several_pages_is_one_table_with_scoped_headers(tables_pdf: Path):
    from respgen.pdf import tree as pdftree

    with pikepdf.open(tables_pdf) as doc:
        assert len(doc.pages) >= 3
        tables = [e for e, _p, _d in pdftree.walk(doc) if e.S == Name.Table]
        # One table for the recommendations and one for the areas for improvement, however many pages.
        assert len(tables) == 2
        first = tables[0]
        pages = {e.Pg.objgen for e, _p, _d in pdftree.walk(doc) if "/Pg" in e and _inside(e, first)}
        assert len(pages) >= 2, "the recommendations table crosses a page break in this example"
        heads = [e for e in pdftree.child_elements(first) if e.S == Name.THead]
        assert len(heads) == 1
        header_cells = [c for r in pdftree.child_elements(heads[0]) for c in pdftree.child_elements(r)]
        assert [c.A.Scope for c in header_cells] == [Name.Column] * len(TABLE_HEADERS)
        ids = {str(c.ID) for c in header_cells}
        body = next(e for e in pdftree.child_elements(first) if e.S == Name.TBody)
        rows = pdftree.child_elements(body)
        expected = read_response(tables_pdf.parent.parent / "responses" / f"{TABLES}.yaml").response
        assert len(rows) == len(expected.recommendations.items)  # every recommendation, once each
        # A row split by a page break is joined again: every row starts with its reference.
        assert all(_holds_content(pdftree.child_elements(row)[0]) for row in rows)
        for row in rows:
            for cell in pdftree.child_elements(row):
                assert {str(h) for h in cell.A.Headers} <= ids
        # The IDs the cells name can be looked up.
        names = doc.Root.StructTreeRoot.IDTree.Names
        assert {str(names[i]) for i in range(0, len(names), 2)} >= ids
    text = text_of(tables_pdf)
    for header in TABLE_HEADERS:
        assert header in text
    assert "College of Policing (for other bodies; not for this force)" in text


def _holds_content(element) -> bool:
    from respgen.pdf import tree as pdftree

    return bool(list(pdftree.marked_content(element))) or any(
        _holds_content(k) for k in pdftree.child_elements(element)
    )


def _inside(element, ancestor) -> bool:
    while element is not None:
        if element.objgen == ancestor.objgen:
            return True
        element = element.get("/P")
    return False


def test_running_header_and_footer_are_pagination_artifacts(seed_pdf: Path):
    with pikepdf.open(seed_pdf) as doc:
        for page in doc.pages:
            pagination = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and operands[0] == Name.Artifact and operands[1].get("/Type") == Name.Pagination:
                    pagination += 1
            assert pagination >= 2  # marking and page number at least


def test_values_come_out_literally(project_dir: Path, tmp_path: Path):
    response = project_dir / "responses" / f"{SEED}.yaml"
    text = response.read_text(encoding="utf-8")
    text = text.replace("  chief_constable: |\n", f"  chief_constable: |\n    {SPECIAL}\n\n", 1)
    text = text.replace("type: National inspection", "type: 'Joint <b>inspection</b> & review {{ 7*7 }}'")
    response.write_text(text, encoding="utf-8")
    out = tmp_path / "special.pdf"
    out.write_bytes(render(project_dir, SEED))
    words = text_of(out)
    assert SPECIAL in words
    assert "Type of inspection: Joint <b>inspection</b> & review {{ 7*7 }}" in words
    assert "49" not in words


def test_a_draft_says_so_on_every_page_and_a_final_does_not(project_dir: Path, tmp_path: Path, seed_pdf: Path):
    response = project_dir / "responses" / f"{SEED}.yaml"
    response.write_text(response.read_text().replace("status: final", "status: draft"))
    out = tmp_path / "draft.pdf"
    out.write_bytes(render(project_dir, SEED))
    with pikepdf.open(out) as doc:
        count = len(doc.pages)
    draft_text = text_of(out)
    assert draft_text.count("OFFICIAL – DRAFT") >= 2 * count  # header or footer on each page
    assert "DRAFT: not for publication or circulation beyond those preparing this response." in draft_text
    # The large grey watermark is a page background, on every page.
    with pikepdf.open(out) as doc:
        assert all(_has_background_picture(page) for page in doc.pages)
    final_text = text_of(seed_pdf)
    assert "DRAFT" not in final_text and "Draft" not in final_text
    with pikepdf.open(seed_pdf) as doc:
        assert not any(_has_background_picture(page) for page in doc.pages)


def _has_background_picture(page) -> bool:
    xobjects = page.Resources.get("/XObject", {})
    return any(xobjects[name].get("/Subtype") == Name.Form for name in xobjects.keys())


# --- the safe fetcher -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference, reason",
    [
        ("file:///etc/passwd", "outside templates/"),
        ("http://example.com/logo.png", "never fetches anything from the network"),
        ("https://example.com/logo.png", "never fetches anything from the network"),
        ("../../../../../../etc/passwd", "outside templates/"),
        ("/etc/passwd", "outside templates/"),
    ],
)
def test_an_office_picture_outside_the_office_folder_is_a_build_error(project_dir: Path, reference: str, reason: str):
    office = project_dir / "templates" / "office.yaml"
    office.write_text(office.read_text().replace("file: logo.png", f'file: "{reference}"'))
    with pytest.raises(RespgenError) as caught:
        render(project_dir, SEED)
    message = str(caught.value)
    assert f"the logo file '{reference}' cannot be used" in message
    assert reason in message
    assert "office.yaml" in message


def test_the_stylesheet_cannot_fetch_files_or_the_network(project_dir: Path):
    css = project_dir / "templates" / "response.css"
    original = css.read_text()
    css.write_text('@import url("file:///etc/passwd");\n' + original)
    with pytest.raises(RespgenError, match="file:///etc/passwd"):
        render(project_dir, SEED)
    css.write_text("body { background: url(http://example.com/x.png) }\n" + original)
    with pytest.raises(RespgenError, match=r"http://example\.com/x\.png.*network"):
        render(project_dir, SEED)


@pytest.mark.slow
@pytest.mark.parametrize(
    "where, old, new, reference",
    [
        ("office.yaml", "file: logo.png", 'file: "http://example.com/logo.png"', "http://example.com/logo.png"),
        ("office.yaml", "file: logo.png", 'file: "file:///etc/passwd"', "file:///etc/passwd"),
        ("response.css", "@page {", '@import url("file:///etc/passwd");\n@page {', "file:///etc/passwd"),
        ("response.css", "@page {", "body { background: url(http://example.com/x.png) }\n@page {", "http://example.com/x.png"),
    ],
)
def test_respgen_build_refuses_a_blocked_reference_and_writes_nothing(project_dir: Path, where, old, new, reference):
    path = project_dir / "templates" / where
    path.write_text(path.read_text().replace(old, new, 1))
    result = subprocess.run(
        [sys.executable, "-m", "respgen", "build",
         f"responses/{SEED}.yaml"],
        cwd=project_dir, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert reference in result.stderr and "Traceback" not in result.stderr
    assert not (project_dir / "output" / f"{SEED}.pdf").exists()


def test_a_response_cannot_pull_in_files_through_its_text(project_dir: Path, tmp_path: Path):
    response = project_dir / "responses" / f"{SEED}.yaml"
    attempt = "![secret](file:///etc/passwd) <img src='file:///etc/passwd'> [x](file:///etc/passwd)"
    response.write_text(response.read_text().replace("  chief_constable: |\n", f"  chief_constable: |\n    {attempt}\n\n", 1))
    out = tmp_path / "attempt.pdf"
    out.write_bytes(render(project_dir, SEED))
    words = text_of(out)
    assert "<img src='file:///etc/passwd'>" in words  # shown as typed, never loaded
    assert "root:x:0" not in words
    with pikepdf.open(out) as doc:
        images = [n for p in doc.pages for n in p.Resources.get("/XObject", {}).keys()]
        links = [str(a.A.get("/URI", "")) for p in doc.pages for a in p.get("/Annots", [])]
    assert len(set(images)) <= 2  # the logo (and nothing read from /etc)
    assert not any(link.startswith("file:") for link in links)


def test_only_a_web_address_becomes_a_link(project_dir: Path, tmp_path: Path):
    import dataclasses

    # The response file only accepts https:// addresses; the template does not rely on it.
    project = Project(project_dir)
    source = read_response(project_dir / "responses" / f"{SEED}.yaml")
    letter = view.letter(source.response, read_office(project.office_file), project.templates)
    details = tuple(dataclasses.replace(d, href="javascript:alert(1)") if d.href else d for d in letter.details)
    out = tmp_path / "link.pdf"
    out.write_bytes(pdf.render(dataclasses.replace(letter, details=details), source, project))
    with pikepdf.open(out) as doc:
        links = [str(a.A.get("/URI", "")) for p in doc.pages for a in p.get("/Annots", [])]
    assert not any("javascript" in link for link in links)
    assert "Inspection title: Both sides of the coin" in text_of(out)
    assert check_pdf(out) == []


def test_a_picture_weasyprint_cannot_read_fails_the_build(project_dir: Path):
    (project_dir / "templates" / "logo.png").write_text("this is not a picture")
    with pytest.raises(RespgenError, match="could not be drawn properly: Failed to load image"):
        render(project_dir, SEED)


# --- the HTML is checked before it is drawn --------------------------------------------------


def _edit_template(root: Path, old: str, new: str) -> None:
    template = root / "templates" / "response.html"
    if old not in template.read_text():
        template = root / "templates" / "letter-text.html"  # the pieces it shares with the web page
    text = template.read_text()
    assert old in text
    template.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "old, new, complaint",
    [
        ('<html lang="{{ letter.language }}">', "<html>", "no lang attribute"),
        ("<title>{{ letter.title }}</title>", "", "no <title>"),
        ('alt="{{ letter.logo.alt }}"', "", "has no alt text"),
        ("<h2>{{ letter.details_heading }}</h2>", "<h3>{{ letter.details_heading }}</h3>", "heading h3 follows h1"),
        ('{% for header in group.headers if header %}<th scope="col">', "{% for header in group.headers if header %}<th>", "no scope attribute"),
    ],
)
def test_a_template_that_loses_an_accessibility_basic_is_refused(project_dir: Path, old, new, complaint):
    _edit_template(project_dir, old, new)
    with pytest.raises(RespgenError) as caught:
        render(project_dir, TABLES)
    assert complaint in str(caught.value)
    assert "response.html" in str(caught.value)


def test_lint_passes_good_html_and_names_each_fault():
    good = (
        '<html lang="en-GB"><head><title>T</title></head><body><h1>A</h1><h2>B</h2><img src="x" alt="X">'
        '<table><thead><tr><th scope="col">H</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></body></html>'
    )
    assert htmllint.lint(good) == []
    assert any("first heading is h2" in p for p in htmllint.lint(good.replace("<h1>A</h1>", "")))
    assert any("no header row" in p for p in htmllint.lint(good.replace('<th scope="col">H</th>', "<td>H</td>")))


def test_template_mistakes_are_messages_with_a_line(project_dir: Path):
    _edit_template(project_dir, "<h1>{{ letter.title }}</h1>", "<h1>{{ letter.title </h1>")
    with pytest.raises(RespgenError) as caught:
        render(project_dir, SEED)
    problem = caught.value.problems[0]
    assert problem.line and "response.html" in str(problem.file)


def test_a_second_response_reuses_the_parsed_stylesheet_and_fonts(project_dir: Path):
    render(project_dir, SEED)
    stylesheets, fonts = dict(pdf._stylesheets), list(pdf._fonts)
    render(project_dir, TABLES)
    assert pdf._stylesheets == stylesheets and pdf._fonts == fonts
    # An edited stylesheet is read again.
    css = project_dir / "templates" / "response.css"
    css.write_text(css.read_text() + "\n/* edited */\n")
    render(project_dir, SEED)
    assert pdf._stylesheets != stylesheets


def test_a_landscape_logo_keeps_its_proportions_beside_the_office_details(project_dir: Path):
    from PIL import Image

    Image.new("RGB", (540, 160), (29, 60, 110)).save(project_dir / "templates" / "logo.png")
    pdf = render(project_dir, SEED)
    path = project_dir / "out.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as doc:
        drawn = [
            [float(x) for x in operands]
            for operands, op in pikepdf.parse_content_stream(doc.pages[0])
            if str(op) == "cm" and abs(float(operands[0])) > 10
        ]
    (width, _, _, height, _, _), *_ = drawn
    assert abs(width / abs(height) - 540 / 160) < 0.01  # not squashed into a square
    # The office's name stays beside the logo, not under it.
    words = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    name_x = float(re.search(r'<word xMin="([\d.]+)"[^>]*>Cumbria</word>', words).group(1))
    assert name_x > 56 + width * 0.75  # points: right of the logo's right edge (left margin 2 cm)


@pytest.mark.slow
def test_the_signature_is_never_alone_on_a_page(project_dir: Path):
    """However long the commissioner's text, the last lines of it share the signature's page."""
    from respgen.build.one import build_one

    project = Project(project_dir)
    seed = (project_dir / "responses" / f"{SEED}.yaml").read_text(encoding="utf-8")
    target = project_dir / "responses" / "signature.yaml"
    # Around the length where the signature would fall alone onto the next page (about 33 lines here).
    for lines in range(28, 42):
        filler = "\n\n".join(["    More words about the work of the force across the county this year."] * lines)
        target.write_text(seed.replace("  commissioner: |\n", "  commissioner: |\n" + filler + "\n\n", 1), encoding="utf-8")
        build_one(project, target, kinds=("pdf",))
        pages = subprocess.run(["pdftotext", "-layout", str(project_dir / "output" / "signature.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout.split("\f")
        page = next(p for p in pages if "Peter McCall" in p)
        above = [line for line in page.split("Peter McCall")[0].splitlines() if line.strip()]
        assert any("county lines drug supply activity" in line for line in above[-3:]), (lines, above[-3:])
