"""No template can run code: the Word, PDF and email templates are all rendered in Jinja's sandbox.

Each known way out of a Jinja template is tried in each kind of template. Two
layers are proved: the check before building refuses the tag with the
template's name (and line, where the file has lines), and the sandbox itself
refuses it should a tag slip past the check.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from jinja2 import StrictUndefined, UndefinedError
from jinja2.exceptions import SecurityError

from conftest import EXAMPLES, copy_project, give_mailboxes, run_cli
from respgen import sandbox

# Each, if it worked, would touch a file called PWNED in the working folder (or exhaust memory).
ATTACKS = [
    "cycler.__init__.__globals__.os.popen('touch PWNED').read()",
    "''.__class__.__mro__[1].__subclasses__()",
    "lipsum.__globals__['os'].popen('touch PWNED').read()",
    "self._TemplateReference__context",
    "config.items()",
    "request.application.__globals__",
    "''|attr('__class__')",
    "'{0.__class__.__mro__}'.format(1)",
    "joiner.__init__.__globals__",
    "namespace.__init__.__globals__",
    "'x' * 1000000000",
    "9 ** 999999999",
]


def tag(expression: str) -> str:
    return "{{ " + expression + " }}"


REFUSALS = ("reaches", "does not supply", "does not give it", "does not have", "does not provide")


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_sandbox_itself_refuses_each_way_out(attack, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises((SecurityError, UndefinedError)):
        sandbox.environment(undefined=StrictUndefined).from_string(tag(attack)).render(title="x")
    # With the lenient default a refused attribute renders as nothing, never as what it reached.
    try:
        shown = sandbox.environment().from_string(tag(attack)).render(title="x")
    except (SecurityError, UndefinedError):
        shown = ""
    assert "class" not in shown and "function" not in shown
    assert not (tmp_path / "PWNED").exists()


def test_the_check_names_each_way_out_with_its_line():
    for attack in ATTACKS:
        found = sandbox.unsafe_tags("line one\n" + tag(attack) + "\n")
        if "__" in attack or "attr(" in attack or ".format(" in attack:
            assert found and found[0][0] == 2, attack


def _office(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "office")
    for extra in sorted((root / "responses").glob("*.yaml"))[1:]:
        extra.unlink()  # one response is enough
    return root


def _put_in_word_template(root: Path, attack: str) -> None:
    path = root / "templates" / "response.docx"
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                text = attack.replace("&", "&amp;").replace("<", "&lt;")
                data = data.replace(b"{{ office_name }}", (tag(text)).encode(), 1)
            archive.writestr(info, data)


def _assert_refused(result, root: Path, template: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "respgen failed" not in result.output
    assert f"templates/{template}" in result.output
    assert any(word in result.output for word in REFUSALS), result.output
    assert not (root / "PWNED").exists()


@pytest.mark.slow  # a build in each kind of template, for each attack
@pytest.mark.parametrize("attack", ATTACKS)
def test_a_word_template_cannot_run_code(attack, tmp_path):
    root = _office(tmp_path)
    _put_in_word_template(root, attack)
    result = run_cli(root, "build")
    _assert_refused(result, root, "response.docx")
    assert list((root / "output").glob("*.docx")) == []
    checked = run_cli(root, "check-template")
    _assert_refused(checked, root, "response.docx")


@pytest.mark.slow  # a build in each kind of template, for each attack
@pytest.mark.parametrize("attack", ATTACKS)
def test_a_pdf_template_cannot_run_code(attack, tmp_path):
    root = _office(tmp_path)
    html = root / "templates" / "response.html"
    html.write_text(html.read_text(encoding="utf-8").replace("<h1>", "<h1>" + tag(attack), 1), encoding="utf-8")
    result = run_cli(root, "build")
    _assert_refused(result, root, "response.html")
    assert list((root / "output").glob("*.pdf")) == []


@pytest.mark.slow  # a build in each kind of template, for each attack
@pytest.mark.parametrize("template, anchor", [("web.html", "<h1>"), ("index.html", "<h1>"), ("letter-text.html", "{%- macro spans")])
@pytest.mark.parametrize("attack", ATTACKS[:4] + ATTACKS[-2:])
def test_a_web_template_cannot_run_code(attack, template, anchor, tmp_path):
    root = _office(tmp_path)
    html = root / "templates" / template
    html.write_text(html.read_text(encoding="utf-8").replace(anchor, tag(attack) + anchor, 1), encoding="utf-8")
    result = run_cli(root, "build", "--format", "web")
    _assert_refused(result, root, template)
    if template == "index.html":
        assert not (root / "output" / "index.html").exists()  # the pages are fine: only the list is refused
    else:
        assert [p.name for p in (root / "output").glob("*.html")] in ([], ["index.html"])


@pytest.fixture(scope="module")
def built_office(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("mail") / "office")
    give_mailboxes(root)
    assert run_cli(root, "build", "--jobs", "1").exit_code == 0
    return root


@pytest.mark.slow  # a build in each kind of template, for each attack
@pytest.mark.parametrize("kind", ["email.txt", "email.html"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_an_email_template_cannot_run_code(attack, kind, built_office, tmp_path):
    root = tmp_path / "office"
    shutil.copytree(built_office, root)
    template = root / "templates" / kind
    template.write_text(tag(attack) + "\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    final = next(p for p in EXAMPLES if "vetting" in p.name)
    result = run_cli(root, "email", f"responses/{final.name}")
    _assert_refused(result, root, kind)
    assert not (root / "output" / f"{final.stem}.eml").exists()
