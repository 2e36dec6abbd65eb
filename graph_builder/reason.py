"""OWL-RL entailments, materialised fast.

owlrl is the reference but cannot be the engine: its closure is pure-Python forward chaining over
the whole graph (minutes at 176k triples) and most of what it adds is noise. The ontology, though,
is small and licenses only a few kinds of entailment. So: close the ontology once with owlrl, read
off what it licenses (super-classes, super-properties, inverses, domains, ranges, transitive and
symmetric properties) and apply exactly that to the instance data, property by property, through
one SPARQL update per rule inside the store. tests/dataset/test_reasoning.py checks the result against owlrl's closure.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from graph_builder.iris import Minter
from graph_builder.oxrdf import in_order, to_ox
from graph_builder.reference.graphs import load_turtle, ontology_graph, reference_graph

# Entailments nobody asks for: everything is a Resource/Thing, every class is its own subclass.
TRIVIAL_CLASSES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})


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


def entailed_by(rules: Rules) -> dict[str, set[tuple[str, bool]]]:
    """For each property, every (property, reversed) its triples entail through chains of
    sub-property, inverse and symmetry, so one pass over the data applies whole chains."""
    out = {}
    for p in sorted(rules.property_rules):
        seen: set[tuple[str, bool]] = set()
        stack = [(p, False)]
        while stack:
            q, rev = stack.pop()
            nxt = [(s, rev) for s in rules.superproperties.get(q, ())]
            nxt += [(i, not rev) for i in rules.inverses.get(q, ())]
            nxt += [(q, not rev)] if q in rules.symmetric else []
            for n in nxt:
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        seen.discard((p, False))
        out[p] = seen
    return out


def materialise(store: ox.Store, rules: Rules, into: ox.NamedNode) -> int:
    """Writes into graph `into` every entailment of the store's named graphs that none asserts.

    Each rule is one SPARQL update, so the work stays inside Oxigraph (no Python object per
    triple). Chains of property rules are composed beforehand (entailed_by), so one pass applies
    them; only transitive properties iterate. Types follow from domains, ranges and super-classes,
    whose closure the compiled rules already hold, so one pass each. Every rule skips a triple any
    graph already holds, which keeps the inferred graph to what is new."""
    g = f"<{into.value}>"

    def derive(head: str, pattern: str, source: str = "?src", objects_only: bool = False) -> None:
        guard = " FILTER (!isLiteral(?o))" if objects_only else ""
        store.update(f"INSERT {{ GRAPH {g} {{ {head} }} }} WHERE {{ GRAPH {source} {{ {pattern} }}{guard} "
                     f"FILTER NOT EXISTS {{ GRAPH ?any {{ {head} }} }} }}")

    def count(p: str) -> int:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s <{p}> ?o }} }}"
        return int(next(iter(store.query(q)))["n"].value)

    chains = entailed_by(rules)

    def apply_chains(p: str, source: str = "?src") -> None:
        for q, rev in sorted(chains.get(p, ())):
            derive(f"?o <{q}> ?s ." if rev else f"?s <{q}> ?o .", f"?s <{p}> ?o", source, objects_only=rev)

    for p in sorted(chains):
        apply_chains(p)
    for p in sorted(rules.transitive):
        # One composition step per round (a path cannot cross graphs), until nothing is new; then
        # the new edges get their own chains (an inverse of the transitive property, say).
        before = -1
        while before != (before := count(p)):
            derive(f"?s <{p}> ?o .", f"?s <{p}> ?m . GRAPH ?b {{ ?m <{p}> ?o }}", "?a")
        apply_chains(p, g)
    for p, classes in sorted(rules.domains.items()):
        for c in sorted(classes):
            derive(f"?s a <{c}> .", f"?s <{p}> ?o")
    for p, classes in sorted(rules.ranges.items()):
        for c in sorted(classes):
            derive(f"?o a <{c}> .", f"?s <{p}> ?o", objects_only=True)
    for c, sups in sorted(rules.superclasses.items()):
        for sup in sorted(sups):
            derive(f"?s a <{sup}> .", f"?s a <{c}>")
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"
    return int(next(iter(store.query(q)))["n"].value)


def add_context(store: ox.Store, base: str, extra_reference: tuple[Path, ...] = ()) -> int:
    """Adds the reference data (the shipped files and any a corpus brings), the entailments of
    everything in the store, and the ontology; returns the size of the inferred graph. What a build
    does, and what `validate` does to a file."""
    m = Minter(base)
    store.extend(to_ox((s, p, o, m.graph("reference"))) for s, p, o in in_order(reference_graph(base)))
    for path in extra_reference:
        store.extend(to_ox((s, p, o, m.graph("reference"))) for s, p, o in in_order(load_turtle(path, base)))
    onto = ontology_graph(base)
    rules = compile_rules(onto)
    # The reasoner reads every named graph present, so the ontology goes in after it has run.
    inf_graph = ox.NamedNode(str(m.graph("inferred")))
    n = materialise(store, rules, inf_graph)
    store.extend(to_ox((s, p, o, inf_graph)) for s, p, o in in_order(rules.tbox))
    store.extend(to_ox((s, p, o, m.graph("ontology"))) for s, p, o in in_order(onto))
    return n + len(rules.tbox)
