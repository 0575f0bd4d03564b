"""The package is layered as its pipeline: each module imports only from its own layer or below, in no circle.

Every import counts, the ones inside functions too (respgen imports its
heavy renderers lazily, and a lazy import upwards is still a tangle).
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "respgen"

# Lowest first. A module may import from its own layer and those before it.
LAYERS = [
    {"respgen", "respgen.errors", "respgen.statute", "respgen.accessibility", "respgen.fonts", "respgen.files", "respgen.sandbox", "respgen.guard", "respgen.reports"},
    {"respgen.project", "respgen.reading", "respgen.words"},
    {"respgen.letter", "respgen.rules", "respgen.tracking"},
    {"respgen.word", "respgen.pdf", "respgen.web"},
    {"respgen.build"},
    {"respgen.workflow"},
    {"respgen.cli", "respgen.__main__"},
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("respgen"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("respgen"):
            assert node.level == 0, f"{path}: relative import"
            # 'from respgen.word import document' names the module respgen.word.document
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() else node.module)
    return found


def layer(module: str) -> int:
    best = None
    for index, members in enumerate(LAYERS):
        for member in members:
            if (module == member or module.startswith(member + ".")) and (best is None or len(member) > len(best[1])):
                best = (index, member)
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best[0]


GRAPH = {module_name(p): imports(p) - {module_name(p)} for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_imports_from_a_layer_above_it():
    upwards = [
        f"{module} (layer {layer(module)}) imports {target} (layer {layer(target)})"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if layer(target) > layer(module)
    ]
    assert upwards == []


def test_there_is_no_import_circle():
    circles = []

    def visit(module: str, trail: list[str]) -> None:
        for target in sorted(GRAPH.get(module, ())):
            if target in trail:
                circles.append(" -> ".join([*trail[trail.index(target):], target]))
            elif target in GRAPH and target not in done:
                visit(target, [*trail, target])
        done.add(module)

    done: set[str] = set()
    for module in GRAPH:
        visit(module, [module])
    assert circles == []
