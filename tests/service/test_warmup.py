"""The catalogue queries that need no parameter are answered at start-up, so their first client
gets a cached answer."""
from __future__ import annotations

import dataclasses
import time

from fastapi.testclient import TestClient

from service.app import create_app


def wait_for_warming(client, expected: int, within: float = 60.0) -> list[str]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        warmed = client.get("/health").json()["cache"]["warmed"]
        if len(warmed) >= expected:
            return warmed
        time.sleep(0.05)
    raise AssertionError(f"warming did not finish in {within} s")


def test_parameterless_catalogue_queries_are_answered_at_start_up(settings):
    with TestClient(create_app(settings)) as client:
        # By hand from queries/*.rq: these six have only optional parameters.
        warmed = wait_for_warming(client, 6)
        assert sorted(warmed) == ["recommendation-follow-ups", "recurring-issues-across-forces",
                                  "recurring-issues-came-back", "recurring-issues-resolved",
                                  "recurring-themes", "same-force-follow-ups"]
        r = client.get("/queries/recurring-themes")
        assert r.status_code == 200 and r.headers["x-cache"] == "hit"
        assert r.json()["offset"] == 0 and r.json()["total"] == int(r.headers["x-total-count"])
        # The same answer as evaluating it now, through the SPARQL endpoint (the comment makes
        # it a different text, so not the cached one).
        text = (settings.queries_dir / "recurring-themes.rq").read_text(encoding="utf-8") + "\n# now\n"
        fresh = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        assert fresh.headers["x-cache"] == "miss"
        # The warmed first page is the start of the whole answer.
        assert fresh.json()["results"]["bindings"][:50] == r.json()["results"]["bindings"]
        assert len(fresh.json()["results"]["bindings"]) == r.json()["total"]
        # A query with a parameter given is evaluated on demand as before.
        r = client.get("/queries/recurring-themes", params={"min_forces": "3"})
        assert r.headers["x-cache"] == "miss"
        # Queries with a required parameter are not guessed at.
        assert client.get("/queries/force-judgements").status_code == 400


def test_warming_can_be_turned_off(settings):
    with TestClient(create_app(dataclasses.replace(settings, warm=False))) as client:
        time.sleep(0.5)
        assert client.get("/health").json()["cache"]["warmed"] == []
        assert client.get("/queries/recurring-themes").headers["x-cache"] == "miss"
