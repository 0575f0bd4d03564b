"""`respgen serve`: the live preview of the web pages while a response is written.

It builds the web pages, serves output/ on this computer only, and rebuilds
the page of a response file as soon as it is saved (all of them when a
template changes). The PDF and the Word document of a saved response follow
(``Documents``): they take seconds, so they are drawn after its page, in a
process that keeps the renderers loaded, and never hold the page up.
The open page reloads itself: the few lines that ask for it are added to the
page as it is served, never written into a file in output/. A response that
cannot be built shows, in place of its page, the same messages the terminal
prints, with the file and line; nothing stale is shown as if it were current.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from respgen.build.batch import Silent, build_all
from respgen.build.one import Built, build_response
from respgen.errors import Problem, RespgenError
from respgen.project import Project

LOOPBACK = ("127.0.0.1", "::1", "localhost")
VERSION_PATH = "/__respgen/version"
# Added to each page as it is served, so the open page follows the file as it is saved.
RELOAD = (
    "<script>(function(){var seen=null;function ask(){fetch('" + VERSION_PATH + "',{cache:'no-store'})"
    ".then(function(r){return r.json()}).then(function(d){if(seen!==null&&d.version!==seen){location.reload()}"
    "seen=d.version}).catch(function(){}).finally(function(){setTimeout(ask,500)})}ask()})();</script>"
)


class _Collect(Silent):
    """Keeps the problems a build reports that belong to no single response (a broken template, say)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)


class Documents:
    """Draws the PDF and the Word document of each saved response after its page, in one warm process.

    The process is started once (spawned: the server runs threads, which a fork
    must not copy) and imports the renderers once. A response is drawn there
    without the folder's build lock, which is taken only to write its documents
    and record them: a page rebuilt meanwhile never waits for a PDF. Documents
    drawn from a file that has been saved again since are thrown away; the
    newer save is already waiting.
    """

    def __init__(self, project: Project, say: Callable[[Problem], None], on_written: Callable[[], None]):
        self.project = project
        self.say = say
        self.on_written = on_written
        self._waiting: dict[Path, None] = {}  # responses to draw, oldest first, each once
        self._wake = threading.Condition()
        self._stopped = False
        self._busy = False
        self._executor: Any = None  # the warm process, started at the first save
        self._thread = threading.Thread(target=self._run, name="documents", daemon=True)
        self._thread.start()

    def follow(self, files: list[Path]) -> None:
        with self._wake:
            for path in files:
                self._waiting.pop(path, None)
                self._waiting[path] = None
            self._wake.notify()

    def idle(self) -> bool:
        with self._wake:
            return not self._waiting and not self._busy

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        executor, self._executor = self._executor, None
        if executor is not None:
            processes = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._waiting and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                path = next(iter(self._waiting))
                del self._waiting[path]
                self._busy = True
            try:
                self._draw(path)
            except RespgenError as exc:
                for problem in exc.problems:
                    self.say(problem)
            except Exception:  # the process was stopped under it (Ctrl-C), or a fault: the page is unaffected
                if not self._stopped:
                    self.say(Problem("the PDF and the Word document could not be drawn", file=path,
                                     hint="Run 'respgen build' for them.", severity="warning"))
            finally:
                self._busy = False

    def _draw(self, path: Path) -> None:
        import hashlib
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from respgen.build import pool
        from respgen.build.lock import BuildLock
        from respgen.build.manifest import Inputs, Manifest
        from respgen.build.preflight import check_office
        from respgen.files import write_together

        office = check_office(self.project)
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=pool.prepare_worker, initargs=(True,)
            )
        drawn: Built = self._executor.submit(draw_documents, self.project.root, office, path).result()
        if drawn.failed or self._stopped:
            return  # the page already shows what is wrong with the file
        lock = BuildLock(self.project.output)
        lock.acquire()
        try:
            try:
                if hashlib.sha256(path.read_bytes()).hexdigest() != drawn.read_sha256:
                    return  # saved again while it was drawn: that save is waiting
            except OSError:
                return
            targets = self.project.outputs_for(path)
            write_together({targets[kind]: data for kind, data in drawn.drawn.items()})
            drawn.written = {kind: (targets[kind], hashlib.sha256(data).hexdigest()) for kind, data in drawn.drawn.items()}
            manifest = Manifest.load(self.project)
            pool.record(self.project, manifest, Inputs(self.project), path, drawn, {})
            manifest.save()
        finally:
            lock.release()
        self.on_written()


def draw_documents(root: Path, office, path: Path) -> Built:
    """In the warm process: every document of ``path`` drawn, none written (see ``Documents``)."""
    from functools import partial

    from respgen.build import pool

    return pool.build_job(root, office, path, Project(root).kinds, False, partial(build_response, write=False))


class Preview:
    """The state the server shows: which build it is at, and the messages for pages that failed."""

    def __init__(self, project: Project, say: Callable[[Problem], None] = lambda problem: None, documents: bool = True):
        self.project = project
        self.say = say
        self.version = 0
        self.failures: dict[str, list[str]] = {}  # page name (or "*" for every page) -> messages
        self._lock = threading.Lock()
        self.documents = Documents(project, say, self._written) if documents else None

    def _written(self) -> None:
        with self._lock:
            self.version += 1  # the page names the new documents' size and pages

    def rebuild(self, files: list[Path] | None = None, *, follow: bool = False) -> None:
        """Build the pages of ``files`` (default all); with ``follow``, their PDF and Word document after them."""
        collected = _Collect()
        try:
            summary = build_all(self.project, files, formats=("web",), reporter_for=lambda count: collected)
            results: list[Built] = summary.results
        except RespgenError as exc:
            collected.problems += exc.problems
            results = []
        with self._lock:
            for result in results:
                page = self.project.outputs_for(result.source)["html"].name
                if result.failed:
                    self.failures[page] = [str(p) for p in result.problems]
                else:
                    self.failures.pop(page, None)
            errors = [p for p in collected.problems if p.is_error]
            if errors:
                self.failures["*"] = [str(p) for p in errors]
            else:
                self.failures.pop("*", None)
            self.version += 1
        for result in results:
            for problem in result.problems + result.warnings:
                self.say(problem)
        for problem in collected.problems:
            self.say(problem)
        if follow and self.documents is not None:
            self.documents.follow([result.source for result in results if not result.failed])

    def failure_for(self, page: str) -> list[str] | None:
        with self._lock:
            return self.failures.get("*") or self.failures.get(page)

    def changed(self, paths: set[Path]) -> None:
        """Rebuild what ``paths`` (saved files) affect: their own pages, or every page for a template."""
        responses = self.project.responses.resolve()
        touched = [p for p in paths if p.suffix in (".yaml", ".yml") and p.parent.resolve() == responses and p.is_file()]
        if any(not p.is_relative_to(responses) for p in (path.resolve() for path in paths)):
            self.rebuild()  # a template or the office file: every page
        elif touched:
            self.rebuild(sorted(touched), follow=True)
        else:
            with self._lock:
                self.version += 1  # a response was removed: the list changes


class _Handler(SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, format: str, *args) -> None:  # the signature http.server gives it
        pass  # the terminal is for the officer's messages, not for every request

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == VERSION_PATH:
            self._send(json.dumps({"version": self.preview.version}).encode(), "application/json")
            return
        if path == "/":
            path = "/index.html"
        name = path.lstrip("/")
        if name.endswith(".html") and "/" not in name:
            failure = self.preview.failure_for(name)
            if failure is not None:
                self._send(_failure_page(name, failure), "text/html; charset=utf-8")
                return
            page = self.preview.project.output / name
            if page.is_file() and page.resolve().parent == self.preview.project.output.resolve():
                text = page.read_text(encoding="utf-8")
                self._send(_with_reload(text).encode("utf-8"), "text/html; charset=utf-8")
                return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _with_reload(page: str) -> str:
    at = page.rfind("</body>")
    return page[:at] + RELOAD + page[at:] if at >= 0 else page + RELOAD


def _failure_page(name: str, messages: list[str]) -> bytes:
    items = "".join(f"<li><pre>{html.escape(message)}</pre></li>" for message in messages)
    page = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>Not built: {html.escape(name)}</title></head><body><main>"
        f"<h1>{html.escape(name)} could not be built</h1>"
        "<p>Correct the response file (or the template) and save it: this page follows.</p>"
        f"<ul>{items}</ul></main></body></html>"
    )
    return _with_reload(page).encode("utf-8")


def server(project: Project, host: str, port: int, *, allow_remote: bool = False, say=lambda problem: None, documents: bool = True):
    """(the HTTP server, the preview) for ``project``: listening, not yet serving; nothing built yet."""
    if host not in LOOPBACK and not allow_remote:
        raise RespgenError(
            f"the preview listens on this computer only, not on {host}",
            hint="Leave out --host, or add --allow-remote if you really mean others on the network to see drafts.",
        )
    preview = Preview(project, say, documents)
    handler = type("Handler", (_Handler,), {"preview": preview})
    try:
        httpd = ThreadingHTTPServer((host, port), partial(handler, directory=str(project.output)))
    except OSError as exc:
        raise RespgenError(
            f"cannot listen on {host}:{port} ({exc.strerror})",
            hint="Another program may be using that port: try another with --port.",
        ) from None
    return httpd, preview


def watch(preview: Preview, stop: threading.Event) -> None:
    """Rebuild as files are saved, until ``stop`` is set."""
    import watchfiles

    project = preview.project
    folders = [str(folder) for folder in (project.responses, project.templates) if folder.is_dir()]
    for changes in watchfiles.watch(*folders, stop_event=stop, debounce=200, step=50, raise_interrupt=False):
        preview.changed({Path(path) for _, path in changes})
