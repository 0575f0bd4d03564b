"""`respgen new`: start a response file with every section in place and explained.

The file is a draft that builds at once. Each passage the officer still has to
write starts with ``[To write``; a final response that still holds one is
refused (see rules.py), so nothing half-written is published by mistake.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from respgen import statute
from respgen.errors import RespgenError
from respgen.project import Project
from respgen.reading.schema import FILE_NAME as SCHEMA_FILE
from respgen.reports import shape
from respgen.rules import PLACEHOLDER

SLUG_LENGTH = 50


# The words that open most report titles and say nothing of the subject ("An inspection of how
# well the police respond to …"): a file name made from them would name every report alike.
_BOILERPLATE = re.compile(
    r"^(?:an?|the)\s+(?:joint\s+|thematic\s+|national\s+|further\s+)*(?:inspection|review|report|examination)s?"
    r"\s+(?:of|into|on)\s+(?:how\s+(?:well\s+)?)?(?:the\s+)?"
    r"(?:(?:police(?:\s+service)?|policing|forces?|fire\s+and\s+rescue\s+services?)\s*"
    r"(?:and\s+[^,]*?\s+(?=(?:respond|responds|response|approach|deal|deals|tackle|tackles)\b))?)?"
    r"(?:(?:respond|responds|response|approach|deal|deals|tackle|tackles)\s+(?:to|with)\s+)?",
    re.IGNORECASE,
)


def slug(title: str) -> str:
    """A short file-name form of a title that keeps its subject: the part before any colon, less the
    words every title opens with, in plain lower-case words.

    >>> slug("Both sides of the coin: An inspection of how ...")
    'both-sides-of-the-coin'
    >>> slug("An inspection of how well the police respond to stalking")
    'stalking'
    """
    head = title.split(":", 1)[0].strip() or title
    head = _BOILERPLATE.sub("", head).strip() or head
    # Punctuation of any script separates words; accented letters keep their base letter.
    spaced = re.sub(r"[\W_]+", " ", head)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    text = ""
    for word in words:
        candidate = f"{text}-{word}" if text else word
        if len(candidate) > SLUG_LENGTH and text:
            break
        text = candidate[:SLUG_LENGTH]
    return text or "response"


def file_name(title: str, published: dt.date, name: str | None = None) -> str:
    """responses/<published date>-<short name>.yaml; ``name`` (the officer's own) is made file-safe the same way."""
    return f"{published.isoformat()}-{slug(name) if name and name.strip() else slug(title)}.yaml"


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever the title holds.
    return json.dumps(text, ensure_ascii=False)


# s.55(4): the commissioner invites the chief constable's comments by a date of their choosing;
# four weeks leaves as long again to consider them and publish within the 56 days.
REPLY_DAYS = 28


def text(title: str, published: dt.date, kind: str | None, today: dt.date, name: str | None = None) -> str:
    """The scaffold's YAML text (``name``: its file's name, for the build command it suggests)."""
    due = statute.deadline(published)
    kind_line = _quoted(kind) if kind and kind.strip() else _quoted(
        f"{PLACEHOLDER}: the type of inspection, for example PEEL inspection or National thematic inspection]"
    )
    w = PLACEHOLDER
    name = name or file_name(title, published)
    reply_by = min(published + dt.timedelta(days=REPLY_DAYS), due)
    later = (due + dt.timedelta(days=365)).isoformat()
    findings = _force(w, later) if shape(kind) == "force" else _thematic(w, later)
    return f"""\
# yaml-language-server: $schema=../templates/{SCHEMA_FILE}
# The Commissioner's response to an HMICFRS inspection report.
#
# DEADLINE: {statute.long_date(due)}. The report was published on {statute.long_date(published)}, and
# section 55 of the Police Act 1996 says the comments must be published within 56 days.
#
# Replace every passage that starts with "{w}" with the real text. Build the
# letter as often as you like with:  respgen build responses/{name}
# While 'status' is draft, the letter is marked DRAFT. When it is agreed, change
# 'status' to final and set 'date' to the day it is published.
#
# Text can use simple formatting: a blank line starts a new paragraph; lines
# starting with "- " make a bulleted list and "1. " a numbered one; **bold**,
# *italic*, [link text](https://...) and "> " for a quotation.
# After a '|', write the text on the lines below, indented by the same spaces.

# The inspection report this responds to, as HMICFRS published it.
inspection:
  title: {_quoted(title)}
  published: {published.isoformat()}          # the day HMICFRS published the report (YYYY-MM-DD)
  type: {kind_line}
  # url: https://www.justiceinspectorates.gov.uk/hmicfrs/publications/...   # optional: link to the report
{_grades() if shape(kind) == "force" else ""}
date: {today.isoformat()}          # the date of this response, shown on the letter (YYYY-MM-DD)
status: draft             # draft or final

# Section 55(4): the Chief Constable is invited to comment before a date the Commissioner sets.
# 'respgen invite' writes the invitation email. Delete this section if no invitation is sent.
invitation:
  reply_by: {reply_by.isoformat()}      # a suggestion: {REPLY_DAYS} days after publication, leaving time to publish within 56
  # sent: {published.isoformat()}        # the day the invitation was sent
  # received: {reply_by.isoformat()}    # the day the comments arrived

# What the inspection found, in a few sentences, then one line per finding.
key_findings:
  summary: |
    {w}: a short account of what HMICFRS inspected and why. End with "The inspection found that:" if a list follows.]
  points:
    - "{w}: the first main finding.]"
    - "{w}: the next main finding; add a line starting with '- ' for each one, or delete these lines.]"
{findings}
# The comments themselves, shown after the tables and signed by the Commissioner.
response:
  # The Commissioner's comments (required).
  commissioner: |
    {w}: the Commissioner's comments on the report.]
  # The Chief Constable's comments, invited under section 55(4). Delete if there are none.
  chief_constable: |
    {w}: the Chief Constable's comments on the report.]
  # reply_to_chief_constable: |   # optional, section 55(5A): the Commissioner's response to those comments
  #   ...
"""


def _grades() -> str:
    return """  # The report's graded judgments, in its order: outstanding, good, adequate,
  # requires improvement, inadequate or not graded. Delete the lines the report does not grade.
  grades:
    - area: Police powers and public treatment
      grade: not graded
    - area: Preventing crime
      grade: not graded
    - area: Responding to the public
      grade: not graded
    - area: Investigating crime
      grade: not graded
    - area: Protecting vulnerable people
      grade: not graded
    - area: Managing offenders
      grade: not graded
    - area: Developing a positive workplace
      grade: not graded
    - area: Leadership and force management
      grade: not graded
"""


def _item_tail(w: str, later: str, indent: str) -> str:
    return f"""{indent}response: |                    # what has been or will be done, or why nothing will be
{indent}  {w}: the action taken or proposed, or why no action will be taken.]
{indent}# stance: accepted               # optional: accepted, partly accepted or not accepted (then say why)
{indent}# owner: Detective Superintendent, Crime Command   # optional: who leads the action
{indent}# due: {later}                   # optional: a day, a month (2027-03) or a quarter (2027 Q1)
{indent}# progress: in progress          # optional: not started, awaiting allocation, in progress, awaiting sign-off, complete or no action
"""


def _force(w: str, later: str) -> str:
    return f"""
# Causes of concern: each comes with one or more recommendations, answered under it.
# For each recommendation, the law (section 55(5B)) requires the 'response' to say what
# action has been or will be taken, or why none will be. Delete this section if there are none.
causes_of_concern:
  items:
    - ref: "1"                       # the number used in the report
      text: "{w}: the cause of concern, as worded in the report.]"
      # accelerated: true            # optional: raised before the report was published
      # issued: 2026-01-31           # optional: when it was raised
      recommendations:
        - ref: "1.1"
          text: "{w}: the recommendation, as worded in the report.]"
{_item_tail(w, later, "          ")}
# Areas for improvement: the same form, without recommendations. Delete this section if there are none.
areas_for_improvement:
  items:
    - ref: "1"
      text: "{w}: the area for improvement, as worded in the report.]"
{_item_tail(w, later, "      ")}
# This report makes no stand-alone recommendations, so there is no 'recommendations:' section;
# add one (in the form of the recommendations above) if it does.
"""


def _thematic(w: str, later: str) -> str:
    return f"""
# The report's recommendations. Give each one that concerns this force or this office
# as an item, numbered as in the report. For each item that applies, the law
# (section 55(5B)) requires the 'response' to say what action has been or will be
# taken, or why none will be. Recommendations for other bodies only: 'applies: false'.
recommendations:
  summary: "{w}: for example, The inspection report makes 5 recommendations, 2 of them for chief constables.]"
  items:
    - ref: "1"                       # the number used in the report
      text: "{w}: the recommendation, as worded in the report.]"
      addressed_to: [Chief constables, Police and crime commissioners]   # who the report addresses it to
      applies: true                  # true if it falls to this force or this office, false if not
      # reason: The force was not one of those inspected.   # optional, with applies: false: why it does not apply
{_item_tail(w, later, "      ")}
# Areas for improvement: same form as the recommendations. Delete this section if the report has none.
areas_for_improvement:
  summary: "{w}: for example, The report identifies 3 areas for improvement for the force.]"
  items: []        # to add one, replace [] with items written like the recommendation above
"""


def new(
    project: Project,
    title: str,
    published: dt.date,
    kind: str | None = None,
    *,
    today: dt.date | None = None,
    name: str | None = None,
) -> Path:
    """Write a new draft response into ``project``'s responses/ and return its path."""
    title = " ".join(title.split())
    if not title:
        raise RespgenError("the inspection title is empty", hint='Give the title in quotation marks: respgen new "Title of the report" --published 2026-11-20')
    today = today or dt.date.today()
    path = project.responses / file_name(title, published, name)
    body = text(title, published, kind, today, path.name)
    try:
        project.responses.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(body)
    except FileExistsError:
        raise RespgenError(
            f"{project.relative(path)} already exists: respgen new never overwrites a response",
            hint="Edit that file, or delete or rename it first if you really want to start again.",
        ) from None
    except OSError as exc:
        raise RespgenError(f"cannot write {path}: {exc.strerror}") from None
    return path
