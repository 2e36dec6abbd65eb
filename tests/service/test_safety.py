"""Safety: read-only, no outbound connections, limits reported (never silent), refusals early."""
import contextlib
import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Store

from service.app import create_app
from service.config import Settings

BASE = "https://w3id.org/hmic-kg"


class ConnectionRecorder:
    """A local TCP server that records every connection made to it and answers nothing useful."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def recorder():
    r = ConnectionRecorder()
    yield r
    r.close()


def test_recorder_sees_what_pyoxigraph_would_do_unguarded(recorder):
    """Without the guard, pyoxigraph does open a connection for SERVICE: the fence is needed."""
    # The recorder answers nothing, so the query fails; only the attempt matters.
    with contextlib.suppress(Exception):
        list(Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{recorder.port}/> "
                           "{ ?s ?p ?o } }"))
    deadline = time.monotonic() + 5
    while recorder.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert recorder.connections >= 1


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?x }} }}",
    r"SELECT * WHERE {{ SERVIC\u0045 <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
])
def test_network_access_is_refused_before_evaluation(client, recorder, template):
    query = template.format(port=recorder.port)
    for response in (client.get("/sparql", params={"query": query}),
                     client.post("/sparql", data={"query": query}),
                     client.post("/sparql", content=query.encode(),
                                 headers={"content-type": "application/sparql-query"})):
        assert response.status_code == 403, response.text
    time.sleep(0.3)  # a connection attempt, had one been made, would have arrived by now
    assert recorder.connections == 0


def test_remote_dataset_parameters_are_refused_and_not_fetched(client, recorder):
    remote = f"http://127.0.0.1:{recorder.port}/graph"
    for key in ("default-graph-uri", "named-graph-uri"):
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", key: remote})
        assert r.status_code == 403 and "not a graph of this dataset" in r.text
    time.sleep(0.3)
    assert recorder.connections == 0


def test_service_inside_a_string_or_name_is_not_refused(client):
    q = 'PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:service "SERVICE" }'
    assert client.get("/sparql", params={"query": q}).status_code == 200


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL", "DROP GRAPH <https://w3id.org/hmic-kg/graph/reference>",
    "CREATE GRAPH <http://x/g>", "COPY DEFAULT TO <http://x/g>", "MOVE DEFAULT TO <http://x/g>",
    "ADD DEFAULT TO <http://x/g>", "LOAD <http://x/data.ttl>",
])
def test_updates_are_refused(client, update):
    r = client.get("/sparql", params={"query": update})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post("/sparql", content=update.encode(),
                    headers={"content-type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post("/sparql", data={"update": update})
    assert r.status_code == 403 and "read-only" in r.text


def test_data_unchanged_after_update_attempts(client):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # count after updates"
    before = client.get("/sparql", params={"query": q}).json()
    client.post("/sparql", data={"update": "CLEAR ALL"})
    client.get("/sparql", params={"query": "CLEAR ALL"})
    after = client.get("/sparql", params={"query": q + " again"}).json()
    assert before["results"] == after["results"]


@pytest.fixture(scope="module")
def small(built_dir, queries_dir):
    settings = Settings(data_dir=built_dir, queries_dir=queries_dir, workers=2, timeout=5,
                        max_rows=10, max_response_bytes=4000, max_query_length=300, cache=False)
    with TestClient(create_app(settings)) as c:
        yield c


def test_query_length_limit(small):
    long_query = "SELECT * WHERE { ?s ?p ?o } " + "#" * 400
    assert small.get("/sparql", params={"query": long_query}).status_code == 413
    assert small.post("/sparql", data={"query": long_query}).status_code == 413
    r = small.post("/sparql", content=long_query.encode() * 10,
                   headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413 and "limit" in r.text


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_limit_is_an_error_not_a_truncation(small, fmt):
    r = small.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 11",
                                     "format": fmt})
    assert r.status_code == 422 and "more than 10 solutions" in r.text
    ok = small.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10",
                                      "format": fmt})
    assert ok.status_code == 200 and ok.headers["x-result-rows"] == "10"


def test_triple_limit_for_graph_results(small):
    r = small.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 11"})
    assert r.status_code == 422 and "more than 10 triples" in r.text


def test_response_size_limit(small):
    q = ("SELECT ?o WHERE { ?s <http://www.w3.org/ns/oa#exact> ?o "
         "FILTER(STRLEN(?o) > 1000) } LIMIT 5")
    r = small.get("/sparql", params={"query": q})
    assert r.status_code == 422 and "4000 bytes" in r.text


def test_limits_apply_to_catalogue_queries(small):
    r = small.get("/queries/force-judgements",
                  params={"force": f"{BASE}/id/force/west-mercia"})
    assert r.status_code == 422 and "(the limit)" in r.json()["detail"]
