"""Statement-level against sentence-level scores on the labelled pairs, and z-score mixes of them
(`python benchmarks/bench_similarity.py sentences`).

Every score is fitted on corpus text only: IDF over the corpus's statements (or sentences), and the
z-scores standardise each score by its mean and spread over 3,000 random pairs of statements of
different reports (seed 7), never over the labels. Reported: average precision with a 95% bootstrap
interval (pairs resampled), precision at recall 0.6 and 0.8, and for an operating threshold the
honest reading: chosen on one half of the pairs (the lowest score with precision >= 0.85 there) and
read on the other half, both ways round (halves by a hash of the pair).
"""
from __future__ import annotations

import hashlib
import random

import numpy as np

from graph_builder.links.sentences import sentence_spans
from graph_builder.links.tfidf import statement_bags, tfidf_matrix

TARGET_PRECISION = 0.85


def _sentence_index(statements):
    sent, owner = [], []
    for i, s in enumerate(statements):
        for a, b in sentence_spans(s.text) or [(0, len(s.text))]:
            sent.append(s.text[a:b])
            owner.append(i)
    owner = np.array(owner)
    rows = {i: np.flatnonzero(owner == i) for i in range(len(statements))}
    return sent, rows


def _scores(statements, pairs, ref):
    idx = {s.iri: i for i, s in enumerate(statements)}
    sent, rows = _sentence_index(statements)
    bags, sbags = statement_bags([s.text for s in statements]), statement_bags(sent)
    mats = {"statement char5": (tfidf_matrix(bags), False), "statement words": (tfidf_matrix(bags, words=True), False),
            "sentence char5 (max)": (tfidf_matrix(sbags), True),
            "sentence words (max)": (tfidf_matrix(sbags, words=True), True)}

    def score(x, by_sentence, i, j):
        if by_sentence:
            return float((x[rows[i]] @ x[rows[j]].T).toarray().max())
        return float(x[i].multiply(x[j]).sum())
    raw, z = {}, {}
    for name, (x, by_sentence) in mats.items():
        v = np.array([score(x, by_sentence, idx[a], idx[b]) for a, b, _ in pairs])
        r = np.array([score(x, by_sentence, i, j) for i, j in ref])
        raw[name], z[name] = v, (v - r.mean()) / r.std()
    out = dict(raw)
    out["z: statement char5 + sentence char5"] = z["statement char5"] + z["sentence char5 (max)"]
    out["z: sentence char5 + sentence words"] = z["sentence char5 (max)"] + z["sentence words (max)"]
    out["z: all four"] = sum(z.values())
    return out


def average_precision(score, y):
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    return float((hits / np.arange(1, len(y) + 1))[y[order]].sum() / max(1, y.sum()))


def precision_at_recall(score, y, recall):
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    ok = hits / max(1, y.sum()) >= recall
    return float((hits / np.arange(1, len(y) + 1))[ok].max()) if ok.any() else 0.0


def _threshold(score, y):
    """The lowest score at which precision (of pairs scoring at least it) is >= the target."""
    best = None
    for t in sorted(set(score.tolist()), reverse=True):
        sel = score >= t
        if y[sel].mean() >= TARGET_PRECISION:
            best = t
    return best


def _read(score, y, t):
    if t is None:
        return float("nan"), 0.0
    sel = score >= t
    return (float(y[sel].mean()) if sel.any() else float("nan")), float(y[sel].sum() / max(1, y.sum()))


def report_levels(statements, pairs, resamples=2000):
    rng = random.Random(7)
    ref = []
    while len(ref) < 3000:
        i, j = rng.randrange(len(statements)), rng.randrange(len(statements))
        if statements[i].report != statements[j].report:
            ref.append((i, j))
    y = np.array([p[2] for p in pairs])
    half = np.array([int(hashlib.sha256((a + b).encode()).hexdigest(), 16) % 2 for a, b, _ in pairs])
    boot = np.random.default_rng(7)
    draws = [boot.integers(0, len(y), len(y)) for _ in range(resamples)]
    print(f"{len(pairs)} pairs ({int(y.sum())} same issue); halves {int((half == 0).sum())}/{int((half == 1).sum())}")
    print(f"{'method':40} {'AP':>5} {'95% CI':>13} {'P@R.6':>6} {'P@R.8':>6}   "
          f"{'t(A)':>6} {'P,R on B':>11}   {'t(B)':>6} {'P,R on A':>11}")
    for name, sc in _scores(statements, pairs, ref).items():
        aps = sorted(average_precision(sc[d], y[d]) for d in draws)
        lo, hi = aps[int(0.025 * resamples)], aps[int(0.975 * resamples) - 1]
        cells = []
        for fit, read in ((0, 1), (1, 0)):
            t = _threshold(sc[half == fit], y[half == fit])
            p, r = _read(sc[half == read], y[half == read], t)
            cells.append(f"{t if t is not None else float('nan'):6.3f} {p:5.2f},{r:5.2f}")
        print(f"{name:40} {average_precision(sc, y):5.3f} [{lo:5.3f},{hi:5.3f}] "
              f"{precision_at_recall(sc, y, 0.6):6.3f} {precision_at_recall(sc, y, 0.8):6.3f}   "
              + "   ".join(cells))
