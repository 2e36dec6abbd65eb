"""Extraction of a larger corpus, sequential against the process pool, side by side.

The corpus's Cheshire report renamed for every other single-word force (29 reports):
    .venv/bin/python benchmarks/bench_extract_pool.py [--runs 2]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from graph_builder.pipeline.timeline import parse_corpus
from graph_builder.reference.forces import all_forces

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2)
    a = ap.parse_args()
    text = (ROOT / "corpus" / "cheshire-2007-inspection.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as d:
        files = []
        for f in all_forces():
            if f.id != "cheshire" and " " not in f.stem:
                p = Path(d) / f"{f.id}.txt"
                p.write_text(text.replace("Cheshire", f.stem), encoding="utf-8")
                files.append(p)
        for _ in range(a.runs):
            for workers in (1, 2):
                t = time.perf_counter()
                parse_corpus(files, workers=workers)
                print(f"{len(files)} reports, {workers} worker(s): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
