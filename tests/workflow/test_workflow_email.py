"""The round trip new -> build -> status -> email, and the .eml read back with the email package."""

from __future__ import annotations

import email
import email.policy
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_project, give_mailboxes
from conftest import run_cli as run
from respgen.project import Project
from respgen.reading.source import read_office

FINAL = "responses/2022-11-02-vetting-misconduct-and-misogyny.yaml"
NEW_TITLE = "PEEL 2025: An inspection of Cumbria Constabulary & partners"



@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """An office folder with a new draft (from respgen new) and a final example, both built."""
    root = copy_project(tmp_path_factory.mktemp("workflow") / "office")
    give_mailboxes(root)
    made = run(root, "new", NEW_TITLE, "--published", "2026-11-20", "--type", "PEEL inspection", "--date", "2026-11-27")
    assert made.exit_code == 0, made.output
    built = run(root, "build", "responses/2026-11-20-peel-2025.yaml", FINAL)
    assert built.exit_code == 0, built.output
    return root


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    """Every paragraph's text in the body, headers and footers, in document order."""
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml") and name.split("/")[1].startswith(("document", "header", "footer")):
                root = ElementTree.fromstring(archive.read(name))
                for paragraph in root.iter(f"{w}p"):
                    texts.append("".join(t.text or "" for t in paragraph.iter(f"{w}t")))
    return " ".join(" ".join(texts).split())


def test_new_then_build_makes_both_documents_with_the_deadline(office):
    docx = office / "output" / "2026-11-20-peel-2025.docx"
    pdf = office / "output" / "2026-11-20-peel-2025.pdf"
    for text in (pdf_text(pdf), docx_text(docx)):
        assert "PEEL 2025: An inspection of Cumbria Constabulary & partners" in text
        assert "14 January 2027" in text  # the deadline, stated in the letter
        assert "20 November 2026" in text and "27 November 2026" in text
        assert "section 37 of the Policing and Crime Act 2017" in text
        assert "Section 33" not in text and "section 33" not in text
        assert "Home Office" in text and "HMICFRS" in text  # the recipients
        assert "DRAFT" in text


def test_status_after_build_shows_outputs_up_to_date(office):
    result = run(office, "status", "--json", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    import json

    rows = {Path(r["file"]).name: r for r in json.loads(result.output)["responses"]}
    assert rows["2026-11-20-peel-2025.yaml"]["outputs"] == "up to date"
    assert rows["2026-11-20-peel-2025.yaml"]["timing"] == "44 days left"
    assert rows["2020-01-10-both-sides-of-the-coin.yaml"]["outputs"] == "not built"


def test_email_for_a_final_response(office):
    result = run(office, "email", FINAL)
    assert result.exit_code == 0, result.output
    assert "wrote output/2022-11-02-vetting-misconduct-and-misogyny.eml" in result.output
    raw = (office / "output" / "2022-11-02-vetting-misconduct-and-misogyny.eml").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF throughout
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == "Section 55 response: An inspection of vetting, misconduct, and misogyny in the police service"
    recipients = read_office(Project(office).office_file).recipients  # the Home Secretary and HM Chief Inspector, from office.yaml
    assert [r.role for r in recipients] == ["Home Secretary", "HM Chief Inspector of Constabulary"]
    assert [a.addr_spec for a in message["To"].addresses] == [r.email for r in recipients]
    assert [a.display_name for a in message["To"].addresses] == [r.name or r.role for r in recipients]
    assert message["From"].addresses[0].addr_spec == read_office(Project(office).office_file).email

    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (plain, html):
        assert "Dear Home Secretary and HM Chief Inspector of Constabulary," in body
        assert "An inspection of vetting, misconduct, and misogyny in the police service" in body
        assert "2 November 2022" in body
        assert read_office(Project(office).office_file).commissioner.name in body
    assert "<p>" in html and "<p>" not in plain

    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {
        "2022-11-02-vetting-misconduct-and-misogyny.pdf",
        "2022-11-02-vetting-misconduct-and-misogyny.docx",
    }
    pdf = attachments["2022-11-02-vetting-misconduct-and-misogyny.pdf"]
    docx = attachments["2022-11-02-vetting-misconduct-and-misogyny.docx"]
    assert pdf.get_content_type() == "application/pdf"
    assert docx.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert pdf.get_content() == (office / "output" / pdf.get_filename()).read_bytes()
    assert docx.get_content() == (office / "output" / docx.get_filename()).read_bytes()


def test_email_refuses_a_draft_unless_asked(office):
    refused = run(office, "email", "responses/2026-11-20-peel-2025.yaml")
    assert refused.exit_code == 1
    assert "still a draft" in refused.output and "--draft" in refused.output
    assert "2026-11-20-peel-2025.yaml:" in refused.output  # names the file and the line of 'status'
    assert not (office / "output" / "2026-11-20-peel-2025.eml").exists()

    made = run(office, "email", "--draft", "responses/2026-11-20-peel-2025.yaml")
    assert made.exit_code == 0, made.output
    message = email.message_from_bytes(
        (office / "output" / "2026-11-20-peel-2025.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == f"DRAFT – Section 55 response: {NEW_TITLE}"
    assert "NOT TO BE SENT" in message.get_body(preferencelist=("plain",)).get_content()
    # The & of the title is escaped in the HTML, literal in the plain text.
    assert "Cumbria Constabulary &amp; partners" in message.get_body(preferencelist=("html",)).get_content()
    assert "Cumbria Constabulary & partners" in message.get_body(preferencelist=("plain",)).get_content()


def _addressed(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return " ".join(str(message.get(header, "")) for header in ("To", "Cc", "Bcc"))


def test_a_draft_for_review_never_goes_to_the_statutory_recipients(office, tmp_path):
    import shutil

    root = tmp_path / "office"
    shutil.copytree(office, root)
    statutory = [r.email for r in read_office(Project(root).office_file).recipients]
    assert all(statutory)
    draft = "responses/2026-11-20-peel-2025.yaml"
    made = run(root, "email", "--draft", draft)
    assert made.exit_code == 0, made.output
    raw = (root / "output" / "2026-11-20-peel-2025.eml").read_bytes()
    assert not any(address in raw.decode("ascii", "replace") for address in statutory)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"] is None and message["Cc"] is None and message["Bcc"] is None  # for the officer to fill in
    assert "Dear colleagues," in message.get_body(preferencelist=("plain",)).get_content()
    # With reviewers named in the office file, the draft goes to them alone.
    office_file = root / "templates" / "office.yaml"
    office_file.write_text(
        office_file.read_text(encoding="utf-8") + "reviewers:\n  - name: Head of Policy\n    email: policy.head@cumbria-pcc.gov.uk\n",
        encoding="utf-8",
    )
    assert run(root, "build", draft).exit_code == 0
    assert run(root, "email", "--draft", draft).exit_code == 0
    addressed = _addressed((root / "output" / "2026-11-20-peel-2025.eml").read_bytes())
    assert addressed.strip() == "Head of Policy <policy.head@cumbria-pcc.gov.uk>"


def test_email_refuses_when_the_documents_are_missing_or_out_of_date(office, tmp_path):
    root = copy_project(tmp_path / "office")
    missing = run(root, "email", FINAL)
    assert missing.exit_code == 1
    assert "have not been built yet" in missing.output
    assert f"respgen build {FINAL}" in missing.output

    # Built, then the response is edited: the email would carry the old text.
    for name in ("2022-11-02-vetting-misconduct-and-misogyny.pdf", "2022-11-02-vetting-misconduct-and-misogyny.docx",
                 "manifest.json"):
        (root / "output" / name).write_bytes((office / "output" / name).read_bytes())
    path = root / FINAL
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    stale = run(root, "email", FINAL)
    assert stale.exit_code == 1
    assert "out of date" in stale.output and f"respgen build {FINAL}" in stale.output
    assert not (root / "output" / "2022-11-02-vetting-misconduct-and-misogyny.eml").exists()


def test_email_refuses_a_recipient_without_an_address(office, tmp_path):
    root = tmp_path / "office"
    import shutil

    shutil.copytree(office, root)
    office_file = root / "templates" / "office.yaml"
    address = read_office(Project(office).office_file).recipients[0].email
    text = office_file.read_text(encoding="utf-8")
    # A malformed address is refused where it is written, before anything is built or sent.
    office_file.write_text(text.replace(address, "not-an-address"), encoding="utf-8")
    refused = run(root, "build", FINAL)
    assert refused.exit_code == 1
    assert "templates/office.yaml:" in refused.output and "must be an email address" in refused.output
    # No address at all: the documents build, and the email says whom it cannot reach.
    office_file.write_text("\n".join(line for line in text.splitlines() if address not in line) + "\n", encoding="utf-8")
    rebuilt = run(root, "build", FINAL)
    assert rebuilt.exit_code == 0, rebuilt.output
    result = run(root, "email", FINAL)
    assert result.exit_code == 1
    assert read_office(Project(root).office_file).recipients[0].role in result.output and "no email address" in result.output
    assert "templates/office.yaml" in result.output


def test_the_email_wording_comes_from_the_templates_and_editing_it_needs_no_rebuild(office, tmp_path):
    import shutil

    root = tmp_path / "office"
    shutil.copytree(office, root)
    plain = root / "templates" / "email.txt"
    plain.write_text(plain.read_text(encoding="utf-8").replace("Yours sincerely,", "Kind regards,"), encoding="utf-8")
    html = root / "templates" / "email.html"
    html.write_text(html.read_text(encoding="utf-8").replace("<p>Yours sincerely,</p>", "<p>With thanks,</p>"),
                    encoding="utf-8")
    result = run(root, "email", FINAL)
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(
        (root / "output" / "2022-11-02-vetting-misconduct-and-misogyny.eml").read_bytes(), policy=email.policy.default
    )
    assert "Kind regards," in message.get_body(preferencelist=("plain",)).get_content()
    assert "With thanks," in message.get_body(preferencelist=("html",)).get_content()


def test_a_mistake_in_the_email_template_is_named_with_its_line(office, tmp_path):
    import shutil

    root = tmp_path / "office"
    shutil.copytree(office, root)
    (root / "templates" / "email.txt").write_text("Dear all,\n{{ title }\n", encoding="utf-8")
    result = run(root, "email", FINAL)
    assert result.exit_code == 1
    assert "templates/email.txt:2: error: a tag in the email template is broken" in result.output
    assert "Traceback" not in result.output


def test_a_missing_email_template_is_named(office, tmp_path):
    import shutil

    root = tmp_path / "office"
    shutil.copytree(office, root)
    (root / "templates" / "email.html").unlink()
    (root / "output" / "2022-11-02-vetting-misconduct-and-misogyny.eml").unlink(missing_ok=True)
    result = run(root, "email", FINAL)
    assert result.exit_code == 1
    assert "there is no email template templates/email.html" in result.output
    assert not (root / "output" / "2022-11-02-vetting-misconduct-and-misogyny.eml").exists()
