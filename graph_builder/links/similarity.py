"""Scored similarity links between findings and recommendations of different reports.

Method (docs/similarity.md says how it was chosen): TF-IDF over character 5-grams of a
domain-normalised text (acronyms expanded, force names and inspection boilerplate dropped, plural
and -ing/-ed endings stripped), cosine of L2-normalised sparse vectors.

Features: links/text.py; the sparse TF-IDF matrix: links/tfidf.py (each distinct text once).
Scored here by blockwise sparse products, in a pool of processes. Links are capped:
a pair is kept only if it is among the CAP best-scoring partners (other reports) of one of its two
ends (docs/similarity.md, "Cap").
"""
from __future__ import annotations

import multiprocessing as mp
import os

import numpy as np

from graph_builder.links.statements import Link, Statement
from graph_builder.links.tfidf import BLOCK, statement_bags, tfidf_matrix

METHOD = "tfidf-char5-cosine-v1"
THRESHOLD = 0.15
# A statement keeps links to its CAP best partners in other reports (ties: the lower partner IRI);
# a link stays if either end keeps it. 559 links on the corpus uncapped; docs/similarity.md.
CAP = 5


def _group_ranges(sizes):
    """For rows of the given sizes laid end to end: each element's row and its offset in the row."""
    sizes = np.asarray(sizes, dtype=np.int64)
    row = np.repeat(np.arange(len(sizes)), sizes)
    start = np.zeros(len(sizes), dtype=np.int64)
    np.cumsum(sizes[:-1], out=start[1:])
    return row, np.arange(int(sizes.sum()), dtype=np.int64) - start[row]


def _run_rank(a):
    """Each element's offset in its run of equal consecutive values."""
    if not len(a):
        return np.zeros(0, dtype=np.int64)
    start = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    return np.arange(len(a)) - np.repeat(start, np.diff(np.r_[start, len(a)]))


_SHARED: dict = {}


def _topk_block(b: int):
    """_statement_topk for the texts b .. b + BLOCK - 1 (state in _SHARED: forked workers see it)."""
    x, xt, members, sizes, first, report, min_score, top = (_SHARED[k] for k in (
        "x", "xt", "members", "sizes", "first", "report", "min_score", "top"))
    n_text = x.shape[0]
    s = (x[b:b + BLOCK] @ xt).tocsr()
    s.data[s.data < min_score] = 0
    s.eliminate_zeros()
    s = s.tocoo()
    u, v = s.row.astype(np.int64) + b, s.col.astype(np.int64)
    q = np.rint(np.minimum(s.data, 1.0) * 10000).astype(np.int64)
    # text pair -> (text u, statement j of text v)
    e, off = _group_ranges(sizes[v])
    u, q = u[e], q[e]
    j = members[first[v[e]] + off]
    # each text's partner statements, best first
    order = np.lexsort((j, -q, u))
    u, j, q = u[order], j[order], q[order]
    if top is not None:
        # a statement i of text u skips partners of its own report: at most as many as the
        # largest number of u's partners in any one report, so the first top + that suffice.
        pair, per = np.unique(u * (report.max() + 1) + report[j], return_counts=True)
        most = np.zeros(n_text, dtype=np.int64)
        np.maximum.at(most, pair // (report.max() + 1), per)
        _, pos = _group_ranges(np.bincount(u - b, minlength=min(BLOCK, n_text - b)))
        keep = pos < top + most[u]
        u, j, q = u[keep], j[keep], q[keep]
    # (text u, partner j) -> (statement i of text u, partner j), each i's list still in order
    counts = np.bincount(u - b, minlength=min(BLOCK, n_text - b))
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    texts = np.arange(b, b + len(counts))
    reps = sizes[texts]                                 # one copy of u's list per statement
    lst, k = _group_ranges(np.repeat(counts, reps))
    t_of_copy = np.repeat(texts, reps)
    _, which = _group_ranges(reps)
    i_of_copy = members[first[t_of_copy] + which]
    idx = starts[t_of_copy - b][lst] + k
    i, jj, qq = i_of_copy[lst], j[idx], q[idx]
    keep = report[i] != report[jj]
    i, jj, qq = i[keep], jj[keep], qq[keep]
    if top is not None:
        keep = _run_rank(i) < top
        i, jj, qq = i[keep], jj[keep], qq[keep]
    return i, jj, qq


def _statement_topk(x, text_of, report, min_score: float, top: int | None, workers: int | None = None):
    """Directed (i, j, score in 1/10,000) for statements i, j of different reports scoring at
    least min_score, keeping for each i only its `top` best j (score, then lower j: statements are
    in IRI order). x: one row per distinct text; text_of[i]: statement i's row. Blocks of rows run
    on `workers` forked processes (default: every core once there are 8+ blocks)."""
    n_text = x.shape[0]
    members = np.argsort(text_of, kind="stable")          # statements grouped by text, in IRI order
    sizes = np.bincount(text_of, minlength=n_text)
    first = np.zeros(n_text + 1, dtype=np.int64)
    np.cumsum(sizes, out=first[1:])
    _SHARED.update(x=x, xt=x.T.tocsr(), members=members, sizes=sizes, first=first, report=report,
                   min_score=min_score, top=top)
    blocks = range(0, n_text, BLOCK)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(blocks) >= 8 else 1
    try:
        if workers > 1 and "fork" in mp.get_all_start_methods():
            with mp.get_context("fork").Pool(min(workers, len(blocks))) as pool:
                out = pool.map(_topk_block, blocks, chunksize=1)
        else:
            out = [_topk_block(b) for b in blocks]
    finally:
        _SHARED.clear()
    if not out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    return tuple(np.concatenate(a) for a in zip(*out))


def score_pairs(statements: list[Statement], min_score: float = THRESHOLD,
                top: int | None = CAP, workers: int | None = None) -> list[Link]:
    """Links between statements of different reports scoring at least min_score, sorted.

    top: keep a link only if it is among the `top` best-scoring partners (in other reports) of at
    least one of its two statements; ties on the 4-decimal score go to the lower partner IRI.
    None: every pair at or above min_score (exact, grows quadratically with the corpus).
    """
    st = sorted(statements, key=lambda s: s.iri)          # canonical order: input order is moot
    if not st:
        return []
    text_ids: dict[str, int] = {}
    text_of = np.array([text_ids.setdefault(s.text, len(text_ids)) for s in st], dtype=np.int64)
    _, report = np.unique(np.array([s.report for s in st]), return_inverse=True)
    x = tfidf_matrix(statement_bags(list(text_ids)), copies=np.bincount(text_of))
    i, j, q = _statement_topk(x, text_of, np.asarray(report).ravel(), min_score, top, workers)
    a, b = np.minimum(i, j), np.maximum(i, j)
    key, first = np.unique(a * len(st) + b, return_index=True)
    links = [Link(st[k // len(st)].iri, st[k % len(st)].iri, score / 10000)
             for k, score in zip(key.tolist(), q[first].tolist())]
    return [k for k in links if k.score >= min_score]



def pair_scores(statements: list[Statement], pairs: list[tuple[str, str]]) -> dict[tuple[str, str], float]:
    """The score score_pairs would give each (source, target) pair of statements, however low: for
    pairs a researcher judged the same issue (links/curation.py), which need not reach the threshold."""
    if not pairs:
        return {}
    text_ids: dict[str, int] = {}
    text_of = {s.iri: text_ids.setdefault(s.text, len(text_ids)) for s in sorted(statements, key=lambda s: s.iri)}
    copies = np.bincount(np.array(list(text_of.values()), dtype=np.int64))
    x = tfidf_matrix(statement_bags(list(text_ids)), copies=copies)
    out = {}
    for a, b in pairs:
        if a in text_of and b in text_of:
            score = float(x[text_of[a]].multiply(x[text_of[b]]).sum())
            out[(a, b)] = round(min(score, 1.0), 4)
    return out
