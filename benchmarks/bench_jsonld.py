"""The JSON-LD export step alone, on one build's canonical N-Quads (run on demand).

    .venv/bin/python benchmarks/bench_jsonld.py BUILD/exports/dataset.nq [--pairs 3] [--out DIR]

Loads the quads into an in-memory store (as the build's export child holds them), then times, A B A
B ... in one process by process CPU time: Oxigraph's expanded JSON-LD dump (the export before
issue 22) and graph_builder.export.jsonld.write_dataset (compacted with the published context,
nodes in @id order). Reported: each pair's CPU seconds and ratio, the median ratio, both file sizes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox

from graph_builder.export.jsonld import write_dataset
from graph_builder.export.jsonld_context import context_for


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nquads", type=Path)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--base", default="https://w3id.org/hmic-kg")
    ap.add_argument("--out", type=Path, default=None, help="where the two files go (default: a temporary directory)")
    args = ap.parse_args()
    store = ox.Store()
    store.bulk_load(path=str(args.nquads), format=ox.RdfFormat.N_QUADS)
    print(f"{len(store)} quads", flush=True)
    context = context_for(args.base)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        old, new = out / "expanded-oxigraph.jsonld", out / "compacted.jsonld"
        ratios = []
        for i in range(args.pairs):
            t0 = time.process_time()
            store.dump(str(old), format=ox.RdfFormat.JSON_LD)
            a = time.process_time() - t0
            t0 = time.process_time()
            with new.open("wb") as fh:
                write_dataset(fh, store, context)
            b = time.process_time() - t0
            ratios.append(b / a)
            print(f"pair {i}: Oxigraph dump {a:.2f} CPU-s, compacted {b:.2f} CPU-s, ratio {b / a:.2f}", flush=True)
        print(f"median ratio {sorted(ratios)[len(ratios) // 2]:.2f}; sizes: Oxigraph {old.stat().st_size:,} B, "
              f"compacted {new.stat().st_size:,} B")


if __name__ == "__main__":
    main()
