"""SHACL Core validation time: the current path (validation.shape_data copies the constrained
triples into rdflib, shacl_parallel.validate_core runs pySHACL in forked children) against the
shapes compiled to SPARQL and run inside Oxigraph (shacl_sparql.validate_core_in_store), side
by side on the same store, and a check that both give the same results.

The store is the corpus build's asserted graphs replicated under renamed force keys until they
reach the target size (bench_reasoning.replicate), with the reference data, entailments and
ontology added as a build adds them (build.add_context).

    .venv/bin/hmic-kg build --out /tmp/hk/shacl/build
    .venv/bin/python benchmarks/bench_shacl.py --build /tmp/hk/shacl/build --sizes 300000 2500000
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import pyoxigraph as ox
from bench_reasoning import corpus_quads
from bench_reasoning import replicate as replicate_digits
from rdflib.namespace import RDF

from graph_builder.iris import DEFAULT_BASE
from graph_builder.reason import add_context
from graph_builder.validate.shacl_parallel import validate_core
from graph_builder.validate.shacl_sparql import SH, validate_core_in_store
from graph_builder.validate.validation import shape_data, shapes_graph, split_shapes

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
    ordinal), so both engines have violations to find and agree on, not only nothing."""
    store.update(f"""PREFIX insp: <{DEFAULT_BASE}/def/inspection/>
        DELETE {{ GRAPH ?g {{ ?f insp:text ?t }} }} INSERT {{ GRAPH ?g {{ ?f insp:text "" ; insp:ordinal 0 }} }}
        WHERE {{ {{ SELECT ?f WHERE {{ ?f a insp:Strength }} ORDER BY ?f }} GRAPH ?g {{ ?f insp:text ?t }}
                 FILTER (STRENDS(STR(?f), "/{every}")) }}""")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--sizes", type=int, nargs="+", default=[300_000, 2_500_000])
    ap.add_argument("--runs", type=int, default=1, help="SPARQL-engine runs per size (the best is shown)")
    ap.add_argument("--no-pyshacl", action="store_true", help="time the SPARQL engine only")
    ap.add_argument("--broken", action="store_true", help="break some findings first (see break_some)")
    a = ap.parse_args()
    quads = corpus_quads(a.build)
    core = split_shapes(shapes_graph(), DEFAULT_BASE)[0]
    print("| store quads | pySHACL: shape_data (s) | pySHACL: validate_core (s) | pySHACL total (s) "
          "| SPARQL engine (s) | speed-up | results | same results |")
    print("|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for size in a.sizes:
        store = scaled_store(quads, size)
        if a.broken:
            break_some(store, 7)
        best, mine = None, None
        for _ in range(a.runs):
            t = time.perf_counter()
            mine = validate_core_in_store(store, core)
            dt = time.perf_counter() - t
            best = dt if best is None else min(best, dt)
        mk = keys(mine)
        if a.no_pyshacl:
            print(f"| {len(store):,} | - | - | - | {best:.2f} | - | {len(mk)} | - |", flush=True)
            continue
        t = time.perf_counter()
        data = shape_data(store, core)
        t_data = time.perf_counter() - t
        t = time.perf_counter()
        theirs = validate_core(data, core)
        t_val = time.perf_counter() - t
        tk = keys(theirs)
        total = t_data + t_val
        same = "yes" if mk == tk else f"NO ({len(mk - tk)} only SPARQL, {len(tk - mk)} only pySHACL)"
        print(f"| {len(store):,} | {t_data:.2f} | {t_val:.2f} | {total:.2f} | {best:.2f} | {total / best:.0f}x "
              f"| {len(mk)} | {same} |", flush=True)
        del data, theirs, store


if __name__ == "__main__":
    main()
