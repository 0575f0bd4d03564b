"""The fixed wording of a response, in each language an office publishes in.

respgen's own wording is ``en.yaml`` and ``cy.yaml`` beside this module. An
office changes any of it in ``templates/words.<language>.yaml``, a file of the
same shape that its translator or communications team owns: no code is
touched, and a key it leaves out keeps respgen's wording. Words in braces
(``{force}``) are filled in by respgen; nothing else in the files is ever
read as code (the braces are replaced by plain text, never formatted by
Python or Jinja).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

from respgen.errors import Problem, RespgenError
from respgen.reading.loader import dotted, load_yaml

LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}
_OWN = Path(__file__).parent
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def office_file(templates: Path, language: str) -> Path:
    """The office's own wording in ``language``: templates/words.<language>.yaml."""
    return templates / f"words.{language}.yaml"


class Words:
    """The wording of one language: ``words("details.heading")``, ``words("letter.title", inspection=...)``."""

    def __init__(self, code: str, entries: dict[str, Any]):
        self.code = code  # en, cy: how office.yaml and the file names name the language
        self._entries = entries

    @property
    def language(self) -> str:
        """The language tag written into the documents (en-GB, cy)."""
        return str(self._entries["language"])

    def __call__(self, key: str, **values: object) -> str:
        text = self._entries[key]
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(), str(text))

    def date(self, day: dt.date) -> str:
        """``day`` as this language writes a date (10 January 2020, 10 Ionawr 2020); a due month or quarter too."""
        month = self._entries["dates.months"][day.month - 1]
        written = getattr(day, "written", None)
        if written:
            quarter = getattr(day, "quarter", None)
            key = "dates.quarter" if quarter else "dates.month"
            return self(key, written=written, month=month, year=day.year, quarter=quarter or "")
        return self("dates.day", day=day.day, month=month, year=day.year)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and (self.code, self._entries) == (other.code, other._entries)

    def __hash__(self) -> int:
        return hash(self.code)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"details": {"heading": "x"}}`` as ``{"details.heading": "x"}``; lists stay whole."""
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


@cache
def _own(language: str) -> dict[str, Any]:
    # respgen's own file, not the office's: read with libyaml where there is one (ten times quicker).
    import yaml

    text = (_OWN / f"{language}.yaml").read_text(encoding="utf-8")
    return flatten(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def respgen_words(language: str = "en") -> Words:
    """respgen's own wording in ``language``, as shipped."""
    return Words(language, _own(language))


_read_files: dict[Path, tuple[tuple[int, int], Any]] = {}


def _read(path: Path):
    """The office's wording file as loaded, read again only when it changes (a build reads it for every edition)."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    known = _read_files.get(path)
    if known is None or known[0] != key:
        known = (key, load_yaml(path))
        _read_files[path] = known
    return known[1]


def load(templates: Path, language: str) -> tuple[Words, list[Problem]]:
    """The wording in ``language``: respgen's, with the office's own file over it (problems with that file too)."""
    entries = dict(_own(language))
    path = office_file(templates, language)
    if not path.is_file():
        return Words(language, entries), []
    if not path.resolve().is_relative_to(Path(templates).resolve()):
        return Words(language, entries), [
            Problem(f"templates/{path.name} is a link to a file outside templates/; respgen reads only the files kept there",
                    file=path, hint="Copy the file into templates/ instead of linking to it.")
        ]
    try:
        data, locator = _read(path)
    except RespgenError as exc:
        return Words(language, entries), exc.problems
    if data is None:
        return Words(language, entries), []
    if not isinstance(data, dict):
        return Words(language, entries), [
            Problem("the wording file must be a set of 'key: value' lines", file=path, line=1,
                    hint=f"Start again from respgen's own words/{language}.yaml.")
        ]
    problems = []
    reference = _own("en")  # the shape every language's file has
    for key, value in flatten(data).items():
        where = tuple(key.split("."))
        if key not in reference:
            if any(known.startswith(key + ".") for known in reference):
                continue  # a group left empty
            problems.append(locator.problem(where, f"unknown key '{key}' in the wording file",
                                            "Check the spelling against respgen's own wording; remove the key if it is not needed."))
            continue
        problem = _unfit(key, value, reference[key], entries[key])
        if problem:
            problems.append(locator.problem(where, f"'{dotted(where)}' {problem}", "Keep the shape of respgen's own wording."))
            continue
        entries[key] = " ".join(value.split()) if isinstance(value, str) else value
    return Words(language, entries), problems


def _unfit(key: str, value: Any, english: Any, own: Any) -> str | None:
    """Why ``value`` cannot stand for ``key``, or None when it can."""
    if isinstance(own, list):
        if not (isinstance(value, list) and len(value) == len(own) and all(isinstance(v, str) and v.strip() for v in value)):
            return f"must be a list of {len(own)} words, as respgen's own is"
        return None
    if not isinstance(value, str) or not value.strip():
        return "must be text"
    allowed = set(_PLACEHOLDER.findall(str(english))) | set(_PLACEHOLDER.findall(str(own)))
    unknown = [name for name in _PLACEHOLDER.findall(value) if name not in allowed]
    if unknown:
        offered = ", ".join("{" + name + "}" for name in sorted(allowed)) or "none"
        return f"uses {{{unknown[0]}}}, which respgen does not fill in here (it fills in: {offered})"
    if key == "language":
        from respgen.accessibility import is_language_tag

        if not is_language_tag(value):
            return "must be a language tag such as en-GB or cy"
    return None
