"""Run every benchmark, print a table of figures against their goals, write benchmarks/last-run.json.

    python -m benchmarks            # everything (a few minutes: it writes 10,000 submissions)
    python -m benchmarks --quick    # smaller sizes, for a smoke run

Figures are medians (or p95 where the goal says so) on this machine; each sits beside the floor
it is compared with where the goal is a ratio. Benchmarks print; tests check behaviour.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int = 5) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def python_seconds(code: str, env: dict | None = None, repeat: int = 7) -> float:
    """Best wall time of a fresh interpreter running code (the least disturbed run)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return min(times)


def bench_import(results):
    base = python_seconds("pass")
    kit = python_seconds("import kit") - base
    widgets = python_seconds("import ipywidgets") - base
    results.append(("import kit vs import ipywidgets", f"{kit * 1000:.0f} ms vs {widgets * 1000:.0f} ms",
                    f"ratio {kit / widgets:.2f}", "<= 1.5x", kit / widgets <= 1.5))


def make_packs(n: int, folder: Path) -> None:
    src = ROOT / "tests" / "packs" / "example-baby-k" / "pack.yaml"
    text = src.read_text()
    for i in range(n):
        pid = f"generated-pack-{i:04d}"
        d = folder / pid
        d.mkdir(parents=True)
        (d / "pack.yaml").write_text(text.replace("id: example-baby-k", f"id: {pid}"))


def bench_validate(results, quick):
    from kit.packs import validate_tree
    from kit.vocabulary import load_vocabulary

    load_vocabulary()
    five = statistics.median(timed(lambda: validate_tree([ROOT / "casepacks"]), 7))
    results.append(("validate the five packs", f"{five * 1000:.0f} ms", "", "< 100 ms", five < 0.1))
    sizes = (20, 50) if quick else (50, 100)
    got = {}
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            folder = Path(d) / str(n)
            make_packs(n, folder)
            got[n] = statistics.median(timed(lambda f=folder: validate_tree([f]), 3))
    big, small = sizes[1], sizes[0]
    growth = (got[big] / got[small]) / (big / small)
    results.append((f"validate {big} generated packs", f"{got[big] * 1000:.0f} ms",
                    f"{small}: {got[small] * 1000:.0f} ms; growth {growth:.2f} of linear", "< 2 s, linear",
                    got[big] < 2 and growth < 1.3))


def bench_open_case(results, home):
    import ipywidgets  # noqa: F401  (the notebook has it loaded already)

    from kit.session import open_case
    from kit.views.case import CaseView

    open_case("robyn-front-door", learner="warm").acknowledge()

    def run():
        CaseView(open_case("nadiya-plans-ended-early", learner=f"bench-{time.perf_counter_ns()}"))

    t = statistics.median(timed(run, 7))
    results.append(("open a case and build its widget view", f"{t * 1000:.0f} ms", "", "< 200 ms", t < 0.2))


def bench_commit(results):
    from kit.session import open_case

    times = []
    for r in range(20):
        case = open_case("three-siblings-neglect", learner=f"commit-{r}")
        case.acknowledge()
        for p in case.pack.decision_points:
            t = time.perf_counter()
            case.decide(p.id, p.options[0].id, confidence=3, rationale="A reason " * 20, change_mind="A word from another agency.")
            times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    results.append(("commit a decision (journal write)", f"p95 {p95 * 1000:.1f} ms",
                    f"median {statistics.median(times) * 1000:.1f} ms over {len(times)}", "p95 < 20 ms", p95 < 0.02))


def bench_notebooks(results):
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    def run(nb, path):
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path)}}).execute()

    empty = new_notebook(cells=[new_code_cell("pass")],
                         metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    warm = nbformat.read(ROOT / "notebooks" / "03_baby_c.ipynb", as_version=4)
    run(warm, ROOT / "notebooks")  # warm the disk cache once, so the first notebook measured is not penalised
    floor = statistics.median(timed(lambda: run(empty, ROOT / "notebooks"), 3))
    worst = 0.0
    detail = []
    for f in sorted((ROOT / "notebooks").glob("0[1-5]_*.ipynb")):
        nb = nbformat.read(f, as_version=4)
        t = statistics.median(timed(lambda nb=nb, f=f: run(nb, f.parent), 3))
        worst = max(worst, t / floor)
        detail.append(f"{f.stem[:2]} {t:.1f}s")
    results.append(("run each case notebook headless vs an empty one", f"worst ratio {worst:.2f}",
                    f"empty {floor:.1f}s; " + ", ".join(detail), "<= 2x", worst <= 2))


def bench_cohort(results, quick):
    code = """
import resource, sys, time
t0 = time.perf_counter()
import pandas, pydantic  # what the dashboard notebook has loaded already
from kit.cohort import collect
t = time.perf_counter()
c = collect(sys.argv[1])
c.choices(); c.confidence(); c.stances(); c.attributions(); c.rationales(); c.cases_done()
end = time.perf_counter()
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(end - t, peak / 1024, c.size, end - t0)
"""
    from kit.demo import demo_cohort

    sizes = (100, 1000) if quick else (100, 1000, 10000)
    got = {}
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            folder = Path(d) / str(n)
            demo_cohort(n, folder, seed=n)
            out = subprocess.run([sys.executable, "-c", code, str(folder)], check=True, capture_output=True,
                                 text=True, cwd=ROOT).stdout.split()
            got[n] = (float(out[0]), float(out[1]), float(out[3]))
            shutil.rmtree(folder)
    for n in sizes:
        secs, mb, total = got[n]
        goal_ok = (secs < 5 and mb < 1024) if n == 10000 else True
        results.append((f"kit collect + dashboard tables, {n:,} submissions", f"{secs:.2f} s",
                        f"peak {mb:.0f} MB per process; {total:.2f} s with imports",
                        "10,000: < 5 s, < 1 GiB" if n == 10000 else "linear", goal_ok))
    big, small = sizes[-1], sizes[-2]
    growth = (got[big][0] / got[small][0]) / (big / small)
    results.append((f"collect growth {small:,} -> {big:,}", f"{growth:.2f} of linear", "", "linear (< 1.3)",
                    growth < 1.3))


def bench_export(results):
    from kit.export import render
    from kit.packs import load_packs
    from kit.record import build_record
    from kit.session import open_case

    for pack in load_packs():
        case = open_case(pack.id, learner="Exporter")
        case.acknowledge()
        for p in pack.decision_points:
            if case.decision(p.id) is None:
                case.decide(p.id, p.options[-1].id, confidence=4, rationale="Reasons " * 30, change_mind="A word from another agency.")
    t = statistics.median(timed(lambda: render(build_record("Exporter"), "html"), 3))
    results.append(("export the HTML record of a learner who did every case", f"{t * 1000:.0f} ms", "", "< 1 s",
                    t < 1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="kit-bench-")
    os.environ["KIT_HOME"] = home
    results: list[tuple] = []
    steps = [bench_import, lambda r: bench_validate(r, args.quick), lambda r: bench_open_case(r, home),
             bench_commit, bench_export, bench_notebooks, lambda r: bench_cohort(r, args.quick)]
    for step in steps:
        step(results)
        name, figure, detail, goal, ok = results[-1]
        print(f"{'ok  ' if ok else 'MISS'} {name}: {figure} ({detail}) goal {goal}", flush=True)
    print()
    width = max(len(r[0]) for r in results)
    print(f"{'benchmark':<{width}}  {'figure':>22}  {'goal':<24}  result  detail")
    for name, figure, detail, goal, ok in results:
        print(f"{name:<{width}}  {figure:>22}  {goal:<24}  {'ok' if ok else 'MISS':<6}  {detail}")
    out = ROOT / "benchmarks" / "last-run.json"
    out.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "results": [{"benchmark": n, "figure": f, "detail": d, "goal": g, "ok": ok} for n, f, d, g, ok in results],
    }, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
