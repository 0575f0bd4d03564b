#!/usr/bin/env python3
"""Where the time goes when respgen draws a PDF: a table-heavy response against plain prose.

    python bench/profile_pdf.py

Makes two responses in a throwaway office folder: one with a table of about
60 recommendations (around 20 pages) and one with the same kind of text as
paragraphs and no table. For each it prints the processor time per page of a
warm build (the renderers already imported, as in a build's worker), then
the share of each stage under cProfile: WeasyPrint's style cascade, layout
(and the part of it spent in tables and in breaking lines), drawing, writing
the PDF objects, and respgen's accessibility post-processing.
"""

from __future__ import annotations

import cProfile
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench

STAGES = {
    "all of the PDF": ("respgen/pdf/document.py", "render"),
    "WeasyPrint layout": ("weasyprint/document.py", "_render"),
    "  style cascade": ("weasyprint/css/__init__.py", "get_all_computed_styles"),
    "  page layout": ("weasyprint/layout/__init__.py", "layout_document"),
    "    of which tables": ("weasyprint/layout/table.py", "table_layout"),
    "    of which breaking lines": ("weasyprint/text/line_break.py", "split_first_line"),
    "drawing the pages": ("weasyprint/document.py", "paint"),
    "PDF objects (incl. drawing)": ("weasyprint/pdf/__init__.py", "generate_pdf"),
    "PDF serialising (pydyf)": ("pydyf/__init__.py", "write"),
    "accessibility post-processing": ("respgen/pdf/post.py", "finish"),
}


def make(folder: Path) -> dict[str, Path]:
    bench.make_office(folder, 0, 1)
    rng = random.Random(3)
    while True:
        text, shape = bench.response_yaml(0, rng)
        if shape["kind"] == "long" and shape["items"] >= 55:
            break
    table = folder / "responses" / "table.yaml"
    table.write_text(text, encoding="utf-8")
    prose = folder / "responses" / "prose.yaml"
    head = text.split("\nrecommendations:")[0]
    body = "\n".join("    " + line for line in bench.paragraphs(random.Random(3), 60, 4).splitlines())
    prose.write_text(
        head + '\nrecommendations:\n  summary: "None."\nresponse:\n  commissioner: |\n' + body + "\n", encoding="utf-8"
    )
    return {"table": table, "prose": prose}


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def main() -> int:
    from respgen.build.one import build_one
    from respgen.pdf.engine import load as _import_weasyprint
    from respgen.project import Project

    folder = Path(tempfile.mkdtemp(prefix="respgen-profile-"))
    try:
        responses = make(folder)
        project = Project(folder)
        _import_weasyprint()
        for name, response in responses.items():
            build_one(project, response)  # warm: fonts, templates, caches
            cpu = []
            for _ in range(3):
                started = time.process_time()
                build_one(project, response, kinds=("pdf",))
                cpu.append(time.process_time() - started)
            count = pages(project.outputs_for(response)["pdf"])
            print(f"== {name}: {count} pages, {min(cpu):.2f} s processor time, {min(cpu) / count * 1000:.0f} ms a page")
            profile = cProfile.Profile()
            profile.enable()
            build_one(project, response, kinds=("pdf",))
            profile.disable()
            stats = pstats.Stats(profile)
            total = stats.total_tt
            for label, (file, function) in STAGES.items():
                spent = max(
                    (ct for (path, _, fn), (_, _, _, ct, _) in stats.stats.items()
                     if fn == function and path.replace("\\", "/").endswith(file)),
                    default=0.0,
                )
                print(f"   {label:34s} {100 * spent / total:5.1f} %")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
