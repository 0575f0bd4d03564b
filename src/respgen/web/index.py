"""output/index.html: the office's "Responses to HMICFRS inspections" page, newest first.

It lists every final response whose web page has been built, with links to its
web page, PDF and Word document beside it in output/ (relative links, so the
folder can be copied to a web server as it is). Drafts are left out unless
asked for, and then marked DRAFT. The page is written only when its bytes
change, so a build with nothing to do leaves it untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from respgen import statute
from respgen import words as wording
from respgen.files import write_atomic
from respgen.project import INDEX_TEMPLATE, Project

if TYPE_CHECKING:
    from respgen.errors import Problem

# Reading the responses needs pydantic and the page needs Jinja: both are imported when the
# index is written, so that a build with nothing to do (which only asks ``stale``) stays light.

HEADING = "Responses to HMICFRS inspections"


@dataclass(frozen=True)
class Entry:
    title: str
    published: str
    date: str
    draft: bool
    page: str
    pdf: str
    docx: str
    order: tuple
    editions: tuple = ()  # (language's own name, its tag, its web page) of each other language's edition


# What the page needs of each response (its title, dates and status), kept beside the pages with the
# SHA-256 of the file it was read from: a build of one response then reads that one file, not all of
# them (in an office of a hundred, reading them all cost a second). Data only; anything odd in it is
# read again from the response itself.
LISTING = ".respgen-listing.json"
MAX_LISTING_BYTES = 10 * 1024 * 1024


def _listing(project: Project) -> dict:
    import json

    path = project.output / LISTING
    try:
        if path.is_symlink() or path.stat().st_size > MAX_LISTING_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _facts(known: object, digest: str) -> dict | None:
    """``known`` when it is a well-formed record of the file with this SHA-256, else None."""
    import datetime as dt

    if not isinstance(known, dict) or known.get("sha256") != digest:
        return None
    try:
        dt.date.fromisoformat(known["published"]), dt.date.fromisoformat(known["date"])
        if isinstance(known["title"], str) and isinstance(known["draft"], bool):
            return known
    except (KeyError, TypeError, ValueError):
        pass
    return None


def entries(project: Project, drafts: bool = False) -> tuple[list[Entry], list[Problem]]:
    import datetime as dt
    import hashlib
    import json

    from respgen.errors import RespgenError
    from respgen.reading.source import read_response

    languages = project.languages
    wordings = {code: wording.load(project.templates, code)[0] for code in languages[1:]}  # the office's, as the pages use
    known, listing = _listing(project), {}
    found, problems = [], []
    for path in project.response_files():
        outputs = project.outputs_for(path)
        if not outputs["html"].is_file():
            continue  # not built yet (or it failed): there is nothing to link to
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
        facts = _facts(known.get(path.name), digest)
        if facts is None:
            try:
                response = read_response(path, languages).response
            except RespgenError as exc:
                problems.extend(exc.problems)
                continue
            facts = {"sha256": digest, "title": " ".join(response.inspection.title.split()), "draft": response.is_draft,
                     "published": response.inspection.published.isoformat(), "date": response.date.isoformat()}
        listing[path.name] = facts
        if facts["draft"] and not drafts:
            continue
        published, dated = dt.date.fromisoformat(facts["published"]), dt.date.fromisoformat(facts["date"])
        found.append(
            Entry(
                title=facts["title"],
                published=statute.long_date(published),
                date=statute.long_date(dated),
                draft=facts["draft"],
                page=quote(outputs["html"].name),
                pdf=quote(outputs["pdf"].name) if outputs["pdf"].is_file() else "",
                docx=quote(outputs["docx"].name) if outputs["docx"].is_file() else "",
                order=(published, dated, path.name),
                editions=tuple(
                    (wordings[code]("language_name"), wordings[code].language, quote(outputs[f"html.{code}"].name))
                    for code in languages[1:]
                    if outputs[f"html.{code}"].is_file()
                ),
            )
        )
    if listing != known:
        try:
            write_atomic(project.output / LISTING, json.dumps(listing, indent=1, sort_keys=True).encode("utf-8"))
        except RespgenError:
            pass  # only a saving of time: the page is right without it
    found.sort(key=lambda entry: entry.order, reverse=True)
    return found, problems


def render(project: Project, drafts: bool = False) -> bytes:
    from respgen.letter import html as letter_html
    from respgen.reading.source import read_office
    from respgen.web.page import check, stylesheet

    office = read_office(project.office_file)
    listed, _ = entries(project, drafts)
    html = letter_html.render(
        project.templates,
        INDEX_TEMPLATE,
        "list-of-responses template",
        office=office,
        entries=listed,
        heading=HEADING,
        language="en-GB",
        stylesheet=stylesheet(project),
        introduction=(
            f"The comments of the {office.commissioner.title} on each HMICFRS inspection report that concerns "
            f"{office.force}, published under section 55 of the Police Act 1996, newest first."
        ),
        caption=f"{HEADING}, newest first" + (", drafts marked" if drafts else ""),
        none_yet="No responses have been published yet.",
    )
    check(html, project)
    return (html.rstrip("\n") + "\n").encode("utf-8")


def write(project: Project, drafts: bool = False) -> Path | None:
    """Write output/index.html if it changed; returns it when written."""
    data = render(project, drafts)
    target = project.index_page
    try:
        if target.read_bytes() == data:
            os.utime(target)  # checked against everything it lists: not stale until one of them changes
            return None
    except OSError:
        pass
    write_atomic(target, data)
    return target


def stale(project: Project) -> bool:
    """Whether the index may be out of date: missing, or older than a response, the office file or a template."""
    try:
        written = project.index_page.stat().st_mtime_ns
    except OSError:
        return True
    watched = [*project.response_files(), project.office_file, project.index_template, project.web_stylesheet]
    for path in watched:
        try:
            if path.stat().st_mtime_ns > written:
                return True
        except OSError:
            continue
    return False
