"""Sequential extraction speed at national scale: synthetic reports of the three families (run on demand).

    .venv/bin/python benchmarks/bench_parse_scale.py [--corpus DIR] [-n 120] [--rounds 3] [--against OLD]

--corpus   a corpus from `hmic-kg synth` (default: 650 reports synthesised into a temporary directory,
           seed 1, about 20 s)
-n         how many reports to parse, taken evenly per family and markup (default: all of them)
--against  a directory holding another copy of the package (OLD/graph_builder, e.g. a copy taken before
           a change): both are measured side by side, alternating round by round, each in a fresh process

Texts are read before the clock starts; what is timed is parse_source, one report after another in one
process. Reported: total seconds and MB/s, and seconds per 100 reports of each family (best round).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ("baseline-assessment", "inspection", "peel")


def family_of(name: str) -> str:
    return next((f for f in FAMILIES if f in name), "other")


def select(corpus: Path, n: int | None) -> list[Path]:
    """n reports, spread evenly over the families and, inside each, over the markup variants."""
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md", ".html") and p.is_file())
    if n is None or n >= len(files):
        return files
    groups: dict[tuple[str, str], list[Path]] = {}
    for p in files:
        groups.setdefault((family_of(p.name), p.suffix), []).append(p)
    queues = [list(g) for _, g in sorted(groups.items())]
    out: list[Path] = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return sorted(out)


def worker(paths: list[str]) -> dict:
    """One round in this process: parse every report once; seconds per family."""
    from graph_builder.extract import parse_source
    from graph_builder.extract.source import read_source

    sources = [read_source(p) for p in paths]
    per_family: dict[str, float] = {}
    count: dict[str, int] = {}
    chars = 0
    t_all = time.perf_counter()
    for src in sources:
        t = time.perf_counter()
        parse_source(src)
        fam = family_of(Path(src.path).name)
        per_family[fam] = per_family.get(fam, 0.0) + time.perf_counter() - t
        count[fam] = count.get(fam, 0) + 1
        chars += len(src.text.encode("utf-8"))
    return {"total": time.perf_counter() - t_all, "families": per_family, "count": count, "bytes": chars}


def run_round(pkg_dir: Path, paths: list[Path]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(pkg_dir), HMIC_KG_ROOT=str(ROOT))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([str(p) for p in paths], f)
    try:
        out = subprocess.run([sys.executable, __file__, "--worker", f.name], env=env, check=True,
                             capture_output=True, text=True).stdout
    finally:
        os.unlink(f.name)
    return json.loads(out.strip().splitlines()[-1])


def best(rounds: list[dict]) -> dict:
    fams = rounds[0]["families"]
    return {"total": min(r["total"] for r in rounds), "bytes": rounds[0]["bytes"], "count": rounds[0]["count"],
            "families": {k: min(r["families"][k] for r in rounds) for k in fams}}


def report(label: str, r: dict) -> None:
    n = sum(r["count"].values())
    print(f"{label:8} {n} reports, {r['bytes'] / 1e6:.1f} MB: {r['total']:.2f} s, "
          f"{r['bytes'] / 1e6 / r['total']:.2f} MB/s, {r['total'] / n * 1000:.1f} ms per report")
    for fam, secs in sorted(r["families"].items()):
        c = r["count"][fam]
        print(f"{'':8}   {fam:20} {c:4} reports  {secs:6.2f} s  = {secs / c * 100:6.2f} s per 100")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("-n", type=int, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--against", type=Path, help="directory holding another copy of graph_builder/")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(json.loads(Path(a.worker).read_text()))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = a.corpus
        if corpus is None:
            corpus = Path(tmp) / "synth"
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "graph_builder.cli", "synth", "--reports", "650",
                            "--out", str(corpus), "--seed", "1"], check=True, cwd=ROOT, capture_output=True)
            print(f"synthesised 650 reports in {time.perf_counter() - t:.1f} s")
        paths = select(corpus, a.n)
        impls = [("current", ROOT)] + ([("against", a.against.resolve())] if a.against else [])
        results: dict[str, list[dict]] = {name: [] for name, _ in impls}
        for _ in range(a.rounds):
            for name, pkg in impls:   # alternating, so a busy machine slows both alike
                results[name].append(run_round(pkg, paths))
    summary = {name: best(rs) for name, rs in results.items()}
    if "against" in summary:
        report("against", summary["against"])
    report("current", summary["current"])
    if "against" in summary:
        old, new = summary["against"], summary["current"]
        print(f"speed-up: {old['total'] / new['total']:.2f}x overall; " + ", ".join(
            f"{fam} {old['families'][fam] / new['families'][fam]:.2f}x" for fam in sorted(new["families"])))


if __name__ == "__main__":
    main()
