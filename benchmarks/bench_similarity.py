"""Similarity links: method comparison on the labelled set, and speed.

    python benchmarks/bench_similarity.py compare   # P/R/F1 of each candidate method
    python benchmarks/bench_similarity.py curve     # P/R of the shipped method by threshold
    python benchmarks/bench_similarity.py speed [N] # corpus and synthetic N-fold copy (100)
    python benchmarks/bench_similarity.py sentences [--with-curation]
                                                    # statement vs sentence level, z-score mixes:
                                                    # AP with a bootstrap interval, P at R 0.6/0.8,
                                                    # threshold chosen on one half, read on the other

The replication gives every copy its own force and report and rewrites each word into one of ten
spellings (a Caesar shift chosen by a hash of word and copy), so copies keep the corpus's term
statistics and within-copy matches but share only about a tenth of their words with each other: plain duplication would make every
statement score 1.0 against its 99 copies, which measures output volume, not search.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

from graph_builder.extract import parse_file
from graph_builder.links import similarity as sim
from graph_builder.links import statements as link_statements
from graph_builder.links import text as features_text

ROOT = Path(__file__).resolve().parent.parent
CURATION = "curation.csv"
LABELS = ROOT / "tests" / "similarity" / "labelled_pairs.json"


def corpus_statements() -> list[link_statements.Statement]:
    return [s for p in sorted((ROOT / "corpus").glob("*.txt"))
            for s in link_statements.statements_from_model(parse_file(p))]


def labelled(with_curation: bool = False) -> list[tuple[str, str, bool]]:
    """The hand-labelled pairs; with_curation: plus the corpus's reviewed judgements
    (corpus/curation.csv same-issue / different-issue rows not labelled already), which is how the
    labelled set grows from researchers' judgements."""
    data = json.loads(LABELS.read_text())
    out = [(p["a"], p["b"], p["label"] == "positive") for p in data["pairs"]]
    if with_curation:
        from graph_builder.links.curation import decided, read_curation
        have = {(a, b) for a, b, _ in out}
        out += [(a, b, j.judgement == "same-issue")
                for (a, b), j in sorted(decided(read_curation(ROOT / "corpus" / CURATION)).items())
                if (a, b) not in have]
    return out


def _cos(u, v):
    return sum(w * v[t] for t, w in u.items() if t in v)


METHODS = {
    "tfidf-words-raw": {"words": True, "chars": 0, "normalise": False},
    "tfidf-words": {"words": True, "chars": 0},
    "tfidf-words+bigrams": {"words": True, "bigrams": True, "chars": 0},
    "bm25-words+bigrams": {"words": True, "bigrams": True, "chars": 0, "bm25": True},
    "tfidf-char4": {"chars": 4},
    "tfidf-char5": {"chars": 5},
    "tfidf-char6": {"chars": 6},
    "tfidf-words+char5": {"words": True, "chars": 5},
}


def method_scores(statements, opts) -> dict[tuple[str, str], float]:
    opts = dict(opts)
    bm25 = opts.pop("bm25", False)
    bags = [features_text.features(s.text, **opts) for s in statements]
    vecs = dict(zip((s.iri for s in statements), features_text.vectors(bags, bm25=bm25)))
    return {(a, b): _cos(vecs[a], vecs[b]) for a, b, _ in labelled()}


def prf(scores, pairs, t):
    tp = sum(1 for a, b, y in pairs if y and scores[(a, b)] >= t)
    fp = sum(1 for a, b, y in pairs if not y and scores[(a, b)] >= t)
    fn = sum(1 for a, b, y in pairs if y and scores[(a, b)] < t)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def compare() -> None:
    st, pairs = corpus_statements(), labelled()
    grid = [round(0.05 + 0.01 * k, 2) for k in range(60)]
    print(f"{'method':28} {'AP':>5} {'best-F1 t':>9} {'P':>5} {'R':>5} {'F1':>5}   "
          f"{'P>=0.8 t':>8} {'P':>5} {'R':>5} {'F1':>5}")
    for name, opts in METHODS.items():
        sc = method_scores(st, opts)
        rows = [(t, *prf(sc, pairs, t)) for t in grid]
        best = max(rows, key=lambda r: (r[3], r[0]))
        ok = [r for r in rows if r[1] >= 0.8]
        hp = max(ok, key=lambda r: (r[3], r[0])) if ok else (float("nan"),) * 4
        print(f"{name:28} {average_precision(sc, pairs):5.3f} {best[0]:9.2f} {best[1]:5.2f} {best[2]:5.2f} {best[3]:5.2f}   "
              f"{hp[0]:8.2f} {hp[1]:5.2f} {hp[2]:5.2f} {hp[3]:5.2f}")


def average_precision(scores, pairs) -> float:
    ranked = sorted(pairs, key=lambda p: -scores[(p[0], p[1])])
    hits, total = 0, 0.0
    for k, (_, _, y) in enumerate(ranked, 1):
        if y:
            hits += 1
            total += hits / k
    return total / max(1, sum(1 for p in pairs if p[2]))


def curve() -> None:
    """P/R of the shipped method (features_text.features defaults) across thresholds."""
    st, pairs = corpus_statements(), labelled()
    sc = method_scores(st, {})
    print(f"{sim.METHOD}: average precision {average_precision(sc, pairs):.3f}")
    for t in [round(0.08 + 0.01 * k, 2) for k in range(16)]:
        p, r, f = prf(sc, pairs, t)
        print(f"t={t:.2f}  P={p:.2f}  R={r:.2f}  F1={f:.2f}")


def replicate(statements, copies: int) -> list[link_statements.Statement]:
    out = []
    for k in range(copies):
        def spell(m, k=k):
            # A Caesar shift, not a suffix: a suffix would leave the word's n-grams intact.
            w = m.group(0).lower()
            h = hashlib.blake2b(f"{w}|{k}".encode(), digest_size=2).digest()[0] % 10
            return "".join(chr((ord(c) - 97 + h) % 26 + 97) for c in w)
        for s in statements:
            text = re.sub(r"[A-Za-z]+", spell, s.text) if k else s.text
            out.append(replace(s, iri=f"{s.iri}/copy/{k}", report=f"{s.report}/copy/{k}",
                               force=f"{s.force}-{k}", text=text))
    return out


def speed(copies: int = 100) -> None:
    st = corpus_statements()
    for label, data in (("corpus", st), (f"{copies}x synthetic", replicate(st, copies))):
        t = time.perf_counter()
        links = sim.score_pairs(data)
        dt = time.perf_counter() - t
        print(f"{label:16} {len(data):7d} statements  {dt:7.2f} s  {len(data) / dt:9.0f} statements/s"
              f"  {len(links):7d} links >= {sim.THRESHOLD}")


def sentences_compare(resamples: int = 2000) -> None:
    from bench_similarity_levels import report_levels
    report_levels(corpus_statements(), labelled("--with-curation" in sys.argv), resamples)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "compare"
    if cmd == "speed":
        speed(int(sys.argv[2]) if len(sys.argv) > 2 else 100)
    else:
        {"compare": compare, "curve": curve, "sentences": sentences_compare}[cmd]()
