"""SPARQL 1.1 Protocol at /sparql: the three ways to send a query, dataset parameters, result
formats, content negotiation, errors and the service description."""
import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

BASE = "https://w3id.org/hmic-kg"
INSP = f"{BASE}/def/inspection/"
WM2007 = f"{BASE}/graph/report/west-mercia/inspection-2007"
CHESHIRE = f"{BASE}/graph/report/cheshire/inspection-2007"
GRADE_QUERY = (f"PREFIX insp: <{INSP}> SELECT ?grade WHERE {{ "
               f"<{BASE}/data/judgement/inspection-2007/west-mercia/performance-management> "
               "insp:grade ?grade }")
EXCELLENT = f"{BASE}/def/grade-scale/egfp/excellent"
JUDGEMENTS = f"PREFIX insp: <{INSP}> SELECT ?j WHERE {{ ?j a insp:GradedJudgement }}"
SR_JSON = "application/sparql-results+json"


def grades(response):
    return [b["grade"]["value"] for b in response.json()["results"]["bindings"]]


def test_get(client):
    r = client.get("/sparql", params={"query": GRADE_QUERY})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(SR_JSON)
    assert grades(r) == [EXCELLENT]  # the report: "Performance management  Excellent"


def test_post_form(client):
    r = client.post("/sparql", data={"query": GRADE_QUERY})
    assert r.status_code == 200 and grades(r) == [EXCELLENT]


def test_post_direct(client):
    r = client.post("/sparql", content=GRADE_QUERY.encode(),
                    headers={"content-type": "application/sparql-query; charset=utf-8"})
    assert r.status_code == 200 and grades(r) == [EXCELLENT]


def test_post_with_other_content_type_is_415(client):
    r = client.post("/sparql", content=b"{}", headers={"content-type": "application/json"})
    assert r.status_code == 415


@pytest.mark.parametrize("accept, ctype", [
    ("application/sparql-results+json", SR_JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_in_every_results_format(client, accept, ctype):
    r = client.get("/sparql", params={"query": GRADE_QUERY}, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    assert "Accept" in r.headers["vary"]
    if ctype == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        assert [u.text for u in ET.fromstring(r.content).iterfind(".//r:uri", ns)] == [EXCELLENT]
    elif ctype == "text/csv":
        assert list(csv.reader(io.StringIO(r.text))) == [["grade"], [EXCELLENT]]
    elif ctype == "text/tab-separated-values":
        assert r.text.splitlines() == ["?grade", f"<{EXCELLENT}>"]


def test_ask(client):
    r = client.get("/sparql", params={"query": f"ASK {{ ?j <{INSP}grade> <{EXCELLENT}> }}"})
    assert r.json()["boolean"] is True
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "xml"})
    assert b"<boolean>true</boolean>" in r.content


CONSTRUCT = (f"CONSTRUCT {{ ?j <{INSP}grade> ?g }} WHERE {{ ?j <{INSP}grade> ?g ; "
             f"<{INSP}force> <{BASE}/id/force/west-mercia> }}")


@pytest.mark.parametrize("fmt, ctype, rdflib_format", [
    ("turtle", "text/turtle", "turtle"), ("ntriples", "application/n-triples", "nt"),
    ("nquads", "application/n-quads", "nquads"), ("trig", "application/trig", "trig"),
    ("jsonld", "application/ld+json", "json-ld"), ("rdfxml", "application/rdf+xml", "xml"),
])
def test_construct_in_every_graph_format(client, fmt, ctype, rdflib_format):
    by_accept = client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": ctype})
    by_param = client.get("/sparql", params={"query": CONSTRUCT, "format": fmt})
    for r in (by_accept, by_param):
        assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    g = Graph()
    if rdflib_format in ("nquads", "trig"):
        from rdflib import Dataset
        g = Dataset()
    g.parse(data=by_accept.content, format=rdflib_format)
    objects = {str(o) for o in g.objects()}
    assert EXCELLENT in objects


def test_construct_defaults_to_turtle(client):
    for accept in (None, "*/*"):
        headers = {"accept": accept} if accept else {}
        r = client.get("/sparql", params={"query": CONSTRUCT}, headers=headers)
        assert r.headers["content-type"].startswith("text/turtle")


def test_describe(client):
    r = client.get("/sparql", params={"query": f"DESCRIBE <{BASE}/data/judgement/inspection-2007/"
                                                "west-mercia/performance-management>"})
    assert r.status_code == 200 and EXCELLENT in r.text


def test_not_acceptable(client):
    r = client.get("/sparql", params={"query": GRADE_QUERY}, headers={"accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": "text/csv"})
    assert r.status_code == 406


def test_malformed_query_reports_the_parser_position(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "1:" in r.text and "malformed" in r.text


def test_empty_query_is_400(client):
    assert client.get("/sparql", params={"query": "  "}).status_code == 400


def test_union_default_graph(client):
    n = len(client.get("/sparql", params={"query": JUDGEMENTS}).json()["results"]["bindings"])
    assert n > 0
    only_wm = client.get("/sparql", params={"query": JUDGEMENTS, "default-graph-uri": WM2007})
    rows = only_wm.json()["results"]["bindings"]
    assert 0 < len(rows) < n
    assert all("/west-mercia/" in b["j"]["value"] for b in rows)


def test_default_graph_uri_can_be_repeated_and_named_graphs_are_separate(client):
    both = client.get("/sparql", params=[("query", JUDGEMENTS), ("default-graph-uri", WM2007),
                                         ("default-graph-uri", CHESHIRE)]).json()
    forces = {b["j"]["value"].split("/")[-2] for b in both["results"]["bindings"]}
    assert forces == {"west-mercia", "cheshire"}
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": q, "named-graph-uri": CHESHIRE})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [CHESHIRE]
    r = client.post("/sparql", data={"query": q, "named-graph-uri": WM2007})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [WM2007]


def test_from_clause_selects_the_default_graph(client):
    q = f"PREFIX insp: <{INSP}> SELECT ?j FROM <{CHESHIRE}> WHERE {{ ?j a insp:GradedJudgement }}"
    rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    assert rows and all("/cheshire/" in b["j"]["value"] for b in rows)


def test_service_description(client):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    features = {str(o) for o in g.objects(predicate=__import__("rdflib").URIRef(sd + "feature"))}
    assert features == {sd + "UnionDefaultGraph"}  # and no BasicFederatedQuery
    text = r.text
    assert "SPARQL11Query" in text and "SPARQL11Update" not in text
    assert WM2007 in text  # the named graphs are listed
    r = client.get("/sparql", headers={"accept": "application/ld+json"})
    assert isinstance(json.loads(r.text), (list, dict))


def test_browser_without_query_goes_to_the_query_page(client):
    r = client.get("/sparql", headers={"accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/query"


def test_result_cache_answers_repeats(client):
    q = GRADE_QUERY + " # cache probe"
    first = client.get("/sparql", params={"query": q})
    second = client.get("/sparql", params={"query": q})
    assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
    assert first.content == second.content
    other_format = client.get("/sparql", params={"query": q, "format": "csv"})
    assert other_format.headers["x-cache"] == "miss"
