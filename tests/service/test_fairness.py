"""Fair service under hostile clients. Here: a query past its worker's memory cap is stopped."""
from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.errors import STATUS, classify
from service.pool import WorkerFailed

CHEAP = "ASK { ?s ?p ?o }"


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def _timed(call):
    start = time.monotonic()
    r = call()
    return r, time.monotonic() - start


# -- memory --------------------------------------------------------------------------------------

def test_a_query_past_the_memory_cap_is_503_and_the_worker_replaced(built_dir, queries_dir):
    # Sorting a cross product of the corpus allocates about 1 GB a second; the cap stops it.
    settings = Settings(data_dir=built_dir, queries_dir=queries_dir, workers=1,
                        worker_memory=384 * 2**20, timeout=15.0, cache=False, warm=False)
    with TestClient(create_app(settings)) as c:
        hog = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
        r, elapsed = _timed(lambda: c.get("/sparql", params={"query": hog}))
        assert r.status_code == 503, r.text
        assert "more than its memory limit (384 MiB)" in r.text and elapsed < 10
        _wait_until(lambda: c.get("/health").json()["workers"]["alive"] == 1, 30)
        assert c.get("/health").json()["workers"]["out_of_memory"] == 1
        assert c.get("/sparql", params={"query": CHEAP}).status_code == 200


def test_a_memory_error_in_python_is_reported_as_memory():
    """The worker's other way out of memory: Python's MemoryError becomes a reply, not an exit."""
    from service import worker

    class Exhausted:
        def query(self, *args, **kwargs):
            raise MemoryError

    request = {"op": "query", "query": CHEAP, "format": "json", "max_rows": 10, "max_bytes": 100}
    assert worker.answer(Exhausted(), request, []) == ("error", "memory", "out of memory")
    kind, _ = classify(WorkerFailed("memory", "over the cap"))
    assert STATUS[kind] == 503


def test_the_default_cap_is_documented():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text(encoding="utf-8")
    assert f"{Settings().worker_memory // 2**20} MiB" in docs
