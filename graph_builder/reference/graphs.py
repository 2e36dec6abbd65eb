"""The hand-written graphs: the ontology (the only TBox the reasoner sees) and the reference data
(grade scales, programmes, frameworks, inspectorates, the 43 forces).

The Turtle files in ontology/ name things under the default base. A build with another base
rewrites those IRIs, so that the files stay readable standalone Turtle.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS

from graph_builder.errors import HmicKgError
from graph_builder.iris import DEFAULT_BASE, Minter
from graph_builder.paths import project_dir
from graph_builder.reference.forces import all_forces

SCHEMA = Namespace("https://schema.org/")
ONS_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
WIKIDATA = "http://www.wikidata.org/entity/"
ONTOLOGY_FILE = "inspection.ttl"
REFERENCE_FILES = ("scales-and-programmes.ttl", "frameworks.ttl", "themes.ttl")


def load_turtle(path: Path, base: str) -> Graph:
    """A hand-written Turtle file of the project, with its IRIs moved under base."""
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise HmicKgError(f"{path}: not valid Turtle: {exc}") from exc
    return rebase(g, base)


def rebase(g: Graph, base: str) -> Graph:
    base = base.rstrip("/")
    if base == DEFAULT_BASE:
        return g
    old = DEFAULT_BASE + "/"

    def move(t):
        # Literals too: the shapes declare their SPARQL prefixes, and the ontology its namespace, as literals.
        if isinstance(t, URIRef) and t.startswith(old):
            return URIRef(base + "/" + t[len(old):])
        if isinstance(t, Literal) and str(t).startswith(old):
            return Literal(base + "/" + str(t)[len(old):], lang=t.language, datatype=t.datatype)
        return t
    out = Graph()
    for s, p, o in g:
        out.add((move(s), move(p), move(o)))
    return out


def ontology_graph(base: str = DEFAULT_BASE) -> Graph:
    return load_turtle(project_dir("ontology") / ONTOLOGY_FILE, base)


def reference_graph(base: str = DEFAULT_BASE) -> Graph:
    g = Graph()
    for name in REFERENCE_FILES:
        g += load_turtle(project_dir("ontology") / name, base)
    g += forces_graph(base)
    return g


def forces_graph(base: str = DEFAULT_BASE) -> Graph:
    m = Minter(base)
    insp = m.insp
    g = Graph()
    for f in all_forces():
        s = m.force(f.id)
        g.add((s, RDF.type, insp.PoliceForce))
        g.add((s, RDF.type, SCHEMA.GovernmentOrganization))
        g.add((s, SKOS.prefLabel, Literal(f.name, lang="en")))
        for v in f.variants:
            g.add((s, SKOS.altLabel, Literal(v, lang="en")))
        g.add((s, insp.forceId, Literal(f.id)))
        g.add((s, insp.onsCode, Literal(f.ons_code)))
        # ORG asks for the identifier scheme to be signalled by the literal's datatype.
        g.add((s, ORG.identifier, Literal(f.ons_code, datatype=insp.onsPfaCode)))
        g.add((s, insp.policeForceArea, URIRef(ONS_GEOGRAPHY + f.ons_code)))
        g.add((s, SCHEMA.areaServed, Literal(f.ons_area_name, lang="en")))
        g.add((s, SCHEMA.addressCountry, Literal(f.country)))
        if f.wikidata:
            # schema:sameAs, not owl:sameAs: an OWL-RL reasoner would copy every triple across it.
            g.add((s, SCHEMA.sameAs, URIRef(WIKIDATA + f.wikidata)))
    g.add((insp.onsPfaCode, RDF.type, RDFS.Datatype))
    g.add((insp.onsPfaCode, SKOS.prefLabel, Literal("ONS police force area code", lang="en")))
    return g
