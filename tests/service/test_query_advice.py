"""The timeout message's advice (service/query_advice.py) names the shape Oxigraph plans badly."""
from service.query_advice import advice

P = "PREFIX insp: <https://w3id.org/hmic-kg/def/inspection/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


def test_a_pattern_after_an_optional_is_quoted_with_where_to_put_it():
    text = advice(P + "SELECT * WHERE { ?j a insp:GradedJudgement OPTIONAL { ?j insp:area ?a } ?a skos:prefLabel ?l }")
    assert text.startswith("likely cause: required triple patterns come after an OPTIONAL")
    assert "`?a skos:prefLabel ?l`" in text


def test_group_by_over_optional():
    text = advice(P + "SELECT ?f (COUNT(?j) AS ?n) WHERE { ?f a insp:PoliceForce OPTIONAL { ?j insp:force ?f } } GROUP BY ?f")
    assert "GROUP BY over an OPTIONAL" in text and "sub-select" in text


def test_path_closure_from_every_subject():
    assert "skos:broaderTransitive" in advice(P + "SELECT * WHERE { ?s insp:theme/skos:broader* ?top }")


def test_text_filter_and_limit_under_order_by():
    text = advice(P + "SELECT * WHERE { ?s insp:text ?t FILTER(CONTAINS(?t, 'x')) } ORDER BY ?t LIMIT 5")
    assert "text FILTER" in text and "LIMIT does not shorten" in text


def test_nothing_recognised_gives_the_general_advice():
    assert advice("SELECT * WHERE { ?s ?p ?o }").startswith("narrow it")
    assert advice(None).startswith("narrow it")
