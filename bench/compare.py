#!/usr/bin/env python3
"""Two versions of respgen, or two Pythons, building the same responses: interleaved, in one run.

    python bench/compare.py --before <commit> [--after <commit>] [--n 40] [--repeats 3]
    python bench/compare.py --before HEAD --python-before /path/to/python3 --python-after /usr/bin/python3

Makes one office of ``--n`` generated responses (as bench.py does), checks out
each commit into a throwaway git worktree, and runs a full build (``--force``)
with each in turn, before, after, before, after..., so that whatever else the
machine is doing falls on both alike. Reports the processor time (the build and
all its workers) and the wall time of each, their minimum and median, and the
ratio after / before. Each Python must have respgen's dependencies installed
(``./dev setup`` makes such a venv); the code comes from the worktree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench

REPOSITORY = Path(__file__).resolve().parent.parent


def worktree(commit: str, into: Path) -> Path:
    subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", "-f", str(into), commit],
                   check=True, capture_output=True)
    return into


def build(code: Path, python: str, office: Path, jobs: int | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code / "src")}
    command = [python, "-m", "respgen", "build", "--force", "--quiet"] + ([f"--jobs={jobs}"] if jobs else [])
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=office, env=env, stdout=subprocess.DEVNULL, stderr=err)
        started = os.times()
        _, status, usage = os.wait4(process.pid, 0)
        wall = os.times().elapsed - started.elapsed
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"the build failed:\n{err.read().decode(errors='replace')[-2000:]}")
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="the commit to compare against")
    parser.add_argument("--after", default=None, help="the commit to measure (default: the work tree as it is)")
    parser.add_argument("--python-before", default=sys.executable)
    parser.add_argument("--python-after", default=sys.executable)
    parser.add_argument("--n", type=int, default=40, help="how many responses (default 40)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    # The builds run in the office folder: a Python named by a relative path is found from here.
    args.python_before, args.python_after = (os.path.abspath(p) if os.sep in p else p for p in (args.python_before, args.python_after))

    work = Path(tempfile.mkdtemp(prefix="respgen-compare-"))
    trees: list[Path] = []
    try:
        before = worktree(args.before, work / "before")
        trees.append(before)
        if args.after:
            after = worktree(args.after, work / "after")
            trees.append(after)
        else:
            after = REPOSITORY
        # The same responses for both; each version with its own templates, which go with its code.
        offices = {}
        for side, code in (("before", before), ("after", after)):
            offices[side] = work / f"office-{side}"
            bench.make_office(offices[side], args.n, 55)
            shutil.rmtree(offices[side] / "templates")
            shutil.copytree(code / "templates", offices[side] / "templates")
        sides = {"before": (before, args.python_before), "after": (after, args.python_after)}
        for side, (code, python) in sides.items():
            build(code, python, offices[side], args.jobs)  # warm the disk cache and fonts for both
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for repeat in range(args.repeats):
            for side in ("before", "after") if repeat % 2 == 0 else ("after", "before"):
                code, python = sides[side]
                runs[side].append(build(code, python, offices[side], args.jobs))
                print(f"{side:6s} processor {runs[side][-1]['cpu']:7.2f} s   wall {runs[side][-1]['wall']:6.2f} s", flush=True)
        summary = {}
        for measure in ("cpu", "wall"):
            b = [r[measure] for r in runs["before"]]
            a = [r[measure] for r in runs["after"]]
            summary[measure] = {
                "before_min": min(b), "before_median": statistics.median(b),
                "after_min": min(a), "after_median": statistics.median(a),
                "ratio_min": min(a) / min(b), "ratio_median": statistics.median(a) / statistics.median(b),
            }  # fmt: skip
            s = summary[measure]
            print(f"{'processor' if measure == 'cpu' else 'wall':9s}: before min {s['before_min']:.2f} median {s['before_median']:.2f}"
                  f" | after min {s['after_min']:.2f} median {s['after_median']:.2f}"
                  f" | after/before {s['ratio_min']:.2f} (min) {s['ratio_median']:.2f} (median)")
        if args.json:
            args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "runs": runs, "summary": summary}, indent=2))
    finally:
        for tree in trees:
            subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(tree)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
