"""Build time for a corpus: each stage, median of several runs; optionally the naive pipeline
(rdflib graph + owlrl closure + pySHACL on every shape) on the same input, side by side.

    .venv/bin/python benchmarks/bench_build.py [CORPUS] [--runs 3] [--naive]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_build(corpus: Path) -> dict:
    from graph_builder.pipeline.build import build_dataset
    with tempfile.TemporaryDirectory() as d:
        return build_dataset(corpus, Path(d) / "out")["timings_s"]


def naive(corpus: Path) -> float:
    """What stringing the named libraries together gives: no store, no rule compilation, no split."""
    import owlrl
    import pyshacl
    from rdflib import Dataset, Graph

    from graph_builder.pipeline.corpus import discover
    from graph_builder.pipeline.timeline import parse_corpus
    from graph_builder.reference.graphs import ontology_graph, reference_graph
    from graph_builder.to_rdf.mapping import map_report
    from graph_builder.validate.validation import shapes_graph
    t = time.perf_counter()
    parsed = parse_corpus(discover(corpus))
    ds = Dataset(default_union=True)
    for p in parsed:
        map_report(p.model, p.text, ds=ds)
    g = Graph()
    for s, p_, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p_, o))
    g += reference_graph() + ontology_graph()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    pyshacl.validate(g, shacl_graph=shapes_graph(), inference="none", allow_warnings=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "corpus"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--naive", action="store_true")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    if a.runs == 0:  # the naive pipeline alone, as bench_scale.py runs it under its own clock
        print(f"naive rdflib+owlrl+pyshacl pipeline: {naive(corpus):.1f} s")
        return
    runs = [one_build(corpus) for _ in range(a.runs)]
    print(f"hmic-kg build of {corpus} ({a.runs} runs, median seconds):")
    for stage in runs[0]:
        print(f"  {stage:<12} {statistics.median(r[stage] for r in runs):7.2f}")
    if a.naive:
        n = naive(corpus)
        total = statistics.median(r["total"] for r in runs)
        print(f"  naive rdflib+owlrl+pyshacl pipeline: {n:.1f} s ({n / total:.1f}x the build)")


if __name__ == "__main__":
    main()
