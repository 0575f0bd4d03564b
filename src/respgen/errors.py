"""Problems found in the officer's files, told in plain words.

Every problem names the file, the line (and column where it helps) and what to
do. A ``RespgenError`` carries one or more problems; the CLI prints them and
exits non-zero, never with a Python traceback.
"""

from __future__ import annotations

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

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        if self.file is None:
            return ""
        place = shown_path(self.file)
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        head = self.where()
        text = f"{head}: {self.severity}: {self.message}" if head else f"{self.severity}: {self.message}"
        if self.hint:
            text += f"\n    {self.hint}"
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


def shown_path(file: Path | str) -> str:
    # Messages name files as the officer would type them: relative to the folder they work in.
    path = Path(file)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            pass
    return str(file)
