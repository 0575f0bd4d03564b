"""`respgen email`: the covering email, ready to send, with both documents attached.

The result is an .eml file with the header ``X-Unsent: 1``: Outlook opens it
as a new message waiting for Send, not as a received one. The recipients are
those of the letter (templates/office.yaml), as section 55(6) requires a copy
to go to the inspectors of constabulary and to the Home Secretary.
"""

from __future__ import annotations

import datetime as dt
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from respgen import rules, sandbox, statute
from respgen import words as wording
from respgen.errors import Problem, RespgenError
from respgen.files import write_atomic
from respgen.project import Project, format_of
from respgen.reading.model import Office
from respgen.reading.source import ResponseSource, read_office, read_response
from respgen.workflow.status import NOT_BUILT, UP_TO_DATE, outputs_state

MIME_TYPES = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def subject(source: ResponseSource, templates: Path) -> str:
    """The subject, in each language the response is in (English / Welsh for a Welsh office)."""
    parts = []
    for code in source.languages:
        words = wording.load(templates, code)[0]
        response = source.edition(code)
        key = "email.draft_subject" if response.is_draft else "email.subject"
        parts.append(words(key, title=" ".join(response.inspection.title.split())))
    return " / ".join(parts)


def make(project: Project, response_file: Path, *, draft: bool = False) -> EmailMessage:
    """The email for ``response_file``; refuses a draft (unless ``draft``) and missing or outdated documents."""
    response_file = Path(response_file)
    languages = tuple(project.languages)
    source = read_response(response_file, languages)
    shown = project.relative(response_file)
    if source.response.is_draft and not draft:
        raise RespgenError(
            Problem(
                "this response is still a draft, so there is no email to send yet",
                file=shown,
                line=source.locator.find(("status",))[0],
                hint="Change 'status' to final when it is agreed, build it, then run respgen email again; "
                "or add --draft to make an email of the draft for review.",
            )
        )
    state = outputs_state(project, response_file, ("pdf", "docx"))  # what the email attaches
    if state != UP_TO_DATE:
        reason = (
            "have not been built yet"
            if state == NOT_BUILT
            else "are out of date: the response, the templates or respgen changed after they were built"
        )
        raise RespgenError(
            Problem(
                f"the documents of this response {reason}",
                file=shown,
                hint=f"Run 'respgen build {shown}' first, so the email carries what the file says now.",
            )
        )
    office = read_office(project.office_file)
    if not source.response.is_draft:
        waiting = rules.office_placeholders(office, project.office_file)
        if waiting:
            raise RespgenError(waiting)
    # A draft for review goes to the office's reviewers, never to the Home Secretary or HMICFRS:
    # one click on Send must not put a draft in the statutory recipients' inboxes.
    addresses = (
        [Address(display_name=r.name or "", addr_spec=r.email) for r in office.reviewers]
        if source.response.is_draft
        else _addresses(project, office)
    )

    outputs = project.outputs_for(response_file)
    attachments = [path for kind, path in outputs.items() if format_of(kind) in MIME_TYPES]
    # Each language's body in turn (the main one first), from email.txt, or email.cy.txt for the Welsh.
    contexts = [(code, _context(project, office.in_language(code), source.edition(code), code, attachments)) for code in languages]

    message = EmailMessage(policy=policy.SMTP)
    message["X-Unsent"] = "1"
    if office.email:
        # The header registry quotes and encodes the name: a comma or a Welsh letter in it is safe.
        message["From"] = Address(display_name=office.name, addr_spec=office.email)
    if addresses:
        message["To"] = addresses
    message["Subject"] = subject(source, project.templates)
    plain = "\n\n––––––––––\n\n".join(_render(project, "plain", context, code) for code, context in contexts)
    message.set_content(plain, subtype="plain", cte="quoted-printable")
    message.add_alternative(_html_bodies([_render(project, "html", context, code) for code, context in contexts]),
                            subtype="html", cte="quoted-printable")
    for path in attachments:
        maintype, subtype = MIME_TYPES[path.suffix.lstrip(".")]
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return message


def _context(project: Project, office: Office, response, code: str, attachments: list[Path]) -> dict:
    """What the email templates are given, in the language ``code``."""
    words = wording.load(project.templates, code)[0]
    inspection = response.inspection
    return {
        "office": office,
        "inspection": inspection,
        "title": " ".join(inspection.title.split()),
        "published": words.date(inspection.published),
        "deadline": words.date(statute.deadline(inspection.published)),
        "date": words.date(response.date),
        "draft": response.is_draft,
        "recipients": [] if response.is_draft else office.recipients,
        "signatory": response.signatory or office.commissioner,
        "response_title": office.response_title,
        "attachments": [path.name for path in attachments],
        "citation": words("letter.citation"),
    }


def _html_bodies(bodies: list[str]) -> str:
    """One HTML email of several languages' bodies: the first whole, the others' <body> content after it."""
    if len(bodies) == 1:
        return bodies[0]
    first = bodies[0]
    end = first.rfind("</body>")
    inner = []
    for body in bodies[1:]:
        start, stop = body.find("<body"), body.rfind("</body>")
        start = body.find(">", start) + 1 if start >= 0 else 0
        inner.append(body[start : stop if stop >= 0 else len(body)])
    return first[:end] + "<hr>\n" + "<hr>\n".join(inner) + first[end:]


def write(project: Project, response_file: Path, *, draft: bool = False) -> Path:
    message = make(project, response_file, draft=draft)
    target = project.output / f"{Path(response_file).stem}.eml"
    write_atomic(target, message.as_bytes(policy=policy.SMTP))
    return target


def invitation(project: Project, response_file: Path) -> EmailMessage:
    """s.55(4): the email inviting the chief constable to comment on the report by the ``reply_by`` date."""
    response_file = Path(response_file)
    source = read_response(response_file)
    shown = project.relative(response_file)
    invited = source.response.invitation
    if invited is None or invited.reply_by is None:
        where = source.locator.find(("invitation",))[0] if invited else None
        raise RespgenError(
            Problem(
                "there is no 'reply_by' date for the chief constable's comments, so there is nothing to invite them to",
                file=shown,
                line=where,
                hint="Add 'invitation:' to the response file with 'reply_by: "
                + (source.response.inspection.published + dt.timedelta(days=28)).isoformat()
                + "' indented under it (section 55(4): the commissioner sets the date; 28 days after publication"
                " leaves time to consider the comments).",
            )
        )
    office = read_office(project.office_file)
    chief = office.chief_constable
    waiting = rules.office_placeholders(office, project.office_file)
    if waiting:
        raise RespgenError(waiting)
    if not chief.email:
        raise RespgenError(
            Problem(
                "the office file gives no email address for the chief constable, so the invitation cannot be addressed",
                file=project.relative(project.office_file),
                line=read_office_line(project, ("chief_constable",)),
                hint="Add 'email:' under 'chief_constable:' in templates/office.yaml.",
            )
        )
    inspection = source.response.inspection
    context = {
        "office": office,
        "inspection": inspection,
        "chief_constable": chief,
        "signatory": source.response.signatory or office.commissioner,
        "title": " ".join(inspection.title.split()),
        "published": statute.long_date(inspection.published),
        "deadline": statute.long_date(statute.deadline(inspection.published)),
        "reply_by": statute.long_date(invited.reply_by),
        "url": inspection.url or "",
    }
    message = EmailMessage(policy=policy.SMTP)
    message["X-Unsent"] = "1"
    if office.email:
        message["From"] = Address(display_name=office.name, addr_spec=office.email)
    message["To"] = Address(display_name=chief.name, addr_spec=chief.email)
    message["Subject"] = f"Invitation to comment by {context['reply_by']}: {context['title']}"
    message.set_content(_render(project, "invitation", context), subtype="plain", cte="quoted-printable")
    return message


def write_invitation(project: Project, response_file: Path) -> Path:
    message = invitation(project, response_file)
    target = project.output / f"{Path(response_file).stem}.invitation.eml"
    write_atomic(target, message.as_bytes(policy=policy.SMTP))
    return target


def read_office_line(project: Project, path: tuple) -> int | None:
    from respgen.reading.loader import load_yaml

    return load_yaml(project.office_file)[1].find(path)[0]


def _addresses(project: Project, office: Office) -> list[Address]:
    """The letter's recipients as email addresses; every one must have a usable address."""
    found, problems = [], []
    for recipient in office.recipients:
        email = (recipient.email or "").strip()
        if email:  # the office file's model has already insisted on a plain name@domain
            found.append(Address(display_name=recipient.name or recipient.role, addr_spec=email))
            continue
        what = f"the email address {email!r}" if email else "no email address"
        problems.append(
            Problem(
                f"the recipient '{recipient.name or recipient.role}' has {what}, so the email cannot be addressed",
                file=project.relative(project.office_file),
                hint="Give that recipient an 'email:' like name@example.gov.uk in templates/office.yaml.",
            )
        )
    if problems:
        raise RespgenError(problems)
    return found


def _render(project: Project, kind: str, context: dict, code: str = "en") -> str:
    path = project.email_template(kind, code)
    name = path.name
    if path.is_file():
        problems = sandbox.file_problems(path, "the email template")
        if problems:
            raise RespgenError(problems)
    environment = sandbox.environment(
        loader=jinja2.FileSystemLoader(str(project.templates)),
        autoescape=(kind == "html"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise RespgenError(
            f"there is no email template {project.relative(path)}",
            hint="Copy templates/email.txt and templates/email.html from the respgen examples into your templates/ folder.",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise RespgenError(
            Problem(f"the email template cannot be read: {exc.message}", file=project.relative(path), line=exc.lineno,
                    hint="Check the {{ }} and {% %} on that line.")
        ) from None
    except jinja2.UndefinedError as exc:
        raise RespgenError(
            Problem(f"the email template uses something respgen does not provide: {exc.message}",
                    file=project.relative(path), line=sandbox.template_line(exc, name),
                    hint="Use only: " + ", ".join(sorted(context)) + ".")
        ) from None
    except SecurityError as exc:
        raise RespgenError(
            Problem(f"a tag in the email template tries to reach something respgen does not give it ({exc})",
                    file=project.relative(path), line=sandbox.template_line(exc, name),
                    hint="Remove that tag, or put back the office's own template.")
        ) from None
