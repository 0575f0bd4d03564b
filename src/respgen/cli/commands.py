"""The respgen command: a thin layer of plain words over the library."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from respgen import __version__, reports
from respgen.cli.progress import say
from respgen.errors import Problem, RespgenError, shown_path, visible
from respgen.project import Project


class _Respgen(click.Group):
    """Turns every known problem into plain messages and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RespgenError as exc:
            for problem in exc.problems:
                say(problem)
            ctx.exit(1)
        except KeyboardInterrupt:
            _stopped()
            ctx.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:  # the disk is full, a file vanished, a folder may not be written
            where = f" ({visible(shown_path(exc.filename))})" if exc.filename else ""
            say(Problem(f"{exc.strerror or exc}{where}", hint="Nothing that was already there was lost. Fix that, then try again."))
            ctx.exit(1)
        except Exception as exc:  # a fault in respgen itself: a message, never a traceback
            if os.environ.get("RESPGEN_DEBUG"):
                raise
            say(
                Problem(
                    f"respgen failed ({type(exc).__name__}: {exc})",
                    hint="This is a fault in respgen: please report it with the files you used"
                    " (set RESPGEN_DEBUG=1 to see the details).",
                )
            )
            ctx.exit(1)


def _stopped() -> None:
    click.echo("stopped.", err=True)


def run(prog_name: str | None = None) -> None:
    """The respgen command: ``main``, and a Ctrl-C that lands outside a command (while Python starts or
    stops) ends it the same way, with "stopped." and status 130 rather than a traceback.

    Once the command is done, the process ends at once: every file is written, closed and recorded by
    then, and tearing down the renderers' objects one by one would add a third of a second to every
    build of a single response.
    """
    try:
        main(prog_name=prog_name)
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            click.echo(str(exc.code), err=True)
            code = 1
    except KeyboardInterrupt:
        _stopped()
        code = 130
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)


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
@click.option("--force", is_flag=True, help="Build again even the responses whose documents are up to date.")
@click.option("--prune", is_flag=True, help="Remove documents from output/ whose response file has been deleted.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="How many responses to build at once (default: one per processor core).",
)
@click.option("--strict", is_flag=True, help="Treat warnings (for example a late response) as errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: not each file written, nor the summary.")
@click.option(
    "--format",
    "formats",
    type=click.Choice(["word", "pdf", "web"]),
    multiple=True,
    help="Build only this kind of document (repeat for several): web is the page and its fragment, in a blink.",
)
@click.option("--drafts", is_flag=True, help="List drafts on output/index.html too, marked DRAFT.")
def build(
    files: tuple[Path, ...], force: bool, prune: bool, jobs: int | None, strict: bool, quiet: bool, formats: tuple[str, ...], drafts: bool
) -> None:
    """Build responses into a Word document, a PDF and a web page in output/.

    Each response gives output/<name>.docx, <name>.pdf, <name>.html (the web
    page, which stands alone) and <name>.fragment.html (the letter's body, to
    paste into the website's editor); output/index.html lists every final
    response, newest first.

    With no FILES, builds every response in responses/. Only what changed
    since the last build is built again: a response whose file was edited, or
    every response after a change to templates/ or a new version of respgen.
    output/manifest.json records what each document was built from and its
    SHA-256 checksum; --force builds everything again.

    A response with errors is reported and skipped; its earlier documents are
    kept as they were and the others are still built. Documents whose response
    file was deleted are listed, and removed only with --prune. Only one build
    runs at a time in a folder: a second one waits for the first.
    """
    from respgen.build.batch import build_all
    from respgen.cli.progress import reporter

    project = _project()
    if not files and not project.response_files():
        raise click.ClickException("there are no response files in responses/ (run 'respgen new' to start one)")
    summary = build_all(
        project,
        list(files),
        force=force,
        prune=prune,
        jobs=jobs,
        strict=strict,
        reporter_for=lambda count: reporter(count, shown_path, quiet),
        on_wait=lambda message: click.secho(message, fg="yellow", err=True),
        formats=formats,
        drafts=drafts,
    )
    if summary.failed:
        total = summary.failed + summary.built + summary.up_to_date
        click.secho(
            f"{summary.failed} of {total} responses could not be built; see the messages above.", fg="red", err=True
        )
        sys.exit(1)
    if summary.index_failed:
        click.secho("output/index.html could not be written; see the messages above.", fg="red", err=True)
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Check built documents against the accessibility and archiving rules.

    With no FILES, checks every PDF and Word document in output/. Each
    failure is printed in plain words; the exit status is non-zero if any.
    """
    from respgen.workflow.check import check_file

    paths = list(files) or _project().built_files()
    if not paths:
        raise click.ClickException("there is nothing to check: run 'respgen build' first")
    failures = 0
    for path in paths:
        problems = check_file(Path(path))
        if problems:
            failures += 1
            for problem in problems:
                say(problem)
        else:
            click.echo(visible(f"{shown_path(path)}: passes every check"))
    if failures:
        sys.exit(1)


@main.command("check-template")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_template(path: Path | None) -> None:
    """Check the Word template after it has been edited in Word.

    PATH defaults to templates/response.docx. Reports tags that Word has
    split or broken (with the paragraph they are in), names respgen does not
    supply, and missing styles. The exit status is non-zero if any.
    """
    from respgen.workflow.check import check_word_template as check

    path = path or _project().word_template
    problems = check(path)
    for problem in problems:
        say(problem)
    if any(p.is_error for p in problems):
        sys.exit(1)
    click.echo(visible(f"{shown_path(path)}: the template is ready to use"))


class _Day(click.ParamType):
    """A date as the response files write it, with a message a policy officer can act on."""

    name = "date"

    def convert(self, value, param, ctx):
        import datetime as dt
        import re

        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            self.fail(f"{text!r} is not a date written year-month-day: write it as YYYY-MM-DD, for example 2026-11-13", param, ctx)
        try:
            return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError:
            self.fail(f"{text!r} is not a real date: check the day and the month", param, ctx)


_DAY = _Day()


@main.command(short_help="Start a new response file, with the deadline worked out.")
@click.argument("title")
@click.option("--published", required=True, type=_DAY, metavar="YYYY-MM-DD", help="The day HMICFRS published the report.")
@click.option(
    "--type",
    "kind",
    metavar="TEXT",
    help="The type of inspection. A PEEL or force inspection starts with grades, causes of concern and areas for"
    " improvement; a thematic report with recommendations for several bodies. Known kinds: "
    + "; ".join(f'"{name}"' for name in reports.KINDS)
    + ".",
)
@click.option("--date", "day", type=_DAY, metavar="YYYY-MM-DD", help="The date of the response (default: today).")
@click.option("--name", metavar="WORDS", help='A short name for the file, e.g. "stalking" (default: from the title).')
def new(title: str, published, kind: str | None, day, name: str | None) -> None:
    """Start a new response to the inspection report called TITLE.

    Writes responses/<published date>-<short title>.yaml: a draft with every
    section in place, explained, and the 56-day deadline noted at the top.
    It never overwrites an existing file.
    """
    from respgen.statute import deadline, long_date
    from respgen.workflow.new import new as scaffold

    path = scaffold(_project(), title, published, kind, today=day, name=name)
    click.echo(visible(f"wrote {shown_path(path)}"))
    click.echo(f"The comments must be published by {long_date(deadline(published))} (56 days from publication).")
    click.echo(visible("Fill in the passages marked '[To write', then run: respgen build " + shown_path(path)))


@main.command(short_help="List every response by deadline, with the days left.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON, for scripts.")
@click.option("--today", "day", type=_DAY, metavar="YYYY-MM-DD", help="Count the days from this date instead of today.")
@click.option("--overdue-actions", is_flag=True, help="Exit with status 1 also when a recommendation is past its due date.")
def status(as_json: bool, day, overdue_actions: bool) -> None:
    """List every response with its deadline, days left and whether its documents are up to date.

    Sorted by deadline. The exit status is 1 when a draft is past its
    deadline or a response file cannot be read, so it can run as a
    scheduled job that warns someone.
    """
    import datetime as dt

    from respgen.workflow import status as report_status

    project = _project()
    today = day or dt.date.today()
    report = report_status.collect(project, today)
    for problem in report.problems:
        say(problem)
    if as_json:
        click.echo(report_status.as_json(report, today))
    else:
        from respgen.cli.status_table import print_table

        print_table(report, today)
    sys.exit(report.exit_code_with_actions() if overdue_actions else report.exit_code)


@main.command(short_help="Write the deadlines as a calendar file for Outlook.")
def calendar() -> None:
    """Write output/deadlines.ics: every response's deadline as a calendar event.

    Each is an all-day event with a reminder 14 days before. Import the file
    into Outlook (File > Open & Export > Import/Export); importing it again
    later updates the same events rather than adding copies.
    """
    from respgen.workflow.calendar import write

    path, count, problems = write(_project())
    for problem in problems:
        say(problem)
    click.echo(visible(f"wrote {shown_path(path)} ({count} deadline{'' if count == 1 else 's'})"))
    if problems:
        sys.exit(1)


@main.command(short_help="Write the covering email, with both documents attached.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--draft", is_flag=True, help="Make an email of a draft response too (for review; marked DRAFT).")
def email(file: Path, draft: bool) -> None:
    """Write output/<name>.eml: the covering email for a built response, ready to send.

    It is addressed to the recipients in templates/office.yaml, has the PDF
    and the Word document attached, and opens in Outlook as a new message.
    Build the response first; a draft is refused unless --draft is given.
    """
    from respgen.workflow.mail import write

    path = write(_project(), file, draft=draft)
    click.echo(visible(f"wrote {shown_path(path)}"))


@main.command(short_help="Preview the web pages, following each edit as it is saved.")
@click.option("--port", type=click.IntRange(0, 65535), default=8055, show_default=True, help="The port to listen on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on: this computer only, unless --allow-remote.")
@click.option("--allow-remote", is_flag=True, help="Let other computers on the network see the pages (drafts included).")
@click.option("--web-only", is_flag=True, help="Build the web pages only, not the PDF and the Word document after each edit.")
def serve(port: int, host: str, allow_remote: bool, web_only: bool) -> None:
    """Build the web pages and show them at http://127.0.0.1:8055/ while you write.

    Each time a response file is saved, its page is built again and the page
    open in the browser reloads itself; after a change to templates/, every page
    is. The PDF and the Word document of the saved response follow a moment
    later (--web-only leaves them to 'respgen build'). A mistake in the file
    shows on the page as the same message printed here. Press Ctrl-C to stop.
    """
    import threading

    from respgen.workflow.preview import server, watch

    project = _project()
    httpd, preview = server(project, host, port, allow_remote=allow_remote, say=say, documents=not web_only)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()  # before the first build, so that nothing saved from then on is missed
    preview.rebuild()
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"Previewing at http://{shown_host}:{httpd.server_address[1]}/ (press Ctrl-C to stop)")
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.server_close()
        watcher.join(timeout=5)
        if preview.documents is not None:
            preview.documents.stop()
    click.echo("Stopped.")


@main.command(short_help="Write the email inviting the chief constable's comments.")
@click.argument("file", type=click.Path(path_type=Path))
def invite(file: Path) -> None:
    """Write output/<name>.invitation.eml: the invitation to the chief constable to comment.

    Section 55(4) of the Police Act 1996: before publishing, the commissioner
    invites the chief constable to comment on the report by a date the
    commissioner sets. The date is 'invitation: reply_by:' in the response file;
    the address is 'chief_constable: email:' in templates/office.yaml. The email
    opens in Outlook as a new message, ready to check and send.
    """
    from respgen.workflow.mail import write_invitation

    path = write_invitation(_project(), file)
    click.echo(visible(f"wrote {shown_path(path)}"))


@main.command(short_help="Print the response file's schema, for editors that check YAML.")
@click.option("--write", "write_file", is_flag=True, help="Write it to templates/response.schema.json instead.")
def schema(write_file: bool) -> None:
    """Print the JSON Schema of a response file.

    Editors such as VS Code (with its YAML extension) read it from the first line
    'respgen new' writes, then complete keys and flag misspelt ones as you type.
    With --write, it is written to templates/response.schema.json, where that
    line looks for it.
    """
    from respgen.files import write_atomic
    from respgen.reading import schema as response_schema

    text = response_schema.text()
    if not write_file:
        click.echo(text, nl=False)
        return
    project = _project()
    target = project.templates / response_schema.FILE_NAME
    write_atomic(target, text.encode("utf-8"))
    click.echo(visible(f"wrote {shown_path(target)}"))


@main.command(short_help="Write the tracker workbook and the report for the panel.")
@click.option("--as-of", "as_of", type=_DAY, metavar="YYYY-MM-DD", help="The day the report describes (default: today).")
@click.option("--since", type=_DAY, metavar="YYYY-MM-DD", help="The start of the period for 'closed' (default: a quarter before).")
def tracker(as_of, since) -> None:
    """Write output/tracker.xlsx and the report for the Police and Crime Panel.

    Reads every response in responses/ with its items' updates. The workbook has
    one row per recommendation, area for improvement and cause of concern. The
    report, output/tracker-<date>.pdf and .docx, gives the counts by stage and by
    report, the items overdue, those due in the next quarter, those closed in the
    period and each item's history.
    """
    import datetime as dt

    from respgen.workflow.tracker import write

    day = as_of or dt.date.today()
    written, report, problems = write(_project(), day, since)
    for problem in problems:
        say(problem)
    for path in written:
        click.echo(visible(f"wrote {shown_path(path)}"))
    tracked = report.tracked
    click.echo(f"{len(tracked)} items for this force: {len(report.overdue)} overdue, {len(report.closed)} closed in the period.")
    if problems:
        sys.exit(1)


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "-o", "--output", "target", type=click.Path(path_type=Path, allow_dash=True), metavar="PATH",
    help="Where to write it: a file name or a folder ('-' for standard output). Default: the current folder.",
)
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
def extract(pdf: Path, target: Path | None, force: bool) -> None:
    """Get back the response file a PDF was made from.

    Every PDF respgen makes carries its response file inside it, so the
    archived PDF is enough to build the response again. An existing file is
    never replaced unless --force is given.
    """
    from respgen.workflow.extract import embedded_source, write_out

    embedded = embedded_source(pdf)
    if target is not None and str(target) == "-":
        sys.stdout.buffer.write(embedded.data)
        return
    written = write_out(embedded, target, overwrite=force)
    click.echo(visible(f"wrote {shown_path(written)}"))


def _project() -> Project:
    return Project.find()
