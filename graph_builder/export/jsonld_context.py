"""The published JSON-LD context: the exports' prefixes and one term per class and property of
the inspection namespace, made from the ontology (docs/contracts.md, "JSON-LD")."""
from __future__ import annotations

import json

from graph_builder.export.prefixes import prefixes_for
from graph_builder.iris import Minter
from graph_builder.reference.graphs import ontology_graph

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OWL = "http://www.w3.org/2002/07/owl#"
_TERM_TYPES = {_OWL + "Class", _OWL + "ObjectProperty", _OWL + "DatatypeProperty",
               _OWL + "AnnotationProperty", _OWL + "SymmetricProperty", _OWL + "TransitiveProperty",
               "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
               "http://www.w3.org/2000/01/rdf-schema#Class"}


def context_for(base: str) -> dict:
    """The @context object: prefixes first, then the ontology's terms, each group sorted."""
    insp = str(Minter(base).insp)
    prefixes = prefixes_for(insp)
    g = ontology_graph(base)
    terms = set()
    for s, p, o in g:
        if str(p) == _RDF_TYPE and str(o) in _TERM_TYPES and str(s).startswith(insp):
            local = str(s)[len(insp):]
            if local and local.isidentifier() and local not in prefixes:
                terms.add(local)
    return {**dict(sorted(prefixes.items())), **{t: f"insp:{t}" for t in sorted(terms)}}


def context_document(context: dict) -> str:
    return json.dumps({"@context": context}, indent=2, ensure_ascii=False) + "\n"

