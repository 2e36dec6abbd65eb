"""The ontology as one browsable HTML page (classes, properties, their definitions and alignments).

pyLODE was the library to reach for, but 3.4.1 fails at import (it reads a pyproject.toml it
expects beside its own package), so this renders the few things a reader needs directly.
"""
from __future__ import annotations

from html import escape

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph_builder.export.prefixes import curie

SCHEMA = Namespace("https://schema.org/")


def _terms(g: Graph, kinds) -> list[URIRef]:
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}, key=str)


def ontology_html(g: Graph) -> str:
    onto = next(g.subjects(RDF.type, OWL.Ontology), None)
    title = str(g.value(onto, RDFS.label) or "Ontology")
    sections = []
    for heading, kinds in (("Classes", (OWL.Class,)), ("Object properties", (OWL.ObjectProperty,)),
                           ("Datatype properties", (OWL.DatatypeProperty,))):
        items = []
        for t in _terms(g, kinds):
            rows = [("IRI", f"<code>{escape(str(t))}</code>")]
            for label, pred in (("Sub-class of", RDFS.subClassOf), ("Sub-property of", RDFS.subPropertyOf),
                                ("Inverse of", OWL.inverseOf), ("Domain", SCHEMA.domainIncludes), ("Range", SCHEMA.rangeIncludes)):
                vals = sorted(g.objects(t, pred), key=str)
                if vals:
                    rows.append((label, ", ".join(_link(g, v) for v in vals)))
            frag = escape(curie(t).replace(":", "-"))
            body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
            items.append(f'<section id="{frag}"><h3>{escape(str(g.value(t, RDFS.label) or curie(t)))} '
                         f'<small>{escape(curie(t))}</small></h3><p>{escape(str(g.value(t, SKOS.definition) or ""))}</p>'
                         f"<table>{body}</table></section>")
        toc = " · ".join(f'<a href="#{escape(curie(t).replace(":", "-"))}">{escape(curie(t))}</a>' for t in _terms(g, kinds))
        sections.append(f"<h2>{escape(heading)}</h2><p>{toc}</p>{''.join(items)}")
    desc = escape(str(g.value(onto, URIRef("http://purl.org/dc/terms/description")) or ""))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.4}"
            "th{text-align:left;padding-right:1rem;vertical-align:top}section{border-top:1px solid #ddd}</style>"
            f"</head><body><h1>{escape(title)}</h1><p><code>{escape(str(onto))}</code></p><p>{desc}</p>"
            f"{''.join(sections)}</body></html>\n")


def _link(g: Graph, v) -> str:
    if isinstance(v, URIRef) and (v, RDF.type, None) in g:
        return f'<a href="#{escape(curie(v).replace(":", "-"))}">{escape(curie(v))}</a>'
    return f"<code>{escape(curie(v) if isinstance(v, URIRef) else str(v))}</code>"
