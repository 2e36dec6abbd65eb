"""Fixtures for the service tests: one built dataset and one running app for the whole session."""
from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

BASE = "https://w3id.org/hmic-kg"
HOSTILE_GRAPH = f"{BASE}/graph/test-hostile"
HOSTILE = f"{BASE}/id/test/hostile"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _add_hostile_data(out: Path) -> None:
    """Markup and script in literals and IRIs, as a hostile or careless source might contain."""
    store = Store(str(out / "store"))
    g, s = NamedNode(HOSTILE_GRAPH), NamedNode(HOSTILE)
    label = NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    store.add(Quad(s, label, Literal(XSS, language="en"), g))
    store.add(Quad(s, NamedNode(f"{BASE}/def/inspection/text"), Literal(XSS), g))
    store.add(Quad(s, NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
                   NamedNode("javascript:alert(1)"), g))
    store.flush()
    del store
    gc.collect()


@pytest.fixture(scope="session")
def built_dir(built, tmp_path_factory) -> Path:
    """A copy of the session's corpus build with one extra, hostile graph for the escaping tests."""
    out = tmp_path_factory.mktemp("service-build") / "build"
    shutil.copytree(built, out)
    _add_hostile_data(out)
    return out


@pytest.fixture(scope="session")
def queries_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "queries"


@pytest.fixture(scope="session")
def settings(built_dir, queries_dir):
    from service.config import Settings
    # max_rows above the largest report graph (West Mercia 2007: 5,217 triples once every statement
    # carries its citation), which test_linked_data serves whole; the limit's own tests set theirs.
    return Settings(data_dir=built_dir, queries_dir=queries_dir, timeout=5.0, workers=2,
                    max_rows=20_000, max_response_bytes=8 * 1024 * 1024, max_query_length=20_000)


@pytest.fixture(scope="session")
def client(settings):
    from fastapi.testclient import TestClient

    from service.app import create_app
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def two_builds(tmp_path, built):
    """A build link serving a copy of the corpus build, and a two-report corpus to rebuild it
    with (a smaller build, so answers tell the two apart)."""
    from graph_builder.pipeline import versions
    from tests.conftest import CORPUS
    out = tmp_path / "site" / "build"
    out.parent.mkdir()
    first = versions.new_version(out)
    shutil.rmtree(first)
    shutil.copytree(built, first)
    versions.publish(first, out)
    smaller = tmp_path / "two-reports"
    smaller.mkdir()
    for name in ("west-mercia-2007-inspection.txt", "cheshire-2007-inspection.txt"):
        shutil.copy(CORPUS / name, smaller / name)
    return out, smaller


def count_triples(client) -> int:
    """COUNT(*) over the served dataset, through /sparql (a TestClient or an httpx.Client with a
    base_url): the number that tells two builds apart."""
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])

