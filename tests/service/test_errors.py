"""Every row of the error table (service/errors.py), through the real app: the status, the body
style of the route (plain text for SPARQL and pages, JSON for REST), and never a traceback."""
from __future__ import annotations

import dataclasses
import os
import re
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.cache import ResultCache
from service.config import Settings
from service.errors import STATUS, ServiceError
from service.pool import WorkerFailed
from service import paging
from service.routes import linked_data
from service.routes import sparql as sparql_route
from service.sparql_guard import QueryRefused

from .test_no_outbound import _permissive_check
from .test_safety import recorder  # noqa: F401 - the recording listener fixture

BASE = "https://w3id.org/hmic-kg"
WEST_MERCIA = f"{BASE}/id/force/west-mercia"
THREE_ROWS = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
BROKEN = "SELECT * WHERE { ?s ?p }"


def failed(r, status: int, says: str = "", as_json: bool = False) -> str:
    """The error message of r, after checking its status and body style."""
    assert r.status_code == status, r.text
    assert "Traceback" not in r.text and 'File "' not in r.text
    if as_json:
        assert r.headers["content-type"].startswith("application/json")
        message = r.json()["detail"]
    else:
        assert r.headers["content-type"].startswith("text/plain")
        assert r.text.endswith("\n")
        message = r.text[:-1]
    assert says in message, message
    return message


@pytest.fixture
def state(client):
    return client.app.state.service


@pytest.fixture
def settings_of(state, monkeypatch):
    """Changes the running app's settings for one test."""
    def change(**kwargs):
        monkeypatch.setattr(state, "settings", dataclasses.replace(state.settings, **kwargs))
    return change


def test_every_kind_has_one_status_and_unknown_kinds_are_refused():
    assert all(isinstance(s, int) and 400 <= s < 600 for s in STATUS.values())
    with pytest.raises(ValueError):
        ServiceError("no-such-kind", "x")


def test_the_documented_table_is_the_table():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "service.md").read_text(encoding="utf-8")
    section = docs.split("## Errors", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \|", section, re.MULTILINE))
    assert {k: int(v) for k, v in rows.items()} == STATUS


# -- the request -------------------------------------------------------------------------------

def test_bad_parameter_is_400(client):
    failed(client.get("/queries/force-judgements"), 400, "parameter force is required", as_json=True)
    failed(client.get("/queries/force-judgements", params={"force": "not an iri"}), 400,
           "absolute IRI", as_json=True)
    failed(client.post("/sparql", data={"nothing": "here"}), 400, "no 'query' field")
    failed(client.get("/sparql", params={"query": " "}), 400, "empty")


@pytest.mark.parametrize("path, params, as_json", [
    ("/sparql", {"query": THREE_ROWS}, False),
    ("/sparql", {}, False),  # the service description
    ("/id/force/west-mercia", {}, False),
    ("/.well-known/void", {}, False),
    ("/downloads/", {}, False),
    ("/queries/glossary", {"abbreviation": "ppu"}, True),
])
def test_unknown_format_is_400_and_unsatisfiable_accept_is_406(client, path, params, as_json):
    failed(client.get(path, params={**params, "format": "nope"}), 400, "format 'nope'", as_json)
    message = failed(client.get(path, params=params, headers={"accept": "image/png"}), 406,
                     "none of the media types", as_json)
    assert "image/png" not in message  # it lists what is offered


def test_not_found_is_404_and_a_browser_gets_the_page(client):
    failed(client.get("/queries/no-such-query"), 404, "no catalogue query", as_json=True)
    failed(client.get("/downloads/no-such-file"), 404, "no download named")
    failed(client.get("/id/nothing-here", headers={"accept": "text/turtle"}), 404, "not described")
    for path in ("/id/nothing-here", "/themes/no-such-theme", "/themes/bad!slug"):
        r = client.get(path, headers={"accept": "text/html"})
        assert r.status_code == 404 and "<h1>Not found</h1>" in r.text


def test_query_too_long_is_413(client, settings_of):
    settings_of(max_query_length=40)
    failed(client.get("/sparql", params={"query": THREE_ROWS + " " * 40}), 413, "(the limit)")
    failed(client.post("/sparql", content=(THREE_ROWS + " " * 400).encode(),
                       headers={"content-type": "application/sparql-query"}), 413, "(the limit)")


def test_unsupported_body_is_415(client):
    failed(client.post("/sparql", content=THREE_ROWS, headers={"content-type": "text/plain"}), 415,
           "unsupported content type")


# -- the query ---------------------------------------------------------------------------------

@pytest.mark.parametrize("send", [
    lambda c: c.get("/sparql", params={"query": BROKEN}),
    lambda c: c.post("/sparql", data={"query": BROKEN}),
    lambda c: c.post("/sparql", content=BROKEN, headers={"content-type": "application/sparql-query"}),
], ids=["get", "post-form", "post-direct"])
def test_syntax_error_is_400_on_the_sparql_endpoint(client, send):
    failed(send(client), 400, "malformed query: ")


def test_syntax_error_is_400_from_the_catalogue(client, monkeypatch):
    # No parameter value can make a catalogue query invalid (values are bound as terms pyoxigraph
    # writes); a broken final text still answers 400, in the catalogue's JSON.
    # A catalogue SELECT is bound where its pages are made.
    bind = paging.bind
    monkeypatch.setattr(paging, "bind", lambda *a: bind(*a) + " }")
    failed(client.get("/queries/glossary", params={"abbreviation": "syntax-check"}), 400,
           "malformed query: ", as_json=True)


def test_syntax_error_is_400_on_a_page_too(client, monkeypatch):
    # The reported case: a page's own lookup refused as malformed answered 503.
    real = linked_data.lookup_queries
    monkeypatch.setattr(linked_data, "lookup_queries",
                        lambda insp: dict.fromkeys(real(insp), "SELECT * WHERE { ?this ?p }"))
    failed(client.get("/id/force/west-mercia", headers={"accept": "text/html"}), 400,
           "malformed query: ")


def test_a_query_the_guard_cannot_take_is_400(client, monkeypatch):
    def refuse(query, graphs):
        raise QueryRefused("not a query this endpoint takes")
    monkeypatch.setattr(sparql_route, "check", refuse)
    failed(client.get("/sparql", params={"query": THREE_ROWS}), 400, "not a query this endpoint takes")


def test_engine_refusal_is_400(client, monkeypatch):
    monkeypatch.setattr(sparql_route, "check", _permissive_check)
    failed(client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"}),
           400, "unbound")


@pytest.mark.parametrize("send, says", [
    (lambda c: c.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://x/> { } }"}),
     "SERVICE"),
    (lambda c: c.post("/sparql", data={"update": "DROP ALL"}), "read-only"),
    (lambda c: c.get("/sparql", params={"query": THREE_ROWS, "default-graph-uri": "http://x/"}),
     "not a graph of this dataset"),
    (lambda c: c.get("/sparql", params={"query": "SELECT * FROM <http://x/> WHERE { }"}),
     "not a graph of this dataset"),
], ids=["service", "update", "protocol-graph", "from-graph"])
def test_refused_query_is_403(client, send, says):
    failed(send(client), 403, says)


def test_blocked_outbound_connection_is_403(client, monkeypatch, recorder):  # noqa: F811
    monkeypatch.setattr(sparql_route, "check", _permissive_check)
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{recorder.port}/> {{ ?s ?p ?o }} }}"
    failed(client.get("/sparql", params={"query": query}), 403, "contact another server")
    assert recorder.connections == 0


def test_result_limit_is_422(client, state, settings_of, monkeypatch):
    settings_of(max_rows=2)
    monkeypatch.setattr(state, "cache", ResultCache(1, 1, enabled=False))
    failed(client.get("/sparql", params={"query": THREE_ROWS}), 422, "more than 2 solutions")
    failed(client.get("/queries/force-judgements", params={"force": WEST_MERCIA}), 422,
           "(the limit)", as_json=True)


# -- the service -------------------------------------------------------------------------------

def test_engine_failure_is_500_with_one_line(client, state, monkeypatch):
    async def failing(*args):
        raise WorkerFailed("evaluation", "OSError: read error in the store")
    for lane in state.lanes.values():
        monkeypatch.setattr(lane, "call", failing)
    failed(client.get("/sparql", params={"query": THREE_ROWS + " # evaluation"}), 500, "read error")
    failed(client.get("/queries/glossary", params={"abbreviation": "evaluation"}), 500,
           "read error", as_json=True)


def test_no_worker_pool_is_503(client, state, monkeypatch):
    monkeypatch.setattr(state, "lanes", {})
    failed(client.get("/sparql", params={"query": THREE_ROWS + " # no pool"}), 503, "not running")
    failed(client.get("/themes/"), 503, "not running")


def test_unexpected_exception_is_a_short_500_and_the_service_goes_on(client, monkeypatch):
    def broken(*args):
        raise RuntimeError("secret detail /srv/private/path")
    monkeypatch.setattr(sparql_route, "check", broken)
    monkeypatch.setattr(paging, "bind", broken)
    # The server re-raises after answering (so it logs the traceback); a real client only sees
    # the answer, as this one does.
    as_client = TestClient(client.app, raise_server_exceptions=False)
    for message in (failed(as_client.get("/sparql", params={"query": THREE_ROWS}), 500),
                    failed(as_client.get("/queries/glossary", params={"abbreviation": "x"}), 500,
                           as_json=True)):
        assert "internal server error" in message and "secret" not in message
        assert "\n" not in message and len(message) < 120
    monkeypatch.undo()
    assert client.get("/sparql", params={"query": THREE_ROWS}).status_code == 200
    assert client.get("/health").json()["workers"]["alive"] >= 1


# -- with an external store (serve --store), against a fake endpoint ---------------------------

RESULTS = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
           b'<head><variable name="s"/></head><results></results></sparql>')


class FakeStore(ThreadingHTTPServer):
    """A SPARQL endpoint whose answer is chosen by a marker in the query: "refuse" (400),
    "fail" (500), "too-long" (Virtuoso's cost refusal), "drop" (no answer), "garbage" (200 with
    an HTML page), "slow" (1.5 s), "hang" (until released); anything else gets an empty result."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _FakeHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/sparql"
        self.arrived = {"slow": threading.Event(), "hang": threading.Event()}
        self.release = threading.Event()

    def handle_error(self, request, client_address):
        pass  # a worker killed mid-request leaves a broken pipe here, as expected


class _FakeHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"])).decode()
        query = parse_qs(body)["query"][0]
        store: FakeStore = self.server
        if "drop" in query:
            self.close_connection = True
            return
        if "slow" in query:
            store.arrived["slow"].set()
            time.sleep(1.5)
        if "hang" in query:
            store.arrived["hang"].set()
            store.release.wait(10)
        status, text = 200, RESULTS
        if "garbage" in query:
            text = b"<html>please log in</html>"
        elif "refuse" in query:
            status, text = 400, b"Virtuoso 37000 Error SP030: SPARQL compiler: syntax error"
        elif "fail" in query:
            status, text = 500, b"Virtuoso 42000 Error: out of memory"
        elif "too-long" in query:
            status, text = 500, (b"Virtuoso 42000 Error The estimated execution time 900 (sec) "
                                 b"exceeds the limit of 400 (sec).")
        self.send_response(status)
        self.send_header("content-type", "application/sparql-results+xml" if status == 200
                         else "text/plain")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


@pytest.fixture(scope="module")
def fake_store():
    store = FakeStore()
    thread = threading.Thread(target=store.serve_forever, daemon=True)
    thread.start()
    yield store
    store.release.set()
    store.shutdown()
    store.server_close()


@pytest.fixture(scope="module")
def via_store(built_dir, queries_dir, fake_store):
    """One worker, forwarding to the fake store: 2 s per query, 0.5 s to wait for the worker.
    All requests come from one address; two places per client let them reach the pool."""
    settings = Settings(data_dir=built_dir, queries_dir=queries_dir, store_url=fake_store.url,
                        workers=1, timeout=2.0, queue_timeout=0.5, cache=False, warm=False,
                        client_running=2)
    with TestClient(create_app(settings)) as c:
        yield c


def marked(marker: str) -> dict:
    return {"query": f'SELECT ?s WHERE {{ ?s ?p "{marker}" }}'}


def ready(c) -> None:
    """Waits for the worker (a killed one is replaced in the background)."""
    deadline = time.monotonic() + 60
    while c.get("/sparql", params=marked("ok")).status_code != 200:
        assert time.monotonic() < deadline, "the worker was not replaced"
        time.sleep(0.2)


def test_store_refusing_the_query_is_400(via_store):
    failed(via_store.get("/sparql", params=marked("refuse")), 400, "malformed query: the store")
    failed(via_store.get("/queries/glossary", params={"abbreviation": "refuse"}), 400,
           "malformed query: the store", as_json=True)


@pytest.mark.parametrize("marker, says", [("fail", "answered HTTP 500"),
                                          ("drop", "cannot be reached"),
                                          ("garbage", "cannot read")])
def test_store_failure_is_502(via_store, marker, says):
    failed(via_store.get("/sparql", params=marked(marker)), 502, says)


def test_store_answering_unreadable_triples_is_502(via_store):
    query = 'CONSTRUCT { ?s ?p "garbage" } WHERE { ?s ?p "garbage" }'
    failed(via_store.get("/sparql", params={"query": query}), 502, "cannot read")


def test_store_refusing_as_too_long_is_503(via_store):
    failed(via_store.get("/sparql", params=marked("too-long")), 503, "exceeds the limit")


def test_service_seen_by_the_forwarders_parser_is_403(via_store, monkeypatch):
    monkeypatch.setattr(sparql_route, "check", _permissive_check)
    failed(via_store.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://x/> { } }"}),
           403, "SERVICE")


def test_all_workers_busy_is_503_with_retry_after(via_store, fake_store):
    ready(via_store)
    fake_store.arrived["slow"].clear()
    first = {}
    thread = threading.Thread(
        target=lambda: first.update(r=via_store.get("/sparql", params=marked("slow"))))
    thread.start()
    assert fake_store.arrived["slow"].wait(10)
    r = via_store.get("/sparql", params=marked("ok"))
    thread.join(10)
    failed(r, 503, "stayed busy")
    assert r.headers["retry-after"] == "1"
    assert first["r"].status_code == 200


def test_timeout_is_503_with_a_clear_message(via_store, fake_store):
    ready(via_store)
    fake_store.release.clear()
    try:
        failed(via_store.get("/sparql", params=marked("hang")), 503,
               "the query ran longer than 2 s (the limit) and was stopped")
    finally:
        fake_store.release.set()


def test_timeout_names_the_likely_cause_and_a_rewrite(via_store, fake_store):
    # A label fetched after an OPTIONAL that binds its subject: the service cannot move it (?o
    # is bound only by the OPTIONAL), so the message says what to write instead.
    ready(via_store)
    fake_store.release.clear()
    query = 'SELECT ?s WHERE { ?s ?p "hang" OPTIONAL { ?s ?q ?o } ?o <http://x/label> ?l }'
    try:
        r = via_store.get("/sparql", params={"query": query})
        failed(r, 503, "likely cause: required triple patterns come after an OPTIONAL")
        assert "`?o <http://x/label> ?l`" in r.text
    finally:
        fake_store.release.set()


def test_worker_crash_is_500_and_the_worker_is_replaced(via_store, fake_store):
    ready(via_store)
    fake_store.release.clear()
    fake_store.arrived["hang"].clear()
    answer = {}
    thread = threading.Thread(
        target=lambda: answer.update(r=via_store.get("/sparql", params=marked("hang"))))
    thread.start()
    try:
        assert fake_store.arrived["hang"].wait(10)
        # SIGSEGV: a crash. SIGABRT and SIGKILL are how a worker dies of its memory cap.
        for worker in list(via_store.app.state.service.lanes["query"].pool._all):
            os.kill(worker.proc.pid, signal.SIGSEGV)
        thread.join(10)
    finally:
        fake_store.release.set()
    failed(answer["r"], 500, "exited while evaluating")
    ready(via_store)


@pytest.mark.parametrize("path", ["/", "/health", "/sparql?query=ASK%20%7B%7D", "/queries",
                                  "/downloads/", "/downloads/dataset.nq", "/id/force/west-mercia",
                                  "/themes/", "/docs"])
def test_head_answers_like_get_without_a_body(client, path):
    """Regression: HEAD answered 405 on every GET resource."""
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers.get("content-type") == get.headers.get("content-type")


def test_a_download_name_over_255_bytes_is_404_not_500(client):
    """Regression: the file system's name limit made resolve() fail with a 500."""
    r = client.get("/downloads/" + "a" * 300 + ".nq")
    assert r.status_code == 404 and "Traceback" not in r.text
