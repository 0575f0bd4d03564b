"""Load and validate a response file or the office file into the model.

Pydantic's messages are rewritten for a policy officer: the file and line of
the key, the path of the key in words, and a suggestion for a misspelt key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem, RespgenError
from .loader import Locator, load_yaml, read_text
from .model import Office, Response

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ResponseSource:
    """A response file as read: its path, exact text, and the validated model."""

    path: Path
    text: str
    response: Response
    locator: Locator

    @property
    def name(self) -> str:
        return self.path.stem


def read_response(path: Path) -> ResponseSource:
    path = Path(path)
    text = read_text(path)
    data, locator = load_yaml(path, text)
    response = validate(Response, data, locator, what="response")
    return ResponseSource(path, text, response, locator)


def read_office(path: Path) -> Office:
    path = Path(path)
    data, locator = load_yaml(path)
    return validate(Office, data, locator, what="office")


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
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(model, err, data, locator) for err in exc.errors()]
        # One message per place is enough; keep the file's order.
        seen: set[str] = set()
        unique = [p for p in problems if not (str(p) in seen or seen.add(str(p)))]
        unique.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise RespgenError(unique) from None


def _start_hint(what: str) -> str:
    if what == "response":
        return "Start from an example in responses/, or run 'respgen new' to make one."
    return "See the example templates/office.yaml in the respgen README."


def _kind(value: Any) -> str:
    return {list: "list", str: "piece of text", int: "number", float: "number", bool: "yes/no value"}.get(
        type(value), type(value).__name__
    )


def _dotted(loc: tuple) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


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
    where = _dotted(loc)
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
        parent = _dotted(loc[:-1]) or "the top level"
        return locator.problem(
            loc[:-1], f"the required key '{where}' is missing (in {parent})", f"Add '{loc[-1]}:' with its value."
        )
    if kind.startswith("date") or kind == "date_from_datetime_inexact":
        return locator.problem(
            loc, f"'{where}' must be a date, but it is {given!r}", "Write dates as YYYY-MM-DD, for example 2020-01-10."
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return locator.problem(loc, f"'{where}' cannot be {given!r}", f"Use one of: {expected}.")
    if kind == "bool_parsing" or kind == "bool_type":
        return locator.problem(loc, f"'{where}' must be true or false, not {given!r}", "Write true or false.")
    if kind in ("string_type", "string_too_short"):
        if kind == "string_too_short":
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
        return locator.problem(loc, f"'{where}' must be a section of 'key: value' lines, but it is a {_kind(given)}")
    if kind == "string_pattern_mismatch":
        return locator.problem(loc, f"'{where}' is not in the expected form: {given!r}", err.get("msg"))
    if kind == "too_short":
        return locator.problem(loc, f"'{where}' needs at least one entry")
    return locator.problem(loc, f"'{where}': {err.get('msg', 'is not valid')}")
