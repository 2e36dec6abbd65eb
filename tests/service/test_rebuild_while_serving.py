"""A rebuild of the directory being served never mixes two builds: the service stays on the version
it started with (workers respawned after the rebuild included), /health and downloads describe
the same build, and the version is kept while it is served."""
from fastapi.testclient import TestClient

from graph_builder.pipeline.build import build_dataset
from service.app import create_app
from service.config import Settings
from tests.service.conftest import count_triples

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_the_served_version_is_pinned_through_a_rebuild(two_builds, queries_dir):
    out, smaller = two_builds
    first = out.resolve()

    settings = Settings(data_dir=out, queries_dir=queries_dir, timeout=2.0, workers=2, cache=False,
                        warm=False)
    with TestClient(create_app(settings)) as client:
        before, built_at = count_triples(client), client.get("/health").json()["built_at"]
        download = client.get("/downloads/dataset.nq").content
        build_dataset(smaller, out)  # the link now points at a smaller build
        assert out.resolve() != first and first.exists(), "the served version was removed"
        # A query over the time limit kills its worker; the replacement must open the same version.
        assert client.get("/sparql", params={"query": SLOW}).status_code == 503
        assert {count_triples(client) for _ in range(6)} == {before}
        assert client.get("/health").json()["built_at"] == built_at
        assert client.get("/downloads/dataset.nq").content == download
    with TestClient(create_app(settings)) as client:  # a restart serves the new build
        assert count_triples(client) < before
