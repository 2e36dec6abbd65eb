"""Curation proposals: the one write path, off by default, authenticated, bounded, and never
applied to the served graph (docs/security.md)."""
import csv
import dataclasses

import pytest
from fastapi.testclient import TestClient

from graph_builder.links.curation import read_curation

from .conftest import BASE

TOKEN = "s3cret-token-for-tests-0123456789"
A = f"{BASE}/id/finding/cheshire/inspection-2007/protecting-vulnerable-people-domestic-violence/area-for-improvement/2"
B = f"{BASE}/id/finding/west-mercia/inspection-2007/protecting-vulnerable-people-child-abuse/area-for-improvement/7"
GOOD = {"source": A, "target": B, "judgement": "different-issue", "who": "A Researcher",
        "why": "DV in BCU control strategies vs child abuse in the force control strategy"}


@pytest.fixture
def proposing(settings, tmp_path):
    from service.app import create_app
    path = tmp_path / "proposals.csv"
    s = dataclasses.replace(settings, proposals_file=path, proposals_token=TOKEN,
                            proposals_per_hour=3, proposals_max_bytes=4096, warm=False)
    with TestClient(create_app(s)) as c:
        yield c, path


def _auth(token=TOKEN):
    return {"authorization": f"Bearer {token}"}


def test_off_by_default(client):
    r = client.post("/curation/proposals", json=GOOD, headers=_auth())
    assert r.status_code == 404


def test_a_proposal_is_written_for_review_and_not_applied(proposing):
    c, path = proposing
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = c.get("/sparql", params={"query": count}).json()
    r = c.post("/curation/proposals", json=GOOD, headers=_auth())
    assert r.status_code == 202, r.text
    (j,) = read_curation(path)   # the file reads as a curation file, so review is a move
    assert (j.source, j.target, j.judgement, j.who) == (A, B, "different-issue", "A Researcher")
    assert c.get("/sparql", params={"query": count}).json() == before


def test_a_form_from_a_page_is_accepted(proposing):
    c, path = proposing
    r = c.post("/curation/proposals", data={**GOOD, "token": TOKEN})
    assert r.status_code == 202, r.text
    assert len(list(csv.DictReader(path.open()))) == 1


@pytest.mark.parametrize("headers", [{}, _auth("wrong-token-wrong-token-000000"), {"authorization": "Basic x"}])
def test_the_token_is_required(proposing, headers):
    c, path = proposing
    r = c.post("/curation/proposals", json=GOOD, headers=headers)
    assert r.status_code == 401 and not path.exists()


@pytest.mark.parametrize("change, status", [
    ({"judgement": "maybe"}, 400), ({"source": "javascript:alert(1)"}, 400), ({"who": ""}, 400),
    ({"why": "x" * 3000}, 400), ({"extra": "1"}, 400), ({"why": "x" * 9000}, 413),
])
def test_bad_proposals_are_refused(proposing, change, status):
    c, path = proposing
    r = c.post("/curation/proposals", json={**GOOD, **change}, headers=_auth())
    assert r.status_code == status, r.text
    assert not path.exists()


def test_rate_and_size_are_bounded(proposing):
    c, path = proposing
    codes = [c.post("/curation/proposals", json=GOOD, headers=_auth()).status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]
    assert len(read_curation(path)) == 3


def test_the_file_is_bounded(settings, tmp_path):
    from service.app import create_app
    path = tmp_path / "proposals.csv"
    s = dataclasses.replace(settings, proposals_file=path, proposals_token=TOKEN, warm=False,
                            proposals_per_hour=100, proposals_max_bytes=700)
    with TestClient(create_app(s)) as c:
        codes = [c.post("/curation/proposals", json=GOOD, headers=_auth()).status_code for _ in range(4)]
    assert codes[0] == 202 and codes[-1] == 507
    assert path.stat().st_size <= 700


def test_a_link_page_offers_the_form_only_when_proposals_are_on(client, proposing):
    c, _ = proposing
    q = f"SELECT ?l WHERE {{ ?l a <{BASE}/def/inspection/SimilarityLink> }} ORDER BY ?l LIMIT 1"
    link = c.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["l"]["value"]
    path = link[len(BASE):]
    assert 'action="/curation/proposals"' in c.get(path, headers={"accept": "text/html"}).text
    assert 'action="/curation/proposals"' not in client.get(path, headers={"accept": "text/html"}).text
