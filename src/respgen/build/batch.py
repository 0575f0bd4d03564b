"""Build responses into output/: one at a time, or many at once, only what changed.

``build_all`` is the whole of ``respgen build``. ``build_one`` reads a response,
checks it, renders its documents and writes them. ``plan`` decides, from output/manifest.json, which documents need
building; ``run`` builds them in a pool of worker processes (each imports the
renderers once and builds many responses) and records what it wrote. Planning
reads and hashes bytes only, so a build with nothing to do never imports the
renderers.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from respgen.errors import Problem, RespgenError
from respgen.files import write_together
from respgen.build.manifest import KINDS, Inputs, Manifest, stale_kinds
from respgen.project import Project

if TYPE_CHECKING:
    from respgen.cli.progress import Reporter, Summary


@dataclass
class Built:
    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)  # kind -> SHA-256 of the bytes written


def build_one(project: Project, path: Path, *, strict: bool = False, kinds: tuple[str, ...] = KINDS) -> Built:
    """Build ``path`` into output/; nothing is written unless every document asked for renders."""
    from respgen.build import preflight
    from respgen import rules
    from respgen.letter import view
    from respgen.reading.source import read_response

    source = read_response(path)
    problems = rules.review(source)
    if any(p.is_error for p in problems) or (strict and problems):
        raise RespgenError(problems)
    preflight.check(project, Path(path))  # the office's template, office file and pictures, before rendering
    letter = view.letter(source.response, project.office, project.templates)
    documents = {}
    # The renderers are heavy: import them only when building.
    if "docx" in kinds:
        from respgen.word import document as word

        documents["docx"] = word.render(letter, project)
    if "pdf" in kinds:
        _import_weasyprint()
        from respgen.pdf import document as pdf

        documents["pdf"] = pdf.render(letter, source, project)
    targets = project.outputs_for(path)
    write_together({targets[kind]: data for kind, data in documents.items()})
    return Built(
        Path(path),
        [targets[k] for k in documents],
        problems,
        {kind: hashlib.sha256(data).hexdigest() for kind, data in documents.items()},
    )


def _import_weasyprint() -> None:
    """Import WeasyPrint, finding its system libraries without the slow search.

    WeasyPrint tries several names for each library it loads (Windows, macOS
    and Linux spellings); on Linux each name that is not there makes
    ``ctypes.util.find_library`` run ldconfig and then the C compiler, about
    20 of them, which is a third of the time it takes to build one letter
    from cold. Here a name that the system's library cache does not hold is
    answered "not found" at once. Should the import then fail, it is simply
    tried again the ordinary way.
    """
    import sys

    if "weasyprint" in sys.modules:
        return
    import ctypes.util
    import subprocess

    original = ctypes.util.find_library
    try:
        if os.environ.get("LD_LIBRARY_PATH") or not sys.platform.startswith("linux"):
            raise OSError
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"], capture_output=True, text=True, timeout=10, env={"LC_ALL": "C"}
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    names = {line.split()[0] for line in listing.splitlines()[1:] if line.startswith(("\t", " ")) and line.split()}
    if not names:
        import weasyprint  # noqa: F401

        return

    def quick(name: str):
        if not any(known.startswith(f"lib{name}.so") for known in names):
            return None
        return original(name)

    ctypes.util.find_library = quick
    try:
        import weasyprint  # noqa: F401
    except OSError:
        for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[module]
        ctypes.util.find_library = original
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = original


# --- Planning: what needs building -------------------------------------------------------


@dataclass
class Job:
    source: Path
    kinds: dict[str, str]  # kind of document -> hash of its inputs


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    current: list[Path] = field(default_factory=list)  # responses whose documents are up to date
    refused: list[Problem] = field(default_factory=list)  # responses that cannot even be planned
    orphans: list[Path] = field(default_factory=list)  # documents in output/ whose response is gone


def plan(project: Project, manifest: Manifest, files: list[Path] | None = None, force: bool = False) -> Plan:
    """What to build: ``files`` (default every response in responses/) whose documents are not current."""
    everything = not files
    paths = [_as_given(p) for p in project.response_files()] if everything else [Path(f) for f in files]
    inputs = Inputs(project)
    result = Plan()
    claimed: dict[str, Path] = {}
    for path in paths:
        if not path.is_file():
            result.refused.append(
                Problem("there is no such response file", file=path, hint="Check the name and the folder (responses/).")
            )
            continue
        stem = path.stem
        if stem in claimed and claimed[stem].resolve() != path.resolve():
            result.refused.append(
                Problem(
                    f"this file and {claimed[stem]} would both be built into output/{stem}.pdf and .docx",
                    file=path,
                    hint="Give one of them another name.",
                )
            )
            continue
        if stem in claimed:
            continue
        claimed[stem] = path
        try:
            kinds = inputs.all_kinds(path) if force else stale_kinds(project, manifest, inputs, path)
        except OSError as exc:
            result.refused.append(Problem(f"cannot read the file: {exc.strerror}", file=path))
            continue
        if kinds:
            result.jobs.append(Job(path, kinds))
        else:
            result.current.append(path)
    if everything:
        result.orphans = orphans(project, manifest)
    return result


def _as_given(path: Path) -> Path:
    """``path`` relative to the current folder when inside it, as an officer would type it in messages."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def orphans(project: Project, manifest: Manifest) -> list[Path]:
    """Documents in output/ that no longer have a response file."""
    stems = {p.stem for p in project.response_files()}
    found = set()
    for name, entry in list(manifest.entries.items()):
        source = Path(entry.source)
        if not source.is_absolute():
            source = project.root / source
        if source.is_file():
            continue
        if (project.output / name).exists():
            found.add(project.output / name)
        else:  # both the response and its document are gone: nothing left to describe
            manifest.forget(name)
    for path in project.built_files():
        if path.name not in manifest.entries and path.stem not in stems:
            found.add(path)
    return sorted(found)


# --- Building: in this process or in a pool of workers ----------------------------------


@dataclass
class Result:
    source: Path
    written: dict[str, tuple[Path, str]] = field(default_factory=dict)  # kind -> (document, SHA-256)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    peak_kb: int = 0  # this process's peak memory so far (resident set, KiB)

    @property
    def failed(self) -> bool:
        return bool(self.problems)


Builder = Callable[..., Built]


def _peak_kb() -> int:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):  # pragma: no cover
        return 0


def _build_job(root: Path, source: Path, kinds: tuple[str, ...], strict: bool, builder: Builder | None) -> Result:
    """Build one job and describe the outcome; never raises for a problem in the response."""
    project = _WORKER_PROJECTS.setdefault(root, Project(root)) if _WORKER_PROJECTS is not None else Project(root)
    result = Result(source)
    try:
        built = (builder or build_one)(project, source, strict=strict, kinds=kinds)
    except RespgenError as exc:
        result.problems = exc.problems
    except Exception as exc:  # a fault in respgen itself: report it against the file and go on
        detail = ""
        if os.environ.get("RESPGEN_DEBUG"):
            import traceback

            detail = "\n" + traceback.format_exc()
        result.problems = [
            Problem(
                f"respgen failed while building this response ({type(exc).__name__}: {exc}){detail}",
                file=source,
                hint="Its earlier documents were kept. This is a fault in respgen: please report it with this file"
                " (set RESPGEN_DEBUG=1 to see the details).",
            )
        ]
    else:
        result.warnings = built.warnings
        targets = project.outputs_for(source)
        result.written = {kind: (targets[kind], digest) for kind, digest in built.sha256.items()}
    result.peak_kb = _peak_kb()
    return result


# In a worker process (which lives for one build), the office file is read once, not once per response.
_WORKER_PROJECTS: dict[Path, Project] | None = None


def _prepare_worker() -> None:
    global _WORKER_PROJECTS
    _WORKER_PROJECTS = {}
    # Ctrl-C is the main process's to handle: it stops the pool and keeps what is finished.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Import the renderers once per worker, not once per response.
    try:
        _import_weasyprint()
        import respgen.pdf.document  # noqa: F401
        import respgen.word.document  # noqa: F401
    except Exception:  # reported, with its file, when a response is built
        pass


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover
        return max(1, os.cpu_count() or 1)


@dataclass
class Outcome:
    built: int = 0
    failed: int = 0
    peak_kb: int = 0  # the largest peak memory of any process that built
    results: list[Result] = field(default_factory=list)


def run(
    project: Project,
    manifest: Manifest,
    the_plan: Plan,
    *,
    jobs: int | None = None,
    strict: bool = False,
    on_start: Callable[[], None] | None = None,
    on_running: Callable[[list[Path]], None] | None = None,
    on_result: Callable[[Result], None] | None = None,
    builder: Builder | None = None,
) -> Outcome:
    """Build every job of ``the_plan``; record each success in ``manifest`` (saved before returning).

    ``on_start`` is called once the workers exist: a progress display that runs a
    thread must start only then, because forking a process with threads running
    can deadlock the copy.
    """
    outcome = Outcome()
    todo = sorted(the_plan.jobs, key=_weight, reverse=True)  # longest first: the pool finishes together
    workers = min(jobs or default_jobs(), len(todo))
    last_save = time.monotonic()

    def accept(job: Job, result: Result) -> None:
        nonlocal last_save
        outcome.results.append(result)
        outcome.peak_kb = max(outcome.peak_kb, result.peak_kb)
        if result.failed:
            outcome.failed += 1
        else:
            outcome.built += 1
            for kind, (document, digest) in result.written.items():
                manifest.record(document, job.source, kind, job.kinds[kind], digest)
            # A long build keeps its record as it goes, so an interrupted one redoes little.
            if time.monotonic() - last_save > 5:
                manifest.save()
                last_save = time.monotonic()
        if on_result:
            on_result(result)

    try:
        if workers <= 1:
            if on_start:
                on_start()
            for job in todo:
                if on_running:
                    on_running([job.source])
                accept(job, _build_job(project.root, job.source, tuple(job.kinds), strict, builder))
        else:
            _run_pool(project, todo, workers, strict, builder, accept, on_start, on_running)
    finally:
        if manifest.changed:
            manifest.save()
    return outcome


def _weight(job: Job) -> int:
    try:
        return job.source.stat().st_size
    except OSError:
        return 0


def _run_pool(project, todo, workers, strict, builder, accept, on_start, on_running) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # fork starts workers in milliseconds; the main process has no threads yet and no renderers.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_prepare_worker)
    pending = {}
    try:
        for job in todo:
            future = executor.submit(_build_job, project.root, job.source, tuple(job.kinds), strict, builder)
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
                    result = Result(
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
        workers = list((getattr(executor, "_processes", None) or {}).values())  # shutdown() forgets them
        for process in workers:
            process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            process.join(5)
        raise
    executor.shutdown(wait=True)


def remove_orphans(project: Project, manifest: Manifest, documents: list[Path]) -> list[Path]:
    """Remove ``documents`` (outputs whose response is gone) and forget them."""
    removed = []
    for document in documents:
        try:
            document.unlink(missing_ok=True)
        except OSError as exc:
            raise RespgenError(f"cannot remove {document}: {exc.strerror}") from None
        manifest.forget(document.name)
        removed.append(document)
    if manifest.changed:
        manifest.save()
    return removed



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
) -> Summary:
    """Build ``files`` (default: every response that changed) under the folder's lock, and report.

    ``reporter_for(count)`` gives the display for a build of ``count`` responses;
    ``on_wait`` is told when another build holds the lock.
    """
    from respgen.files import remove_stale_temporaries
    from respgen.build.lock import BuildLock
    from respgen.cli.progress import Reporter, Summary

    started = time.monotonic()
    lock = BuildLock(project.output)
    lock.acquire(on_wait=on_wait)
    try:
        remove_stale_temporaries(project.output)
        manifest = Manifest.load(project)
        todo = plan(project, manifest, list(files or ()), force=force)
        summary = Summary(up_to_date=len(todo.current), failed=len(todo.refused))
        with (reporter_for or (lambda count: Reporter(str, quiet=True)))(len(todo.jobs)) as report:
            for problem in todo.refused:
                report.problem(problem)
            if prune and todo.orphans:
                for document in remove_orphans(project, manifest, todo.orphans):
                    report.note(f"removed {report.shown(document)} (its response file is gone)")
                    summary.pruned += 1
            elif todo.orphans:
                for document in todo.orphans:
                    report.problem(
                        Problem(
                            "its response file is gone; the document was left in place",
                            file=document,
                            hint="Run 'respgen build --prune' to remove it.",
                            severity="warning",
                        )
                    )
            outcome = run(
                project,
                manifest,
                todo,
                jobs=jobs,
                strict=strict,
                on_start=lambda: report.begin(len(todo.jobs)),
                on_running=report.running,
                on_result=lambda r: report.done(
                    r.source, [document for document, _ in r.written.values()], r.warnings, r.problems
                ),
            )
            summary.built = outcome.built
            summary.failed += outcome.failed
            summary.seconds = time.monotonic() - started
            report.finish(summary)
    finally:
        lock.release()
    return summary
