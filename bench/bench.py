#!/usr/bin/env python3
"""How fast respgen builds, next to LibreOffice converting the same Word documents.

    python bench/bench.py --n 100            # the full benchmark (a few minutes on 2 cores)
    python bench/bench.py --n 10 --no-libreoffice

It makes a throwaway office folder holding N realistic responses (2 to 20
pages; tables of up to 60 recommendations) with this repository's templates/,
then measures, each as a separate run of the respgen command:

- a cold full build (every response, both documents);
- a build with nothing to do;
- a build after one response file changed;
- one response built from cold (`respgen build responses/x.yaml`, process start included);
- LibreOffice headless converting the same N Word documents to PDF in one
  process (`soffice --headless --convert-to pdf a.docx b.docx ...`), after a
  warm-up run so that its first start and profile creation are not counted;
- a 3-page response built from cold against LibreOffice converting its Word
  document from cold (a new process each time, interleaved);
- the cost of a page, in one warm process: a page of tables, a page of prose,
  and the same prose as plain paragraphs (no tables, tags or running heads),
  the floor WeasyPrint itself sets;
- the officer's loop in `respgen serve`: a 20-page response saved, and the
  time until its web page is written, and until its PDF follows.

It prints the figures and writes them to a JSON file. Peak memory is the
largest resident set of any process of the run (for a parallel build, that is
a worker: the main process never loads the renderers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --- realistic responses -------------------------------------------------------------------

SUBJECTS = [
    "the force's response to domestic abuse", "vetting and counter-corruption", "stalking and harassment",
    "the use of stop and search", "county lines drug exploitation", "missing children", "victim care",
    "call handling and the first response", "digital forensics", "custody", "rape investigations",
    "neighbourhood policing", "the wellbeing of the workforce", "serious and organised crime",
]
OWNERS = [
    "Detective Superintendent, Public Protection", "Head of Professional Standards", "Chief Superintendent, Operations",
    "Head of Contact Management", "Director of Finance", "Head of Criminal Justice", "Chief Inspector, Neighbourhoods",
]
ADDRESSED = ["Chief constables", "Police and crime commissioners", "The College of Policing", "The Home Office",
             "Chief constables and police and crime commissioners", "The National Police Chiefs' Council"]
PROGRESS = ["not started", "in progress", "complete", "no action"]
CLAUSES = [
    "the force has reviewed its policy and training in this area",
    "a dedicated team now checks a sample of cases every month",
    "the Commissioner will hold the Chief Constable to account through the quarterly performance board",
    "victims are now contacted within **24 hours** of reporting",
    "the new process was tested with frontline officers and partner agencies before it was adopted",
    "progress is reported to the joint audit committee and published on the Commissioner's website",
    "funding of £250,000 has been agreed for the next two financial years",
    "the force is working with the local authority and health partners on a shared approach",
    "supervisors now review every case before it is closed, and record the reasons for their decision",
    "an independent scrutiny panel examines a random sample of records each quarter",
    "the *Force Management Statement* sets out the demand and the resources needed to meet it",
    "officers and staff have completed mandatory training, with **96%** attendance so far",
]


def sentence(rng: random.Random, clauses: int = 2) -> str:
    text = "; ".join(rng.sample(CLAUSES, clauses))
    return text[0].upper() + text[1:] + "."


def paragraphs(rng: random.Random, count: int, per: int = 3) -> str:
    return "\n\n".join(" ".join(sentence(rng, rng.randint(1, 3)) for _ in range(per)) for _ in range(count))


def response_yaml(index: int, rng: random.Random) -> tuple[str, dict]:
    """One response; its size is drawn so that the set spans 2 to 20 pages."""
    kind = rng.choices(["letter", "medium", "long"], weights=[3, 4, 3])[0]
    items = {"letter": rng.randint(0, 4), "medium": rng.randint(8, 25), "long": rng.randint(35, 55)}[kind]
    extra = {"letter": rng.randint(1, 3), "medium": rng.randint(2, 6), "long": rng.randint(4, 12)}[kind]
    published = dt.date(2019, 1, 7) + dt.timedelta(days=rng.randint(0, 1800))
    subject = rng.choice(SUBJECTS)
    lines = [
        "inspection:",
        f'  title: "An inspection of {subject} (benchmark {index:03d})"',
        f"  published: {published.isoformat()}",
        f"  type: {rng.choice(['National thematic inspection', 'PEEL inspection', 'Joint inspection'])}",
        "  url: https://hmicfrs.justiceinspectorates.gov.uk/publications/",
        f"date: {(published + dt.timedelta(days=rng.randint(20, 55))).isoformat()}",
        "status: final",
        "key_findings:",
        "  summary: |",
        *("    " + line for line in paragraphs(rng, 1).splitlines()),
        "  points:",
        *(f"    - {sentence(rng)}" for _ in range(rng.randint(3, 8))),
        "recommendations:",
        f'  summary: "The report makes {max(items, 1)} recommendations; our response to each is set out below."',
    ]
    if items:
        lines.append("  items:")
        for ref in range(1, items + 1):
            applies = rng.random() > 0.2
            lines += [
                f'    - ref: "{ref}"',
                f"      text: By 31 March {published.year + 1}, {rng.choice(ADDRESSED).lower()} should make sure"
                f" that {sentence(rng, 1)[0].lower()}{sentence(rng, 1)[1:-1]}.",
                f"      addressed_to: {rng.choice(ADDRESSED)}",
                f"      applies: {'true' if applies else 'false'}",
            ]
            if applies:
                lines += ["      response: |", *("        " + line for line in paragraphs(rng, 1, rng.randint(1, 2)).splitlines())]
                lines += [
                    f"      owner: {rng.choice(OWNERS)}",
                    f"      due: {(published + dt.timedelta(days=rng.randint(90, 700))).isoformat()}",
                    f"      progress: {rng.choice(PROGRESS)}",
                ]
    if kind != "letter" and rng.random() < 0.5:
        lines += ["areas_for_improvement:", "  summary: The report also identifies areas for improvement.", "  items:"]
        for ref in range(1, rng.randint(2, 8)):
            lines += [
                f'    - ref: "AFI {ref}"',
                f"      text: The force should improve how {sentence(rng, 1)[0].lower()}{sentence(rng, 1)[1:]}",
                "      response: |",
                *("        " + line for line in paragraphs(rng, 1, 2).splitlines()),
                f"      progress: {rng.choice(PROGRESS)}",
            ]
    lines += [
        "response:",
        "  commissioner: |",
        *("    " + line for line in paragraphs(rng, extra).splitlines()),
        "  chief_constable: |",
        *("    " + line for line in paragraphs(rng, max(1, extra // 3)).splitlines()),
    ]
    return "\n".join(lines) + "\n", {"kind": kind, "items": items, "paragraphs": extra}


def make_office(folder: Path, n: int, seed: int) -> list[dict]:
    shutil.copytree(ROOT / "templates", folder / "templates")
    (folder / "responses").mkdir()
    (folder / "output").mkdir()
    rng = random.Random(seed)
    shapes = []
    for index in range(n):
        text, shape = response_yaml(index, rng)
        name = f"bench-{index:03d}-{shape['kind']}"
        (folder / "responses" / f"{name}.yaml").write_text(text, encoding="utf-8")
        shapes.append({"name": name, **shape})
    return shapes


# --- measuring -----------------------------------------------------------------------------


def measure(command: list[str], cwd: Path) -> dict:
    """Run ``command``; its wall time, exit status and the peak memory of its largest process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        # wait4 reports the child's resource use together with its own (waited-for) children: the workers.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = {
            "seconds": round(seconds, 3),
            # Processor time of the run and all its processes: on a shared machine it varies less than wall time.
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "exit": process.returncode,
            "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "stdout_tail": out.read().decode(errors="replace").strip().splitlines()[-1:],
        }
        if process.returncode:
            result["stderr_tail"] = err.read().decode(errors="replace").strip().splitlines()[-5:]
    return result


def respgen_command() -> list[str]:
    found = shutil.which("respgen", path=str(Path(sys.executable).parent)) or shutil.which("respgen")
    return [found] if found else [sys.executable, "-c", "from respgen.cli.commands import main; main()"]


def pages(pdf: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    versions = {}
    for name in ("respgen", "weasyprint", "docxtpl", "python-docx", "pikepdf"):
        try:
            from importlib import metadata

            versions[name] = metadata.version(name)
        except Exception:
            versions[name] = None
    try:
        versions["libreoffice"] = subprocess.run(
            ["soffice", "--version"], capture_output=True, text=True, timeout=60
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        versions["libreoffice"] = None
    return {
        "system": f"{platform.system()} {platform.release()}",
        "distribution": _os_release(),
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }


def _os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return ""


def libreoffice(docx: list[Path], work: Path) -> dict:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return {"skipped": "soffice is not installed"}
    profile = work / "lo-profile"
    base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
    (work / "lo-warm").mkdir()
    warm = measure(base + ["--outdir", str(work / "lo-warm"), str(docx[0])], work)
    (work / "lo-pdf").mkdir()
    run = measure(base + ["--outdir", str(work / "lo-pdf")] + [str(p) for p in docx], work)
    made = len(list((work / "lo-pdf").glob("*.pdf")))
    return {"warm_up": warm, "convert_all": run, "pdfs_made": made}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="how many responses (default 100)")
    parser.add_argument("--jobs", type=int, default=None, help="respgen --jobs (default: one per core)")
    parser.add_argument("--seed", type=int, default=55, help="seed for the generated responses")
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"), help="where to write the figures")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice comparison")
    parser.add_argument("--keep", action="store_true", help="keep the generated office folder and print where it is")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="respgen-bench-"))
    office = work / "office"
    office.mkdir()
    respgen = respgen_command()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    figures: dict = {"n": args.n, "machine": machine(), "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    print(f"respgen benchmark: {args.n} responses in {office}")
    try:
        shapes = make_office(office, args.n, args.seed)
        figures["responses"] = {kind: sum(s["kind"] == kind for s in shapes) for kind in ("letter", "medium", "long")}

        full = measure(respgen + ["build", "--quiet"] + jobs, office)
        if full["exit"]:
            print(json.dumps(full, indent=2))
            raise SystemExit("the cold build failed; see stderr_tail above")
        figures["full_build"] = full
        page_counts = [p for p in (pages(pdf) for pdf in sorted((office / "output").glob("*.pdf"))) if p]
        if page_counts:
            figures["pages"] = {
                "min": min(page_counts), "median": statistics.median(page_counts), "max": max(page_counts),
                "total": sum(page_counts),
            }
        figures["no_op"] = _median_run(lambda: measure(respgen + ["build", "--quiet"], office), 5)

        one = sorted((office / "responses").glob("*-long.yaml")) or sorted((office / "responses").glob("*.yaml"))
        edited = one[0]
        edited.write_text(edited.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        figures["after_one_edit"] = measure(respgen + ["build", "--quiet"], office)
        figures["after_one_edit"]["response"] = edited.name

        singles = {}
        for kind in ("letter", "long"):
            candidates = sorted((office / "responses").glob(f"*-{kind}.yaml"))
            if not candidates:
                continue
            target = candidates[0]

            def cold_one(target=target):
                for document in (office / "output").glob(f"{target.stem}.*"):
                    document.unlink()
                return measure(respgen + ["build", "--quiet", f"responses/{target.name}"], office)

            singles[kind] = _median_run(cold_one, 3)
            singles[kind]["response"] = target.name
            singles[kind]["pages"] = pages(office / "output" / f"{target.stem}.pdf")
        figures["single_cold"] = singles

        # The officer's loop: save the file, look. The web page (the preview) against the PDF, one run.
        long = sorted((office / "responses").glob("*-long.yaml")) or one
        target = long[0]

        def edit_then(fmt: str, target=target) -> dict:
            target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
            return measure(respgen + ["build", "--quiet", "--format", fmt, f"responses/{target.name}"], office)

        preview = {}
        for _ in range(3):  # interleaved, so that a busy moment on a shared machine falls on both
            for fmt in ("web", "pdf"):
                preview.setdefault(fmt, []).append(edit_then(fmt))
        figures["edit_to_preview"] = {
            fmt: {"seconds": statistics.median(r["seconds"] for r in runs), "all_seconds": [r["seconds"] for r in runs]}
            for fmt, runs in preview.items()
        }
        figures["edit_to_preview"]["response"] = target.name
        figures["edit_to_preview"]["pages"] = pages(office / "output" / f"{target.stem}.pdf")
        figures["warm_render"] = warm_render(office, target)

        figures["page_cost"] = page_cost(office)
        figures["serve"] = served_edit(office, respgen)
        if not args.no_libreoffice:
            docx = sorted((office / "output").glob("*.docx"))
            figures["libreoffice"] = libreoffice(docx, work)
            figures["cold_single_against_libreoffice"] = cold_against_libreoffice(office, respgen, work)
        _summarise(figures)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")
    return 0


def warm_render(office: Path, target: Path, times: int = 3) -> dict:
    """In one warm process (as 'respgen serve' is): the web page's render against the PDF's, for ``target``."""
    code = f"""
import json, statistics, time
from pathlib import Path
from respgen.build.preflight import check_office
from respgen.letter.view import letter
from respgen.pdf import document as pdf
from respgen.project import Project
from respgen.reading.source import read_response
from respgen.web import page
project = Project(Path({str(office)!r}))
office = check_office(project)
source = read_response(Path({str(target)!r}))
view = letter(source.response, office, project.templates)
def timed(run):
    run()  # warm: templates, fonts and style sheets loaded
    runs = []
    for _ in range({times}):
        start = time.perf_counter(); run(); runs.append(time.perf_counter() - start)
    return statistics.median(runs)
web = timed(lambda: page.render(view, project, {{}}))
drawn = timed(lambda: pdf.render(view, source, project))
print(json.dumps({{"web_seconds": web, "pdf_seconds": drawn}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["ratio"] = figures["web_seconds"] / max(figures["pdf_seconds"], 1e-9)
    figures["response"] = target.name
    return figures


def three_page_response(office: Path, respgen: list[str]) -> Path:
    """A response of three pages, as many letters are: the first generated letter that comes out at three."""
    rng = random.Random(3)
    path = office / "responses" / "bench-three-pages.yaml"
    for _ in range(20):
        text, shape = response_yaml(999, rng)
        if shape["kind"] != "letter":
            continue
        path.write_text(text, encoding="utf-8")
        measure(respgen + ["build", "--quiet", "--format", "pdf", f"responses/{path.name}"], office)
        if pages(office / "output" / f"{path.stem}.pdf") == 3:
            break
    return path


def cold_against_libreoffice(office: Path, respgen: list[str], work: Path, times: int = 3) -> dict:
    """One 3-page response built from cold (process start included) against LibreOffice converting its Word
    document from cold (a new soffice process, its profile already made), interleaved."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return {"skipped": "soffice is not installed"}
    target = three_page_response(office, respgen)
    build = measure(respgen + ["build", "--quiet", f"responses/{target.name}"], office)
    docx = office / "output" / f"{target.stem}.docx"
    base = [soffice, f"-env:UserInstallation={(work / 'lo-profile').as_uri()}", "--headless", "--convert-to", "pdf"]
    (work / "lo-single").mkdir(exist_ok=True)
    ours, theirs = [], []
    for _ in range(times):
        for document in (office / "output").glob(f"{target.stem}.*"):
            document.unlink()
        ours.append(measure(respgen + ["build", "--quiet", f"responses/{target.name}"], office))
        shutil.copy(docx, work / "lo-single" / docx.name)
        theirs.append(measure(base + ["--outdir", str(work / "lo-single" / "pdf"), str(work / "lo-single" / docx.name)], work))
    respgen_s = statistics.median(r["seconds"] for r in ours)
    libreoffice_s = statistics.median(r["seconds"] for r in theirs)
    return {
        "response": target.name, "pages": pages(office / "output" / f"{target.stem}.pdf"), "first_build": build["seconds"],
        "respgen_seconds": respgen_s, "respgen_all": [r["seconds"] for r in ours],
        "libreoffice_seconds": libreoffice_s, "libreoffice_all": [r["seconds"] for r in theirs],
        "ratio": respgen_s / max(libreoffice_s, 1e-9),
    }


def page_cost(office: Path, times: int = 3) -> dict:
    """Milliseconds per page in one warm process: tables, prose, and prose as plain paragraphs (the floor)."""
    rng = random.Random(7)
    tables = ["recommendations:", "  summary: Our response to each recommendation is set out below.", "  items:"]
    for ref in range(1, 61):
        tables += [f'    - ref: "{ref}"', f"      text: {json.dumps(sentence(rng, 2))}", "      addressed_to: Chief constables",
                   "      response: |", *("        " + line for line in paragraphs(rng, 1, 2).splitlines()),
                   f"      owner: {rng.choice(OWNERS)}", "      due: 2027-03-31", f"      progress: {rng.choice(PROGRESS)}"]
    prose = paragraphs(rng, 60, 4)
    head = ['inspection:', '  title: "The cost of a page"', "  published: 2024-01-10", "  type: National inspection",
            "date: 2024-02-20", "status: final", "key_findings:", '  summary: "The inspection found that:"']
    shapes = {
        "tables": "\n".join([*head, *tables, "response:", "  commissioner: The Commissioner welcomes the report."]) + "\n",
        "prose": "\n".join([*head, "response:", "  commissioner: |", *("    " + line for line in prose.splitlines())]) + "\n",
    }
    for name, text in shapes.items():
        (office / f"cost-{name}.yaml").write_text(text, encoding="utf-8")
    plain = "".join(f"<p>{paragraph}</p>" for paragraph in prose.replace("**", "").replace("*", "").split("\n\n"))
    (office / "cost-plain.html").write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Plain</title><style>'
        "@page { size: A4; margin: 2.4cm 2cm 2.2cm 2cm } html { font: 12pt/1.4 Arial, 'Liberation Sans', sans-serif }"
        f"</style></head><body>{plain}</body></html>", encoding="utf-8")
    code = f"""
import io, json, statistics, time
from pathlib import Path
import pikepdf, weasyprint
from respgen.build.preflight import check_office
from respgen.letter.view import letter
from respgen.pdf import document as pdf
from respgen.project import Project
from respgen.reading.source import read_response
folder = Path({str(office)!r})
project = Project(folder)
office = check_office(project)
def timed(run):
    data = run()  # warm: templates, fonts and style sheets loaded
    runs = []
    for _ in range({times}):
        start = time.perf_counter(); run(); runs.append(time.perf_counter() - start)
    with pikepdf.open(io.BytesIO(data)) as drawn:
        count = len(drawn.pages)
    return {{"pages": count, "seconds": statistics.median(runs), "ms_per_page": 1000 * statistics.median(runs) / count}}
found = {{}}
for name in ("tables", "prose"):
    source = read_response(folder / f"cost-{{name}}.yaml")
    view = letter(source.response, office, project.templates)
    found[name] = timed(lambda: pdf.render(view, source, project))
html = (folder / "cost-plain.html").read_text(encoding="utf-8")
found["plain_paragraphs"] = timed(lambda: weasyprint.HTML(string=html).write_pdf())
print(json.dumps(found))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if result.returncode:
        return {"skipped": "the page costs could not be measured: " + " ".join(result.stderr.strip().splitlines()[-1:])}
    return json.loads(result.stdout.strip().splitlines()[-1])


def served_edit(office: Path, respgen: list[str], times: int = 3) -> dict:
    """In 'respgen serve': a long response saved, then the time until its page, and its PDF, are written."""
    import re as regex

    # The longest response there is (the issue of speed is a long one): the most pages.
    candidates = sorted((office / "responses").glob("*-long.yaml")) or sorted((office / "responses").glob("*.yaml"))
    target = max(candidates, key=lambda path: pages(office / "output" / f"{path.stem}.pdf") or 0)
    page = office / "output" / f"{target.stem}.html"
    pdf = office / "output" / f"{target.stem}.pdf"
    process = subprocess.Popen(respgen + ["serve", "--port", "0"], cwd=office, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    found: dict = {"response": target.name, "pages": pages(pdf), "page_seconds": [], "pdf_seconds": []}
    try:
        assert process.stdout is not None
        if not regex.search(r"http://", process.stdout.readline()):
            return {"skipped": "respgen serve did not start"}
        original = target.read_text(encoding="utf-8")
        for run in range(times + 1):  # the first save starts the warm process: not counted
            word = f"Edited{run}x"
            before = pdf.stat().st_mtime_ns if pdf.exists() else 0
            target.write_text(original.replace("  commissioner: |\n", f"  commissioner: |\n    {word}.\n", 1), encoding="utf-8")
            saved = time.perf_counter()
            deadline = saved + 120
            while word not in page.read_text(encoding="utf-8") and time.perf_counter() < deadline:
                time.sleep(0.005)
            written = time.perf_counter() - saved
            while (not pdf.exists() or pdf.stat().st_mtime_ns == before) and time.perf_counter() < deadline:
                time.sleep(0.02)
            followed = time.perf_counter() - saved
            if run:
                found["page_seconds"].append(round(written, 3))
                found["pdf_seconds"].append(round(followed, 3))
            time.sleep(0.5)
        target.write_text(original, encoding="utf-8")
    finally:
        process.terminate()
        process.wait(30)
    found["page_median"] = statistics.median(found["page_seconds"])
    found["pdf_median"] = statistics.median(found["pdf_seconds"])
    return found


def _median_run(run, times: int) -> dict:
    results = [run() for _ in range(times)]
    ordered = sorted(results, key=lambda r: r["seconds"])
    middle = dict(ordered[len(ordered) // 2])
    middle["all_seconds"] = [r["seconds"] for r in results]
    return middle


def _summarise(figures: dict) -> None:
    n = figures["n"]
    full = figures["full_build"]["seconds"]
    derived = {
        "respgen_responses_per_s": round(n / full, 2),
        "respgen_documents_per_s": round(2 * n / full, 2),
    }
    lo = figures.get("libreoffice", {}).get("convert_all")
    if lo and not lo["exit"]:
        derived["libreoffice_pdfs_per_s"] = round(figures["libreoffice"]["pdfs_made"] / lo["seconds"], 2)
        derived["ratio_respgen_to_libreoffice_time"] = round(full / lo["seconds"], 3)
        derived["ratio_respgen_to_libreoffice_cpu"] = round(
            figures["full_build"]["cpu_seconds"] / max(lo["cpu_seconds"], 1e-9), 3
        )
    figures["derived"] = derived
    figures["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    m = figures["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['distribution']}, Python {m['python']}")
    print(f"responses: {figures['responses']}; pages per PDF: {figures.get('pages')}")
    print(f"cold full build:        {full:8.2f} s  ({derived['respgen_responses_per_s']} responses/s,"
          f" {derived['respgen_documents_per_s']} documents/s; processor {figures['full_build']['cpu_seconds']} s;"
          f" peak {figures['full_build']['peak_mb']} MB per process)")
    print(f"no-op rebuild:          {figures['no_op']['seconds']:8.3f} s  (runs: {figures['no_op']['all_seconds']})")
    print(f"after editing one file: {figures['after_one_edit']['seconds']:8.2f} s")
    for kind, single in figures["single_cold"].items():
        print(f"one response from cold: {single['seconds']:8.2f} s  ({kind}, {single['pages']} pages;"
              f" processor {single['cpu_seconds']} s; peak {single['peak_mb']} MB)")
    edit = figures.get("edit_to_preview")
    if edit:
        ratio = edit["web"]["seconds"] / max(edit["pdf"]["seconds"], 1e-9)
        derived["ratio_web_page_to_pdf_after_an_edit"] = round(ratio, 3)
        print(f"edit, then web page:    {edit['web']['seconds']:8.2f} s  against the PDF's {edit['pdf']['seconds']:.2f} s"
              f" ({edit['pages']} pages): a ratio of {ratio:.2f}")
    warm = figures.get("warm_render")
    if warm:
        derived["ratio_web_page_to_pdf_warm_render"] = round(warm["ratio"], 4)
        print(f"warm render, web page:  {warm['web_seconds'] * 1000:8.1f} ms against the PDF's"
              f" {warm['pdf_seconds'] * 1000:.0f} ms: a ratio of {warm['ratio']:.3f}")
    cost = figures.get("page_cost")
    if cost and "skipped" in cost:
        print(f"page cost: {cost['skipped']}")
    elif cost:
        floor = cost["plain_paragraphs"]["ms_per_page"]
        for name in ("tables", "prose", "plain_paragraphs"):
            derived[f"ms_per_page_{name}"] = round(cost[name]["ms_per_page"], 1)
        print(f"a page, warm:           tables {cost['tables']['ms_per_page']:.0f} ms, prose {cost['prose']['ms_per_page']:.0f} ms;"
              f" the same prose as plain paragraphs {floor:.0f} ms"
              f" (prose / plain {cost['prose']['ms_per_page'] / max(floor, 1e-9):.2f})")
    served = figures.get("serve")
    if served and "page_median" in served:
        print(f"serve, save to page:    {served['page_median']:8.2f} s  ({served['pages']} pages; runs {served['page_seconds']});"
              f" the PDF follows in {served['pdf_median']:.2f} s")
    single = figures.get("cold_single_against_libreoffice")
    if single and "ratio" in single:
        derived["ratio_cold_single_to_libreoffice"] = round(single["ratio"], 3)
        print(f"cold single, {single['pages']} pages:  {single['respgen_seconds']:8.2f} s  against LibreOffice's cold"
              f" conversion of its DOCX {single['libreoffice_seconds']:.2f} s: a ratio of {single['ratio']:.2f}")
    if "libreoffice_pdfs_per_s" in derived:
        print(f"LibreOffice, {n} DOCX:  {lo['seconds']:8.2f} s  ({derived['libreoffice_pdfs_per_s']} PDFs/s;"
              f" processor {lo['cpu_seconds']} s; peak {lo['peak_mb']} MB)")
        print(f"respgen / LibreOffice: wall time {derived['ratio_respgen_to_libreoffice_time']},"
              f" processor time {derived['ratio_respgen_to_libreoffice_cpu']}")
    elif "libreoffice" in figures:
        print(f"LibreOffice: {figures['libreoffice']}")


if __name__ == "__main__":
    sys.exit(main())
