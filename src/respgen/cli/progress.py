"""Telling the officer how a build is going.

At a terminal, a build of more than a few responses shows a progress bar with
the response being built; otherwise (a log, a pipe, a handful of responses)
each document written is one plain line. Either way, problems are printed as
they are found and a summary ends the build.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from respgen.build.batch import Silent
from respgen.errors import Problem, visible

if TYPE_CHECKING:
    from respgen.build.one import Built
    from respgen.build.pool import Summary

# Up to this many responses to build, plain lines are clearer than a bar.
BAR_ABOVE = 3


def summary_line(summary: Summary) -> str:
    parts = [f"built {summary.built}", f"up to date {summary.up_to_date}", f"failed {summary.failed}"]
    if summary.pruned:
        parts.append(f"removed {summary.pruned}")
    return ", ".join(parts) + f" ({summary.seconds:.1f} s)"


def say(problem: Problem) -> None:
    """Print a problem on standard error, red for an error and yellow for a warning."""
    click.secho(str(problem), fg="red" if problem.is_error else "yellow", err=True)


class Reporter(Silent):
    """Plain lines: one per document written, problems on stderr."""

    def __init__(self, shown: Callable[[Path], str], quiet: bool = False):
        self.shown = shown
        self.quiet = quiet
        self._said: set[str] = set()

    def _to_say(self, built: Built) -> list[Problem]:
        """The build's problems, less those about another file (the office's) already said for another response."""
        fresh = []
        for problem in built.problems + built.warnings:
            told = str(problem)
            if problem.file is not None and Path(problem.file) != Path(built.source) and told in self._said:
                continue
            self._said.add(told)
            fresh.append(problem)
        return fresh

    def note(self, message: str) -> None:
        if not self.quiet:
            click.echo(visible(message))

    def problem(self, problem: Problem) -> None:
        say(problem)

    def done(self, built: Built) -> None:
        for problem in self._to_say(built):
            self.problem(problem)
        if not self.quiet:
            for output in built.documents:
                click.echo(visible(f"wrote {self.shown(output)}"))

    def finish(self, summary: Summary) -> None:
        if not self.quiet:
            click.echo(summary_line(summary))


class BarReporter(Reporter):
    """A rich progress bar naming the response being built; problems are printed above it."""

    def __enter__(self) -> BarReporter:
        self.bar: Any = None  # a rich Progress, made in begin()
        return self

    def begin(self, total: int) -> None:
        # Started only now, once any worker processes exist: its refresh thread must not be forked.
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=False)
        self.errors = Console(stderr=True)
        self.bar = Progress(
            TextColumn("[bold]building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=True,
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("", total=total)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def running(self, sources: list[Path]) -> None:
        from rich.markup import escape as rich_escape

        if self.bar is None:
            return
        names = ", ".join(visible(Path(s).name) for s in sources[:2]) + (" …" if len(sources) > 2 else "")
        self.bar.update(self.task, description=rich_escape(names))

    def note(self, message: str) -> None:
        if self.bar is None:
            return super().note(message)
        if not self.quiet:
            self.console.print(visible(message), markup=False, highlight=False)

    def problem(self, problem: Problem) -> None:
        if self.bar is None:
            return super().problem(problem)
        self.errors.print(str(problem), style="red" if problem.is_error else "yellow", markup=False, highlight=False)

    def done(self, built: Built) -> None:
        for problem in self._to_say(built):
            self.problem(problem)
        self.bar.advance(self.task)

    def finish(self, summary: Summary) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        super().finish(summary)


def reporter(to_build: int, shown: Callable[[Path], str], quiet: bool = False) -> Reporter:
    """A bar for a long build at a terminal, plain lines otherwise."""
    if not quiet and to_build > BAR_ABOVE and sys.stdout.isatty():
        return BarReporter(shown, quiet)
    return Reporter(shown, quiet)
