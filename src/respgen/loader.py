"""Read a hand-written YAML file into plain data, remembering where each value stood.

PyYAML's own loaders forget line numbers, silently accept duplicate keys and
expand aliases without limit. Here we compose the node tree with the safe
loader and build the data ourselves, so that every later message can name
the line of the key it is about.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, RespgenError

# Beyond this many values a file is refused: a real response has a few hundred,
# an alias bomb ("billion laughs") has billions.
MAX_NODES = 200_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

Path_ = tuple[str | int, ...]


@dataclass
class Locator:
    """Where each key and value of a loaded file stands (1-based line and column)."""

    file: Path
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def find(self, path: Path_) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (None, None))

    def problem(self, path: Path_, message: str, hint: str | None = None, severity: str = "error") -> Problem:
        line, column = self.find(path)
        return Problem(message, file=self.file, line=line, column=column, hint=hint, severity=severity)


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is accepted and dropped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RespgenError(f"there is no file {path}", hint="Check the name and the folder.") from None
    except OSError as exc:
        raise RespgenError(f"cannot read {path}: {exc.strerror}") from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        guess = ""
        try:
            char = bytes([byte]).decode("cp1252")
            guess = f" In Windows-1252 (Notepad's 'ANSI') that byte is {char!r}."
        except UnicodeDecodeError:
            pass
        raise RespgenError(
            Problem(
                f"the file is not UTF-8 text: byte 0x{byte:02X} cannot be read.{guess}",
                file=path,
                line=line,
                column=column,
                hint="Save the file again with the encoding 'UTF-8' (in Notepad: File > Save As > Encoding: UTF-8).",
            )
        ) from None


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, Locator]:
    """Parse ``path`` (or ``text`` read from it) into plain data and a locator."""
    path = Path(path)
    if text is None:
        text = read_text(path)
    text = text.removeprefix("\ufeff")
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise RespgenError(_syntax_problem(path, exc)) from None
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        mark = getattr(exc, "position", None)
        raise RespgenError(Problem(f"the YAML cannot be read: {exc}", file=path)) from None
    finally:
        loader.dispose()
    locator = Locator(path)
    if node is None:
        return None, locator
    builder = _Builder(path, locator, loader)
    data = builder.build(node, ())
    return data, locator


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = (exc.problem or exc.context or "a syntax error").strip()
    hint = "Check the indentation and punctuation of this line and the one above it."
    if "'\\t'" in problem or "\\t" in problem:
        problem = "a tab character is used for indenting"
        hint = "YAML needs spaces, not tabs: replace the tab with spaces."
    elif "end of stream" in problem and "quoted" in (exc.context or ""):
        problem = "a quotation mark is opened but never closed"
        line = exc.context_mark.line + 1 if exc.context_mark else line
        column = exc.context_mark.column + 1 if exc.context_mark else column
        hint = "Close the quotation with the same mark it was opened with (\" or ')."
    elif "mapping values are not allowed" in problem:
        problem = "a colon (:) appears where YAML does not expect one"
        hint = "If the text contains ': ', put the whole value in quotation marks, or check the indentation."
    elif "expected <block end>" in problem or "did not find expected key" in (exc.context or "") + problem:
        hint = "The indentation of this line does not match the lines around it: line it up with its neighbours."
    return Problem(f"YAML syntax error: {problem}", file=path, line=line, column=column, hint=hint)


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars with positions."""

    def __init__(self, path: Path, locator: Locator, loader: yaml.SafeLoader):
        self.path = path
        self.locator = locator
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used
        self.count = 0

    def _at(self, node: yaml.Node, path: Path_) -> None:
        self.locator.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))

    def _problem(self, node: yaml.Node, message: str, hint: str | None = None) -> RespgenError:
        return RespgenError(
            Problem(message, file=self.path, line=node.start_mark.line + 1, column=node.start_mark.column + 1, hint=hint)
        )

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._problem(
                node,
                f"the file expands to more than {MAX_NODES:,} values (through anchors '&' and aliases '*')",
                "A response never needs this: remove the anchors and aliases and write the text out.",
            )
        if node.tag not in _PLAIN_TAGS:
            raise self._problem(
                node,
                f"the YAML tag {node.tag!r} is not allowed",
                "Response files hold plain text, dates, numbers and lists only: remove the tag (the part starting with '!').",
            )
        self._at(node, path)
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path + ("<key>",))
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    raise self._problem(key_node, "a key must be a simple word", "Write the key as plain text followed by a colon.")
                key = str(key) if not isinstance(key, str) else key
                if key in result:
                    first = self.locator.positions.get(path + (key,), (None, None))[0]
                    raise self._problem(
                        key_node,
                        f"the key '{key}' appears twice in the same section" + (f" (first on line {first})" if first else ""),
                        "Keep one of them: YAML would silently throw the first away.",
                    )
                self.locator.positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, path + (key,))
            self.locator.positions.pop(path + ("<key>",), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            message = str(getattr(exc, "problem", None) or exc)
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise self._problem(
                    node,
                    f"'{node.value}' is not a real date ({message})",
                    "Write dates as YYYY-MM-DD, for example 2020-01-10.",
                ) from None
            raise self._problem(node, f"this value cannot be read: {message}") from None
