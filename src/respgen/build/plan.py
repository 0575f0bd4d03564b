"""What a build has to do: which responses' documents are not current, and which documents lost their response.

Planning reads and hashes bytes only (see ``manifest``), so a build with nothing
to do never imports the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from respgen.build.manifest import Inputs, Manifest, not_as_recorded, stale_kinds
from respgen.errors import Problem, shown_path
from respgen.project import Project


@dataclass
class Job:
    source: Path
    kinds: dict[str, str]  # kind of document -> hash of its inputs


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    current: list[Path] = field(default_factory=list)  # responses whose documents are up to date
    refused: list[Problem] = field(default_factory=list)  # responses that cannot even be planned
    notices: list[Problem] = field(default_factory=list)  # warnings about what is being built, and why
    orphans: list[Path] = field(default_factory=list)  # documents in output/ whose response is gone
    inputs: Inputs | None = None  # what the hashes were computed with, to record what was really built


def plan(
    project: Project, manifest: Manifest, files: list[Path] | None = None, force: bool = False, formats: tuple[str, ...] | None = None
) -> Plan:
    """What to build: ``files`` (default every response in responses/) whose documents are not current;
    ``formats``: the kinds of document the build will make (default all)."""
    everything = not files
    paths = [_as_given(p) for p in project.response_files()] if not files else [Path(f) for f in files]
    inputs = Inputs(project)
    result = Plan(inputs=inputs)
    claimed: dict[str, Path] = {}
    for path in paths:
        if not path.is_file():
            what = "is not an ordinary file (a folder, a pipe or a device)" if path.exists() else "does not exist"
            result.refused.append(
                Problem(f"there is no such response file: it {what}", file=path, hint="Check the name and the folder (responses/).")
            )
            continue
        if everything and not project.inside(path):
            result.refused.append(
                Problem(
                    "this response file is a link to a file outside the office folder; respgen reads only inside it",
                    file=path,
                    hint="Copy the file into responses/ instead of linking to it.",
                )
            )
            continue
        # Each document's name is claimed, not only the file's: a Welsh office's x.cy.yaml would otherwise
        # be built into output/x.cy.pdf, the Welsh edition of x.yaml.
        names = [document.name for document in project.outputs_for(path).values()]
        clashes = [name for name in names if name in claimed and claimed[name].resolve() != path.resolve()]
        if clashes:
            clash = next((name for name in clashes if name.endswith(".pdf")), clashes[0])  # the one people know
            result.refused.append(
                Problem(
                    f"this file and {claimed[clash]} would both be built into output/{clash}",
                    file=path,
                    hint="Give one of them another name.",
                )
            )
            continue
        if names[0] in claimed:
            continue  # the same file, named twice
        claimed.update(dict.fromkeys(names, path))
        try:
            kinds = inputs.all_kinds(path) if force else stale_kinds(project, manifest, inputs, path, formats)
        except OSError as exc:
            result.refused.append(Problem(f"cannot read the file: {exc.strerror}", file=path))
            continue
        if kinds:
            outputs = project.outputs_for(path)
            changed = [outputs[kind] for kind in kinds if not_as_recorded(manifest, outputs[kind])]
            if changed:
                # Build them all again together, so that the documents are of one build.
                kinds = inputs.all_kinds(path)
                result.notices.append(
                    Problem(
                        f"{' and '.join(shown_path(d) for d in changed)} {'is' if len(changed) == 1 else 'are'} not"
                        " what respgen last wrote (a build was stopped while writing, or the file was changed by hand);"
                        " building all its documents again",
                        file=path,
                        severity="warning",
                    )
                )
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


def own_document(project: Project, name: str) -> Path | None:
    """``output/<name>`` when ``name`` is a document respgen could have written there, else None.

    The manifest is a file in output/ that anyone can edit: a name in it with a
    folder, '..', or another ending is never acted on.
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name or Path(name).suffix not in (".pdf", ".docx", ".html") or name == "index.html":
        return None
    return project.output / name


def orphans(project: Project, manifest: Manifest) -> list[Path]:
    """Documents in output/ that no longer have a response file."""
    stems = {p.stem for p in project.response_files()}
    found = set()
    for name, entry in list(manifest.entries.items()):
        if own_document(project, name) is None:  # not a name respgen writes: never touched, only forgotten
            manifest.forget(name)
            continue
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
