"""JSON-LD written from RDF terms: compacted with the project's context by default, expanded on
request (docs/contracts.md, "JSON-LD").

The context (jsonld_context.py) holds prefixes and plain terms ("grade": "insp:grade"), none with
a type coercion or a container, so that every value keeps its own datatype or language and a term
fits any value. This module imports only pyoxigraph: the service's query workers load it.

The compaction here is the JSON-LD 1.1 Compaction Algorithm for exactly that kind of context and
flattened input (node objects from RDF: IRIs, literals, `@type`; no lists, no embedded nodes), and
it streams: pyld (the maintained JSON-LD processor) took 10 s for the 52,000-quad corpus build and
rdflib 6 s, which is 5 to 10 minutes at 650 reports. tests/dataset/test_exports.py holds it to
pyld's own compaction of the same expanded nodes, and to the quads it came from.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from pyoxigraph import BlankNode, Literal, NamedNode

JSONLD_NS = "http://www.w3.org/ns/json-ld#"
EXPANDED = JSONLD_NS + "expanded"
COMPACTED = JSONLD_NS + "compacted"
CONTEXT_PATH = "/def/context.jsonld"  # where the service publishes it, under the dataset's base

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_GEN_DELIMS = tuple(":/?#[]@")


class CannotCompact(ValueError):
    """An IRI whose scheme is one of the context's prefixes ("insp:x" as a whole IRI): written
    compacted it would read back as another IRI (JSON-LD's "IRI confused with prefix")."""


class Compactor:
    """IRI and value compaction for a context of prefixes and plain terms."""

    def __init__(self, context: dict):
        self.context = context
        self.prefixes = [(k, v) for k, v in context.items()
                         if ":" not in k and v.endswith(_GEN_DELIMS)]
        self.namespaces = tuple(v for _, v in self.prefixes)
        self.schemes = {k for k, _ in self.prefixes}
        self.terms = {self._expand(v): k for k, v in context.items()}
        self._ids: dict[str, str] = {}
        self._vocab: dict[str, str] = {}
        self._refs: dict = {}  # pyoxigraph term -> its compacted value (IRIs only: few, repeated)

    def _expand(self, value: str) -> str:
        prefix, colon, rest = value.partition(":")
        if colon and not rest.startswith("//") and prefix in self.context:
            return self.context[prefix] + rest
        return value

    def iri(self, iri: str, vocab: bool) -> str:
        memo = self._vocab if vocab else self._ids
        out = memo.get(iri)
        if out is None:
            out = memo[iri] = self._compact_iri(iri, vocab)
        return out

    def _compact_iri(self, iri: str, vocab: bool) -> str:
        if iri.startswith("_:"):
            return iri
        if vocab and iri in self.terms:
            return self.terms[iri]
        best = None
        if iri.startswith(self.namespaces):
            for name, ns in self.prefixes:
                if len(iri) > len(ns) and iri.startswith(ns):
                    cand = f"{name}:{iri[len(ns):]}"
                    if cand not in self.context and (best is None or (len(cand), cand) < (len(best), best)):
                        best = cand
        if best is not None:
            return best
        scheme, colon, rest = iri.partition(":")
        if colon and scheme in self.schemes and not rest.startswith("//"):
            raise CannotCompact(f"the IRI <{iri}> begins like the context's prefix {scheme}: and "
                                "cannot be written compacted; ask for expanded JSON-LD")
        return iri

    def value(self, term):
        """The compacted value of an object term: a string for a plain string, else an object."""
        if isinstance(term, Literal):
            if term.language:
                return {"@language": term.language.lower(), "@value": term.value}
            dt = term.datatype.value
            if dt == _XSD_STRING:
                return term.value
            return {"@type": self.iri(dt, True), "@value": term.value}
        out = self._refs.get(term)
        if out is None:
            out = self._refs[term] = {"@id": self.iri(_id(term), False)}
        return out

    def node(self, subject, pairs: list) -> dict:
        node: dict = {"@id": self.iri(_id(subject), False)}
        for p, o in pairs:
            if p == _TYPE and not isinstance(o, Literal):
                key, val = "@type", self.iri(_id(o), True)
            else:
                key, val = self.iri(p.value, True), self.value(o)
            have = node.get(key)
            if have is None:
                node[key] = val
            elif isinstance(have, list):
                have.append(val)
            else:
                node[key] = [have, val]
        return node


_TYPE = NamedNode(_RDF_TYPE)


def _id(term) -> str:
    return "_:" + term.value if isinstance(term, BlankNode) else term.value


def expanded_value(term) -> dict:
    """JSON-LD's RDF to Object conversion of one object term (no native types)."""
    if isinstance(term, Literal):
        if term.language:
            return {"@language": term.language.lower(), "@value": term.value}
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return {"@value": term.value}
        return {"@type": dt, "@value": term.value}
    return {"@id": _id(term)}


def expanded_node(subject, pairs: list) -> dict:
    node: dict = {"@id": _id(subject)}
    for p, o in pairs:
        if p == _TYPE and not isinstance(o, Literal):
            node.setdefault("@type", []).append(_id(o))
        else:
            node.setdefault(p.value, []).append(expanded_value(o))
    return node


def grouped(triples: Iterable) -> Iterator[tuple]:
    """(subject, [(predicate, object), ...]) from triples, in order of first appearance."""
    groups: dict = {}
    for t in triples:
        groups.setdefault(t.subject, []).append((t.predicate, t.object))
    yield from groups.items()


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_nodes(out, groups: Iterable[tuple], context: dict | None, compactor=None) -> None:
    """Node objects into out (a binary stream), one a line: compacted with context, or expanded
    when context is None."""
    if context is not None and compactor is None:
        compactor = Compactor(context)
    make = compactor.node if compactor is not None else expanded_node
    sep = ""
    for subject, pairs in groups:
        out.write((sep + _dump(make(subject, pairs))).encode())
        sep = ",\n"
    if sep:
        out.write(b"\n")


def write_triples(out, triples: Iterable, context: dict | None) -> None:
    """A graph (a query's CONSTRUCT or DESCRIBE answer) as JSON-LD: {"@context", "@graph"} when
    compacted (always an @graph, even of one node), a plain array of node objects when expanded."""
    if context is None:
        out.write(b"[\n")
        write_nodes(out, grouped(triples), None)
        out.write(b"]\n")
        return
    out.write(('{"@context":' + _dump(context) + ',\n"@graph":[\n').encode())
    write_nodes(out, grouped(triples), context)
    out.write(b"]}\n")


def write_dataset(out, store, context: dict | None) -> None:
    """Every named graph of a pyoxigraph store, in IRI order, each a graph object of its nodes in
    @id order, each node's values in N-Triples order (as JSON-LD's flattening orders them): the
    in-memory store's own order depends on its hash tables, and the file must not."""
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    compactor = Compactor(context) if context is not None else None
    out.write(b"[\n" if context is None else ('{"@context":' + _dump(context) + ',\n"@graph":[\n').encode())
    for i, g in enumerate(graphs):
        gid = compactor.iri(g.value, False) if compactor else g.value
        out.write(((",\n" if i else "") + '{"@id":' + json.dumps(gid, ensure_ascii=False)
                   + ',"@graph":[\n').encode())
        write_nodes(out, sorted_nodes(store, g), context, compactor)
        out.write(b"]}")
    out.write(b"\n]\n" if context is None else b"\n]}\n")


def sorted_nodes(store, graph) -> Iterator[tuple]:
    """(subject, sorted pairs) of one graph, subjects in @id order; only the subjects are held, so
    the largest graph (the links) costs no copy of its quads."""
    subjects = sorted({q.subject for q in store.quads_for_pattern(None, None, None, graph)}, key=_id)
    for s in subjects:
        by_p: dict = {}
        for q in store.quads_for_pattern(s, None, None, graph):
            by_p.setdefault(q.predicate, []).append(q.object)
        pairs = []
        for p in sorted(by_p, key=_id):
            objects = by_p[p]
            if len(objects) > 1:  # most properties have one value: no N-Triples form to make
                objects.sort(key=str)
            pairs.extend((p, o) for o in objects)
        yield s, pairs
