"""Converting terms between rdflib and pyoxigraph without a round trip through a serialisation."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term_to_ox(t):
    if isinstance(t, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return t
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None and str(t.datatype) != _XSD_STRING:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    raise TypeError(f"cannot convert {t!r}")


def to_ox(q) -> ox.Quad:
    s, p, o, g = q
    gid = getattr(g, "identifier", g)
    return ox.Quad(term_to_ox(s), term_to_ox(p), term_to_ox(o), term_to_ox(gid) if gid is not None else ox.DefaultGraph())


def term_from_ox(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value, datatype=None if dt == _XSD_STRING else URIRef(dt))
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    raise TypeError(f"cannot convert {t!r}")


def in_order(triples) -> list:
    """rdflib triples sorted by their N-Triples form: an rdflib graph iterates in an order that
    changes with Python's string hashing, from one process to the next, and Oxigraph writes a
    graph's triples in the order they were added, so the graphs built from rdflib (reference data,
    ontology, description) are added in this order to keep every export the same from build to
    build."""
    return sorted(triples, key=lambda t: tuple(x.n3() for x in t))

