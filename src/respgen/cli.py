"""The respgen command: a thin layer of plain words over the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import Problem, RespgenError
from .project import Project


def _say(problem: Problem) -> None:
    colour = "red" if problem.is_error else "yellow"
    click.secho(str(problem), fg=colour, err=True)


class _Respgen(click.Group):
    """Turns every known problem into plain messages and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RespgenError as exc:
            for problem in exc.problems:
                _say(problem)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("stopped.", err=True)
            ctx.exit(130)


@click.group(cls=_Respgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="respgen")
def main() -> None:
    """Make a Police and Crime Commissioner's response to an HMICFRS inspection.

    Write one YAML file per response in responses/, then run 'respgen build':
    a Word document and an accessible PDF appear in output/, ready to send to
    the Home Secretary and HMICFRS and to publish.

    Run respgen from the office's folder, the one holding responses/ and templates/.
    """


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (for example a late response) as errors.")
def build(files: tuple[Path, ...], strict: bool) -> None:
    """Build responses into a Word document and a PDF in output/.

    With no FILES, builds every response in responses/. A response with
    errors is reported and skipped; its earlier outputs are kept as they were.
    """
    from .build import build_one

    project = _project()
    paths = list(files) or project.response_files()
    if not paths:
        raise click.ClickException("there are no response files in responses/ (run 'respgen new' to start one)")
    failed = 0
    for path in paths:
        try:
            built = build_one(project, path, strict=strict)
        except RespgenError as exc:
            failed += 1
            for problem in exc.problems:
                _say(problem)
            continue
        for warning in built.warnings:
            _say(warning)
        for output in built.outputs:
            click.echo(f"wrote {_shown(output)}")
    if failed:
        click.secho(f"{failed} of {len(paths)} responses could not be built; see the messages above.", fg="red", err=True)
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Check built documents against the accessibility and archiving rules.

    With no FILES, checks every PDF and Word document in output/. Each
    failure is printed in plain words; the exit status is non-zero if any.
    """
    from .check import check_file

    paths = list(files) or _project().built_files()
    if not paths:
        raise click.ClickException("there is nothing to check: run 'respgen build' first")
    failures = 0
    for path in paths:
        problems = check_file(Path(path))
        if problems:
            failures += 1
            for problem in problems:
                _say(problem)
        else:
            click.echo(f"{_shown(path)}: passes every check")
    if failures:
        sys.exit(1)


def _project() -> Project:
    return Project.find()


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
