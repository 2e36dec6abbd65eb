"""The SPARQL 1.1 Service Description of /sparql. It states only what this service really does:
SPARQL 1.1 Query (no Update), a union default graph, the result formats it writes, and its graphs.
No federation, no URI dereferencing in queries, no entailment beyond simple."""
from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from .dataset import PublishedDataset

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"

RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD",
                  "RDF_XML")
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": DCTERMS}


def description(endpoint: str, ds: PublishedDataset) -> list[Triple]:
    svc = NamedNode(endpoint)
    sd = lambda term: NamedNode(SD + term)
    out = [
        Triple(svc, RDF_TYPE, sd("Service")),
        Triple(svc, sd("endpoint"), svc),
        Triple(svc, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(svc, sd("feature"), sd("UnionDefaultGraph")),
        Triple(svc, sd("defaultEntailmentRegime"),
               NamedNode("http://www.w3.org/ns/entailment/Simple")),
        Triple(svc, NamedNode(DCTERMS + "description"),
               Literal("Read-only SPARQL 1.1 Query endpoint of hmic-kg. Queries run with a "
                       "wall-clock timeout and row and size limits; SERVICE and graphs outside "
                       "this dataset are refused.", language="en")),
    ]
    out += [Triple(svc, sd("resultFormat"), NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    dataset = BlankNode("dataset")
    default = BlankNode("defaultGraph")
    out += [
        Triple(svc, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default),
        Triple(default, RDF_TYPE, sd("Graph")),
        Triple(default, NamedNode(VOID + "triples"), Literal(ds.triples)),
    ]
    for i, graph in enumerate(sorted(ds.graphs)):
        node = BlankNode(f"g{i}")
        out += [Triple(dataset, sd("namedGraph"), node), Triple(node, RDF_TYPE, sd("NamedGraph")),
                Triple(node, sd("name"), NamedNode(graph))]
    return out
