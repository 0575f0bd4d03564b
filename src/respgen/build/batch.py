"""``respgen build`` as a library call: plan, check the office once, build, prune, report.

``build_all`` takes the folder's lock, works out what needs building, checks
the office's files once (before any worker starts: a broken template is one
message, not one per response), builds in a pool and tells a ``Reporter`` how
it goes. The command line gives it a reporter that prints; a script can give
none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from respgen.build.manifest import WEB_KINDS, Manifest
from respgen.build.one import Built
from respgen.build.plan import Job, Plan, own_document, plan
from respgen.build.pool import Summary, run
from respgen.errors import Problem, RespgenError, shown_path
from respgen.project import Project, format_of
from respgen.web import index as web_index


class Reporter(Protocol):
    """What a build tells as it goes (see ``respgen.cli.progress``)."""

    def __enter__(self) -> Reporter: ...
    def __exit__(self, *exc: object) -> None: ...
    def begin(self, total: int) -> None: ...
    def running(self, sources: list[Path]) -> None: ...
    def note(self, message: str) -> None: ...
    def problem(self, problem: Problem) -> None: ...
    def done(self, built: Built) -> None: ...
    def finish(self, summary: Summary) -> None: ...


class Silent:
    """A reporter that tells nothing: for scripts, which read the summary instead."""

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def begin(self, total: int) -> None:
        pass

    def running(self, sources: list[Path]) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def problem(self, problem: Problem) -> None:
        pass

    def done(self, built: Built) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        pass


def build_all(
    project: Project,
    files: list[Path] | None = None,
    *,
    force: bool = False,
    prune: bool = False,
    jobs: int | None = None,
    strict: bool = False,
    reporter_for: Callable[[int], Reporter] | None = None,
    on_wait: Callable[[str], None] | None = None,
    formats: tuple[str, ...] = (),
    drafts: bool = False,
) -> Summary:
    """Build ``files`` (default: every response that changed) under the folder's lock, and report.

    ``reporter_for(count)`` gives the display for a build of ``count`` responses;
    ``on_wait`` is told when another build holds the lock.
    """
    from respgen.build.lock import BuildLock
    from respgen.files import remove_stale_temporaries

    started = time.monotonic()
    lock = BuildLock(project.output)
    lock.acquire(on_wait=on_wait)
    try:
        remove_stale_temporaries(project.output)
        manifest = Manifest.load(project)
        made = tuple(kind for name in formats for kind in FORMATS[name]) if formats else None
        todo = plan(project, manifest, list(files or ()), force=force, formats=made)
        if formats:
            todo = only_formats(todo, formats)
        if manifest.damaged:
            todo.notices.insert(
                0,
                Problem(
                    "the build record could not be read, so every document is built again",
                    file=manifest.path,
                    hint="Nothing is lost: respgen writes a new record as it builds.",
                    severity="warning",
                ),
            )
        summary = Summary(up_to_date=len(todo.current), failed=len(todo.refused))
        with (reporter_for or (lambda count: Silent()))(len(todo.jobs)) as report:
            for problem in todo.refused + todo.notices:
                report.problem(problem)
            if prune and todo.orphans:
                for document in remove_orphans(project, manifest, todo.orphans):
                    report.note(f"removed {shown_path(document)} (its response file is gone)")
                    summary.pruned += 1
            elif todo.orphans:
                # One line however many: the real problem of this build must not scroll away under them.
                count = len(todo.orphans)
                stems = sorted({Path(document.name.removesuffix(".fragment.html")).stem for document in todo.orphans})
                named = ", ".join(f"output/{stem}.*" for stem in stems[:3]) + (", …" if len(stems) > 3 else "")
                report.problem(
                    Problem(
                        f"{count} document{'s' if count != 1 else ''} in output/ whose response file has gone"
                        f" ({named}) {'were' if count != 1 else 'was'} left in place",
                        hint="Run 'respgen build --prune' to remove them.",
                        severity="warning",
                    )
                )
            office = _checked_office(project, todo.jobs, report, jobs) if todo.jobs else None
            if office is None:
                summary.failed += len(todo.jobs)
            else:
                outcome = run(
                    project,
                    office,
                    manifest,
                    todo,
                    jobs=jobs,
                    strict=strict,
                    on_start=lambda: report.begin(len(todo.jobs)),
                    on_running=report.running,
                    on_result=report.done,
                )
                summary.built = outcome.built
                summary.failed += outcome.failed
                summary.peak_kb = outcome.peak_kb
                summary.results = outcome.results
            if manifest.changed:  # entries forgotten while planning
                manifest.save()
            office_fine = office is not None or not todo.jobs
            listing = not formats or "web" in formats
            if office_fine and listing and (summary.built or summary.pruned or web_index.stale(project)):
                summary.index_failed = not _write_index(project, drafts, report)
            summary.seconds = time.monotonic() - started
            report.finish(summary)
    finally:
        lock.release()
    return summary


# What each --format builds.
FORMATS = {"word": ("docx",), "pdf": ("pdf",), "web": WEB_KINDS}


def only_formats(todo: Plan, formats: tuple[str, ...]) -> Plan:
    """``todo`` with only the kinds of document ``formats`` name; a response with none of them left is skipped."""
    wanted = {kind for name in formats for kind in FORMATS[name]}
    jobs = [Job(job.source, {k: v for k, v in job.kinds.items() if format_of(k) in wanted}) for job in todo.jobs]
    todo.jobs = [job for job in jobs if job.kinds]
    return todo


def _write_index(project: Project, drafts: bool, report: Reporter) -> bool:
    """Write output/index.html if it changed; False (after saying why) when it cannot be written."""
    try:
        written = web_index.write(project, drafts)
    except RespgenError as exc:
        for problem in exc.problems:
            report.problem(problem)
        return False
    if written is not None:
        report.note(f"wrote {shown_path(written)}")
    return True


def _checked_office(project: Project, jobs: list, report: Reporter, jobs_allowed: int | None = None):
    """The office, checked once for the whole build; None (after saying why, once) when it cannot be used."""
    from respgen.build.pool import splits
    from respgen.build.preflight import check_office

    formats = {format_of(kind) for job in jobs for kind in job.kinds}
    if splits(jobs, jobs_allowed):
        formats.discard("docx")  # the second process checks the Word template as it draws (see pool._build_split)
    try:
        return check_office(project, formats)
    except RespgenError as exc:
        for problem in exc.problems:
            report.problem(problem)
        count = len(jobs)
        report.problem(
            Problem(
                f"nothing was built: the {count} response{'' if count == 1 else 's'} to build"
                f" ({', '.join(shown_path(job.source) for job in jobs[:3])}{', …' if count > 3 else ''})"
                " need the files in templates/ fixed first",
                hint="Fix the problems above, then run 'respgen build' again. Earlier documents were kept.",
            )
        )
        return None


def remove_orphans(project: Project, manifest: Manifest, documents: list[Path]) -> list[Path]:
    """Remove ``documents`` (outputs whose response is gone) and forget them."""
    removed = []
    for document in documents:
        inside = document.parent.resolve() == project.output.resolve() and own_document(project, document.name)
        if not inside or document.is_symlink() or (document.exists() and not document.is_file()):
            manifest.forget(document.name)  # never removes anything but a document respgen wrote in output/
            continue
        try:
            document.unlink(missing_ok=True)
        except OSError as exc:
            raise RespgenError(f"cannot remove {document}: {exc.strerror}") from None
        manifest.forget(document.name)
        removed.append(document)
    if manifest.changed:
        manifest.save()
    return removed

