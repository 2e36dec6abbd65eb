"""A build directory with the corpus's report graphs replicated under renamed force keys, to
measure the service at a given size (the issue's figures are on 176k triples).

    .venv/bin/python benchmarks/scaled_dataset.py --build build --out /tmp/scaled --triples 176000
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pyoxigraph as ox
from bench_reasoning import replicate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=Path(__file__).resolve().parent.parent / "build")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--triples", type=int, default=176_000)
    a = ap.parse_args()
    src = ox.Store.read_only(str(a.build / "store"))
    quads = replicate(list(src), a.triples)
    if a.out.exists():
        shutil.rmtree(a.out)
    (a.out / "exports").mkdir(parents=True)
    shutil.copy(a.build / "build.json", a.out / "build.json")
    store = ox.Store(str(a.out / "store"))
    store.bulk_extend(quads)
    store.flush()
    store.dump(str(a.out / "exports" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    print(f"{a.out}: {len(quads):,} quads")


if __name__ == "__main__":
    main()
