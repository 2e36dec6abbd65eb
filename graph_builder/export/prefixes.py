"""Prefixes the exports and the documentation abbreviate IRIs with."""
from __future__ import annotations

PREFIXES = {
    "insp": "https://w3id.org/hmic-kg/def/inspection/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#", "qb": "http://purl.org/linked-data/cube#",
    "oa": "http://www.w3.org/ns/oa#", "dcterms": "http://purl.org/dc/terms/", "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#", "schema": "https://schema.org/",
}


def prefixes_for(insp_namespace: str) -> dict[str, str]:
    return {**PREFIXES, "insp": insp_namespace}


def curie(iri, prefixes: dict[str, str] = PREFIXES) -> str:
    s = str(iri)
    for k, ns in prefixes.items():
        if s.startswith(ns) and "/" not in s[len(ns):]:
            return f"{k}:{s[len(ns):]}"
    return s
