"""Welsh editions: an office that publishes in English and Welsh gets both, complete, in every format.

The Welsh office here is tests/data/cymraeg/office.yaml; its county lines response
is written in both languages by hand. The vetting example is made bilingual by
giving every text field a Welsh version carrying a numbered token, so that the
tests can find each field in the Welsh documents and know none was left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pikepdf
import pytest
import yaml

from conftest import ROOT, copy_project, run_cli

WELSH = ROOT / "tests" / "data" / "cymraeg"
COUNTY_LINES = "2020-01-10-both-sides-of-the-coin"
VETTING = "2022-11-02-vetting-misconduct-and-misogyny"
# Fields that are not text to translate (dates, choices, refs, addresses), and text the letter never shows.
NOT_WORDED = {"ref", "url", "published", "date", "status", "due", "revised_due", "stance", "progress", "grade",
              "applies", "accelerated", "issued", "sent", "reply_by", "received", "name", "note", "revised_due_reason"}  # fmt: skip
TOKEN = re.compile(r"CYMRAEG(\d+)X")


def bilingual(data, counter: list[int], key: str = ""):
    """``data`` with each text given as {en: text, cy: Welsh text carrying a numbered token}."""
    if isinstance(data, dict):
        return {k: bilingual(v, counter, k) for k, v in data.items()}
    if isinstance(data, list):
        return [bilingual(v, counter, key) for v in data]
    if isinstance(data, str) and key not in NOT_WORDED:
        counter[0] += 1
        return {"en": data, "cy": f"Mae’r testun hwn yn Gymraeg CYMRAEG{counter[0]}X {data}"}
    return data


def welsh_office(root: Path) -> Path:
    """An office folder publishing in English and Welsh, with both examples written in both."""
    copy_project(root)
    shutil.copy(WELSH / "office.yaml", root / "templates" / "office.yaml")
    shutil.copy(WELSH / f"{COUNTY_LINES}.yaml", root / "responses" / f"{COUNTY_LINES}.yaml")
    vetting = root / "responses" / f"{VETTING}.yaml"
    counter = [0]
    data = bilingual(yaml.safe_load(vetting.read_text(encoding="utf-8")), counter)
    vetting.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    (root / "tokens").write_text(str(counter[0]))
    return root


@pytest.fixture(scope="module")
def built_welsh(tmp_path_factory) -> Path:
    root = welsh_office(tmp_path_factory.mktemp("cymraeg") / "office")
    result = run_cli(root, "build")
    assert result.exit_code == 0, result.output
    return root


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return " ".join(" ".join(parts).split())


def test_each_response_has_an_english_and_a_welsh_edition_of_every_format(built_welsh: Path):
    names = sorted(p.name for p in (built_welsh / "output").iterdir())
    for stem in (COUNTY_LINES, VETTING):
        for ending in (".docx", ".pdf", ".html", ".fragment.html"):
            assert f"{stem}{ending}" in names
            assert f"{stem}.cy{ending}" in names


def test_the_welsh_edition_holds_every_welsh_field_and_no_english_one(built_welsh: Path):
    total = int((built_welsh / "tokens").read_text())
    shown = set(range(1, total + 1))
    output = built_welsh / "output"
    for text in (pdf_text(output / f"{VETTING}.cy.pdf"), docx_text(output / f"{VETTING}.cy.docx"),
                 (output / f"{VETTING}.cy.html").read_text(encoding="utf-8")):
        assert {int(n) for n in TOKEN.findall(text)} == shown
    for text in (pdf_text(output / f"{VETTING}.pdf"), docx_text(output / f"{VETTING}.docx")):
        assert not TOKEN.search(text)  # the English edition holds none of the Welsh


WELSH_WORDS = [
    "Manylion yr arolygiad",  # the details heading
    "Canfyddiadau allweddol",
    "Argymhellion",
    "Mae adran 55 o Ddeddf yr Heddlu 1996 (fel y’i diwygiwyd gan adran 37 o Ddeddf Plismona a Throseddu 2017)",
    "Cyhoeddwyd yr adroddiad hwn ar 10 Ionawr 2020, felly mae’r sylwadau hyn i’w cyflwyno erbyn 5 Mawrth 2020.",
    "20 Chwefror 2020",  # the letter's date, the Welsh way
    "Arolygiaeth Heddluoedd a Gwasanaethau Tân ac Achub EM",  # before September 2022: Her Majesty's
    "Ymateb y Comisiynydd",
    "SWYDDOGOL",
    "Tudalen 1 o 2",
    "Mae’r ymateb hwn ar gael yn Saesneg hefyd.",  # it says the English edition is there
    "Dwy ochr y geiniog",
    "Mae’r Prif Gwnstabl yn croesawu’r adroddiad cenedlaethol hwn.",
    "o’r tŷ i lan y dŵr",  # ŷ and ŵ, drawn by the fonts and read back as themselves
]


def test_the_welsh_edition_is_worded_in_welsh_in_both_documents(built_welsh: Path):
    output = built_welsh / "output"
    pdf, word = pdf_text(output / f"{COUNTY_LINES}.cy.pdf"), docx_text(output / f"{COUNTY_LINES}.cy.docx")
    for words in WELSH_WORDS:
        assert words in pdf, words
        if not words.startswith("Tudalen"):  # Word counts its own pages: the footer holds the words and fields
            assert words in word, words
    assert "Tudalen" in word and "Page" not in word
    for english in ("Inspection details", "Key findings", "January", "Page 1"):
        assert english not in pdf and english not in word
    english_pdf = pdf_text(output / f"{COUNTY_LINES}.pdf")
    assert "This response is also available in Welsh." in english_pdf and "Inspection details" in english_pdf


def test_each_edition_declares_its_own_language(built_welsh: Path):
    output = built_welsh / "output"
    with pikepdf.open(output / f"{COUNTY_LINES}.cy.pdf") as pdf:
        assert str(pdf.Root.Lang) == "cy"
    with pikepdf.open(output / f"{COUNTY_LINES}.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
    welsh = docx.Document(str(output / f"{COUNTY_LINES}.cy.docx"))
    assert welsh.core_properties.language == "cy-GB"
    defaults = welsh.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    assert defaults == ["cy-GB"]
    assert docx.Document(str(output / f"{COUNTY_LINES}.docx")).core_properties.language == "en-GB"
    page = (output / f"{COUNTY_LINES}.cy.html").read_text(encoding="utf-8")
    assert '<html lang="cy">' in page
    # Each page links to the other edition, named in that edition's own language.
    assert f'<a href="{COUNTY_LINES}.html" hreflang="en-GB" lang="en-GB">English</a>' in page
    english = (output / f"{COUNTY_LINES}.html").read_text(encoding="utf-8")
    assert f'<a href="{COUNTY_LINES}.cy.html" hreflang="cy" lang="cy">Cymraeg</a>' in english


def test_both_welsh_editions_pass_respgen_check(built_welsh: Path):
    output = built_welsh / "output"
    result = run_cli(built_welsh, "check", str(output / f"{COUNTY_LINES}.cy.pdf"), str(output / f"{COUNTY_LINES}.cy.docx"))
    assert result.exit_code == 0, result.output


def test_a_final_response_missing_one_welsh_field_fails_naming_it(tmp_path: Path):
    root = welsh_office(tmp_path / "office")
    path = root / "responses" / f"{COUNTY_LINES}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  type: {en: National inspection, cy: Arolygiad cenedlaethol}", "  type: National inspection")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  type: National inspection") + 1
    result = run_cli(root, "build", f"responses/{COUNTY_LINES}.yaml")
    assert result.exit_code == 1
    assert f"{COUNTY_LINES}.yaml:{line}" in result.output
    assert "'inspection.type' has no Welsh text" in result.output
    assert "Traceback" not in result.output
    assert not list((root / "output").glob(f"{COUNTY_LINES}*"))  # nothing half-built

    # A draft builds, with a warning; its Welsh edition shows the English words there until they are written.
    path.write_text(text.replace("status: final", "status: draft"), encoding="utf-8")
    result = run_cli(root, "build", f"responses/{COUNTY_LINES}.yaml")
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "'inspection.type' has no Welsh text" in result.output
    assert "National inspection" in pdf_text(root / "output" / f"{COUNTY_LINES}.cy.pdf")


def test_an_office_detail_missing_in_welsh_stops_the_build(tmp_path: Path):
    root = welsh_office(tmp_path / "office")
    office = root / "templates" / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("marking: {en: OFFICIAL, cy: SWYDDOGOL}", "marking: OFFICIAL"),
                      encoding="utf-8")
    result = run_cli(root, "build")
    assert result.exit_code == 1
    assert "'marking' has no Welsh text" in result.output and "office.yaml" in result.output


def test_the_translators_file_changes_the_wording_of_the_next_build(tmp_path: Path):
    root = welsh_office(tmp_path / "office")
    words = root / "templates" / "words.cy.yaml"
    words.write_text(words.read_text(encoding="utf-8").replace("heading: Manylion yr arolygiad", "heading: Manylion yr adroddiad"),
                     encoding="utf-8")
    assert run_cli(root, "build", f"responses/{COUNTY_LINES}.yaml").exit_code == 0
    output = root / "output"
    for text in (pdf_text(output / f"{COUNTY_LINES}.cy.pdf"), docx_text(output / f"{COUNTY_LINES}.cy.docx")):
        assert "Manylion yr adroddiad" in text and "Manylion yr arolygiad" not in text
    assert "Inspection details" in pdf_text(output / f"{COUNTY_LINES}.pdf")  # the English edition keeps its own

    # A placeholder respgen does not fill in is refused, naming the file and line.
    text = words.read_text(encoding="utf-8").replace("page: \"Tudalen {page} o {pages}\"", "page: \"Tudalen {tudalen}\"")
    words.write_text(text, encoding="utf-8")
    line = text.splitlines().index('  page: "Tudalen {tudalen}"') + 1
    result = run_cli(root, "build", "--force", f"responses/{COUNTY_LINES}.yaml")
    assert result.exit_code == 1
    assert f"words.cy.yaml:{line}" in result.output and "{tudalen}" in result.output


def test_status_counts_a_response_up_to_date_only_when_every_edition_is(built_welsh: Path, tmp_path: Path):
    root = tmp_path / "office"
    shutil.copytree(built_welsh, root)
    result = run_cli(root, "status", "--json")
    assert result.exit_code == 0, result.output
    assert '"outputs": "up to date"' in result.output
    (root / "output" / f"{COUNTY_LINES}.cy.pdf").unlink()
    result = run_cli(root, "status", "--json")
    assert '"outputs": "not built"' in result.output


def test_the_words_files_in_templates_are_respgens_own():
    # The office's copies start as respgen's wording: the translator corrects templates/, never the package.
    for code in ("en", "cy"):
        own = (ROOT / "src" / "respgen" / "words" / f"{code}.yaml").read_bytes()
        assert (ROOT / "templates" / f"words.{code}.yaml").read_bytes() == own


def test_the_email_is_in_both_languages_and_attaches_both_editions(built_welsh: Path, tmp_path: Path):
    import email
    from email import policy

    root = tmp_path / "office"
    shutil.copytree(built_welsh, root)
    office = root / "templates" / "office.yaml"
    text = office.read_text(encoding="utf-8")
    for role, mailbox in (("Home Secretary, cy: Ysgrifennydd Cartref}", "section55@homeoffice.gov.uk"),
                          ("HM Chief Inspector of Constabulary, cy: Prif Arolygydd Cwnstabliaeth EF}", "pcc.responses@hmicfrs.gov.uk")):
        text = text.replace(f"  - role: {{en: {role}\n", f"  - role: {{en: {role}\n    email: {mailbox}\n")
    office.write_text(text, encoding="utf-8")
    assert run_cli(root, "build").exit_code == 0  # the office file changed: the documents are built again
    result = run_cli(root, "email", f"responses/{COUNTY_LINES}.yaml")
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((root / "output" / f"{COUNTY_LINES}.eml").read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Section 55 response: Both sides of the coin")
    assert " / Ymateb adran 55: Dwy ochr y geiniog" in message["Subject"]
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert names == sorted(f"{COUNTY_LINES}{ending}" for ending in (".docx", ".pdf", ".cy.docx", ".cy.pdf"))
    plain = message.get_body(("plain",)).get_content()
    assert plain.index("Dear Home Secretary") < plain.index("Annwyl Ysgrifennydd Cartref")
    assert "a gyhoeddwyd ar 10 Ionawr 2020" in plain and "adran 55 o Ddeddf yr Heddlu 1996" in plain
    html = message.get_body(("html",)).get_content()
    assert '<div lang="cy">' in html and html.count("<html") == 1


# --- the Welsh web pages, read by a browser with axe-core and by the W3C Nu checker ----------

from web.test_web_page import axe_violations, browser, nu_errors, pages  # noqa: E402, F401  (browser: a fixture)


@pytest.mark.slow
def test_the_welsh_web_pages_pass_axe_and_the_nu_checker(built_welsh: Path, browser):  # noqa: F811
    output = built_welsh / "output"
    welsh = [page for page in pages(output) if ".cy." in page.name]
    assert len(welsh) == 2
    assert nu_errors(pages(output)) == []
    for width in (1280, 320):
        found = {page.name: axe_violations(browser, page, width) for page in [*welsh, output / "index.html"]}
        assert {name: v for name, v in found.items() if v} == {}


def test_wording_that_looks_like_code_is_printed_as_words(tmp_path: Path):
    # The translator's file is hostile until proven otherwise: its words go into CSS, SVG and XML as text.
    root = welsh_office(tmp_path / "office")
    words = root / "templates" / "words.cy.yaml"
    text = words.read_text(encoding="utf-8").replace(
        'page: "Tudalen {page} o {pages}"', 'page: "Tudalen\\" ; } body { display: none } /* {page} o {pages}"'
    ).replace("watermark: DRAFFT", 'watermark: "DRAFFT</text><script>alert(1)</script>"')
    words.write_text(text, encoding="utf-8")
    response = root / "responses" / f"{COUNTY_LINES}.yaml"
    response.write_text(response.read_text(encoding="utf-8").replace("status: final", "status: draft"), encoding="utf-8")
    assert run_cli(root, "build", f"responses/{COUNTY_LINES}.yaml").exit_code == 0
    pdf = pdf_text(root / "output" / f"{COUNTY_LINES}.cy.pdf")
    assert 'Tudalen" ; } body { display: none } /* 1 o' in pdf and "Mae adran 55" in pdf  # the body is still there
    header = docx.Document(str(root / "output" / f"{COUNTY_LINES}.cy.docx")).sections[0].header._element
    paths = header.xpath(".//*[local-name()='textpath']/@string")
    assert paths == ["DRAFFT</text><script>alert(1)</script>"]


def test_a_response_named_like_another_ones_welsh_edition_is_refused(tmp_path: Path):
    root = welsh_office(tmp_path / "office")
    shutil.copy(root / "responses" / f"{COUNTY_LINES}.yaml", root / "responses" / f"{COUNTY_LINES}.cy.yaml")
    result = run_cli(root, "build")
    assert result.exit_code == 1
    assert f"would both be built into output/{COUNTY_LINES}.cy.pdf" in result.output
    # The first of them is built; nothing is written over by the other.
    assert (root / "output" / f"{COUNTY_LINES}.cy.cy.pdf").is_file() and (root / "output" / f"{COUNTY_LINES}.cy.pdf").is_file()
