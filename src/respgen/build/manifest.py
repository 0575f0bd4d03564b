"""What was built from what: output/manifest.json.

For every document in output/ the manifest records the response file it came
from, one hash of everything that went into it (the response's YAML, each file
in templates/ that its kind of document uses, the office file, and the version
of respgen and of the renderers), and the SHA-256 of the file written, which an
archivist can use to show the published file is the one respgen made.

A document is up to date when the hash of its inputs is the one recorded and
the file on disk is still the one written. Everything here reads bytes and
hashes them: it must never import the renderers, so that a build with nothing
to do stays instant.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from respgen import __version__
from respgen.files import write_atomic
from respgen.project import FORMATS, Project, format_of, language_of

MANIFEST_NAME = "manifest.json"
# A manifest for thousands of documents is well under a megabyte; a larger one is not respgen's.
MAX_MANIFEST_BYTES = 50 * 1024 * 1024
FORMAT = 2  # 2: a response enters its inputs hash as the SHA-256 of the bytes built
KINDS = FORMATS  # the main edition's documents; Project.kinds adds each other language's
WEB_KINDS = ("html", "fragment")  # the web page and its fragment: drawn together, from every template

# Files in templates/ that only one kind of document reads. Every other file
# there (office.yaml, the logo, a signature, anything new) counts for all, so
# a change to it can never leave a stale document behind. The web page names
# the PDF's and the Word document's size and pages, so it depends on every file.
_ONLY_FOR = {
    "docx": ("*.docx", "*.dotx"),
    "pdf": ("*.html", "*.htm", "*.css", "*.jinja", "*.j2", "*.icc", "*.icm", "*.ttf", "*.otf", "*.woff", "*.woff2"),
    "web": ("web.html", "web.css", "index.html"),
}
# Not read by either document: the covering email's and the tracker report's templates, notes,
# hidden files, Word's "~$name.docx" owner files while a template is open, editors' backups.
_IGNORED = (
    "email.*", "tracker.*", "*.txt", "*.md", ".*", "~$*", "*~", "*.bak", "*.tmp", "*.swp", "Thumbs.db", "desktop.ini",
    "__pycache__",
)
# The libraries whose version is written into (or shapes) the documents.
_RENDERERS = ("weasyprint", "pydyf", "pikepdf", "docxtpl", "python-docx")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(part.lower(), pattern.lower()) for part in parts for pattern in _IGNORED)


def template_files(project: Project, kind: str) -> list[Path]:
    """The files in templates/ that documents of ``kind`` depend on, in a fixed order."""
    kind = format_of(kind)
    if not project.templates.is_dir():
        return []
    def only_for(name: str) -> str | None:
        for other in ("web", "docx", "pdf"):  # the web's own files first: they are .html and .css too
            if any(fnmatch.fnmatch(name.lower(), pattern) for pattern in _ONLY_FOR[other]):
                return other
        return None

    found = []
    for path in project.templates.rglob("*"):
        relative = path.relative_to(project.templates)
        if _ignored(relative.parts) or not path.is_file():
            continue
        owner = only_for(path.name)
        if kind not in WEB_KINDS and owner is not None and owner != kind:
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(project.templates).as_posix())


def _installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed version of each distribution, read from the names of the
    dist-info folders: importlib.metadata would cost more than the whole of a
    build with nothing to do."""
    import re
    import sys

    wanted = {re.sub(r"[-_.]+", "_", name).lower(): name for name in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if not entry.endswith((".dist-info", ".egg-info")):
                continue
            stem = entry.rsplit(".", 1)[0]
            name, _, version = stem.partition("-")
            key = re.sub(r"[-_.]+", "_", name).lower()
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = version
    return {name: found.get(name, "absent") for name in names}


def _code_digest() -> str:
    """respgen's version and the renderers' versions: a new release may draw differently.

    (Someone changing respgen's own code without changing its version runs
    'respgen build --force'.)
    """
    digest = hashlib.sha256(f"respgen {__version__}\n".encode())
    for name, version in _installed_versions(_RENDERERS).items():
        digest.update(f"{name} {version}\n".encode())
    return digest.hexdigest()


class Inputs:
    """Computes the inputs hash of each (response, kind); shared parts are hashed once."""

    def __init__(self, project: Project):
        self.project = project
        self._shared: dict[str, bytes] = {}
        self._code: str | None = None

    def _base(self, kind: str) -> bytes:
        language = language_of(kind)
        kind = "html" if format_of(kind) in WEB_KINDS else format_of(kind)  # one page, two files: the same inputs
        kind += f".{language}" if language else ""
        if kind not in self._shared:
            if self._code is None:
                self._code = _code_digest()
            digest = hashlib.sha256(f"respgen-inputs {FORMAT}\n{kind}\n{self._code}\n".encode())
            for path in template_files(self.project, kind):
                relative = path.relative_to(self.project.templates).as_posix()
                digest.update(f"{relative}\0{sha256_file(path)}\n".encode())
            self._shared[kind] = digest.digest()
        return self._shared[kind]

    def all_kinds(self, response_file: Path) -> dict[str, str]:
        """The inputs hash of each kind of document of ``response_file`` (which must exist)."""
        data = Path(response_file).read_bytes()  # read once: a response is at most a few megabytes
        response = hashlib.sha256(data).hexdigest()
        if b"updates:" in data:
            # Only a file that tracks its items needs reading (and so pydantic) to know what its documents show.
            from respgen.errors import RespgenError
            from respgen.reading.source import read_response

            try:
                response = read_response(Path(response_file)).published_sha256
            except RespgenError:
                pass  # the build says what is wrong with it
        return {kind: self.for_response(kind, response) for kind in self.project.kinds}

    def for_response(self, kind: str, response_sha256: str) -> str:
        """The inputs hash of a ``kind`` of document built from response bytes with this SHA-256."""
        digest = hashlib.sha256(self._base(kind))
        digest.update(f"response {response_sha256}\n".encode())
        return digest.hexdigest()


@dataclass
class Entry:
    """One document in output/ as it was written."""

    source: str  # the response file, relative to the office folder when inside it
    kind: str
    inputs: str
    sha256: str
    size: int
    mtime_ns: int


class Manifest:
    """output/manifest.json, keyed by the document's name in output/."""

    def __init__(self, project: Project, entries: dict[str, Entry] | None = None):
        self.project = project
        self.entries: dict[str, Entry] = entries or {}
        self.changed = False
        self.damaged = False  # it was there but could not be read: everything is built again

    @property
    def path(self) -> Path:
        return self.project.output / MANIFEST_NAME

    @classmethod
    def load(cls, project: Project) -> Manifest:
        """The manifest as last written; an absent or damaged one counts as empty (everything rebuilds)."""
        manifest = cls(project)
        try:
            if manifest.path.stat().st_size > MAX_MANIFEST_BYTES:
                raise ValueError("too large")
            data = json.loads(manifest.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return manifest
            for name, fields in data.get("outputs", {}).items():
                manifest.entries[name] = Entry(**{key: fields[key] for key in Entry.__dataclass_fields__})
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            manifest.entries.clear()
            manifest.damaged = True
        return manifest

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "respgen": __version__,
            "outputs": {name: asdict(self.entries[name]) for name in sorted(self.entries)},
        }
        write_atomic(self.path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        self.changed = False

    def source_name(self, response_file: Path) -> str:
        path = Path(response_file).resolve()
        try:
            return path.relative_to(self.project.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def record(self, output: Path, response_file: Path, kind: str, inputs: str, sha256: str) -> None:
        """Note that ``output`` was just written from ``response_file``."""
        stat = output.stat()
        self.entries[output.name] = Entry(
            source=self.source_name(response_file),
            kind=kind,
            inputs=inputs,
            sha256=sha256,
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
        )
        self.changed = True

    def forget(self, name: str) -> None:
        if self.entries.pop(name, None) is not None:
            self.changed = True

    def is_current(self, output: Path, inputs: str) -> bool:
        """Is ``output`` on disk the document last built from exactly these inputs?"""
        entry = self.entries.get(output.name)
        if entry is None or entry.inputs != inputs:
            return False
        try:
            stat = output.stat()
        except OSError:
            return False
        if stat.st_size != entry.size:
            return False
        if stat.st_mtime_ns == entry.mtime_ns:
            return True
        # Touched or copied: the bytes decide, and the new time is remembered.
        if sha256_file(output) != entry.sha256:
            return False
        entry.mtime_ns = stat.st_mtime_ns
        self.changed = True
        return True


def not_as_recorded(manifest: Manifest, output: Path) -> bool:
    """Whether ``output`` exists but is not the document the manifest says respgen wrote there.

    That is what a build stopped between writing a response's two documents
    leaves (one new, one old), or a document changed by hand.
    """
    entry = manifest.entries.get(output.name)
    try:
        stat = output.stat()
    except OSError:
        return False
    if entry is None or (stat.st_mtime_ns == entry.mtime_ns and stat.st_size == entry.size):
        return False
    return stat.st_size != entry.size or sha256_file(output) != entry.sha256


def stale_kinds(
    project: Project, manifest: Manifest, inputs: Inputs, response_file: Path, formats: tuple[str, ...] | None = None
) -> dict[str, str]:
    """The kinds of document of ``response_file`` that need building, with their inputs hashes.

    ``formats``: those a build will make (default all). A page whose PDF is out of date but
    will not be built now (``--format web``) stays as it is: it describes the PDF that is there.
    """
    outputs = project.outputs_for(response_file)
    hashes = inputs.all_kinds(response_file)
    stale = {kind: hashes[kind] for kind in hashes if not manifest.is_current(outputs[kind], hashes[kind])}
    if {format_of(kind) for kind in stale if formats is None or format_of(kind) in formats} & {"pdf", "docx"}:
        # The web page names the size and pages of the documents beside it, so it follows them.
        stale.update({kind: hashes[kind] for kind in hashes if format_of(kind) in WEB_KINDS})
    return stale


def is_up_to_date(project: Project, response_path: Path, formats: tuple[str, ...] = KINDS) -> bool:
    """True when the documents of ``response_path`` in ``formats``, in every language the office publishes in,
    are current: nothing they depend on has changed since they were built, and they are still the files respgen wrote."""
    response_path = Path(response_path)
    if not response_path.is_file():
        return False
    stale = stale_kinds(project, Manifest.load(project), Inputs(project), response_path)
    return not any(format_of(kind) in formats for kind in stale)
