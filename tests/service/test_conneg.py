"""Content negotiation: q-values, wildcards, specificity, defaults, the format parameter."""
import pytest

from service.conneg import NotAcceptable, UnknownFormat, choose, negotiate
from service.formats import GRAPH_FORMATS, SOLUTION_FORMATS


def name(accept, offered=SOLUTION_FORMATS):
    return negotiate(accept, offered).name


def test_defaults_when_accept_is_absent_or_any():
    assert name(None) == "json"
    assert name("") == "json"
    assert name("*/*") == "json"
    assert name("*/*", GRAPH_FORMATS) == "turtle"


def test_q_values_choose():
    assert name("application/sparql-results+json;q=0.5, text/csv") == "csv"
    assert name("text/csv;q=0.2, application/sparql-results+xml;q=0.9") == "xml"


def test_most_specific_range_sets_the_quality():
    # text/* would accept CSV at q=1, but the exact range says q=0.1 for it.
    assert name("text/*, text/csv;q=0.1") == "tsv"


def test_wildcards_and_aliases():
    assert name("text/*") == "csv"
    assert name("application/json") == "json"
    assert name("application/json", GRAPH_FORMATS) == "jsonld"
    assert name("application/xml", GRAPH_FORMATS) == "rdfxml"


def test_combined_accept_of_rdflib_style_clients():
    accept = "application/sparql-results+json,text/turtle;q=0.9,application/rdf+xml;q=0.8"
    assert name(accept) == "json"
    assert name(accept, GRAPH_FORMATS) == "turtle"


def test_nothing_acceptable():
    with pytest.raises(NotAcceptable):
        negotiate("image/png", SOLUTION_FORMATS)
    with pytest.raises(NotAcceptable):
        negotiate("text/csv;q=0", SOLUTION_FORMATS)


def test_format_parameter_wins_and_is_checked():
    assert choose("csv", "application/sparql-results+json", SOLUTION_FORMATS).name == "csv"
    assert choose("text/tab-separated-values", None, SOLUTION_FORMATS).name == "tsv"
    with pytest.raises(UnknownFormat):
        choose("turtle", None, SOLUTION_FORMATS)
    with pytest.raises(UnknownFormat):
        choose("yaml", None, SOLUTION_FORMATS)


def test_format_parameter_as_sparqlwrapper_sends_it():
    assert choose("application/ld+json,application/x-json+ld", None, GRAPH_FORMATS).name == "jsonld"
    assert choose("json", None, GRAPH_FORMATS).name == "jsonld"
    assert choose("xml", None, GRAPH_FORMATS).name == "rdfxml"
    assert choose("n3", None, GRAPH_FORMATS).name == "turtle"
    with pytest.raises(NotAcceptable):
        choose("image/png", None, GRAPH_FORMATS)
