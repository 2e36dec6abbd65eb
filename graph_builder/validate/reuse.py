"""The Core-shape results of a previous build, kept and reused for the nodes no change touched.

A Core shape's result for a focus node depends only on triples within a step of it: the node's
target membership (its rdf:type triples, or a triple of a sh:targetObjectsOf property with the node
as object), its values on the shape's path (triples with the node as subject, or as object for an
inverse path: the shapes have no longer paths, which `checked_locality` asserts), and, for
sh:class, the rdf:type triples of those values (compile.Compiler._ok: no value check reads more of
a value than its types and the term itself). So when the quads of a dataset change, the results
can differ only at

    the subjects of the changed quads, and their objects when the property is one read backwards
    (an inverse path or sh:targetObjectsOf), and
    the nodes with a triple to a node whose rdf:type triples changed (or from it, for a property
    read backwards): its type can fail or satisfy a sh:class on it,

and every other node's results are those of the previous build (`touched`). Those nodes are
checked on a copy of their neighbourhood (`neighbourhood`: every triple a result above depends
on, in the graphs that hold it), in a store of a few thousand quads, not on the whole dataset:
restricting the queries on the whole store with VALUES made Oxigraph no faster. The whole-graph
SPARQL shapes are not local, and are always run whole (sparql_constraints.py).

A result is kept as the index of its compiled shape (the shapes are compiled in a fixed order, and
the build's fingerprint guarantees the same shapes: pipeline/incremental.py), its focus node, the
component, the value and the detail, with terms in N-Triples form.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.util import from_n3

from graph_builder.errors import InternalError
from graph_builder.iris import SH
from graph_builder.validate.compile import Compiler, Shape
from graph_builder.validate.report import Result, sort_key
from graph_builder.validate.run import core_results


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


def inverse_predicates(compiled: list[Shape]) -> set[str]:
    """The properties the shapes read from object to subject (inverse paths, sh:targetObjectsOf)."""
    out = {str(t) for sh in compiled for kind, t in sh.targets if kind == SH.targetObjectsOf}
    out |= {sh.sparql_path[3:-2] for sh in compiled if sh.path is not None and _inverse_of_iri(sh)}
    return out


def touched(store: ox.Store, changed: list[str], inverse: set[str]) -> set[str]:
    """The IRIs whose results may differ (above), from the changed quads (N-Quads files) and
    `store`, the new dataset."""
    out, typed = set(), set()
    rdf_type = str(RDF.type)
    for path in changed:
        for q in ox.parse(path=path, format=ox.RdfFormat.N_QUADS, lenient=True):
            out.add(q.subject.value)
            if q.predicate.value in inverse and isinstance(q.object, ox.NamedNode):
                out.add(q.object.value)
            if q.predicate.value == rdf_type:
                typed.add(q.subject)
    for node in typed:
        out.update(q.subject.value for q in store.quads_for_pattern(None, None, node))
        out.update(q.object.value for q in store.quads_for_pattern(node, None, None)
                   if q.predicate.value in inverse and isinstance(q.object, ox.NamedNode))
    return out


def neighbourhood(store: ox.Store, nodes: set[str], inverse: set[str]) -> ox.Store:
    """A store of what the results at `nodes` depend on: their triples, the triples of inverse
    properties to them, the types of the nodes at the other end, and the class hierarchy (the
    compiler reads sub-classes from the data)."""
    quads, ends = [], set()
    rdf_type = ox.NamedNode(str(RDF.type))
    for iri in nodes:
        n = ox.NamedNode(iri)
        for q in store.quads_for_pattern(n, None, None):
            quads.append(q)
            if isinstance(q.object, ox.NamedNode):
                ends.add(q.object)
        for p in inverse:
            for q in store.quads_for_pattern(None, ox.NamedNode(p), n):
                quads.append(q)
                ends.add(q.subject)
    for e in ends:
        quads.extend(store.quads_for_pattern(e, rdf_type, None))
    quads.extend(store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None))
    sub = ox.Store()
    sub.extend(quads)
    return sub


def revalidate(store: ox.Store, core, previous: list[list], changed: list[str], threads: int = 1,
               nice: int = 0) -> tuple[list[Result], list[Shape]]:
    """The Core-shape results of the whole of `store`, computed only at the nodes the `changed`
    quads touch and taken from the `previous` results elsewhere; and the compiled shapes."""
    compiled = Compiler(store, core).shapes()
    checked_locality(compiled)
    inverse = inverse_predicates(compiled)
    nodes = touched(store, changed, inverse)
    fresh, compiled, comp = core_results(neighbourhood(store, nodes, inverse), core, threads=threads, nice=nice)
    # Nodes at the edge of the copy (the other ends, kept for their types) may seem to fail.
    fresh = [r for r in fresh if str(r.focus) in nodes]
    return merge(load(previous, compiled, comp), fresh, nodes), compiled
