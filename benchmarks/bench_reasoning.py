"""Reasoning time: the fast rule reasoner against naive owlrl, side by side on the same graphs.

The graphs are the corpus's asserted graphs (reports, shared, reference) replicated under renamed
report/force keys until they reach the target size, plus the ontology. owlrl runs in a child
process with a wall-clock cap, because at national scale it does not finish.

    .venv/bin/python benchmarks/bench_reasoning.py [--sizes 176000 2000000] [--owlrl-cap 300]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent


def corpus_quads(build_dir: Path):
    store = ox.Store.read_only(str(build_dir / "store"))
    skip = ("/graph/inferred", "/graph/description", "/graph/ontology")
    return [q for q in store if not q.graph_name.value.endswith(skip)]


def replicate(quads, target: int, key=str, whole: bool = False):
    """Copies of the report graphs with every /west-mercia/-style key suffixed "-copy" + key(k),
    until `target` quads; whole=True keeps the last copy whole instead of cutting it at target."""
    base = [q for q in quads if "/graph/report/" in q.graph_name.value]
    fixed = [q for q in quads if "/graph/report/" not in q.graph_name.value]
    out, k = list(fixed) + list(base), 1
    forces = ("/west-mercia/", "/west-midlands/", "/cheshire/")

    def ren(t):
        if isinstance(t, ox.NamedNode):
            v = t.value
            for f in forces:
                v = v.replace(f, f"{f[:-1]}-copy{key(k)}/")
            return ox.NamedNode(v)
        return t
    while len(out) < target:
        out.extend(ox.Quad(ren(q.subject), q.predicate, ren(q.object), ren(q.graph_name)) for q in base)
        k += 1
    return out if whole else out[:target]


def run_fast(quads) -> tuple[float, int]:
    from graph_builder.reason import compile_rules, materialise
    from graph_builder.reference.graphs import ontology_graph
    store = ox.Store()
    store.bulk_extend(quads)
    t = time.perf_counter()
    rules = compile_rules(ontology_graph())
    n = materialise(store, rules, ox.NamedNode("https://w3id.org/hmic-kg/graph/inferred"))
    return time.perf_counter() - t, n


def _owlrl_child(nt: bytes, q):
    import owlrl
    from rdflib import Graph

    from graph_builder.reference.graphs import ontology_graph
    g = Graph()
    g.parse(data=nt, format="nt")
    g += ontology_graph()
    before = len(g)
    t = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    q.put((time.perf_counter() - t, len(g) - before))


def run_owlrl(quads, cap: float):
    store = ox.Store()
    store.bulk_extend(quads)
    nt = store.dump(format=ox.RdfFormat.N_QUADS)
    # Graph names dropped: owlrl reasons over one graph.
    nt = b"\n".join(line.rsplit(b" ", 2)[0] + b" ." for line in nt.splitlines() if line)
    q = mp.Queue()
    p = mp.Process(target=_owlrl_child, args=(nt, q))
    p.start()
    p.join(cap)
    if p.is_alive():
        p.kill()
        p.join()
        return None, None
    return q.get()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[176_000, 2_000_000])
    ap.add_argument("--owlrl-cap", type=float, default=300.0)
    a = ap.parse_args()
    quads = corpus_quads(Path(a.build))
    print("| asserted triples | fast reasoner (s) | inferred | owlrl OWL-RL (s) | owlrl added | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in a.sizes:
        qs = replicate(quads, size)
        ft, fn = run_fast(qs)
        ot, on = run_owlrl(qs, a.owlrl_cap)
        ots = f"{ot:.1f}" if ot is not None else f"> {a.owlrl_cap:.0f} (killed)"
        ratio = f"{ot / ft:.0f}x" if ot is not None else f"> {a.owlrl_cap / ft:.0f}x"
        print(f"| {size:,} | {ft:.2f} | {fn:,} | {ots} | {on if on is not None else '-'} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
