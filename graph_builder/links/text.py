"""Domain-normalised text features of a statement: acronyms expanded, force names and inspection
boilerplate dropped, plural and -ing/-ed endings stripped; character n-grams of the result. The
dict vectors here are the reference the sparse matrices of tfidf.py are tested against."""
from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise

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


