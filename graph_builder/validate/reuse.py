"""The Core-shape results of a previous build, kept and reused for the nodes no change touched.

A Core shape's result for a focus node depends only on triples within a step of it: the node's
target membership (its rdf:type triples, or the triples that make it a subject or object of a
target property), its values on the shape's path (triples with the node as subject, or as object
for an inverse path: the shapes have no longer paths, which `checked_locality` asserts), and, for
sh:class, the types of those values. So when the quads of a dataset change, the results can differ
only at

    the subjects and objects of the changed quads, and
    the nodes linked either way to a node whose rdf:type triples changed (its type can fail or
    satisfy the sh:class of a shape on them),

and every other node's results are those of the previous build (`touched`). The whole-graph SPARQL
shapes are not local, and are always run whole (sparql_constraints.py).

A result is kept as the index of its compiled shape (the shapes are compiled in a fixed order, and
the build's fingerprint guarantees the same shapes: pipeline/incremental.py), its focus node, the
component, the value and the detail, with terms in N-Triples form.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import RDF
from rdflib.util import from_n3

from graph_builder.errors import InternalError
from graph_builder.validate.compile import Compiler, Shape
from graph_builder.validate.report import Result, sort_key


def dump(results: list[Result], compiled: list[Shape]) -> list[list]:
    index = {id(sh): i for i, sh in enumerate(compiled)}
    return [[index[id(r.spec)], r.focus.n3(), r.component, r.value.n3() if r.value is not None else None, r.detail]
            for r in results]


def load(records: list[list], compiled: list[Shape], comp: Compiler) -> list[Result]:
    out = []
    for i, focus, component, value, detail in records:
        sh = compiled[i]
        f = from_n3(focus)
        v = from_n3(value) if value is not None else None
        out.append(Result(shape=comp.key(sh.node) if isinstance(sh.node, BNode) else str(sh.node),
                          focus_key=sort_key(f), component=component, value_key=sort_key(v) if v is not None else "",
                          focus=f, value=v, detail=detail, spec=sh))
    return out


def merge(previous: list[Result], fresh: list[Result], touched: set[str]) -> list[Result]:
    """The previous results of the nodes not touched, and the fresh results (of touched nodes)."""
    return sorted([r for r in previous if str(r.focus) not in touched] + fresh)


def checked_locality(compiled: list[Shape]) -> None:
    """The argument above holds only for paths of one step (an IRI or its inverse)."""
    for sh in compiled:
        if sh.path is not None and not isinstance(sh.path, URIRef) and not _inverse_of_iri(sh):
            raise InternalError(f"shape {sh.node}: a path of more than one step ({sh.sparql_path}); "
                                "validate/reuse.py must widen the nodes it revalidates before reusing results")


def _inverse_of_iri(sh: Shape) -> bool:
    return re.fullmatch(r"\(\^<[^<>]*>\)", sh.sparql_path) is not None


def touched(store: ox.Store, changed: list[str]) -> set[str]:
    """The IRIs whose results may differ (above), from the changed quads (N-Quads files) and
    `store`, the new dataset."""
    out, typed = set(), set()
    rdf_type = str(RDF.type)
    for path in changed:
        for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS, lenient=True):
            out.add(q.subject.value)
            if isinstance(q.object, ox.NamedNode):
                out.add(q.object.value)
            if q.predicate.value == rdf_type:
                typed.add(q.subject)
    for node in typed:
        out.update(q.subject.value for q in store.quads_for_pattern(None, None, node))
        out.update(q.object.value for q in store.quads_for_pattern(node, None, None) if isinstance(q.object, ox.NamedNode))
    return out
