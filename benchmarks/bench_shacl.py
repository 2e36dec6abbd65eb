"""SHACL validation time on a scaled store, as the build validates: the Core shapes compiled to
SPARQL on one thread (run.validate_core_in_store), and the whole validation the build runs
(validation.validate_store_contents: Core shapes in threads, the SPARQL-based constraints beside
them, the problem report). That both engines give the same results is tests/dataset's business
(test_shacl_sparql.py, test_standard_shacl.py); pySHACL over a copy of the store, in forked
children, took 99 s at 2.5 million quads against 42 s for the compiled queries (docs/graph.md)
before that path was removed.

The store is the corpus build's asserted graphs replicated under renamed force keys until they
reach the target size (bench_reasoning.replicate), with the reference data, entailments and
ontology added as a build adds them (reason.add_context).

    .venv/bin/hmic-kg build --out /tmp/hk/shacl/build
    .venv/bin/python benchmarks/bench_shacl.py --build /tmp/hk/shacl/build --sizes 300000 2500000
    .venv/bin/python benchmarks/bench_shacl.py --build ... --broken   # with violations to report
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox
from bench_reasoning import corpus_quads
from bench_reasoning import replicate as replicate_digits
from rdflib.namespace import RDF

from graph_builder.iris import DEFAULT_BASE, SH
from graph_builder.reason import add_context
from graph_builder.validate.run import validate_core_in_store
from graph_builder.validate.sparql_constraints import split_shapes
from graph_builder.validate.validation import shapes_graph, validate_store_contents

ROOT = Path(__file__).resolve().parent.parent


def keys(report) -> set:
    return {(report.value(r, SH.focusNode), report.value(r, SH.sourceShape), report.value(r, SH.sourceConstraintComponent),
             report.value(r, SH.resultPath), report.value(r, SH.value))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


def _letters(k: int) -> str:
    out = ""
    while k:
        k, r = divmod(k - 1, 26)
        out = chr(97 + r) + out
    return out


def replicate(quads, target: int):
    """bench_reasoning.replicate with copies keyed -copy-a, -copy-b, ... (letters, not digits: the
    shapes' URI patterns allow only letters in a force key, and the copies should conform), and
    whole copies: a truncated one would not conform."""
    return replicate_digits(quads, target, key=lambda k: f"-{_letters(k)}", whole=True)


def scaled_store(quads, size: int) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(replicate(quads, size))
    add_context(store, DEFAULT_BASE)
    return store


def break_some(store: ox.Store, every: int) -> None:
    """Breaks every `every`-th finding three ways (no text, a text that is empty, a second
    ordinal), so the validation has violations to find and report, not only nothing."""
    store.update(f"""PREFIX insp: <{DEFAULT_BASE}/def/inspection/>
        DELETE {{ GRAPH ?g {{ ?f insp:text ?t }} }} INSERT {{ GRAPH ?g {{ ?f insp:text "" ; insp:ordinal 0 }} }}
        WHERE {{ {{ SELECT ?f WHERE {{ ?f a insp:Strength }} ORDER BY ?f }} GRAPH ?g {{ ?f insp:text ?t }}
                 FILTER (STRENDS(STR(?f), "/{every}")) }}""")


def best_of(runs: int, fn):
    """(fewest seconds of `runs` calls, the last call's result)."""
    best, out = None, None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--sizes", type=int, nargs="+", default=[300_000, 2_500_000])
    ap.add_argument("--runs", type=int, default=1, help="runs per size and path (the best is shown)")
    ap.add_argument("--threads", type=int, default=2, help="threads of the whole validation (the build: one per core)")
    ap.add_argument("--broken", action="store_true", help="break some findings first (see break_some)")
    a = ap.parse_args()
    quads = corpus_quads(a.build)
    core = split_shapes(shapes_graph(), DEFAULT_BASE)[0]
    print(f"| store quads | Core shapes, 1 thread (s) | Core results | whole validation, {a.threads} threads (s) "
          "| problems |")
    print("|---:|---:|---:|---:|---:|")
    for size in a.sizes:
        store = scaled_store(quads, size)
        if a.broken:
            break_some(store, 7)
        t_core, report = best_of(a.runs, lambda s=store: validate_core_in_store(s, core))
        t_all, validation = best_of(a.runs, lambda s=store: validate_store_contents(s, threads=a.threads))
        print(f"| {len(store):,} | {t_core:.2f} | {len(keys(report))} | {t_all:.2f} | {len(validation.problems)} |",
              flush=True)


if __name__ == "__main__":
    main()
