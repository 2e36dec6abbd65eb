"""Linked data pages, RDF by content negotiation, VoID, downloads, CORS, health, query page."""
import html
import json
import os
import re

import pytest
from rdflib import Graph, URIRef

from .conftest import BASE, HOSTILE, XSS

JUDGEMENT = "/data/judgement/inspection-2007/west-mercia/performance-management"
EXCELLENT = f"{BASE}/def/grade-scale/egfp/excellent"
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page(client, path):
    r = client.get(path, headers={"accept": HTML_ACCEPT})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def test_judgement_page_links_locally_and_quotes_the_source(client):
    text = page(client, JUDGEMENT)
    # Links to things of the dataset are local paths, not w3id.org URLs.
    assert 'href="/def/grade-scale/egfp/excellent"' in text
    assert 'href="/id/force/west-mercia"' in text
    assert 'href="https://w3id.org' not in text
    # The span quotes the report's section on performance management.
    quote = re.search(r'<blockquote class="source">(.*?)</blockquote>', text, re.DOTALL)
    assert quote and "Performance Management" in html.unescape(quote.group(1))


def test_finding_page_quotes_its_text(client):
    q = (f"SELECT ?f ?t WHERE {{ ?f a <{BASE}/def/inspection/Strength> ; "
         f"<{BASE}/def/inspection/text> ?t ; <{BASE}/def/inspection/force> "
         f"<{BASE}/id/force/west-mercia> }} ORDER BY ?f LIMIT 1")
    row = client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]
    text = page(client, row["f"]["value"][len(BASE):])
    quotes = [html.unescape(q) for q in re.findall(r'<blockquote class="source">(.*?)</blockquote>',
                                                   text, re.DOTALL)]
    words = row["t"]["value"].split()[:6]
    assert any(" ".join(words) in " ".join(q.split()) for q in quotes)


def test_labels_replace_raw_iris_where_a_label_exists(client):
    text = page(client, JUDGEMENT)
    labels = client.get("/sparql", params={"query": f"SELECT ?l WHERE {{ <{EXCELLENT}> "
                        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"}).json()
    expected = [b["l"]["value"] for b in labels["results"]["bindings"]] or ["excellent"]
    link = re.search(r'<a href="/def/grade-scale/egfp/excellent"[^>]*>(.*?)</a>', text)
    assert html.unescape(link.group(1)) in expected


@pytest.mark.parametrize("accept, ctype, fmt", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
])
def test_rdf_by_content_negotiation(client, accept, ctype, fmt):
    r = client.get(JUDGEMENT, headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    assert "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.content, format=fmt)
    subject = URIRef(BASE + JUDGEMENT)
    assert (subject, URIRef(f"{BASE}/def/inspection/grade"), URIRef(EXCELLENT)) in g
    # The source span and its quote travel with the statement.
    assert any(str(p) == "http://www.w3.org/ns/oa#exact" for p in g.predicates())


def test_format_parameter_on_resources(client):
    r = client.get(JUDGEMENT, params={"format": "ntriples"})
    assert r.headers["content-type"].startswith("application/n-triples")


@pytest.mark.parametrize("path", ["/id/force/atlantis", "/data/judgement/nope",
                                  "/def/inspection/NoSuchTerm", "/graph/report/x/y"])
def test_unknown_uris_are_404(client, path):
    assert client.get(path, headers={"accept": HTML_ACCEPT}).status_code == 404
    assert client.get(path, headers={"accept": "text/turtle"}).status_code == 404


def test_graph_iri_page_lists_its_resources_and_serves_its_content(client):
    path = "/graph/report/west-mercia/inspection-2007"
    text = page(client, path)
    assert f'href="{JUDGEMENT}"' in text
    r = client.get(path, headers={"accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    assert (URIRef(BASE + JUDGEMENT), URIRef(f"{BASE}/def/inspection/grade"),
            URIRef(EXCELLENT)) in g


def test_hostile_data_is_escaped(client):
    text = page(client, HOSTILE[len(BASE):])
    assert "<script>alert" not in text and "<img src=x" not in text
    assert XSS in html.unescape(text)  # shown, as text
    assert 'href="javascript:' not in text
    assert "<title>&lt;script&gt;" in text  # the label is the title, escaped
    assert "default-src 'self'" in client.get(HOSTILE[len(BASE):],
                                             headers={"accept": HTML_ACCEPT}).headers[
        "content-security-policy"]


def test_void(client):
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.content, format="turtle")
    assert any(str(o) == "http://rdfs.org/ns/void#Dataset" for o in g.objects())
    r = client.get("/.well-known/void", headers={"accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    json.loads(r.content)


def test_downloads_list_and_serve(client, built_dir):
    listed = client.get("/downloads/", headers={"accept": "application/json"}).json()
    paths = {f["path"] for f in listed}
    assert "dataset.nq" in paths
    r = client.get("/downloads/dataset.nq")
    assert r.status_code == 200 and r.content == (built_dir / "exports" / "dataset.nq").read_bytes()
    assert "dataset.nq" in page(client, "/downloads/")


@pytest.mark.parametrize("path", [
    "/downloads/../build.json", "/downloads/%2e%2e/build.json", "/downloads/..%2fbuild.json",
    "/downloads/graphs/../../build.json", "/downloads/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/downloads//etc/passwd", "/downloads/outside-link", "/downloads/.hidden",
])
def test_downloads_cannot_escape_the_exports(client, built_dir, path):
    exports = built_dir / "exports"
    if not (exports / "outside-link").exists():
        os.symlink(built_dir / "build.json", exports / "outside-link")
        (exports / ".hidden").write_text("secret")
    r = client.get(path)
    assert r.status_code == 404
    assert b'"base"' not in r.content and b"root:" not in r.content


def test_cors_for_read_only_use(client):
    r = client.options("/sparql", headers={"origin": "https://example.org",
                                           "access-control-request-method": "POST",
                                           "access-control-request-headers": "content-type"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    assert "DELETE" not in r.headers["access-control-allow-methods"]
    r = client.options("/sparql", headers={"origin": "https://example.org",
                                           "access-control-request-method": "DELETE"})
    assert r.status_code == 400
    r = client.get("/health", headers={"origin": "https://example.org", "cookie": "a=b"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers


def test_health(client):
    h = client.get("/health").json()
    assert h["status"] == "ok"
    assert h["triples"] > 1000 and h["graphs"] >= 5
    assert h["built_at"]
    assert h["workers"]["alive"] == h["workers"]["configured"]


def test_query_page_serves_yasgui_locally_with_the_catalogue(client):
    text = page(client, "/query")
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in text
    assert "https://" not in "".join(re.findall(r'<(?:script|link)[^>]*>', text))
    config = json.loads(re.search(r'<script id="query-config" type="application/json">(.*?)</script>',
                                  text, re.DOTALL).group(1))
    assert {e["name"] for e in config["examples"]} >= {"force-judgements", "glossary"}
    assert 'href="/query"' in page(client, "/")  # the home page leads to it
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert client.get("/assets/query.js").status_code == 200


def test_query_page_escapes_the_query_from_the_url(client):
    evil = '</script><script>alert(1)</script>'
    text = client.get("/query", params={"query": evil, "run": "1"}).text
    assert evil not in text
    config = json.loads(re.search(r'<script id="query-config" type="application/json">(.*?)</script>',
                                  text, re.DOTALL).group(1))
    assert config["query"] == evil and config["run"] is True


def test_openapi_page_is_served_from_this_origin_not_a_cdn(client):
    r = client.get("/docs")
    assert r.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in r.text
    assert "cdn." not in r.text and "unpkg" not in r.text
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/redoc").status_code == 404
    assert "/queries/{name}" in client.get("/openapi.json").json()["paths"]
