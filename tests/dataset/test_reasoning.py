"""The fast reasoner against owlrl, the reference OWL-RL implementation.

On the corpus graph it must derive every triple owlrl's OWL-RL closure derives about the project's
own terms and instances, apart from the trivia named in TRIVIAL, and nothing owlrl does not."""
import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDFS

from graph_builder.iris import DEFAULT_BASE
from graph_builder.oxrdf import to_ox
from graph_builder.reason import compile_rules, materialise

REFLEXIVE = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}


def trivial(t) -> bool:
    """What owlrl adds that nobody queries: x sameAs x, x a owl:Thing, C subClassOf C, P domain owl:Thing."""
    s, p, o = t
    return p == OWL.sameAs or o == OWL.Thing or (p in REFLEXIVE and s == o)


def split(ds: Dataset):
    asserted, inferred = Graph(), set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        if str(g).endswith("/graph/inferred"):
            inferred.add((s, p, o))
        elif not str(g).endswith("/graph/description"):
            asserted.add((s, p, o))
    return asserted, inferred


@pytest.fixture(scope="module")
def corpus_graphs(built):
    ds = Dataset()
    ds.parse(built / "exports" / "dataset.trig", format="trig")
    return split(ds)


def test_matches_owlrl_on_the_corpus_graph(corpus_graphs):
    asserted, fast = corpus_graphs
    closure = Graph()
    for t in asserted:
        closure.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    derived = set(closure) - set(asserted)
    ours = {t for t in derived if isinstance(t[0], URIRef) and str(t[0]).startswith(DEFAULT_BASE + "/")}
    missing = {t for t in ours if not trivial(t)} - fast
    assert not missing, sorted(missing)[:10]
    assert not (fast - set(closure)), "the fast reasoner derived something owlrl does not"
    # Sanity: the comparison is not vacuous.
    assert len(ours - {t for t in ours if trivial(t)}) > 5000


def _run_both(ttl_tbox: str, ttl_abox: str):
    tbox = Graph().parse(data=ttl_tbox, format="turtle")
    abox = Graph().parse(data=ttl_abox, format="turtle")
    store = ox.Store()
    g = ox.NamedNode("http://example.org/g")
    store.extend(to_ox((s, p, o, g)) for s, p, o in abox)
    inf = ox.NamedNode("http://example.org/inferred")
    materialise(store, compile_rules(tbox), inf)
    fast = {(URIRef(q.subject.value), URIRef(q.predicate.value), URIRef(q.object.value))
            for q in store.quads_for_pattern(None, None, None, inf)}
    closure = tbox + abox
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    expected = {t for t in set(closure) - set(tbox) - set(abox)
                if str(t[0]).startswith("http://example.org/i/") and not trivial(t)}
    return fast, expected


TBOX = """@prefix : <http://example.org/v#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:A rdfs:subClassOf :B . :B rdfs:subClassOf :C .
:p rdfs:subPropertyOf :q . :q owl:inverseOf :qi . :qi rdfs:domain :D .
:t a owl:TransitiveProperty . :t rdfs:subPropertyOf :u .
:s a owl:SymmetricProperty . :r rdfs:range :A ."""


def test_rule_kinds_agree_with_owlrl_on_a_small_graph():
    abox = """@prefix : <http://example.org/v#> . @prefix i: <http://example.org/i/> .
    i:x a :A ; :p i:y ; :t i:y ; :s i:z ; :r i:w . i:y :t i:z . i:z :t i:v ."""
    fast, expected = _run_both(TBOX, abox)
    assert expected  # sub-class chains, sub-property then inverse then domain, transitivity, symmetry, range
    assert fast == expected


def test_transitivity_feeds_super_properties_and_cycles_terminate():
    abox = """@prefix : <http://example.org/v#> . @prefix i: <http://example.org/i/> .
    i:a :t i:b . i:b :t i:c . i:c :t i:a ."""
    fast, expected = _run_both(TBOX, abox)
    u = URIRef("http://example.org/v#u")
    assert (URIRef("http://example.org/i/a"), u, URIRef("http://example.org/i/c")) in fast
    assert fast == expected
