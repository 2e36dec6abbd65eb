"""Required triple patterns moved before the OPTIONAL and BIND that precede them, where SPARQL's
semantics make the two orders give the same answer.

Oxigraph (0.5) evaluates a group's OPTIONAL, BIND and join in the order written and reorders
triple patterns only within one run of them, so a query that fetches a label after an OPTIONAL
left-joins the whole pattern before it and then joins that to the label (issue 20: 8.6 s against
0.04 s on the 43k-quad corpus, written the other way round). People write queries that way.

The rewrite, in the algebra of SPARQL 1.1 (section 18): a group G = ... X T ..., where T is a run
of triple patterns and X the element just before it, evaluates Join(X'(A), T) with A the part
before X. It equals X'(Join(A, T)) when

* X is OPTIONAL { B } (LeftJoin(A, B, F), F its filters): every variable of T that B or F
  mentions is bound in every solution of A (a variable of a triple pattern of A, before X).
  Then a solution of B is compatible with one of A and T exactly when it is compatible with the
  one of A, and F sees the same values, so the same rows come out, as often.
* X is BIND(e AS ?v) (Extend(A, v, e)): ?v is not in T, and every variable of T that e mentions
  is bound in every solution of A, so e is evaluated on the same values.
* X is a FILTER: a filter applies to its whole group wherever it is written.

T is moved one element at a time while the condition holds, and only in the query's top-level
group. The decisions read rdflib's parse of the query (its real SPARQL grammar); the new text is
the original text's own elements in the new order, and it is used only if rdflib parses it to
exactly the elements of the original in that order and Oxigraph parses it too. Anything else
(CONSTRUCT, a SERVICE, a parse rdflib does not agree with, blank nodes the check cannot compare)
leaves the query as written. tests/service/test_query_order.py compares answers on many queries.
"""
from __future__ import annotations

from .sparql_guard import tokens, unescape

# Elements of a group as rdflib's parser names them, and the keyword that starts each in the text.
_KEYWORD_PART = {"OPTIONAL": "OptionalGraphPattern", "BIND": "Bind", "FILTER": "Filter",
                 "MINUS": "MinusGraphPattern", "GRAPH": "GraphGraphPattern", "VALUES": "InlineData",
                 "SERVICE": "ServiceGraphPattern"}
_MOVABLE_OVER = ("OptionalGraphPattern", "Bind", "Filter")
_OPEN, _CLOSE = "({[", ")}]"
# Longer texts are left as written: rdflib's parser is pure Python (about 0.2 s for a page of
# query), and this runs inside the query's time limit.
MAX_LENGTH = 8000


def reorder(query: str) -> str | None:
    """The query with required triple patterns moved forward, or None to run it as written."""
    if len(query) > MAX_LENGTH:
        return None
    text = unescape(query)
    toks = [t for t in tokens(text) if t[0] != "comment"]
    words = {v.upper() for k, v, _ in toks if k == "word"}
    if not words & {"OPTIONAL", "BIND"} or "SERVICE" in words:
        return None
    spans = element_spans(text, toks)
    if spans is None or not _triples_after_optional_or_bind([k for k, _, _ in spans[1]]):
        return None  # nothing to move: the parse below is the costly part
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        parsed = parseQuery(text)
    except Exception:  # noqa: BLE001 -- any parse failure: Oxigraph reports the error as it sees it
        return None
    q = parsed[1]
    if q.name not in ("SelectQuery", "AskQuery") or q.get("where") is None:
        return None
    parts = list(q["where"].get("part") or [])
    if [k for k, _, _ in spans[1]] != [p.name for p in parts]:
        return None
    order = _new_order(parts)
    if order == list(range(len(parts))):
        return None
    (start, end), elements = spans
    body = []
    for i in order:
        kind, a, b = elements[i]
        body.append(text[a:b] + (" ." if kind == "TriplesBlock" else ""))
    rewritten = text[:start] + "\n  " + "\n  ".join(body) + "\n" + text[end:]
    return rewritten if _same_elements(rewritten, parsed, [parts[i] for i in order]) else None


def _triples_after_optional_or_bind(kinds: list[str]) -> bool:
    seen = False
    for kind in kinds:
        seen = seen or kind in ("OptionalGraphPattern", "Bind")
        if seen and kind == "TriplesBlock":
            return True
    return False


def _variables(node) -> set[str]:
    from rdflib.term import Variable
    found: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Variable):
            found.add(str(n))
        elif isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, (list, tuple)) or type(n).__name__ == "ParseResults":
            stack.extend(list(n))
    return found


def _new_order(parts: list) -> list[int]:
    order = list(range(len(parts)))
    pos = 0
    while pos < len(order):
        if parts[order[pos]].name != "TriplesBlock":
            pos += 1
            continue
        moving = _variables(parts[order[pos]])
        at = pos
        while at > 0 and _may_pass(parts[order[at - 1]], moving, _bound_before(parts, order[:at - 1])):
            order[at - 1], order[at] = order[at], order[at - 1]
            at -= 1
        pos += 1
    return order


def _bound_before(parts: list, prefix: list[int]) -> set[str]:
    """Variables bound in every solution of the group's elements in prefix: those of its triple
    patterns (OPTIONAL, BIND, VALUES and the rest may leave a variable unbound; not counted)."""
    out: set[str] = set()
    for i in prefix:
        if parts[i].name == "TriplesBlock":
            out |= _variables(parts[i])
    return out


def _may_pass(element, moving: set[str], bound: set[str]) -> bool:
    if element.name == "Filter":
        return True
    if element.name == "OptionalGraphPattern":
        return (moving & _variables(element)) <= bound
    if element.name == "Bind":
        target = str(element["var"])
        return target not in moving and (moving & _variables(element["expr"])) <= bound
    return False


def element_spans(text: str, toks: list) -> tuple[tuple[int, int], list] | None:
    """((just inside the top-level group's '{', its closing '}'), [(part name, start, end)])."""
    i = next((n for n, (k, v, _) in enumerate(toks) if k == "word" and v.upper() in ("SELECT", "ASK")), None)
    if i is None:
        return None
    i = next((n for n in range(i, len(toks)) if toks[n][1] == "{"), None)
    if i is None:
        return None
    open_at = i
    close_at = _matching(toks, open_at)
    if close_at is None:
        return None
    elements = []
    n = open_at + 1
    while n < close_at:
        kind, value, pos = toks[n]
        if value == ".":
            n += 1
            continue
        word = value.upper() if kind == "word" else None
        if word in _KEYWORD_PART:
            end = _keyword_element_end(toks, n, word, close_at)
            name = _KEYWORD_PART[word]
        elif value == "{":
            end = _matching(toks, n)
            while end is not None and end + 2 < close_at and toks[end + 1][0] == "word" \
                    and toks[end + 1][1].upper() == "UNION":
                end = _matching(toks, end + 2)
            name = "GroupOrUnionGraphPattern"
        else:
            end, name = _triples_end(toks, n, close_at), "TriplesBlock"
        if end is None or end >= close_at:
            return None
        last = end
        if name == "TriplesBlock" and toks[last][1] == "." and last > n:
            last -= 1
        elements.append((name, pos, toks[last][2] + len(toks[last][1])))
        n = end + 1
    return (toks[open_at][2] + 1, toks[close_at][2]), elements


def _matching(toks: list, n: int) -> int | None:
    depth = 0
    for m in range(n, len(toks)):
        v = toks[m][1]
        if toks[m][0] == "other":
            if v in _OPEN:
                depth += 1
            elif v in _CLOSE:
                depth -= 1
                if depth == 0:
                    return m
    return None


def _keyword_element_end(toks: list, n: int, word: str, limit: int) -> int | None:
    m = n + 1
    if word in ("OPTIONAL", "MINUS"):
        return _matching(toks, m) if m < limit and toks[m][1] == "{" else None
    if word == "GRAPH":
        m += 1
        return _matching(toks, m) if m < limit and toks[m][1] == "{" else None
    if word == "BIND":
        return _matching(toks, m) if m < limit and toks[m][1] == "(" else None
    if word == "VALUES":
        if m < limit and toks[m][1] == "(":
            m = _matching(toks, m)
            if m is None:
                return None
        m += 1
        return _matching(toks, m) if m < limit and toks[m][1] == "{" else None
    if word == "FILTER":
        while m < limit and toks[m][0] == "word" and toks[m][1].upper() in ("NOT", "EXISTS"):
            m += 1
        if m < limit and toks[m][1] in ("(", "{"):
            return _matching(toks, m)
        if m + 1 < limit and toks[m][0] in ("word", "pname", "iri") and toks[m + 1][1] == "(":
            return _matching(toks, m + 1)
    return None


def _triples_end(toks: list, n: int, limit: int) -> int:
    """Index of the last token of the run of triple patterns starting at n."""
    depth = 0
    m = n
    while m < limit:
        kind, value, _ = toks[m]
        if depth == 0 and ((kind == "word" and value.upper() in _KEYWORD_PART) or value == "{"):
            return m - 1
        if kind == "other" and value in _OPEN:
            depth += 1
        elif kind == "other" and value in _CLOSE:
            depth -= 1
        m += 1
    return limit - 1


def _canonical(node, bnodes: dict) -> object:
    """A comparable form of rdflib's parse tree (its nodes compare by identity); blank nodes are
    numbered in order of appearance."""
    from rdflib.term import BNode
    if isinstance(node, BNode):
        return ("bnode", bnodes.setdefault(node, len(bnodes)))
    if isinstance(node, dict):
        return (getattr(node, "name", "dict"),
                tuple((k, _canonical(v, bnodes)) for k, v in node.items() if not k.startswith("_")))
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return tuple(_canonical(x, bnodes) for x in node)
    return node


def _merged(parts: list, bnodes: dict) -> list:
    """Canonical elements, adjacent runs of triple patterns as one (the grammar reads them so)."""
    out: list = []
    for p in parts:
        c = _canonical(p, bnodes)
        if p.name == "TriplesBlock" and out and out[-1][0] == "TriplesBlock":
            out[-1] = ("TriplesBlock", (("triples", out[-1][1][0][1] + c[1][0][1]),))
        else:
            out.append(c)
    return out


def _same_elements(rewritten: str, original, expected_parts: list) -> bool:
    from pyoxigraph import Store
    from rdflib.plugins.sparql.parser import parseQuery
    try:
        again = parseQuery(rewritten)
        Store().query(rewritten)  # Oxigraph must read it too; on an empty store it costs nothing
    except Exception:  # noqa: BLE001 -- not the same query, whatever the reason: use the original
        return False
    if _canonical(again[0], {}) != _canonical(original[0], {}):
        return False
    q_new, q_old = again[1], original[1]
    if {k for k in q_new if not k.startswith("_")} != {k for k in q_old if not k.startswith("_")}:
        return False
    for key in q_old:
        if key.startswith("_") or key == "where":
            continue
        if _canonical(q_new[key], {}) != _canonical(q_old[key], {}):
            return False
    parts_new = list(q_new["where"].get("part") or [])
    return _merged(parts_new, {}) == _merged(expected_parts, {})
