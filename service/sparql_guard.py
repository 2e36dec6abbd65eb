"""A lexical check run on every query before evaluation: no writes, no network, no foreign graphs.

Token-aware, so the words inside strings, IRIs, comments, prefixed names and variables never
count: `"SERVICE"`, `ex:service` and `?service` are fine, a SERVICE clause is not. The SPARQL spec
has `\\uXXXX` escapes decoded before parsing, so the check reads the text after the same decoding;
otherwise `SERVIC\\u0045` would slip past it and reach the parser as SERVICE.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                          "ADD", "WITH", "USING"})
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# SPARQL's PN_CHARS beyond Python's \w: a variable or local name may go on with these.
_NAME_EXTRA = "\u00B7\u0300-\u036F\u203F\u2040"
_TOKEN_TEMPLATE = r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20IRI_EXCLUDED]*>)
  | (?P<var>[?$][\wNAME_EXTRA]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d][\w.NAME_EXTRA-]*)?:(?:[\w.:%NAME_EXTRA-]|\\.)*)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>\S)
""".replace("NAME_EXTRA", _NAME_EXTRA)
# `<...>` with no space inside is an IRI to a lexer that does not know the grammar, but an engine
# reads `FILTER(1<2)SERVICE#>` as a comparison, a SERVICE and a comment. A comparison can only reach
# a group (where SERVICE stands) through a closing parenthesis, so a second reading in which `<...>`
# holding a parenthesis is not an IRI sees every keyword an engine could see; both readings are
# checked. The kernel (service/sandbox.py) is the real fence; this is the early, explained refusal.
_TOKEN = re.compile(_TOKEN_TEMPLATE.replace("IRI_EXCLUDED", ""), re.VERBOSE | re.DOTALL)
_TOKEN_NO_PAREN_IRI = re.compile(_TOKEN_TEMPLATE.replace("IRI_EXCLUDED", "()"),
                                 re.VERBOSE | re.DOTALL)


class QueryRefused(ValueError):
    """A query the service will not evaluate; status is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class QueryInfo:
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK, or None when the text has none
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)


def unescape(query: str) -> str:
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)
    return _ESCAPE.sub(char, query) if "\\" in query else query


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {col}"


def _readable_text(query: str, token: re.Pattern) -> str:
    """The query with its comments blanked, then its \\u escapes decoded.

    Comments go first: an engine does not decode an escape inside a comment (Oxigraph reads
    `# ... \\u000A ...` as one comment), so decoding first would end the comment early and read
    the rest of its line as query text.
    """
    if "#" in query:
        query = token.sub(lambda m: " " * len(m.group()) if m.lastgroup == "comment" else m.group(),
                          query)
    return unescape(query)


def check(query: str, allowed_graphs: frozenset[str] | set[str]) -> QueryInfo:
    """Raises QueryRefused for updates, SERVICE, and FROM / FROM NAMED outside allowed_graphs."""
    info = _scan(_readable_text(query, _TOKEN), _TOKEN, allowed_graphs)
    if "<" in query:
        _scan(_readable_text(query, _TOKEN_NO_PAREN_IRI), _TOKEN_NO_PAREN_IRI, allowed_graphs)
    return info


def _scan(text: str, token: re.Pattern, allowed_graphs: frozenset[str] | set[str]) -> QueryInfo:
    toks = [(m.lastgroup, m.group(), m.start()) for m in token.finditer(text)
            if m.lastgroup not in ("comment",)]
    info = QueryInfo(form=None)
    prefixes: dict[str, str] = {}
    base = ""
    i = 0
    while i < len(toks):
        kind, value, pos = toks[i]
        if kind != "word":
            i += 1
            continue
        word = value.upper()
        nxt = toks[i + 1] if i + 1 < len(toks) else (None, "", pos)
        if word in UPDATE_WORDS:
            raise QueryRefused(f"this endpoint is read-only: SPARQL Update ({word} at "
                               f"{_where(text, pos)}) is not accepted", 403)
        if word == "SERVICE":
            raise QueryRefused(f"SERVICE (federated query, at {_where(text, pos)}) is not allowed: "
                               "this endpoint never contacts other servers", 403)
        if word == "PREFIX" and nxt[0] == "pname" and i + 2 < len(toks) and toks[i + 2][0] == "iri":
            prefixes[nxt[1].removesuffix(":")] = urljoin(base, toks[i + 2][1][1:-1])
            i += 3
            continue
        if word == "BASE" and nxt[0] == "iri":
            base = urljoin(base, nxt[1][1:-1])
            i += 2
            continue
        if word in FORMS and info.form is None:
            info.form = word
        if word == "FROM":
            named = nxt[0] == "word" and nxt[1].upper() == "NAMED"
            j = i + 2 if named else i + 1
            graph = _graph_iri(toks[j] if j < len(toks) else None, prefixes, base)
            if graph is None or graph not in allowed_graphs:
                shown = graph or (toks[j][1] if j < len(toks) else "")
                raise QueryRefused(f"FROM{' NAMED' if named else ''} {shown} (at {_where(text, pos)}) "
                                   "is not a graph of this dataset; only its own graphs can be "
                                   "used, nothing is fetched (the service description at /sparql lists them)",
                                   403)
            (info.from_named_graphs if named else info.from_graphs).append(graph)
            i = j + 1
            continue
        i += 1
    return info


def _graph_iri(tok, prefixes: dict[str, str], base: str) -> str | None:
    if tok is None:
        return None
    kind, value, _ = tok
    if kind == "iri":
        return urljoin(base, value[1:-1]) if base else value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def where_group_start(query: str) -> int:
    """Offset just inside the opening brace of the query's WHERE group, in unescape(query).

    Used to put a VALUES block first in the group, so a bound variable constrains the whole pattern
    whether or not it is projected.
    """
    text = unescape(query)
    toks = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
    seen_where = False
    for kind, value, pos in toks:
        if kind == "word" and value.upper() == "WHERE":
            seen_where = True
        elif seen_where and kind == "other" and value == "{":
            return pos + 1
    raise ValueError("the query has no WHERE { ... } group")


def query_form(query: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first query-form keyword outside strings and IRIs."""
    for m in _TOKEN.finditer(unescape(query)):
        if m.lastgroup == "word" and m.group().upper() in FORMS:
            return m.group().upper()
    return None


def tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of each token of text (already unescaped): comment, string, iri, var,
    lang, pname, number, word or other (one character)."""
    return [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
