"""JSON-LD from the service: compacted with the published context by default, expanded when the
JSON-LD profile or format=jsonld-expanded asks; the context is served and never fetched."""
import json

import pytest
from pyld import jsonld

from service.conneg import choose, wants_expanded
from service.formats import GRAPH_FORMATS

from .conftest import BASE

INSP = f"{BASE}/def/inspection/"
JUDGEMENT = "/data/judgement/inspection-2007/west-mercia/performance-management"
EXCELLENT = f"{BASE}/def/grade-scale/egfp/excellent"
EXPANDED = "http://www.w3.org/ns/json-ld#expanded"
LD = "application/ld+json"
CONSTRUCT = (f"CONSTRUCT {{ ?j <{INSP}grade> ?g ; a ?t }} WHERE {{ ?j <{INSP}grade> ?g ; a ?t ; "
             f"<{INSP}force> <{BASE}/id/force/west-mercia> }}")


def refuse(url, options=None):
    raise AssertionError(f"a JSON-LD processor tried to load {url}")


@pytest.fixture(scope="module")
def context(built_dir):
    return json.loads((built_dir / "exports" / "context.jsonld").read_text(encoding="utf-8"))["@context"]


def _canon(nodes):
    return sorted(json.dumps(n, sort_keys=True) for n in nodes)


def test_construct_is_compacted_by_default_and_expanded_on_request(client, context):
    compacted = client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": LD})
    assert compacted.status_code == 200
    assert compacted.headers["content-type"].startswith(LD) and "profile" not in compacted.headers["content-type"]
    doc = compacted.json()
    assert doc["@context"] == context  # inline: no processor needs to fetch it
    pm = next(n for n in doc["@graph"] if n["@id"] == BASE + JUDGEMENT)
    # West Mercia 2007, Performance Management: "Excellent" (the report's summary of grades).
    assert pm["grade"] == {"@id": EXCELLENT} and "GradedJudgement" in pm["@type"]
    for ask in ({"headers": {"accept": f'{LD};profile="{EXPANDED}"'}},
                {"headers": {"accept": f"{LD}; profile={EXPANDED}, text/turtle;q=0.5"}},
                {"params": {"format": "jsonld-expanded"}}):
        r = client.get("/sparql", params={"query": CONSTRUCT, **ask.get("params", {})},
                       headers=ask.get("headers", {}))
        assert r.status_code == 200, ask
        assert r.headers["content-type"].startswith(f'{LD}; profile="{EXPANDED}"'), ask
        expanded = r.json()
        assert isinstance(expanded, list) and {"@id": EXCELLENT} in next(
            n for n in expanded if n["@id"] == BASE + JUDGEMENT)[INSP + "grade"]
        # The two forms are the same graph: pyld expands ours, with every URL load refused.
        assert _canon(jsonld.expand(doc, {"documentLoader": refuse})) == _canon(expanded)


def test_compacted_profile_and_other_json_ld_ranges_stay_compacted(client):
    for accept in (f'{LD};profile="http://www.w3.org/ns/json-ld#compacted"',
                   f'{LD};profile="{EXPANDED}";q=0, {LD}', "application/json"):
        r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"accept": accept})
        assert isinstance(r.json(), dict) and "@context" in r.json(), accept


def test_resource_and_void_in_json_ld(client, context):
    doc = client.get(JUDGEMENT, headers={"accept": LD}).json()
    node = next(n for n in doc["@graph"] if n["@id"] == BASE + JUDGEMENT)
    assert node["grade"] == {"@id": EXCELLENT}
    assert node["force"] == {"@id": f"{BASE}/id/force/west-mercia"}
    expanded = client.get(JUDGEMENT, params={"format": "jsonld-expanded"}).json()
    assert any(n["@id"] == BASE + JUDGEMENT for n in expanded)
    void = client.get("/.well-known/void", headers={"accept": LD}).json()
    assert void["@context"] == context and void["@graph"]
    sd = client.get("/sparql", headers={"accept": LD}).json()
    assert sd["@context"] == context and sd["@graph"]
    assert isinstance(client.get("/sparql", params={"format": "jsonld-expanded"}).json(), list)


def test_the_context_is_published_at_a_stable_url(client, context):
    r = client.get("/def/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith(LD)
    assert r.json() == {"@context": context}


def test_an_iri_that_cannot_be_compacted_is_a_400_naming_expanded(client):
    q = "CONSTRUCT { <insp:x> <http://www.w3.org/2000/01/rdf-schema#label> 'x' } WHERE {}"
    r = client.get("/sparql", params={"query": q}, headers={"accept": LD})
    assert r.status_code == 400 and "expanded" in r.text
    r = client.get("/sparql", params={"query": q, "format": "jsonld-expanded"})
    assert r.status_code == 200 and r.json()[0]["@id"] == "insp:x"


@pytest.mark.parametrize("accept, expanded", [
    (f'{LD};profile="{EXPANDED}"', True),
    (f'{LD};profile="http://www.w3.org/ns/json-ld#flattened {EXPANDED}"', True),
    (f"{LD};PROFILE={EXPANDED}", True),
    (f'{LD};profile="{EXPANDED}";q=0', False),
    (f'application/json;profile="{EXPANDED}"', False),
    (LD, False), (None, False), ("", False),
])
def test_wants_expanded(accept, expanded):
    assert wants_expanded(accept) is expanded


def test_choose_gives_expanded_only_for_json_ld():
    assert choose(None, f'{LD};profile="{EXPANDED}"', GRAPH_FORMATS).name == "jsonld-expanded"
    assert choose("jsonld-expanded", None, GRAPH_FORMATS).name == "jsonld-expanded"
    assert choose(f'{LD};profile="{EXPANDED}"', None, GRAPH_FORMATS).name == "jsonld-expanded"
    assert choose("jsonld", f'{LD};profile="{EXPANDED}"', GRAPH_FORMATS).name == "jsonld"
    assert choose(None, f'text/turtle, {LD};profile="{EXPANDED}";q=0.5', GRAPH_FORMATS).name == "turtle"
