"""Build the jobs of a plan: in this process, or in a pool of worker processes.

Each worker imports the renderers once and builds many responses. The office
was checked before any worker started; each job carries it. Every outcome,
good or bad, comes back as a ``Built`` record, and each success is recorded in
the manifest as it arrives.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from respgen.build.manifest import WEB_KINDS, Inputs, Manifest
from respgen.build.one import Built, build_response
from respgen.build.plan import Job, Plan
from respgen.errors import Problem, RespgenError
from respgen.project import Project, format_of

if TYPE_CHECKING:  # the model pulls in pydantic, which a build with nothing to do never needs
    from respgen.reading.model import Office

Builder = Callable[..., Built]


@dataclass
class Summary:
    """How a build went, as counted at its end."""

    built: int = 0
    up_to_date: int = 0
    failed: int = 0
    pruned: int = 0
    seconds: float = 0.0
    peak_kb: int = 0  # the largest peak memory of any process that built
    results: list[Built] = field(default_factory=list)
    index_failed: bool = False  # output/index.html could not be written


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover
        return max(1, os.cpu_count() or 1)


def run(
    project: Project,
    office: Office,
    manifest: Manifest,
    the_plan: Plan,
    *,
    jobs: int | None = None,
    strict: bool = False,
    on_start: Callable[[], None] | None = None,
    on_running: Callable[[list[Path]], None] | None = None,
    on_result: Callable[[Built], None] | None = None,
    builder: Builder | None = None,
) -> Summary:
    """Build every job of ``the_plan``; record each success in ``manifest`` (saved before returning).

    ``on_start`` is called once the workers exist: a progress display that runs a
    thread must start only then, because forking a process with threads running
    can deadlock the copy.
    """
    summary = Summary()
    todo = sorted(the_plan.jobs, key=_weight, reverse=True)  # longest first: the pool finishes together
    workers = min(jobs or default_jobs(), len(todo))
    last_save = time.monotonic()

    def accept(job: Job, result: Built) -> None:
        nonlocal last_save
        summary.results.append(result)
        summary.peak_kb = max(summary.peak_kb, result.peak_kb)
        if result.failed:
            summary.failed += 1
        else:
            summary.built += 1
            record(project, manifest, the_plan.inputs, job.source, result, job.kinds)
            # A long build keeps its record as it goes, so an interrupted one redoes little.
            if time.monotonic() - last_save > 5:
                manifest.save()
                last_save = time.monotonic()
        if on_result:
            on_result(result)

    try:
        if builder is None and splits(todo, jobs):
            if on_running:
                on_running([todo[0].source])
            accept(todo[0], _build_split(project, office, todo[0], strict, on_start))
        elif workers <= 1:
            if on_start:
                on_start()
            for job in todo:
                if on_running:
                    on_running([job.source])
                # One response, built while the officer waits: its web page first (see build_response).
                accept(job, build_job(project.root, office, job.source, tuple(job.kinds), strict, builder, len(todo) == 1))
        else:
            _run_pool(project, office, todo, workers, strict, builder, accept, on_start, on_running)
    finally:
        if manifest.changed:
            manifest.save()
    return summary


def splits(todo: list[Job], jobs: int | None) -> bool:
    """Whether ``todo`` is one response built while the officer waits, on a machine with a core to spare: its
    Word documents are then drawn in a second process at the same time as its PDF (see ``_build_split``)."""
    import multiprocessing

    if len(todo) != 1 or (jobs or default_jobs()) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    formats = {format_of(kind) for kind in todo[0].kinds}
    return {"docx", "pdf"} <= formats


def _build_split(project: Project, office: Office, job: Job, strict: bool, on_start) -> Built:
    """One response on two cores: a forked process checks the Word template, draws the Word documents and
    writes the web pages first, while this one draws the PDF; then the pages again (now describing the new
    documents), and everything is written together. If anything fails, the pages written first are put back."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    from respgen.build.one import put_back

    second = tuple(kind for kind in job.kinds if format_of(kind) in ("docx", *WEB_KINDS))
    rest = tuple(kind for kind in job.kinds if format_of(kind) != "docx")
    # Forked before any thread starts (the progress display's starts in on_start) and before WeasyPrint is loaded.
    context = multiprocessing.get_context("fork")
    executor = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=prepare_worker, initargs=(False,))
    try:
        future = executor.submit(build_job, project.root, office, job.source, second, strict, draw_word_documents)
        if on_start:
            on_start()

        def word_documents() -> dict[str, bytes]:
            drawn = future.result()
            if drawn.failed:
                raise RespgenError(drawn.problems)
            return {kind: data for kind, data in drawn.drawn.items() if format_of(kind) == "docx"}

        result = build_job(project.root, office, job.source, rest, strict, partial(build_response, drawn_elsewhere=word_documents))
        try:
            helper = future.result()
        except Exception:
            helper = Built(job.source)
        if result.failed:
            put_back(helper.earlier)
        else:
            result.peak_kb = max(result.peak_kb, helper.peak_kb)
        return result
    finally:
        # Its work is done: ended now rather than left for the interpreter's exit to wait on.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


def draw_word_documents(project: Project, office: Office, source: Path, *, strict: bool, kinds: tuple[str, ...]) -> Built:
    """In the second process of a split build: the Word template checked (the main process left it out), the
    Word documents drawn (not written), and the web pages written at once, for the officer waiting to see them."""
    from respgen.build.one import bytes_or_none
    from respgen.files import write_together
    from respgen.word.template import build_problems

    problems = build_problems(project.word_template)
    if problems:
        raise RespgenError(problems)
    built = build_response(project, office, source, strict=strict, kinds=kinds, write=False)
    targets = project.outputs_for(source)
    pages = {targets[kind]: data for kind, data in built.drawn.items() if format_of(kind) in WEB_KINDS}
    built.earlier = {path: bytes_or_none(path) for path in pages}
    write_together(pages)
    return built


def record(project: Project, manifest: Manifest, inputs: Inputs | None, source: Path, result: Built, planned: dict[str, str]) -> None:
    """Note in ``manifest`` each document ``result`` wrote from ``source`` (``planned``: the inputs hash of each kind)."""
    for kind, (document, digest) in result.written.items():
        # The hash of what was read and built, which is not what was planned if the file was edited meanwhile.
        built_from = planned.get(kind, "")
        if result.source_sha256 and inputs is not None:
            built_from = inputs.for_response(kind, result.source_sha256)
        manifest.record(document, source, kind, built_from, digest)
    written = {format_of(kind) for kind in result.written}
    if not set(WEB_KINDS) & written and {"pdf", "docx"} & written:
        # The web page names the size and pages of the documents beside it: built apart, it is out of date.
        for kind, page in project.outputs_for(source).items():
            if format_of(kind) in WEB_KINDS:
                manifest.forget(page.name)


def build_job(
    root: Path, office: Office, source: Path, kinds: tuple[str, ...], strict: bool, builder: Builder | None,
    page_first: bool = False,
) -> Built:
    """Build one job and describe the outcome; never raises for a problem in the response."""
    project = Project(root)
    try:
        if builder is None:
            result = build_response(project, office, source, strict=strict, kinds=kinds, page_first=page_first)
        else:
            result = builder(project, office, source, strict=strict, kinds=kinds)
    except RespgenError as exc:
        result = Built(source, problems=exc.problems)
    except Exception as exc:  # a fault in respgen itself: report it against the file and go on
        detail = ""
        if os.environ.get("RESPGEN_DEBUG"):
            import traceback

            detail = "\n" + traceback.format_exc()
        result = Built(
            source,
            problems=[
                Problem(
                    f"respgen failed while building this response ({type(exc).__name__}: {exc}){detail}",
                    file=source,
                    hint="Its earlier documents were kept. This is a fault in respgen: please report it with this file"
                    " (set RESPGEN_DEBUG=1 to see the details).",
                )
            ],
        )
    result.peak_kb = _peak_kb()
    return result


def _peak_kb() -> int:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):  # pragma: no cover
        return 0


def prepare_worker(renderers: bool) -> None:
    from respgen.build.lock import let_go_in_child

    let_go_in_child()
    _die_with_parent()
    # Ctrl-C is the main process's to handle: it stops the pool and keeps what is finished.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Import the renderers once per worker, not once per response (with fork, the parent did).
    if renderers:
        _load_renderers()


def _load_renderers() -> None:
    try:
        from respgen.pdf import engine

        engine.load()
        import respgen.pdf.document
        import respgen.word.document  # noqa: F401
    except Exception:  # reported, with its file, when a response is built
        pass


def _die_with_parent() -> None:
    """On Linux, a worker is ended when the build that started it dies, even by SIGKILL.

    Otherwise it would go on writing documents that no manifest will record.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the build died before this line: nobody will collect the work
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _weight(job: Job) -> int:
    try:
        return job.source.stat().st_size
    except OSError:
        return 0


def _run_pool(project, office, todo, workers, strict, builder, accept, on_start, on_running) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # fork starts workers in milliseconds, and each starts with what the main process has loaded:
    # the renderers are imported once here rather than once in every worker (about a second each,
    # all at the start of the build). The main process has no threads yet.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    renderers = any(format_of(kind) in ("pdf", "docx") for job in todo for kind in job.kinds)
    if method == "fork" and renderers:
        _load_renderers()
    context = multiprocessing.get_context(method)
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=prepare_worker, initargs=(renderers,))
    pending = {}
    try:
        for job in todo:
            future = executor.submit(build_job, project.root, office, job.source, tuple(job.kinds), strict, builder)
            pending[future] = job
        # With fork, every worker was started by the first submit.
        if on_start:
            on_start()
        order = list(pending)
        while pending:
            if on_running:
                # Workers take jobs in the order given: the first unfinished ones are the ones running.
                on_running([pending[f].source for f in order if f in pending][:workers])
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=order.index):
                job = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = Built(
                        job.source,
                        problems=[
                            Problem(
                                "the process building this response stopped unexpectedly (killed, or out of memory)",
                                file=job.source,
                                hint="Its earlier documents were kept. Run 'respgen build' again.",
                            )
                        ],
                    )
                accept(job, result)
    except BaseException:
        # Stop now (Ctrl-C, or a fault here): the workers are ended rather than left to finish their
        # responses; any temporary file one was writing is removed by the next build.
        processes = list((getattr(executor, "_processes", None) or {}).values())  # shutdown() forgets them
        for process in processes:
            process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(5)
        raise
    executor.shutdown(wait=True)
