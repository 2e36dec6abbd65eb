"""OWL-RL entailments, materialised fast.

owlrl is the reference but cannot be the engine: its closure is pure-Python forward chaining over
the whole graph (minutes at 176k triples) and most of what it adds is noise. The ontology, though,
is small and licenses only a few kinds of entailment. So: close the ontology once with owlrl, read
off what it licenses (super-classes, super-properties, inverses, domains, ranges, transitive and
symmetric properties) and apply exactly that to the instance data, property by property, through
the store's indexes. tests/dataset/test_reasoning.py checks the result against owlrl's closure.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

# Entailments nobody asks for: everything is a Resource/Thing, every class is its own subclass.
TRIVIAL_CLASSES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})
TYPE = ox.NamedNode(str(RDF.type))


@dataclass
class Rules:
    superclasses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    superproperties: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    transitive: set[str] = field(default_factory=set)
    symmetric: set[str] = field(default_factory=set)
    tbox: list[tuple] = field(default_factory=list)  # entailed ontology triples, rdflib terms

    @property
    def property_rules(self) -> set[str]:
        return set(self.superproperties) | set(self.inverses) | self.transitive | self.symmetric


def close_tbox(ontology: Graph) -> Graph:
    closed = Graph()
    for t in ontology:
        closed.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False,
                           datatype_axioms=False).expand(closed)
    return closed


def compile_rules(ontology: Graph) -> Rules:
    closed = close_tbox(ontology)
    r = Rules()

    def named(*terms) -> bool:
        return all(isinstance(t, URIRef) for t in terms)
    for c, sup in closed.subject_objects(RDFS.subClassOf):
        if named(c, sup) and c != sup and sup not in TRIVIAL_CLASSES:
            r.superclasses[str(c)].add(str(sup))
    for c, eq in closed.subject_objects(OWL.equivalentClass):
        if named(c, eq) and c != eq:
            r.superclasses[str(c)].add(str(eq))
    for p, sup in closed.subject_objects(RDFS.subPropertyOf):
        if named(p, sup) and p != sup:
            r.superproperties[str(p)].add(str(sup))
    for p, eq in closed.subject_objects(OWL.equivalentProperty):
        if named(p, eq) and p != eq:
            r.superproperties[str(p)].add(str(eq))
    for p, q in closed.subject_objects(OWL.inverseOf):
        if named(p, q):
            r.inverses[str(p)].add(str(q))
            r.inverses[str(q)].add(str(p))
    for p, c in closed.subject_objects(RDFS.domain):
        if named(p, c) and c not in TRIVIAL_CLASSES:
            r.domains[str(p)].add(str(c))
    for p, c in closed.subject_objects(RDFS.range):
        if named(p, c) and c not in TRIVIAL_CLASSES:
            r.ranges[str(p)].add(str(c))
    r.transitive = {str(p) for p in closed.subjects(RDF.type, OWL.TransitiveProperty) if named(p)}
    r.symmetric = {str(p) for p in closed.subjects(RDF.type, OWL.SymmetricProperty) if named(p)}
    r.tbox = [t for t in closed if t not in ontology and _useful_tbox(t)]
    return r


def _useful_tbox(t) -> bool:
    s, p, o = t
    if isinstance(s, (Literal, BNode)) or isinstance(o, BNode) or p == OWL.sameAs:
        return False
    if s == o and p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty):
        return False
    return o not in TRIVIAL_CLASSES and p in (
        RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf)


def infer(store: ox.Store, rules: Rules, graphs: list[ox.NamedNode]) -> set[ox.Triple]:
    """Entailed triples of the union of `graphs` that none of them asserts."""
    asserted_in = set(graphs)

    def quads(s=None, p=None, o=None):
        for q in store.quads_for_pattern(s, p, o, None):
            if q.graph_name in asserted_in:
                yield q

    derived: set[tuple] = set()
    by_pred: dict[str, set[tuple]] = defaultdict(set)

    def emit(s, p: str, o) -> bool:
        if isinstance(s, ox.Literal):
            return False
        t = (s, p, o)
        if t in derived:
            return False
        derived.add(t)
        by_pred[p].add((s, o))
        return True

    # Property rules to a fixpoint: sub-property, inverse and symmetry per triple; transitivity per property.
    work = []
    for p in rules.property_rules:
        work.extend((q.subject, p, q.object) for q in quads(p=ox.NamedNode(p)))
    changed = True
    while changed:
        while work:
            s, p, o = work.pop()
            out = [(s, q, o) for q in rules.superproperties.get(p, ())]
            if not isinstance(o, ox.Literal):
                out += [(o, q, s) for q in rules.inverses.get(p, ())]
                if p in rules.symmetric:
                    out.append((o, p, s))
            for t in out:
                if emit(*t):
                    work.append(t)
        changed = False
        for p in rules.transitive:
            edges = defaultdict(set)
            for q in quads(p=ox.NamedNode(p)):
                edges[q.subject].add(q.object)
            for s, o in by_pred.get(p, ()):
                edges[s].add(o)
            for s in list(edges):
                seen, stack = set(), list(edges[s])
                while stack:
                    x = stack.pop()
                    if x in seen:
                        continue
                    seen.add(x)
                    stack.extend(edges.get(x, ()))
                for o in seen - edges[s]:
                    if emit(s, p, o):
                        work.append((s, p, o))
                        changed = True

    # Typing: domains and ranges of every asserted or derived triple, then super-classes of every type.
    for p in set(rules.domains) | set(rules.ranges):
        pairs = {(q.subject, q.object) for q in quads(p=ox.NamedNode(p))} | by_pred.get(p, set())
        for s, o in pairs:
            for c in rules.domains.get(p, ()):
                emit(s, str(RDF.type), ox.NamedNode(c))
            if not isinstance(o, ox.Literal):
                for c in rules.ranges.get(p, ()):
                    emit(o, str(RDF.type), ox.NamedNode(c))
    typed = defaultdict(set)
    for c in rules.superclasses:
        for q in quads(p=TYPE, o=ox.NamedNode(c)):
            typed[q.subject].add(c)
    for s, o in list(by_pred.get(str(RDF.type), ())):
        typed[s].add(o.value)
    for s, classes in typed.items():
        for c in classes:
            for sup in rules.superclasses.get(c, ()):
                emit(s, str(RDF.type), ox.NamedNode(sup))

    out = set()
    for s, p, o in derived:
        pn = ox.NamedNode(p)
        if next(quads(s, pn, o), None) is None:
            out.add(ox.Triple(s, pn, o))
    return out
