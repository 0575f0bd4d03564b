"""`respgen serve`: the live preview of the web pages while a response is written.

It builds the web pages (never the PDF or the Word document, which take
seconds), serves output/ on this computer only, and rebuilds the page of a
response file as soon as it is saved (all of them when a template changes).
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
from urllib.parse import unquote, urlsplit

from respgen.build.batch import Silent, build_all
from respgen.build.one import Built
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


class Preview:
    """The state the server shows: which build it is at, and the messages for pages that failed."""

    def __init__(self, project: Project, say: Callable[[Problem], None] = lambda problem: None):
        self.project = project
        self.say = say
        self.version = 0
        self.failures: dict[str, list[str]] = {}  # page name (or "*" for every page) -> messages
        self._lock = threading.Lock()

    def rebuild(self, files: list[Path] | None = None) -> None:
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
            self.rebuild(sorted(touched))
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


def server(project: Project, host: str, port: int, *, allow_remote: bool = False, say=lambda problem: None):
    """(the HTTP server, the preview) for ``project``: listening, not yet serving; nothing built yet."""
    if host not in LOOPBACK and not allow_remote:
        raise RespgenError(
            f"the preview listens on this computer only, not on {host}",
            hint="Leave out --host, or add --allow-remote if you really mean others on the network to see drafts.",
        )
    preview = Preview(project, say)
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
