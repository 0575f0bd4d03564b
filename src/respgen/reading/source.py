"""Load and validate a response file or the office file into the model.

Pydantic's messages are rewritten for a policy officer: the file and line of
the key, the path of the key in words, and a suggestion for a misspelt key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from respgen.errors import Problem, RespgenError, Severity
from respgen.project import written_languages
from respgen.reading.languages import in_language
from respgen.reading.loader import Locator, decode, describe_char, dotted, load_yaml, read_bytes
from respgen.reading.model import Office, Response
from respgen.words import LANGUAGE_NAMES

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ResponseSource:
    """A response file as read, once: its path, exact bytes and text, and the validated model.

    The PDF embeds ``data`` and the manifest records its hash, so both say what
    was validated even if the file is edited while a build runs.
    """

    path: Path
    data: bytes
    text: str
    response: Response
    locator: Locator
    # What reading the YAML found worth a warning (text that ' #' cut short, say).
    warnings: list[Problem] = field(default_factory=list)
    # The response in each language its office publishes in; ``response`` is the first.
    editions: dict[str, Response] = field(default_factory=dict)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.editions) or ("en",)

    def edition(self, code: str) -> Response:
        return self.editions.get(code, self.response)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def published_sha256(self) -> str:
        """The hash of ``published_data``: what the response's documents are built from."""
        return hashlib.sha256(self.published_data).hexdigest()

    @cached_property
    def published_data(self) -> bytes:
        """The file as its documents show it: without the updates dated after the letter, nor a revised due date.

        Following the items after publication adds updates to the file; they never
        appear in the letter, so they are left out of what the PDF embeds and of
        what decides whether the documents must be built again. The documents that
        were sent and archived therefore never change as the items are followed.
        """
        later = [
            ((key, "items", i, "updates"), [j for j, u in enumerate(item.updates) if u.date > self.response.date], len(item.updates))
            for key, section in self.response.findings_sections()
            for i, item in enumerate(section.items)
        ]
        later = [entry for entry in later if entry[1]]
        revised = [
            (key, "items", i, name)
            for key, section in self.response.findings_sections()
            for i, item in enumerate(section.items)
            for name in ("revised_due", "revised_due_reason")
            if getattr(item, name) is not None
        ]
        if not later and not revised:
            return self.data
        stripped = _without_updates(self.text, self.locator, later, revised)
        if stripped is not None and _reads_as(stripped, self.path, _published(self.response), self.languages[0]):
            return stripped.encode("utf-8")
        return self.data  # written in a way the lines cannot be taken out of safely: keep it whole


def _published(response: Response) -> Response:
    """``response`` as its letter shows it: without the updates dated after it, nor a revised due date."""
    sections = {}
    for key, section in response.findings_sections():
        items = [
            item.model_copy(
                update={"updates": [u for u in item.updates if u.date <= response.date], "revised_due": None, "revised_due_reason": None}
            )
            for item in section.items
        ]
        sections[key] = section.model_copy(update={"items": items})
    return response.model_copy(update=sections)


def _without_updates(text: str, locator: Locator, later: list, revised: list) -> str | None:
    """``text`` without the given updates and revised due dates (block style only), or None if it cannot be done."""
    lines = text.splitlines(keepends=True)
    removed: set[int] = set()
    emptied: list[int] = []

    def indent(index: int) -> int:
        return len(lines[index]) - len(lines[index].lstrip())

    def block_end(start: int, column: int) -> int:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or indent(end) > column):
            end += 1
        return end

    for path, numbers, total in later:
        for number in numbers:
            row, column = locator.positions.get((*path, number), (None, None))
            if row is None or column is None or column < 3:
                return None
            start, dash = row - 1, column - 3  # 0-based: the item's first key stands two after its "- "
            if lines[start][dash:dash + 2] != "- ":
                return None
            removed.update(range(start, block_end(start, dash)))
        if len(numbers) == total:
            key_row = locator.positions.get(path, (None, None))[0]
            if key_row is None:
                return None
            emptied.append(key_row - 1)
    for path in revised:
        key_row = locator.positions.get(path, (None, None))[0]
        if key_row is None:
            return None
        start = key_row - 1
        removed.update(range(start, block_end(start, indent(start))))
    out = []
    for index, kept in enumerate(lines):
        if index in removed:
            continue
        if index in emptied:
            _key, colon, rest = kept.partition(":")
            if not colon or (rest.strip() and not rest.strip().startswith("#")):
                return None
            continue  # no update is left: the key goes too (an item has none by default)
        out.append(kept)
    return "".join(out)


def _reads_as(text: str, path: Path, expected: Response, language: str) -> bool:
    try:
        data, locator = load_yaml(path, text)
        picked, _ = in_language(data, Response, language, language)
        return validate(Response, picked, locator, what="response") == expected
    except RespgenError:
        return False


def read_response(path: Path, languages: tuple[str, ...] | list[str] = ("en",)) -> ResponseSource:
    """The response file at ``path``, in each of ``languages`` (the office's, its main one first).

    Text missing in a language is an error in a final response, whose every
    edition must be complete, and a warning in a draft (whose edition then
    shows the main language's text there).
    """
    path = Path(path)
    raw = read_bytes(path)
    text = decode(raw, path)
    data, locator = load_yaml(path, text)
    main = languages[0]
    editions: dict[str, Response] = {}
    warnings = list(locator.warnings)
    for code in languages:
        picked, missing = in_language(data, Response, code, main)
        editions[code] = validate(Response, picked, locator, what="response")
        if missing:
            final = not editions[code].is_draft
            gaps = missing_text(missing, locator, code, final=final)
            if final:
                raise RespgenError(gaps)
            warnings += gaps
    return ResponseSource(path, raw, text, editions[main], locator, warnings, editions)


# Past this many, the messages about missing text stop naming each field: the first few show the way.
_MISSING_NAMED = 12


def missing_text(paths: list, locator: Locator, code: str, *, final: bool, what: str = "response") -> list[Problem]:
    """One message for each field (the first few) that has no text in the language ``code``."""
    language = LANGUAGE_NAMES.get(code, code)
    severity: Severity = "error" if final else "warning"
    problems = []
    for path in paths[:_MISSING_NAMED]:
        where = dotted(path)
        key = next((str(part) for part in reversed(path) if isinstance(part, str)), where)
        problems.append(
            locator.problem(
                path,
                f"'{where}' has no {language} text, and the office publishes every {what} in {language} too"
                + ("" if final else f" (until it has, the {language} edition of this draft shows the other language's text there)"),
                f"Write the field in each language, with '{code}:' for the {language}, for example:"
                f"  {key}: {{en: \"…\", {code}: \"…\"}}  (or 'en:' and '{code}:' on lines of their own, indented under '{key}:').",
                severity=severity,
            )
        )
    if len(paths) > _MISSING_NAMED:
        problems.append(
            Problem(
                f"{len(paths) - _MISSING_NAMED} more fields have no {language} text",
                file=locator.file,
                hint=f"Give every text field its '{code}:' text; respgen names the next ones once these are done.",
                severity=severity,
            )
        )
    return problems


def read_all(paths: list[Path], languages: tuple[str, ...] | list[str] = ("en",)) -> tuple[list[ResponseSource], list[Problem]]:
    """Read every response in ``paths``: one that cannot be read is reported, not a stop for the others."""
    sources: list[ResponseSource] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            sources.append(read_response(path, languages))
        except RespgenError as exc:
            problems.extend(exc.problems)
    return sources, problems


def read_office(path: Path) -> Office:
    """The office file, in its main language; ``Office.in_language`` gives its details in each other one.

    Every edition shows the office's details, so a detail missing in one of its
    languages is always an error.
    """
    path = Path(path)
    data, locator = load_yaml(path)
    languages = written_languages(data)
    editions: dict[str, Office] = {}
    for code in languages:
        picked, missing = in_language(data, Office, code, languages[0])
        editions[code] = validate(Office, picked, locator, what="office")
        if missing:
            raise RespgenError(missing_text(missing, locator, code, final=True, what="document"))
    main = editions[languages[0]]
    return main.with_editions(editions) if len(editions) > 1 else main


def validate(model: type[M], data: Any, locator: Locator, what: str) -> M:
    if data is None:
        raise RespgenError(
            Problem(f"the {what} file is empty", file=locator.file, hint=_start_hint(what))
        )
    if not isinstance(data, dict):
        raise RespgenError(
            Problem(
                f"the {what} file must be a set of 'key: value' lines, but it holds a {_kind(data)}",
                file=locator.file,
                line=1,
                hint=_start_hint(what),
            )
        )
    data, problems = _documentable(data, locator, ())
    if problems:
        raise RespgenError(problems)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = _without_echoes(exc.errors(), model)
        problems = [_problem(model, err, data, locator) for err in errors]
        # One message per place is enough; keep the file's order.
        unique = list({str(p): p for p in reversed(problems)}.values())[::-1]
        unique.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise RespgenError(unique) from None


def _start_hint(what: str) -> str:
    if what == "response":
        return "Start from an example in responses/, or run 'respgen new' to make one."
    return "See the example templates/office.yaml in the respgen README."


def _kind(value: Any) -> str:
    for kind, name in ((bool, "yes/no value"), (str, "piece of text"), (int, "number"), (float, "number"),
                       (list, "list"), (dict, "section of 'key: value' lines"), (dt.date, "date")):
        if isinstance(value, kind):
            return name
    return "empty value" if value is None else type(value).__name__


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` (the path of the mapping), following the model."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}).keys())


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _problem(model: type[BaseModel], err: dict, data: Any, locator: Locator) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = dotted(loc)
    given = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _known_keys(model, loc[:-1])
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"Did you mean '{close[0]}'?" if close else (
            "Allowed here: " + ", ".join(known) + "." if known else "Remove it."
        )
        return locator.problem(loc, f"unknown key '{where}'", hint)
    if kind == "missing":
        parent = dotted(loc[:-1]) or "the top level"
        return locator.problem(
            loc[:-1], f"the required key '{where}' is missing (in {parent})", f"Add '{loc[-1]}:' with its value."
        )
    if kind.startswith("date") or kind == "date_from_datetime_inexact":
        if isinstance(given, str) and (hidden := [c for c in given if not c.isascii() or not c.isprintable()]):
            # A no-break space pasted after a date looks like nothing at all: name it rather than show '\xa0'.
            return locator.problem(
                loc,
                f"'{where}' must be a date, but it holds {describe_char(hidden[0])} beside the date, which looks like"
                " a space or like nothing",
                "Delete the characters around the date and type it again as YYYY-MM-DD, for example 2020-01-10.",
            )
        return locator.problem(
            loc, f"'{where}' must be a date, but it is {given!r}", "Write dates as YYYY-MM-DD, for example 2020-01-10."
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        # "No action" has legal weight (s.55(5B)): it is never offered as a guess for another word.
        guesses = [choice for choice in choices if choice != "no action"]
        close = difflib.get_close_matches(str(given).lower(), guesses, n=1, cutoff=0.4)
        hint = f"Use one of: {expected}." + (f" Did you mean '{close[0]}'?" if close else "")
        return locator.problem(loc, f"'{where}' cannot be {given!r}", hint)
    if kind == "bool_parsing" or kind == "bool_type":
        return locator.problem(loc, f"'{where}' must be true or false, not {given!r}", "Write true or false.")
    if kind in ("string_type", "string_too_short"):
        if kind == "string_too_short" or given is None:
            return locator.problem(loc, f"'{where}' is empty", "Write the text after the colon, or remove the key if it is optional.")
        return locator.problem(
            loc,
            f"'{where}' must be text, but it is a {_kind(given)}",
            "Put the text after the colon on the same line (in quotation marks if it starts with a number or a symbol),"
            " or use '|' and indented lines for several paragraphs.",
        )
    if kind in ("list_type",):
        return locator.problem(loc, f"'{where}' must be a list (lines starting with '- '), but it is a {_kind(given)}")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if isinstance(given, str) and (glued := re.match(r"\s*([A-Za-z_][\w-]*):(\S)", given)):
            # "summary:None" is one piece of text to YAML: a key needs a space after its colon.
            line, column = locator.values.get(tuple(loc), locator.find(loc))
            return Problem(
                f"'{where}' holds the text '{given[:40]}', not a section: '{glued.group(1)}:' has no space after its colon",
                file=locator.file,
                line=line,
                column=column,
                hint=f"Put a space after the colon ('{glued.group(1)}: …'), on its own line indented under '{loc[-1]}:'.",
            )
        return locator.problem(loc, f"'{where}' must be a section of 'key: value' lines, but it is a {_kind(given)}")
    if kind == "value_error":
        return locator.problem(loc, f"'{where}' {str(err.get('msg', '')).removeprefix('Value error, ')}, but it is {given!r}")
    if kind == "string_pattern_mismatch":
        pattern = str(err.get("ctx", {}).get("pattern", ""))
        hint = "Write a colour as # and six letters or digits, for example #1D3C6E." if pattern.startswith("^#") else str(err.get("msg"))
        return locator.problem(loc, f"'{where}' is not in the expected form: {given!r}", hint)
    if kind == "too_long":
        limit = err.get("ctx", {}).get("max_length")
        return locator.problem(
            loc, f"'{where}' has more than {limit:,} entries, the most a response may hold",
            "A report lists tens of these: check that the file is the response you meant.",
        )
    if kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        return locator.problem(
            loc, f"'{where}' is longer than {limit:,} characters, the most one passage may hold",
            "Split it, or check that the file is the response you meant.",
        )
    if kind == "too_short":
        return locator.problem(loc, f"'{where}' needs at least one entry")
    return locator.problem(loc, f"'{where}': {err.get('msg', 'is not valid')}")


# Characters an XML document (and so a Word document or a tagged PDF) cannot hold; the C1
# control characters, which XML tolerates but nobody can see; and Unicode's noncharacters,
# which the HTML behind the PDF would turn into "�".
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
_NOT_IN_XML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _documentable(value: Any, locator: Locator, path: tuple) -> tuple[Any, list[Problem]]:
    """``value`` with escaped surrogate pairs joined, and a problem for each character no document can hold.

    The author's text is otherwise kept exactly: non-breaking spaces, tabs and
    smart quotes are theirs to keep. Invisible control characters (a form feed
    pasted from Word, say) are refused rather than dropped silently, so that
    nothing is published other than what the author can see in the file.
    """
    if isinstance(value, str):
        if _SURROGATE_PAIR.search(value):
            # "\ud83d\ude00" written as escapes is one emoji, as it is in JSON.
            value = _SURROGATE_PAIR.sub(
                lambda m: m.group().encode("utf-16", "surrogatepass").decode("utf-16"), value
            )
        bad = _NOT_IN_XML.search(value)
        if not bad:
            return value, []
        before = value[max(0, bad.start() - 30): bad.start()].split("\n")[-1]
        after = f", just after '{before}'" if before.strip() else " at the start of the text"
        where = dotted(path) or "the value"
        count = len(_NOT_IN_XML.findall(value))
        more = f" (and {count - 1} more like it)" if count > 1 else ""
        return value, [
            locator.problem(
                path,
                f"'{where}' contains the invisible character {describe_char(bad.group())}{after}{more}; "
                "a document cannot hold it",
                "Delete it: retype the text around it, or write it without the escape (such as \\f or \\x0b)"
                " that produced it. For a new paragraph, use a blank line.",
            )
        ]
    if isinstance(value, dict):
        problems: list[Problem] = []
        cleaned_dict = {}
        for key, child in value.items():
            cleaned_dict[key], found = _documentable(child, locator, path + (key,))
            problems += found
        return cleaned_dict, problems
    if isinstance(value, list):
        problems = []
        cleaned_list = []
        for index, child in enumerate(value):
            item, found = _documentable(child, locator, path + (index,))
            cleaned_list.append(item)
            problems += found
        return cleaned_list, problems
    return value, []


def _without_echoes(errors: list, model: type[BaseModel]) -> list:
    """Drop "X is missing" when the same section has an unknown key that is X misspelt: one message is enough."""
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            close = difflib.get_close_matches(str(loc[-1]), _known_keys(model, loc[:-1]), n=1, cutoff=0.6)
            if close:
                misspelt.add(loc[:-1] + (close[0],))
    return [err for err in errors if not (err["type"] == "missing" and tuple(err["loc"]) in misspelt)]
