"""N-Triples lines written from rdflib terms as plain strings: how every stage hands triples on
(worker to build, links child to build, cache entries) without building an rdflib graph.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Literal, URIRef

from graph_builder.errors import HmicKgError

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Characters N-Triples forbids in an IRI: a minted IRI holding one is a bug, not data to escape.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@lru_cache(maxsize=8192)
def _nt_iri(t: URIRef) -> str:
    # Cached: predicates, classes, forces and grades recur in every triple of every report.
    if _BAD_IRI.search(t):
        raise HmicKgError(f"cannot write the IRI {str(t)!r}: it holds a character IRIs may not contain")
    return f"<{t}>"


def nt_term(t) -> str:
    """The N-Triples form of an rdflib IRI or literal."""
    if isinstance(t, URIRef):
        return _nt_iri(t)
    if isinstance(t, Literal):
        # str.replace, not str.translate: translate maps character by character in Python
        # terms, 20x slower on a report's 100 kB text.
        v = str(t).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if t.language:
            return f'"{v}"@{t.language}'
        if t.datatype is not None and str(t.datatype) != _XSD_STRING:
            return f'"{v}"^^<{t.datatype}>'
        return f'"{v}"'
    raise HmicKgError(f"cannot write {t!r} as N-Triples (blank nodes are not minted)")


def nt_line(s, p, o) -> str:
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"
