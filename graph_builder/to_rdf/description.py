"""The dataset description graph: VoID for linked-data clients, DCAT for catalogues.

No timestamps: the same input must give the same graph byte for byte (build.json carries the time).
"""
from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, XSD

from graph_builder.iris import OGL, Minter

from .coverage import coverage_from_rows, coverage_query, coverage_statement

VOID = Namespace("http://rdfs.org/ns/void#")
VOCABULARIES = ("http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#",
                "http://purl.org/linked-data/cube#", "http://www.w3.org/ns/oa#", "http://purl.org/dc/terms/")
DOWNLOADS = (("dataset.trig", "application/trig"), ("dataset.nq", "application/n-quads"),
             ("dataset.jsonld", "application/ld+json"), ("csv/judgements.csv", "text/csv"),
             ("csv/findings.csv", "text/csv"), ("csv/recommendations.csv", "text/csv"),
             ("csv/good_practice.csv", "text/csv"))


def description_graph(store: ox.Store, base: str, reports: list[tuple[str, str]], version: str) -> Graph:
    """The dataset's VoID / DCAT description; reports: (force id, programme) of each source."""
    m = Minter(base)
    g = Graph()
    d = m.u("data", "dataset")
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("hmic-kg: UK police inspection reports as linked data", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "Judgements, national grade distributions, findings, recommendations, good practice and glossary terms "
        "extracted from HM Inspectorate of Constabulary (HMICFRS) reports on the police forces of England and "
        "Wales, each traceable to the report text.", lang="en")))
    g.add((d, DCTERMS.license, OGL))
    g.add((d, DCTERMS.rights, Literal(
        "Contains public sector information licensed under the Open Government Licence v3.0. Crown copyright.",
        lang="en")))
    g.add((d, DCTERMS.hasVersion, Literal(version)))
    g.add((d, VOID.uriSpace, Literal(base + "/")))
    g.add((d, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    g.add((d, FOAF.homepage, URIRef(base + "/")))
    g.add((d, VOID.rootResource, m.u("id", "force", "west-mercia")))
    for v in VOCABULARIES + (str(m.insp),):
        g.add((d, VOID.vocabulary, URIRef(v)))
    g.add((d, PROV.wasGeneratedBy, m.u("id", "run", "build", version)))
    g.add((m.u("id", "run", "build", version), RDF.type, PROV.Activity))
    g.add((m.u("id", "run", "build", version), PROV.wasAssociatedWith, URIRef("https://pypi.org/project/hmic-kg/")))

    # Counted by the store: a Python pass over every quad took 3.5 s at 60 reports.
    total = len(store)
    graphs = Counter({r["g"].value: int(r["n"].value) for r in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")})
    classes = Counter({r["c"].value: int(r["n"].value) for r in store.query(
        f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{RDF.type}> ?c }} FILTER(isIRI(?c)) }} GROUP BY ?c")})
    g.add((d, VOID.triples, Literal(total, datatype=XSD.integer)))
    for gname, n in sorted(graphs.items()):
        sub = URIRef(gname)
        g.add((d, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, VOID.triples, Literal(n, datatype=XSD.integer)))
    for cls, n in sorted(classes.items()):
        if not cls.startswith(str(m.insp)):
            continue
        part = m.u("data", "dataset", "class", cls[len(str(m.insp)):])
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for force_id, programme in reports:
        g.add((d, DCTERMS.source, m.report(force_id, programme)))
    _add_coverage(g, d, store, base)
    for name, media in DOWNLOADS:
        dist = m.u("data", "dataset", "distribution", name.replace("/", "-").replace(".", "-"))
        g.add((d, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, URIRef(f"{base}/downloads/{name}")))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCTERMS.license, OGL))
        if media != "text/csv":
            g.add((d, VOID.dataDump, URIRef(f"{base}/downloads/{name}")))
    return g


def _add_coverage(g: Graph, d: URIRef, store: ox.Store, base: str) -> None:
    """What the dataset holds, in words (dcterms:coverage) and as a period (dcterms:temporal), from
    the same query and sentence the service's home page shows."""
    rows = [{k: (sol[k].value if sol[k] is not None else None) for k in
             ("report", "force", "forceLabel", "programme", "programmeLabel", "year", "synthetic")}
            for sol in store.query(coverage_query(base), use_default_graph_as_union=True)]
    cov = coverage_from_rows(rows)
    g.add((d, DCTERMS.coverage, Literal(coverage_statement(cov), lang="en")))
    if cov.years:
        period = URIRef(f"{base}/data/dataset/period")
        g.add((d, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(str(cov.years[0]), datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(str(cov.years[-1]), datatype=XSD.gYear)))
    for force in cov.forces:
        g.add((d, DCTERMS.spatial, URIRef(force)))
