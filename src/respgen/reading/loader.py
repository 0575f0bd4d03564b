"""Read a hand-written YAML file into plain data, remembering where each value stood.

PyYAML's own loaders forget line numbers, silently accept duplicate keys and
expand aliases without limit. Here we compose the node tree with the safe
loader and build the data ourselves, so that every later message can name
the line of the key it is about. Only plain data is ever built: tags such as
``!!python/object`` are refused, never constructed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from respgen.errors import Problem, RespgenError, Severity

# Beyond this many values a file is refused: a real response has a few hundred,
# an alias bomb ("billion laughs") has billions. Counting stops the build long
# before memory runs out (200,000 values take well under a second).
MAX_NODES = 200_000

# A 200-page response is about 1 MB of text; anything far bigger is not a response.
MAX_BYTES = 20 * 1024 * 1024

# Deeper nesting than this is never a response, and would exhaust Python's stack.
MAX_DEPTH = 100

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
_MERGE_TAG = "tag:yaml.org,2002:merge"

Path_ = tuple[str | int, ...]

# Names for the invisible characters that most often arrive by copy and paste.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x08: "BACKSPACE",
    0x0B: "VERTICAL TAB (a Word line break)",
    0x0C: "FORM FEED (a Word page break)",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
}


def describe_char(char: str) -> str:
    """``U+000C FORM FEED`` and the like: a character named so that it can be found."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    if name is None:
        if 0xD800 <= code <= 0xDFFF:
            name = "half of a broken emoji or symbol (a lone surrogate)"
        elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
            name = "a Unicode noncharacter, which is never text"
        elif 0x80 <= code < 0xA0:
            try:
                meant = bytes([code]).decode("cp1252")
                name = f"a control character, probably meant as {meant!r} but garbled on the way from Windows"
            except UnicodeDecodeError:
                name = "a control character"
        elif code < 0x20 or code == 0x7F:
            name = "a control character"
        else:
            name = unicodedata.name(char, "an unassigned character")
    return f"U+{code:04X} {name}"


class YamlInt(int):
    """A whole number that remembers how it was written (``007`` stays ``007`` as text)."""

    yaml_text: str


class YamlFloat(float):
    """A number with a point that remembers how it was written (``1.10`` stays ``1.10`` as text)."""

    yaml_text: str


@dataclass
class Locator:
    """Where each key and value of a loaded file stands (1-based line and column)."""

    file: Path
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # where each key's value starts
    # Things noticed while reading that do not stop the build (text that may have been cut by a '#').
    warnings: list[Problem] = field(default_factory=list)

    def find(self, path: Path_) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (None, None))

    def problem(self, path: Path_, message: str, hint: str | None = None, severity: Severity = "error") -> Problem:
        line, column = self.find(path)
        return Problem(message, file=self.file, line=line, column=column, hint=hint, severity=severity)


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark is accepted and dropped)."""
    return decode(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, read once; a folder, a pipe or a device is refused (reading one could hang)."""
    import stat as kinds

    path = Path(path)
    try:
        info = path.stat()
        if kinds.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not kinds.S_ISREG(info.st_mode):
            raise RespgenError(f"{path} is not an ordinary file (a pipe or a device)", hint="Name a .yaml file.")
        size = info.st_size
        if size > MAX_BYTES:
            raise RespgenError(
                f"the file is {size / 1024 / 1024:.0f} MB, too big to be a response (the limit is {MAX_BYTES // 1024 // 1024} MB)",
                file=path,
                hint="Check that this is the right file.",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise RespgenError(f"there is no file {path}", hint="Check the name and the folder.") from None
    except IsADirectoryError:
        raise RespgenError(f"{path} is a folder, not a file", hint="Name a .yaml file.") from None
    except OSError as exc:
        raise RespgenError(f"cannot read {path}: {exc.strerror}", hint="Check that you may read the file.") from None


def decode(raw: bytes, path: Path) -> str:
    """``raw`` as UTF-8 text, with a message naming the place where it is not."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(raw) > 1 and b"\x00" in raw[:2]):
        raise RespgenError(
            Problem(
                "the file is saved as UTF-16 (Notepad calls it 'Unicode'), not UTF-8",
                file=path,
                line=1,
                hint="Save the file again with the encoding 'UTF-8' (in Notepad: File > Save As > Encoding: UTF-8).",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        guess = ""
        try:
            char = bytes([byte]).decode("cp1252")
            guess = f" In Windows-1252 (Notepad's 'ANSI') that byte is {char!r}, so the file was probably saved as Windows-1252."
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
    node = _quick_node(text)
    loader = None
    try:
        if node is None:  # libyaml found a mistake (or is not there): the pure reader says what and where
            loader = yaml.SafeLoader(text)
            node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        raise RespgenError(_reader_problem(path, text, exc)) from None
    except yaml.MarkedYAMLError as exc:
        raise RespgenError(_syntax_problem(path, exc)) from None
    except yaml.YAMLError as exc:
        raise RespgenError(Problem(f"the YAML cannot be read: {exc}", file=path)) from None
    except RecursionError:
        raise RespgenError(
            Problem(
                "the file is nested too deeply to be a response",
                file=path,
                hint="Check for runs of '[' or '{', or lines indented far too much.",
            )
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    locator = Locator(path)
    if node is None or node is _EMPTY:
        return None, locator
    builder = _Builder(path, locator, text)
    data = builder.build(node, ())
    return data, locator


_EMPTY = object()


def _quick_node(text: str):
    """The file's node tree composed by libyaml (several times quicker, and it caps nesting itself), or
    None when it is not installed or finds a mistake, which the pure reader then describes."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return None
    loader = fast(text)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    finally:
        loader.dispose()
    return _EMPTY if node is None else node


def _reader_problem(path: Path, text: str, exc: yaml.reader.ReaderError) -> Problem:
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    return Problem(
        f"the file contains the invisible character {describe_char(char)}, which a document cannot hold",
        file=path,
        line=line,
        column=column,
        hint="Delete it (it often comes with text pasted from Word or an email); "
        "if it stood for a line or page break, use a blank line instead.",
    )


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = (exc.problem or exc.context or "a syntax error").strip()
    context = exc.context or ""
    hint = "Check the indentation and punctuation of this line and the one above it."
    odd_indent = _odd_indent(mark)
    if odd_indent is not None:
        line, char = odd_indent
        column = 1
        problem = f"this line is indented with {describe_char(char)}, which looks like a space but is not one"
        hint = "Delete the spaces at the start of the line and type them again (it often comes with text pasted from a web page or Word)."
    elif "'\\t'" in problem or "\\t" in problem:
        problem = "a tab character is used for indenting"
        hint = "YAML needs spaces, not tabs: replace the tab with spaces."
    elif "end of stream" in problem and "quoted" in context:
        problem = "a quotation mark is opened but never closed"
        line = exc.context_mark.line + 1 if exc.context_mark else line
        column = exc.context_mark.column + 1 if exc.context_mark else column
        hint = "Close the quotation with the same mark it was opened with (\" or ')."
    elif "quoted scalar" in context and "expected <block end>" not in problem:
        problem = "the text in quotation marks is not closed properly, or has something after its closing mark"
        hint = (
            "Check the quotation marks on this line: a value that starts with \" or ' must end with the same mark,"
            " and a quotation mark inside it must be doubled ('') or the whole value written without outer quotes."
        )
    elif "mapping values are not allowed" in problem and (curly := _curly_quote_start(mark)):
        problem = f"the value starts with a curly quotation mark ({curly}), which YAML does not read as a quotation mark"
        column = (_lines_to(mark) or [""])[-1].find(curly) + 1 or column
        hint = (
            'Use straight quotation marks (") around the whole value: Word\'s AutoCorrect makes them curly.'
            ' Retype them in this editor, for example:  title: "Stalking: An inspection of the police"'
        )
    elif "mapping values are not allowed" in problem:
        problem = "a colon (:) appears where YAML does not expect one"
        hint = (
            "If the text contains ': ', put the whole value in quotation marks. Otherwise this line may be indented"
            " more than the line above it: line it up with its neighbours."
        )
    elif "but found '<scalar>'" in problem and (opened := _quote_left_open(exc.problem_mark)) is not None:
        problem = (
            f"a quotation mark is opened on this line but not closed on it, so the text runs on to line {line}"
            " as if it were all one value"
        )
        line, column = opened
        hint = "Close the quotation at the end of this line with the same mark it was opened with (\" or ')."
    elif "but found '<scalar>'" in problem and _quote_before(exc.problem_mark):
        problem = "there is more text after the closing quotation mark"
        hint = (
            "A value that starts with a quotation mark must end with it: put the whole value in quotation marks"
            " (doubling any ' inside it to ''), or write it without quotation marks around the start."
        )
    elif ("flow sequence" in context or "flow mapping" in context) and exc.context_mark is not None:
        opener, closer = ("[", "]") if "sequence" in context else ("{", "}")
        problem = f"a '{opener}' is opened on this line but never closed with '{closer}'"
        line, column = exc.context_mark.line + 1, exc.context_mark.column + 1
        hint = (
            f"Close it with '{closer}', or, if the text starts with '{opener}', put the whole value in quotation marks."
            " To start a list on the next lines, write nothing after the colon and '- ' before each item."
        )
    elif "could not find expected ':'" in problem and (block := _unindented_block(mark)) is not None:
        key, line = block
        problem = f"the text under '{key}: |' is not indented, so it is read as more keys"
        column = None
        hint = f"Indent every line of the text by two more spaces than '{key}' (a blank line may stay blank)."
    elif "expected <block end>" in problem or "did not find expected key" in context + problem:
        problem = "this line is not lined up with the lines around it"
        hint = "The indentation of this line does not match its neighbours: use the same number of spaces as the other keys at its level."
    elif "found character" in problem and "that cannot start any token" in problem:
        char = problem.split("'")[1] if "'" in problem else ""
        problem = f"a value cannot start with {char!r} here" if char else "a value cannot start with this character"
        hint = "Put the whole value in quotation marks."
    elif "while scanning an alias" in context or "while scanning an anchor" in context:
        problem = "a value cannot start with '*' or '&' (YAML reads them as references)"
        hint = "Put the whole value in quotation marks, or start it with another character."
    elif "found another document" in problem or "expected a single document" in context:
        problem = "the file holds a second document after a '---' line"
        hint = "A response file holds one response: remove the '---' line and what follows it, or move that to a file of its own."
    elif "found undefined alias" in problem or "found undefined anchor" in problem:
        problem = "an alias (*name) refers to an anchor (&name) that is not defined above it"
        hint = "Write the value out instead of using '*'; in text, put a value that starts with '*' in quotation marks."
    return Problem(f"YAML syntax error: {problem}", file=path, line=line, column=column, hint=hint)


_CURLY_QUOTES = "“”‘’„‟«»"
_KEY_LINE = re.compile(r"\s*(?:- )?[A-Za-z_][\w-]*:(?:\s|$)")


def _lines_to(mark) -> list[str] | None:
    buffer = getattr(mark, "buffer", None)
    if not isinstance(buffer, str) or mark.pointer is None:
        return None
    return buffer[: mark.pointer].split("\n")


def _odd_indent(mark) -> tuple[int, str] | None:
    """(line, character) of a space-like character (a no-break space, say) in the indentation of the line of
    ``mark`` or the two before it: YAML reads it as text, and then complains about something else."""
    lines = _lines_to(mark)
    if not lines:
        return None
    buffer = getattr(mark, "buffer", "")
    rest = buffer[mark.pointer :].split("\n", 1)[0] if isinstance(buffer, str) else ""
    candidates = [*lines[:-1], lines[-1] + rest]
    for index in range(len(candidates) - 1, max(-1, len(candidates) - 4), -1):
        text = candidates[index]
        indent = text[: len(text) - len(text.lstrip())]
        odd = next((c for c in indent if c not in " \t"), None)
        if odd is not None:
            return index + 1, odd
    return None


def _curly_quote_start(mark) -> str | None:
    """The curly quotation mark the value on ``mark``'s line starts with, if it does."""
    lines = _lines_to(mark)
    if not lines:
        return None
    found = re.match(r"\s*(?:- )?[^:]*:\s+([" + _CURLY_QUOTES + "])", lines[-1])
    return found.group(1) if found else None


def _quote_left_open(mark) -> tuple[int, int] | None:
    """(line, column) of a value's opening quotation mark that its own line never closes, when the text it runs
    on into holds what look like more keys: the quotation the officer forgot to close."""
    lines = _lines_to(mark)
    if not lines:
        return None
    for index in range(len(lines) - 2, -1, -1):
        found = re.match(r"(\s*(?:- )?[A-Za-z_][\w-]*:\s+)([\"'])(.*)$", lines[index])
        if not found:
            continue
        quote, rest = found.group(2), found.group(3)
        closed = rest.replace(quote * 2, "").count(quote) if quote == "'" else len(re.findall(r'(?<!\\)"', rest))
        if closed:
            return None  # the nearest quoted value closes on its own line: not this mistake
        if any(_KEY_LINE.match(between) for between in lines[index + 1 : -1]):
            return index + 1, len(found.group(1)) + 1
        return None
    return None


def _unindented_block(mark) -> tuple[str, int] | None:
    """(key, line of its first text line) when a 'key: |' block's text is not indented more than the key."""
    lines = _lines_to(mark)
    if not lines:
        return None
    for index in range(len(lines) - 1, -1, -1):
        found = re.match(r"(\s*)(?:- )?([A-Za-z_][\w-]*):\s*[|>][-+]?\d*\s*(?:#.*)?$", lines[index])
        if found:
            following = [text for text in lines[index + 1 :] if text.strip()]
            indent = len(found.group(1))
            if following and all(len(text) - len(text.lstrip(" ")) <= indent for text in following[:1]):
                first = next(i for i in range(index + 1, len(lines)) if lines[i].strip())
                return found.group(2), first + 1
            return None
        if _KEY_LINE.match(lines[index]) and index < len(lines) - 1:
            return None
    return None


def _quote_before(mark) -> bool:
    """Whether the line of ``mark`` has a quotation mark before it (text after a quoted value)."""
    buffer = getattr(mark, "buffer", None)
    if not isinstance(buffer, str) or mark.pointer is None:
        return False
    start = buffer.rfind("\n", 0, mark.pointer) + 1
    return any(q in buffer[start: mark.pointer] for q in ("\"", "'"))


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars with positions."""

    def __init__(self, path: Path, locator: Locator, text: str = ""):
        self.path = path
        self.locator = locator
        self.lines = text.splitlines()
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used
        self.count = 0

    def _at(self, node: yaml.Node, path: Path_) -> None:
        self.locator.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))

    def _problem(self, node: yaml.Node, message: str, hint: str | None = None) -> RespgenError:
        return RespgenError(
            Problem(message, file=self.path, line=node.start_mark.line + 1, column=node.start_mark.column + 1, hint=hint)
        )

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._problem(
                node,
                f"the file expands to more than {MAX_NODES:,} values (through anchors '&' and aliases '*')",
                "A response never needs this: remove the anchors and aliases and write the text out.",
            )
        if depth > MAX_DEPTH:
            raise self._problem(node, "the file is nested too deeply to be a response", "Check the indentation here.")
        if node.tag not in _PLAIN_TAGS:
            raise self._problem(
                node,
                f"the YAML tag '{_shown_tag(node.tag)}' is not allowed",
                "Response files hold plain text, dates, numbers and lists only: remove the tag (the part starting with '!').",
            )
        self._at(node, path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                # '<<: *defaults' copies keys from another section; keys written here win.
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    value = self.build(source, path, depth + 1)
                    if not isinstance(value, dict):
                        raise self._problem(source, "'<<' must be followed by an alias of a section (*name)")
                    for key, item in value.items():
                        merged.setdefault(key, item)
                continue
            key = self.build(key_node, path + ("<key>",), depth + 1)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise self._problem(key_node, "a key must be a simple word", "Write the key as plain text followed by a colon.")
            key = str(key) if not isinstance(key, str) else key
            odd = next((c for c in key if (c.isspace() and c != " ") or unicodedata.category(c) in ("Cf", "Co")), None)
            if odd is not None:
                raise self._problem(
                    key_node,
                    f"the key '{key.strip()}' contains the invisible character {describe_char(odd)}",
                    "Retype the key and the spaces before it with ordinary spaces (it often comes with text pasted"
                    " from a web page or Word).",
                )
            if key in result:
                first = self.locator.positions.get(path + (key,), (None, None))[0]
                raise self._problem(
                    key_node,
                    f"the key '{key}' appears twice in the same section" + (f" (first on line {first})" if first else ""),
                    "Keep one of them: YAML would silently throw the first away.",
                )
            self.locator.positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            self.locator.values[path + (key,)] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        self.locator.positions.pop(path + ("<key>",), None)
        for key, item in merged.items():
            result.setdefault(key, item)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
            message = str(getattr(exc, "problem", None) or exc)
            where = dotted(path)
            if node.tag == "tag:yaml.org,2002:timestamp":
                raise self._problem(
                    node,
                    (f"'{where}' is " if where else "") + f"'{node.value}', which is not a real date ({message})",
                    "Write dates as YYYY-MM-DD, for example 2020-01-10, and check the day exists in that month.",
                ) from None
            raise self._problem(node, (f"'{where}': " if where else "") + f"this value cannot be read: {message}") from None
        if isinstance(value, str) and not node.style:  # plain (libyaml says "", the pure reader None)
            self._cut_by_comment(node, path)
            self._list_run_on(node, path)
        # Keep how a number was written, so that a number used as text ("1.10") is not changed.
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            number = YamlInt(value)
            number.yaml_text = node.value
            return number
        if isinstance(value, float):
            decimal = YamlFloat(value)
            decimal.yaml_text = node.value
            return decimal
        return value


    def _cut_by_comment(self, node: yaml.ScalarNode, path: Path_) -> None:
        """Warn when ' #' right after unquoted text made the rest of the line a comment ("Recommendation #3")."""
        mark = node.end_mark
        if mark.line >= len(self.lines):
            return
        rest = self.lines[mark.line][mark.column:]
        if len(rest) > 2 and rest[0] == " " and rest[1] == "#" and not rest[2].isspace():
            self.locator.warnings.append(
                Problem(
                    f"the text after ' #' is taken as a comment and left out of the documents: '{rest[1:].strip()}'",
                    file=self.path,
                    line=mark.line + 1,
                    column=mark.column + 2,
                    hint="If it is part of the text, put the whole value in quotation marks"
                    f" (\"{node.value}{rest.rstrip()}\"); if it is a comment, put two spaces before the '#'"
                    " and one after it.",
                    severity="warning",
                )
            )


    def _list_run_on(self, node: yaml.ScalarNode, path: Path_) -> None:
        """Warn when unquoted text runs on over a line that looks like a list item: YAML joins it to the text above.

        A point indented deeper than the list it belongs to, or a bullet typed the way Word types it
        ("– " or "• "), is read as more words of the line before, and nothing would say so.
        """
        first, last = node.start_mark.line, node.end_mark.line
        for number in range(first + 1, min(last + 1, len(self.lines))):
            text = self.lines[number].lstrip()
            if re.match(r"(?:[-*+•–—]\s|[–—•]\S|-[A-Za-z])", text):
                self.locator.warnings.append(
                    Problem(
                        f"'{dotted(path)}': line {number + 1} looks like a list item, but it is read as more words of"
                        " the line above and joined to it",
                        file=self.path,
                        line=number + 1,
                        column=len(self.lines[number]) - len(text) + 1,
                        hint="To make it an item of the same list, line its '- ' up with the other items' (and type a"
                        " plain '-' and a space, not Word's '–' or '•'); if it is part of the text, join the lines.",
                        severity="warning",
                    )
                )
                return


def dotted(path: Path_) -> str:
    """A key's path as the officer reads it: recommendations.items[2].response."""
    parts: list[str] = []
    for part in path:
        if part == "<key>":
            continue
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)
