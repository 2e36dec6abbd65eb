"""What to tell someone whose query ran out of time: the shape Oxigraph most likely planned badly,
and a rewrite that works (docs/scale.md, "Researcher queries").

Read from the query's tokens, as the guard reads them; advice only, never a change to the query.
Each shape is one Oxigraph 0.5 is known to evaluate slowly, measured on this dataset.
"""
from __future__ import annotations

from .query_order import element_spans
from .sparql_guard import tokens, unescape

_GENERAL = "narrow it (a force, a programme, a type), or use the downloads at /downloads/"


def advice(query: str | None) -> str:
    """One or more sentences naming the likely cause and a rewrite; the general advice otherwise."""
    if not query:
        return _GENERAL
    text = unescape(query)
    toks = [t for t in tokens(text) if t[0] != "comment"]
    words = [v.upper() for k, v, _ in toks if k == "word"]
    found = []
    late = _pattern_after_optional(text, toks)
    if late:
        found.append("required triple patterns come after an OPTIONAL or BIND and share its "
                     "variables, so Oxigraph joins everything before them first (the service moves "
                     "such patterns itself only when no variable is shared): write them before the "
                     f"first OPTIONAL, e.g. `{late}`")
    if "GROUP" in words and "OPTIONAL" in words:
        found.append("a GROUP BY over an OPTIONAL makes Oxigraph look the optional part up again "
                     "for every row: count in a sub-select ({ SELECT ?x (COUNT(?y) AS ?n) WHERE { "
                     "... } GROUP BY ?x }) and join or OPTIONAL its result instead")
    if any(v in ("*", "+") for k, v, _ in toks if k == "other") and "/" in {v for _, v, _ in toks}:
        found.append("a path such as insp:theme/skos:broader* is walked from every subject: "
                     "compute the closure first in a sub-select (?t skos:broader* ?top) or use "
                     "skos:broaderTransitive, which the dataset materialises")
    if any(w in ("CONTAINS", "REGEX", "STRSTARTS") for w in words):
        found.append("a text FILTER reads every literal it is given: bind the type or force first, "
                     "or use the catalogue's search query")
    if "LIMIT" in words and ("ORDER" in words or "GROUP" in words or "DISTINCT" in words):
        found.append("LIMIT does not shorten the work while ORDER BY, GROUP BY or DISTINCT must see "
                     "every row first")
    if not found:
        return _GENERAL
    return "likely cause: " + "; ".join(found) + f". Otherwise {_GENERAL}"


def _pattern_after_optional(text: str, toks: list) -> str | None:
    """The first run of triple patterns written after an OPTIONAL or BIND of the top-level group."""
    spans = element_spans(text, toks)
    if spans is None:
        return None
    seen = False
    for kind, start, end in spans[1]:
        seen = seen or kind in ("OptionalGraphPattern", "Bind")
        if seen and kind == "TriplesBlock":
            snippet = " ".join(text[start:end].split())
            return snippet if len(snippet) <= 80 else snippet[:77] + "..."
    return None
