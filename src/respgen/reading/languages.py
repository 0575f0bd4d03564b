"""Text in more than one language: any text field is written once, or as ``{en: ..., cy: ...}``.

An office that publishes in English and Welsh writes both in the same file.
Before validation the data is read once per language: each language mapping
becomes that language's text, so the model (and every renderer after it)
only ever sees plain strings. The model marks the fields that must be given
in every language the office publishes in (``IN_EVERY_LANGUAGE``); a plain
string there is the office's first language only. Other text (names, postal
addresses, web addresses) may be one string for every language, or a
mapping where it differs.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel

from respgen.accessibility import LANGUAGES

Path_ = tuple[str | int, ...]


class InEveryLanguage:
    """Marks a text field that an office publishing in several languages must give in each."""

    def __repr__(self) -> str:
        return "IN_EVERY_LANGUAGE"


IN_EVERY_LANGUAGE = InEveryLanguage()


def is_language_mapping(value: object) -> bool:
    """``{en: ..., cy: ...}``: a mapping whose keys are all language codes respgen knows."""
    return isinstance(value, dict) and bool(value) and all(key in LANGUAGES for key in value)


def in_language(data: Any, model: type[BaseModel], language: str, main: str) -> tuple[Any, list[Path_]]:
    """``data`` (as loaded from YAML) with every language mapping read in ``language``, and where that text is missing.

    ``main`` is the office's first language: what a plain string in a field marked
    ``IN_EVERY_LANGUAGE`` is written in. Missing text falls back to another language's,
    so that a draft still builds; the caller decides whether a gap is an error.
    """
    missing: list[Path_] = []
    picked = _value(data, model, False, language, main, (), missing)
    return picked, missing


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type under ``Annotated`` and ``Optional``, and whether it is marked ``IN_EVERY_LANGUAGE``."""
    marked = False
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            marked = marked or any(isinstance(m, InEveryLanguage) for m in annotation.__metadata__)
            annotation = annotation.__origin__
        elif typing.get_origin(annotation) in (Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            annotation = options[0] if options else annotation
            if not options:
                return annotation, marked
        else:
            return annotation, marked


def _value(value: Any, annotation: Any, marked: bool, language: str, main: str, path: Path_, missing: list[Path_]) -> Any:
    annotation, inner_mark = _unwrap(annotation)
    marked = marked or inner_mark
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            return value
        fields = annotation.model_fields
        return {
            key: _value(child, fields[key].annotation, any(isinstance(m, InEveryLanguage) for m in fields[key].metadata),
                        language, main, (*path, key), missing) if key in fields else child
            for key, child in value.items()
        }
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation) or (Any,)
        if isinstance(value, list):
            return [_value(child, item, False, language, main, (*path, index), missing) for index, child in enumerate(value)]
        # 'addressed_to: College of Policing' is a list of one, written as its one value.
        return _value(value, item, marked, language, main, path, missing)
    if annotation is not str:
        return value
    if is_language_mapping(value):
        if language in value:
            return value[language]
        missing.append(path)
        return value.get(main, next(iter(value.values())))
    if marked and language != main and isinstance(value, str):
        missing.append(path)
    return value
