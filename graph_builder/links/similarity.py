"""Scored similarity links between findings and recommendations of different reports.

Method (docs/similarity.md says how it was chosen): TF-IDF over character 5-grams of a
domain-normalised text (acronyms expanded, force names and inspection boilerplate dropped, plural
and -ing/-ed endings stripped), cosine of L2-normalised sparse vectors.

Vectors are built with numpy from the token strings (each distinct text once; a 5-gram over the
37-letter alphabet of the normalised text is packed into a 30-bit integer, so the features are
exactly the strings `features` yields), and scored by blockwise sparse products. Links are capped:
a pair is kept only if it is among the CAP best-scoring partners (other reports) of one of its two
ends (docs/similarity.md, "Cap").
"""
from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import os
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy import sparse

from graph_builder.iris import DEFAULT_BASE, Minter, area_slug

METHOD = "tfidf-char5-cosine-v1"
THRESHOLD = 0.15
# A statement keeps links to its CAP best partners in other reports (ties: the lower partner IRI);
# a link stays if either end keeps it. 559 links on the corpus uncapped; docs/similarity.md.
CAP = 5
# Rows of the sparse product computed at once: bounds the dense-ish intermediate (rows x texts).
BLOCK = 512


@dataclass(frozen=True)
class Statement:
    iri: str
    report: str
    force: str
    programme: str
    year: int | None
    kind: str
    text: str
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    score: float


def statements_from_model(model: dict, base: str = DEFAULT_BASE) -> list[Statement]:
    """Findings and recommendations of one parsed report, with the IRIs mapping.py gives them."""
    m = Minter(base)
    fid, prog = model["force"]["id"], model["report"]["programme"]
    year = model["report"].get("year")
    report, force = str(m.report(fid, prog)), str(m.force(fid))
    slugs = {a["name"]: area_slug(a) for a in model["areas"]}
    out = []
    for f in model["findings"]:
        iri = m.u("id", "finding", fid, prog, slugs[f["area"]], f["kind"], str(f["ordinal"]))
        out.append(Statement(str(iri), report, force, prog, year, f["kind"], f["text"]))
    for r in model["recommendations"]:
        # Unnumbered recommendations are keyed by a text hash in mapping.py; keep in step.
        num = r["number"]
        if num is None:
            num = hashlib.sha256(r["text"].encode()).hexdigest()[:8]
        iri = m.u("id", "recommendation", fid, prog, str(num))
        out.append(Statement(str(iri), report, force, prog, year, "recommendation", r["text"]))
    return out


# Acronyms and variants the reports use for one thing; expanded so that a 2007 "DV" finding and a
# 2018 "domestic abuse" recommendation share terms. Applied to lower-cased text, longest first.
SYNONYMS = {
    "domestic abuse": "domestic violence", "dv": "domestic violence", "da": "domestic violence",
    "ci": "community intelligence", "rsos": "sex offender", "rso": "sex offender",
    "registered sex offenders": "sex offender", "registered sex offender": "sex offender",
    "solos": "offender manager", "solo": "offender manager",
    "sex offender officers": "offender manager", "sex offender officer": "offender manager",
    "cai": "child abuse investigation", "caiu": "child abuse investigation unit",
    "caius": "child abuse investigation unit", "ppus": "public protection unit",
    "ppu": "public protection unit", "sppu": "public protection unit",
    "lpt": "neighbourhood team", "lpts": "neighbourhood team", "npu": "neighbourhood team",
    "npus": "neighbourhood team", "npt": "neighbourhood team", "npts": "neighbourhood team",
    "neighbourhood policing teams": "neighbourhood team", "local policing": "neighbourhood",
    "cso": "pcso", "csos": "pcso", "pcsos": "pcso", "specials": "special constable",
    "missing from home": "missing person", "kin": "key individual network",
    "kins": "key individual network", "ttcg": "tasking", "tcg": "tasking", "t&cg": "tasking",
    "tcgs": "tasking", "soc": "serious organised crime", "rui": "released under investigation",
    "ocu": "bcu", "ocus": "bcu", "division": "bcu", "divisions": "bcu", "divisional": "bcu",
    "wmc": "", "wmp": "",
}
_STOP_WORDS = """
a about above across after again against all also although an and any are as at be been before
being between both but by can could currently did do does done during each either for from further
had has have having he her here his how however i if in into is it its itself may might more most
much must no nor not now of on once only or other our out over own same she should so some such
than that the their them then there these they this those through to too under until up very was
we were what when where whether which while who whom why will with within would yet per its
force forces constabulary cheshire west mercia midlands police policing hmic inspection team
constabulary's force's report noted found evidence consider consideration given ensure
currently recently number key clear place use used using well work being made
improve improvement need process approach system staff officer develop development policy
level issue area consistent consistently inconsistent effective effectively also time provide
support review requirement required appropriate arrangement practice current recognise recognised
particular particularly ongoing able order
"""
STOP = frozenset(_STOP_WORDS.split())
_SYN = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(SYNONYMS, key=len, reverse=True))
                  + r")\b")
_WORD = re.compile(r"[a-z0-9]+")


def _stem(w: str) -> str:
    # Deliberately light: folding plurals and -ing/-ed is what the labelled set rewards; a full
    # Porter stemmer also merges e.g. "policy"/"police" and "organised"/"organisation".
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        return w[:-3]
    if len(w) > 4 and w.endswith("ed"):
        return w[:-2]
    return w


def _normal_word(w: str) -> str | None:
    if w in STOP or w.isdigit():
        return None
    w = _stem(w)
    return None if w in STOP else w


# word -> its normalised token (None: dropped); the vocabulary is small, the statements many.
_NORMAL: dict[str, str | None] = {}
_MISSING = object()


def tokens(text: str, normalise: bool = True) -> list[str]:
    t = text.lower()
    if not normalise:
        return _WORD.findall(t)
    t = _SYN.sub(lambda m: SYNONYMS[m.group(1)], t)
    get, out = _NORMAL.get, []
    for w in _WORD.findall(t):
        n = get(w, _MISSING)
        if n is _MISSING:
            n = _NORMAL[w] = _normal_word(w)
        if n is not None:
            out.append(n)
    return out


def features(text: str, words: bool = False, bigrams: bool = False, chars: int = 5,
             normalise: bool = True) -> Counter:
    toks = tokens(text, normalise)
    f = Counter(toks) if words else Counter()
    if bigrams:
        f.update(f"{a} {b}" for a, b in pairwise(toks))
    if chars:
        joined = " ".join(toks)
        f.update(f"#{joined[i:i + chars]}" for i in range(len(joined) - chars + 1))
    return f


def vectors(bags: list[Counter], bm25: bool = False) -> list[dict[str, float]]:
    """L2-normalised TF-IDF (or BM25-weighted) vectors; IDF comes from the bags themselves."""
    n = len(bags)
    df = Counter(t for b in bags for t in b)
    avg = sum(sum(b.values()) for b in bags) / max(n, 1)
    out = []
    for b in bags:
        size = sum(b.values())
        v = {}
        for t, tf in b.items():
            idf = math.log((n + 1) / (df[t] + 0.5))
            if idf <= 0:
                continue
            if bm25:
                w = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * size / avg)) * idf
            else:
                w = (1 + math.log(tf)) * idf
            v[t] = w
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        out.append({t: w / norm for t, w in v.items()})
    return out



# ---------------------------------------------------------------------------------------------
# Sparse matrices: the same features and weights as features() + vectors(), built with numpy.

# Normalised tokens are [a-z0-9]+ joined by single spaces: 37 symbols, 6 bits each, 0 = boundary.
_ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789"
_CODE = np.zeros(256, dtype=np.int64)
for _k, _c in enumerate(_ALPHABET, 1):
    _CODE[ord(_c)] = _k


def char_gram(code: int, chars: int = 5) -> str:
    """The feature string (as features() spells it) of a packed n-gram code."""
    return "#" + "".join(_ALPHABET[(code >> (6 * (chars - 1 - k)) & 63) - 1] for k in range(chars))


def _char_counts(token_lists: list[list[str]], chars: int = 5):
    """(row, packed n-gram code, count) for every distinct character n-gram of each row's joined
    tokens, sorted by row then code."""
    if chars * 6 > 60:
        raise ValueError("n-grams longer than 10 characters do not pack into an int64")
    big = "\x00".join(" ".join(t) for t in token_lists) + "\x00"
    b = _CODE[np.frombuffer(big.encode("ascii"), dtype=np.uint8)]
    row = np.cumsum(b == 0)
    row[1:] = row[:-1].copy()
    row[0] = 0
    n = len(b) - chars + 1
    if n <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    code, valid = np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    for k in range(chars):
        part = b[k:k + n]
        code = (code << 6) | part
        valid &= part != 0
    shift = 6 * chars
    key, count = np.unique((row[:n][valid] << shift) | code[valid], return_counts=True)
    return key >> shift, key & ((1 << shift) - 1), count


def _word_counts(token_lists: list[list[str]]):
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, toks in enumerate(token_lists):
        for t in toks:
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    key, count = np.unique(rows_a * max(len(vocab), 1) + cols_a, return_counts=True)
    return key // max(len(vocab), 1), key % max(len(vocab), 1), count


def _tfidf(rows, cols, tf, n_rows: int, copies) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (the formula of vectors(): (1 + ln tf) * ln((n + 1) / (df + 0.5))).
    rows sorted ascending; row r stands for copies[r] identical statements (n and df count them)."""
    _, col = np.unique(cols, return_inverse=True)
    col = col.ravel()
    n = float(copies.sum())
    df = np.bincount(col, weights=copies[rows], minlength=int(col.max()) + 1 if len(col) else 0)
    idf = np.log((n + 1) / (df + 0.5))[col]
    keep = idf > 0
    rows, col = rows[keep], col[keep]
    w = (1 + np.log(tf[keep])) * idf[keep]
    norm = np.sqrt(np.bincount(rows, weights=w * w, minlength=n_rows))
    norm[norm == 0] = 1.0
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    width = int(col.max()) + 1 if len(col) else 0
    return sparse.csr_matrix((w / norm[rows], col, indptr), shape=(n_rows, width))


def statement_bags(texts: list[str]) -> list[list[str]]:
    """Normalised tokens of each text: what both the n-gram and the word features are made of."""
    return [tokens(t) for t in texts]


def tfidf_matrix(token_lists: list[list[str]], copies=None, words: bool = False,
                 chars: int = 5) -> sparse.csr_matrix:
    """Rows = texts, L2-normalised TF-IDF over character n-grams (or words with words=True, chars
    ignored): the vectors vectors([features(...)]) gives, as one CSR matrix. copies[r]: how many
    statements row r stands for (IDF counts them all); default 1 each."""
    n = len(token_lists)
    copies = np.ones(n) if copies is None else np.asarray(copies, dtype=float)
    rows, cols, tf = _word_counts(token_lists) if words else _char_counts(token_lists, chars)
    return _tfidf(rows, cols, tf, n, copies)


def _matrix(vecs: list[dict[str, float]]) -> sparse.csr_matrix:
    vocab: dict[str, int] = {}
    indptr, cols, vals = [0], [], []
    for v in vecs:
        for t, w in v.items():
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(w)
        indptr.append(len(cols))
    return sparse.csr_matrix((np.array(vals, dtype=float), np.array(cols, dtype=np.int64),
                              np.array(indptr)), shape=(len(vecs), len(vocab)))


def _pairs_above(x: sparse.csr_matrix, min_score: float, rows=None):
    """(i, j, cosine) for all i < j (of `rows`, default all) with cosine >= min_score, blockwise."""
    rows = np.arange(x.shape[0]) if rows is None else np.asarray(rows)
    xt = x[rows].T.tocsr()
    out = []
    for b in range(0, len(rows), BLOCK):
        s = (x[rows[b:b + BLOCK]] @ xt).tocoo()
        i = s.row + b
        keep = (s.data >= min_score) & (i < s.col)
        out.append((rows[i[keep]], rows[s.col[keep]], s.data[keep]))
    if not out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return tuple(np.concatenate(a) for a in zip(*out))


def similar_pairs(vecs, groups: list, min_score: float, top: None = None):
    """Yields (i, j, cosine) with i < j, groups[i] != groups[j] and cosine >= min_score, sorted.

    vecs: dict vectors (vectors()) or a CSR matrix of L2-normalised rows (tfidf_matrix()). Exact:
    blockwise sparse products. (`top` is kept for old callers; only None is accepted.)"""
    if top is not None:
        raise ValueError("similar_pairs is exact; cap links with score_pairs(top=k)")
    x = vecs if sparse.issparse(vecs) else _matrix(vecs)
    i, j, s = _pairs_above(sparse.csr_matrix(x), min_score)
    _, g = np.unique(np.array([str(v) for v in groups]), return_inverse=True) if len(groups) else (0, np.zeros(0, int))
    g = np.asarray(g).ravel()
    keep = g[i] != g[j] if len(i) else np.zeros(0, bool)
    order = np.lexsort((j[keep], i[keep]))
    yield from zip(i[keep][order].tolist(), j[keep][order].tolist(), s[keep][order].tolist())


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
