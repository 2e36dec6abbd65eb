"""Similarity links and follow-ups at national scale, stage by stage (run on demand).

    python benchmarks/bench_similarity_scale.py [--reports 650] [--seed 1] [--work /tmp/hk/sim]
                                                [--caps 5] [--uncapped] [--double]

Generates a synthetic corpus (`hmic-kg synth`), parses it on the process pool and pickles the
models to WORK/models-N-SEED.pkl (reused on later runs), then times recurring_issues' stages:
statements, token bags, the n-gram matrix, the capped top-K search, the follow-ups. --uncapped
also runs the exact uncapped search (slow, quadratic output: for the with/without-cap figures).
--double adds a second synthetic corpus (seed + 1, forces renamed) to reach ~70,000 statements.
"""
from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph_builder.links import similarity as sim
from graph_builder.links import statements as link_statements
from graph_builder.links import tfidf
from graph_builder.links.followups import find_followups
from graph_builder.links.graph import cited_judgements
from graph_builder.pipeline.corpus import discover
from graph_builder.pipeline.timeline import parse_corpus

BASE = "https://w3id.org/hmic-kg"


def models(reports: int, seed: int, work: Path) -> list[dict]:
    pkl = work / f"models-{reports}-{seed}.pkl"
    if pkl.exists():
        return pickle.loads(pkl.read_bytes())
    out = work / f"synth-{reports}-{seed}"
    if not out.exists():
        subprocess.run([str(Path(sys.executable).with_name("hmic-kg")), "synth", "--reports", str(reports),
                        "--out", str(out), "--seed", str(seed)], check=True)
    t = time.perf_counter()
    parsed = parse_corpus(discover(out))
    print(f"parsed {len(parsed)} reports in {time.perf_counter() - t:.1f} s")
    ms = [p.model for p in parsed]
    pkl.write_bytes(pickle.dumps(ms))
    return ms


def renamed(ms: list[dict], tag: str) -> list[dict]:
    out = []
    for m in ms:
        m = dict(m)
        m["force"] = dict(m["force"], id=f'{m["force"]["id"]}-{tag}')
        out.append(m)
    return out


def timed(label: str, fn, *args, **kw):
    t = time.perf_counter()
    r = fn(*args, **kw)
    print(f"  {label:34} {time.perf_counter() - t:7.2f} s")
    return r


def run(ms: list[dict], caps: list[int], uncapped: bool) -> None:
    st = timed("statements_from_model", lambda: [s for m in ms for s in link_statements.statements_from_model(m, BASE)])
    texts = list(dict.fromkeys(s.text for s in st))
    print(f"  {len(ms)} reports, {len(st)} statements, {len(texts)} distinct texts")
    bags = timed("token bags (distinct texts)", tfidf.statement_bags, texts)
    x = timed("5-gram TF-IDF matrix", tfidf.tfidf_matrix, bags)
    print(f"  matrix {x.shape[0]} x {x.shape[1]}, nnz {x.nnz}")
    links = None
    for k in caps:
        links = timed(f"score_pairs(top={k}) (all stages)", sim.score_pairs, st, top=k)
        per = np.bincount(np.unique([s.iri for s in st], return_inverse=True)[1][
            np.searchsorted(sorted(s.iri for s in st), [x.source for x in links] + [x.target for x in links])],
            minlength=len(st)) if links else np.zeros(1)
        print(f"    cap {k}: {len(links)} links ({len(links) / len(st):.2f} per statement,"
              f" most at one statement {per.max()})")
    if uncapped:
        full = timed("score_pairs(top=None)", sim.score_pairs, st, top=None)
        print(f"    uncapped: {len(full)} links")
    cites = timed("cited_judgements", cited_judgements, ms, BASE)
    fu = timed("find_followups", find_followups, st, links or [], cites)
    print(f"    {len(fu)} follow-ups ({sum(f.basis == 'similar-text' for f in fu)} similar-text,"
          f" {sum(f.basis == 'similar-text-link' for f in fu)} similar-text-link)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=650)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/hk/sim"))
    ap.add_argument("--caps", default="5")
    ap.add_argument("--uncapped", action="store_true")
    ap.add_argument("--double", action="store_true")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    ms = models(a.reports, a.seed, a.work)
    if a.double:
        ms = ms + renamed(models(a.reports, a.seed + 1, a.work), "b")
    run(ms, [int(k) for k in a.caps.split(",")], a.uncapped)


if __name__ == "__main__":
    main()
