"""Publishing to, and serving from, a real external store (Virtuoso): the catalogue must give the
same answers as the embedded store."""
import os
import subprocess
import sys
import time

import httpx
import pyoxigraph as ox
import pytest

from tests.conftest import free_port

B = "https://w3id.org/hmic-kg"
CLI = [sys.executable, "-m", "graph_builder.cli"]
PARAMS = {
    "force-judgements": {"force": f"{B}/id/force/west-mercia"},
    "forces-at-or-below-grade": {"programme": f"{B}/id/programme/inspection-2007",
                                 "area": f"{B}/def/framework/inspection-2007/neighbourhood-policing",
                                 "grade": f"{B}/def/grade-scale/egfp/fair"},
    "grade-vs-national": {"force": f"{B}/id/force/west-mercia"},
    "recurring-themes": {},
    "same-force-follow-ups": {"force": f"{B}/id/force/west-mercia"},
    "recommendation-follow-ups": {},
    "similar-findings": {"statement": f"{B}/id/recommendation/cheshire/inspection-2007/2"},
    "good-practice-on-theme": {"theme": f"{B}/def/theme/missing-persons"},
    "search": {"text": "Climbié"},
    "glossary": {"abbreviation": "ppu"},
}


def env_with(creds: dict | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HMIC_KG_STORE_")}
    if creds:
        env.update({"HMIC_KG_STORE_USER": creds["user"], "HMIC_KG_STORE_PASSWORD": creds["password"]})
    return env


def publish(built, virtuoso, creds=True):
    return subprocess.run([*CLI, "publish", "--data", str(built), "--to", virtuoso["gsp"]],
                          capture_output=True, text=True, timeout=300, check=False,
                          env=env_with(virtuoso if creds else None))


def graph_counts(sparql: str) -> dict:
    q = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
         f"FILTER(STRSTARTS(STR(?g), '{B}/graph/')) }} GROUP BY ?g")
    r = httpx.post(sparql, data={"query": q}, headers={"Accept": "application/sparql-results+json"}, timeout=60)
    return {b["g"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]}


@pytest.fixture(scope="module")
def published(built, virtuoso):
    r = publish(built, virtuoso)
    assert r.returncode == 0, r.stderr
    return virtuoso


def test_every_graph_is_published_whole(built, published):
    local = ox.Store.read_only(str(built / "store"))
    expected = {g.value: len(list(local.quads_for_pattern(None, None, None, g))) for g in local.named_graphs()}
    assert graph_counts(published["sparql"]) == expected


def test_publishing_twice_changes_nothing(built, published):
    before = graph_counts(published["sparql"])
    r = publish(built, published)
    assert r.returncode == 0, r.stderr
    assert graph_counts(published["sparql"]) == before


def test_refused_credentials_and_unreachable_store_are_clear_errors(built, virtuoso, tmp_path):
    r = publish(built, virtuoso, creds=False)
    assert r.returncode == 2 and "refused the credentials" in r.stderr and "Traceback" not in r.stderr
    dead = free_port()
    r = subprocess.run([*CLI, "publish", "--data", str(built), "--to", f"http://127.0.0.1:{dead}/gsp"],
                       capture_output=True, text=True, timeout=120, check=False, env=env_with(None))
    assert r.returncode == 2 and "cannot be reached" in r.stderr


@pytest.fixture(scope="module")
def served_from_store(built, published):
    port = free_port()
    proc = subprocess.Popen([*CLI, "serve", "--data", str(built), "--store", published["sparql"],
                             "--port", str(port), "--timeout", "5", "--no-cache"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(30)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_catalogue_answers_match_the_embedded_store(client, served_from_store, name):
    params = {**PARAMS[name], "format": "csv"}
    embedded = client.get(f"/queries/{name}", params=params)
    remote = httpx.get(f"{served_from_store}/queries/{name}", params=params, timeout=60)
    assert embedded.status_code == remote.status_code == 200, remote.text
    assert remote.text == embedded.text
    assert len(remote.text.splitlines()) > 1  # not vacuously equal


def test_safety_rules_hold_before_forwarding(served_from_store):
    r = httpx.get(f"{served_from_store}/sparql", timeout=30,
                  params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})
    assert r.status_code == 403 and "SERVICE" in r.text
    r = httpx.post(f"{served_from_store}/sparql", timeout=30,
                   data={"update": "DROP ALL"})
    assert r.status_code == 403
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    t = time.monotonic()
    r = httpx.get(f"{served_from_store}/sparql", params={"query": slow}, timeout=60)
    assert r.status_code == 503 and time.monotonic() - t < 20
    ok = httpx.get(f"{served_from_store}/queries/glossary", params={"abbreviation": "PPU"}, timeout=30)
    assert ok.status_code == 200


def test_linked_data_pages_from_the_store(served_from_store):
    r = httpx.get(f"{served_from_store}/id/force/west-mercia", headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200 and "West Mercia Police" in r.text
    r = httpx.get(f"{served_from_store}/sparql", params={"query": f"CONSTRUCT {{ <{B}/id/force/west-mercia> ?p ?o }} WHERE {{ <{B}/id/force/west-mercia> ?p ?o }}"},
                  headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and "E23000016" in r.text


def test_guard_bypasses_are_not_forwarded_to_the_store(served_from_store):
    """With --store the worker needs the network, so the parsers alone stand between a SERVICE and
    Virtuoso (which would follow it): the token guard's two readings and rdflib's grammar."""
    from tests.service.test_no_outbound import BYPASSES
    from tests.service.test_safety import ConnectionRecorder
    rec = ConnectionRecorder()
    try:
        for template in BYPASSES:
            r = httpx.post(f"{served_from_store}/sparql", timeout=30,
                           data={"query": template.format(port=rec.port)})
            assert r.status_code in (400, 403), r.text
        time.sleep(0.5)
        assert rec.connections == 0
    finally:
        rec.close()
