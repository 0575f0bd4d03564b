"""Problems found in the officer's files, told in plain words.

Every problem names the file, the line (and column where it helps) and what to
do. A ``RespgenError`` carries one or more problems; the CLI prints them and
exits non-zero, never with a Python traceback.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in one file."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: Severity = "error"

    strict: bool = False  # a warning that --strict made an error

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_strict_error(self) -> Problem:
        """This warning as the error ``--strict`` makes of it ("error (strict mode): …")."""
        return dataclasses.replace(self, severity="error", strict=True) if not self.is_error else self

    def where(self) -> str:
        if self.file is None:
            return ""
        place = visible(shown_path(self.file))
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        head = self.where()
        # Values from the officer's files reach the terminal only with their control characters shown.
        message = visible(self.message)
        label = f"{self.severity} (strict mode)" if self.strict else self.severity
        text = f"{head}: {label}: {message}" if head else f"{label}: {message}"
        if self.hint:
            text += f"\n    {visible(self.hint)}"
        return text


class RespgenError(Exception):
    """Raised when a file cannot be used; holds every problem found in it."""

    def __init__(self, problems: Problem | list[Problem] | str, **where) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, **where)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


# What a terminal would obey rather than show: C0 and C1 controls (ESC starts colour, title,
# clipboard and clear-screen sequences), and the marks that reorder or hide text.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def visible(text: str) -> str:
    """``text`` with every control, reordering or invisible character shown as an escape (\\x1b, \\u202e).

    Anything read from a file (a value, a key, a file name, a font's name) passes
    through here before it reaches the terminal. Tabs and line breaks are kept.
    """
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", str(text))


def shown_path(file: Path | str) -> str:
    # Messages name files as the officer would type them: relative to the folder they work in.
    path = Path(file)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            pass
    return str(file)
