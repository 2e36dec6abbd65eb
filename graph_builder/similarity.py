"""Scored similarity links between findings and recommendations of different reports.

Method (docs/similarity.md says how it was chosen): TF-IDF over character 5-grams of a
domain-normalised text (acronyms expanded, force names and inspection boilerplate dropped, plural
and -ing/-ed endings stripped), cosine of L2-normalised sparse vectors. Pairs come from an inverted
index (exact prefix filtering, or each vector's heaviest features at national scale), never from a
loop over all pairs.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise

from .mapping import DEFAULT_BASE, Minter, area_slug

METHOD = "tfidf-char5-cosine-v1"
THRESHOLD = 0.15
# Exact search costs more than all pairs once n-gram vectors meet a threshold this low; above
# EXACT_LIMIT statements candidates come from each vector's TOP_K heaviest features instead
# (95% of the exact links on the corpus; docs/similarity.md).
EXACT_LIMIT = 5000
TOP_K = 80


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


def tokens(text: str, normalise: bool = True) -> list[str]:
    t = text.lower()
    if not normalise:
        return _WORD.findall(t)
    t = _SYN.sub(lambda m: SYNONYMS[m.group(1)], t)
    out = []
    for w in _WORD.findall(t):
        if w in STOP or w.isdigit():
            continue
        w = _stem(w)
        if w not in STOP:
            out.append(w)
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


def similar_pairs(vecs: list[dict[str, float]], groups: list, min_score: float,
                  top: int | None = None):
    """Yields (i, j, cosine) with i < j, groups[i] != groups[j] and cosine >= min_score.

    top=None is exact: one sparse matrix product (_exact_pairs).
    top=k is approximate: candidates are pairs sharing one of each side's k heaviest features,
    so a posting list holds only the vectors a feature is among the heaviest in; every candidate
    is then scored exactly. docs/similarity.md gives what it misses on the corpus.
    """
    if top is None:
        yield from _exact_pairs(vecs, groups, min_score)
        return
    index: dict[str, list[int]] = defaultdict(list)
    keys = [sorted(v, key=lambda t: (-v[t], t))[:top] for v in vecs]
    for i, ks in enumerate(keys):
        for t in ks:
            index[t].append(i)
    for j, v in enumerate(vecs):
        cands = set()
        for t in keys[j]:
            for i in index.get(t, ()):
                if i < j and groups[i] != groups[j]:
                    cands.add(i)
        for i in sorted(cands):
            u = vecs[i]
            small, big = (u, v) if len(u) < len(v) else (v, u)
            s = sum(w * big[t] for t, w in small.items() if t in big)
            if s >= min_score:
                yield i, j, s


def _exact_pairs(vecs: list[dict[str, float]], groups: list, min_score: float):
    """Exact all-pairs cosine as one sparse matrix product (the vectors are L2-normalised): the
    pure-Python prefix-filtered search took 6 s on the corpus's 1,014 statements."""
    import numpy as np
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, v in enumerate(vecs):
        for t, w in v.items():
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
            vals.append(w)
    x = sparse.csr_matrix((np.array(vals), (np.array(rows), np.array(cols))), shape=(len(vecs), len(vocab)))
    sim = sparse.triu(x @ x.T, k=1).tocoo()
    keep = sim.data >= min_score
    for i, j, s in sorted(zip(sim.row[keep].tolist(), sim.col[keep].tolist(), sim.data[keep].tolist())):
        if groups[i] != groups[j]:
            yield i, j, s


def score_pairs(statements: list[Statement], min_score: float = THRESHOLD,
                top: int | None = -1) -> list[Link]:
    """Links between statements of different reports scoring at least min_score, sorted.

    top: None for exact search, k for candidates from each side's k heaviest features; the
    default picks exact up to EXACT_LIMIT statements and TOP_K beyond.
    """
    if top == -1:
        top = None if len(statements) <= EXACT_LIMIT else TOP_K
    vecs = vectors([features(s.text) for s in statements])
    groups = [s.report for s in statements]
    links = []
    for i, j, s in similar_pairs(vecs, groups, min_score, top):
        a, b = sorted((statements[i].iri, statements[j].iri))
        score = round(min(s, 1.0), 4)
        if score >= min_score:
            links.append(Link(a, b, score))
    links.sort(key=lambda k: (k.source, k.target))
    return links
