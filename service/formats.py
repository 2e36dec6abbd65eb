"""Result formats: names for the `format` parameter, media types, and pyoxigraph's format objects."""
from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    name: str  # value of the `format` parameter
    media_type: str  # what the response says it is
    aliases: tuple[str, ...] = ()  # other media types a client may ask for
    profile: str | None = None  # the media type's profile parameter (JSON-LD's document forms)


# Order matters: the first entry is the default when the client expresses no preference.
SOLUTION_FORMATS = (
    Format("json", "application/sparql-results+json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", ("text/plain",)),
    Format("nquads", "application/n-quads"),
    Format("trig", "application/trig"),
    Format("jsonld", "application/ld+json", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
)
HTML = Format("html", "text/html", ("application/xhtml+xml",))
# JSON-LD comes compacted with the published context unless expanded is asked for, by the JSON-LD
# profile in Accept or by this name in `format` (conneg.choose); never offered on its own.
JSONLD_EXPANDED = Format("jsonld-expanded", "application/ld+json",
                         profile="http://www.w3.org/ns/json-ld#expanded")

BY_NAME = {f.name: f for f in (*SOLUTION_FORMATS, *GRAPH_FORMATS, HTML, JSONLD_EXPANDED)}

RESULTS_FORMAT = {
    "json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV,
}
RDF_FORMAT = {
    "turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG, "rdfxml": RdfFormat.RDF_XML,
}
JSONLD_FORMATS = {"jsonld", "jsonld-expanded"}  # written by graph_builder.export.jsonld
QUAD_FORMATS = {"nquads", "trig"}


def content_type(fmt: Format) -> str:
    media = fmt.media_type + (f'; profile="{fmt.profile}"' if fmt.profile else "")
    if fmt.media_type.startswith("text/") or fmt.name in ("json", "jsonld", "jsonld-expanded", "xml", "rdfxml"):
        return f"{media}; charset=utf-8"
    return media
