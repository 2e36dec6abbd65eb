"""National scale: synthetic corpora of several sizes built by `hmic-kg build`, each stage's wall
time and the peak memory of the whole process tree (the build, its worker and export processes: summed proportional set
size, so pages a forked child shares with its parent count once),
and optionally the naive pipeline (rdflib + owlrl + pySHACL, benchmarks/bench_build.py) on the same
input with a time cap, side by side.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 5 60 650] [--seed 1] [--naive-cap 900]
        [--rebuild]   also time a rebuild after one report changed (the per-report cache)

Prints a Markdown table (docs/scale.md keeps the figures).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HMIC_KG = str(ROOT / ".venv" / "bin" / "hmic-kg")


def _pss(pid: int) -> int:
    # Proportional set size: a page a forked child shares with its parent counts once, not twice.
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(pid: int) -> int:
    """Memory of pid and all its descendants (summed PSS), from /proc."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _pss(p)
        todo.extend(children.get(p, []))
    return total


def run_measured(cmd: list[str], cap: float | None = None, memory: bool = True) -> tuple[float, int, int | None]:
    """(wall seconds, peak tree PSS in bytes or 0 without `memory`, exit code or None when killed
    at the cap). Reading PSS makes the kernel walk every page of every process: at 650 reports
    that took a sizeable share of one of the two cores, so time and memory come from separate
    runs."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)
    th = threading.Thread(target=sample if memory else done.wait, daemon=True)
    th.start()
    try:
        code = proc.wait(timeout=cap)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    done.set()
    th.join()
    if code not in (0, None):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.read()[-3000:]}")
    return time.perf_counter() - t0, peak, code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5, 60, 650])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--naive-cap", type=float, default=0, help="seconds; 0 skips the naive pipeline")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="hmic-kg-scale-"))
    rows = []
    for n in a.sizes:
        corpus, out = work / f"synth{n}", work / f"build{n}"
        subprocess.run([HMIC_KG, "synth", "--reports", str(n), "--out", str(corpus), "--seed", str(a.seed)],
                       check=True, stdout=subprocess.DEVNULL)
        build = [HMIC_KG, "build", str(corpus), "--out", str(out), "--quiet"]
        subprocess.run(["rm", "-rf", str(out)], check=True)
        _, peak, _ = run_measured(build)
        subprocess.run(["rm", "-rf", str(out)], check=True)
        wall, _, _ = run_measured(build, memory=False)
        rec = json.loads((out / "build.json").read_text())
        row = {"reports": n, "wall": wall, "peak_gb": peak / 1e9, "quads": rec["counts"]["quads"],
               "links": rec["counts"]["similarity_links"], **rec["timings_s"]}
        if a.rebuild:
            victim = min(p for p in corpus.iterdir() if p.suffix in (".txt", ".md", ".html"))
            text = victim.read_text(encoding="utf-8")
            victim.write_text(text.replace(" the force ", " the Force ", 1), encoding="utf-8")
            row["rebuild_one"], _, _ = run_measured(build, memory=False)
            row["rebuild_none"], _, _ = run_measured(build, memory=False)
        if a.naive_cap:
            t, npeak, code = run_measured([sys.executable, str(ROOT / "benchmarks" / "bench_build.py"), str(corpus),
                                           "--runs", "0", "--naive"], cap=a.naive_cap)
            row["naive"] = t if code == 0 else None
            row["naive_peak_gb"] = npeak / 1e9
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    stages = [k for k in rows[0] if k not in ("reports", "wall", "peak_gb", "quads", "links", "total", "naive",
                                             "naive_peak_gb", "rebuild_one", "rebuild_none")]
    head = ["reports", "quads", "links", *stages, "total (s)", "peak memory (GB)"]
    if a.rebuild:
        head += ["rebuild, 1 report changed (s)", "rebuild, none changed (s)"]
    if a.naive_cap:
        head += ["naive pipeline (s)", "ratio"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = [str(r["reports"]), f"{r['quads']:,}", f"{r['links']:,}", *[f"{r[s]:.1f}" for s in stages],
                 f"{r['wall']:.1f}", f"{r['peak_gb']:.2f}"]
        if a.rebuild:
            cells += [f"{r['rebuild_one']:.1f}", f"{r['rebuild_none']:.1f}"]
        if a.naive_cap:
            if r["naive"] is None:
                cells += [f"> {a.naive_cap:.0f} (killed)", f"> {a.naive_cap / r['wall']:.0f}x"]
            else:
                cells += [f"{r['naive']:.1f}", f"{r['naive'] / r['wall']:.1f}x"]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
