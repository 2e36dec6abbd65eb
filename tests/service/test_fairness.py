"""Fair service under hostile clients: pages have workers /sparql cannot take, each client address
gets one running query and a short queue (429 past it), a heavy client leaves a worker for the
others, slow connections are cut off, and a query past its worker's memory cap is stopped.

A real server (uvicorn with the options `hmic-kg serve` uses, in a thread) on 127.0.0.1; clients are
told apart by binding to distinct loopback addresses, as Linux routes all of 127.0.0.0/8 to lo.
"""
from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from service.app import create_app
from service.config import Settings
from service.errors import STATUS, classify
from service.http_server import connection_limit, uvicorn_options
from service.pool import WorkerFailed
from tests.conftest import free_port

from .conftest import BASE

pytestmark = pytest.mark.live

TIMEOUT = 3.0
# Three patterns joined without a shared variable: runs into any timeout on the corpus.
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s ?p ?o }"
WEST_MERCIA = f"{BASE}/id/force/west-mercia"


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


class ThreadServer:
    """uvicorn in a thread, with serve's protocol class and connection limit."""

    def __init__(self, app, settings: Settings, **config):
        self.app, self.port = app, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        options = {**uvicorn_options(settings), **config}
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", **options))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        _wait_until(lambda: self.server.started or not self.thread.is_alive(), 60)
        assert self.server.started, "the server did not start"

    def get(self, path: str, params: dict | None = None, address: str = "127.0.0.1",
            headers: dict | None = None) -> httpx.Response:
        transport = httpx.HTTPTransport(local_address=address)
        with httpx.Client(base_url=self.url, transport=transport, timeout=30) as c:
            return c.get(path, params=params, headers=headers)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def server(built_dir, queries_dir):
    settings = Settings(data_dir=built_dir, queries_dir=queries_dir, timeout=TIMEOUT, workers=2,
                        page_workers=1, warm=False, header_timeout=1.0, body_timeout=1.0,
                        heavy_client_seconds=1.0, last_worker_timeout=TIMEOUT)
    s = ThreadServer(create_app(settings), settings)
    yield s
    s.stop()


def _lane(server: ThreadServer, name: str):
    return server.app.state.service.lanes[name]


def _in_background(server: ThreadServer, query: str, address: str) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(
        r=server.get("/sparql", {"query": query}, address)), daemon=True)
    thread.start()
    return thread, out


def _timed(call) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    r = call()
    return r, time.monotonic() - start


# -- lanes ---------------------------------------------------------------------------------------

def test_pages_answer_while_sparql_clients_hold_every_query_worker(server):
    query = _lane(server, "query").pool
    hostile = [_in_background(server, f"{CROSS} # lanes {i}", f"127.0.1.{i + 1}") for i in range(2)]
    _wait_until(lambda: query.idle == 0, 5)
    pages = [("/id/force/west-mercia", None, {"accept": "text/html"}),
             ("/id/force/west-mercia", None, {"accept": "text/turtle"}),
             ("/themes/", None, None),
             ("/recurring", None, None),
             ("/queries/force-judgements", {"force": WEST_MERCIA}, None)]
    for path, params, headers in pages:
        start = time.monotonic()
        r = server.get(path, params, "127.0.1.9", headers)
        elapsed = time.monotonic() - start
        assert r.status_code == 200, (path, r.text)
        assert elapsed < 2.0, (path, elapsed)
    assert query.idle == 0, "the query workers were released before the pages were answered"
    for thread, out in hostile:
        thread.join(15)
        assert out["r"].status_code == 503 and "longer than" in out["r"].text


# -- per-client shares ---------------------------------------------------------------------------

def test_a_client_past_its_share_gets_429_while_another_is_served(server):
    limits = _lane(server, "query").limits
    me, other = "127.0.2.1", "127.0.2.2"
    cached = f"{CHEAP} # cached for {me}"
    assert server.get("/sparql", {"query": cached}, me).status_code == 200
    running = _in_background(server, f"{CROSS} # share", me)
    _wait_until(lambda: limits._clients[me].running == 1, 5)
    waiting = [_in_background(server, f"{CHEAP} # waiting {i}", me) for i in range(2)]
    _wait_until(lambda: len(limits._clients[me].waiting) == 2, 5)

    r = server.get("/sparql", {"query": f"{CHEAP} # one too many"}, me)
    assert r.status_code == 429, r.text
    assert r.headers["retry-after"] == "1"
    assert "limit per client" in r.text and "Traceback" not in r.text
    hit = server.get("/sparql", {"query": cached}, me)  # a cached answer takes no place
    assert hit.status_code == 200 and hit.headers["x-cache"] == "hit"
    r, elapsed = _timed(lambda: server.get("/sparql", {"query": f"{CHEAP} # other"}, other))
    assert r.status_code == 200 and elapsed < 1.5

    running[0].join(15)
    assert running[1]["r"].status_code == 503
    for thread, out in waiting:  # their turn came when the running query ended
        thread.join(15)
        assert out["r"].status_code == 200, out["r"].text


def test_a_heavy_client_leaves_a_worker_for_the_others(server):
    pool = _lane(server, "query").pool
    heavy, newcomer, light = "127.0.3.1", "127.0.3.2", "127.0.3.3"
    assert server.get("/sparql", {"query": f"{CROSS} # heavy 1"}, heavy).status_code == 503
    _wait_until(lambda: pool.idle == 2, 15)  # the killed worker is replaced
    busy = _in_background(server, f"{CROSS} # newcomer", newcomer)
    _wait_until(lambda: pool.idle == 1, 5)
    again = _in_background(server, f"{CROSS} # heavy 2", heavy)
    _wait_until(lambda: len(pool._waiters) == 1, 5)  # one worker idle, yet it waits
    r, elapsed = _timed(lambda: server.get("/sparql", {"query": f"{CHEAP} # light"}, light))
    assert r.status_code == 200 and elapsed < 1.5, elapsed
    for thread, out in (busy, again):
        thread.join(15)
        assert out["r"].status_code == 503
    _wait_until(lambda: pool.idle == 2, 15)


def test_the_last_free_worker_stops_a_newcomers_long_query_early(server, monkeypatch):
    state = server.app.state.service
    monkeypatch.setattr(state, "settings",
                        dataclasses.replace(state.settings, last_worker_timeout=1.0))
    pool, limits = _lane(server, "query").pool, _lane(server, "query").limits
    _wait_until(lambda: pool.idle == 2, 15)
    first = _in_background(server, f"{CROSS} # two idle", "127.0.4.1")
    _wait_until(lambda: pool.idle == 1, 5)
    r, elapsed = _timed(lambda: server.get("/sparql", {"query": f"{CROSS} # last"}, "127.0.4.2"))
    assert r.status_code == 503 and "while every other query worker is busy" in r.text
    assert elapsed < 2.5
    assert limits.heavy("127.0.4.2")  # and so it may not take the last worker again
    first[0].join(15)
    assert first[1]["r"].status_code == 503 and f"longer than {TIMEOUT:g} s" in first[1]["r"].text
    _wait_until(lambda: pool.idle == 2, 15)


def test_client_limits_keep_order_and_pass_a_cancelled_place_on():
    """The bookkeeping alone: places in arrival order, a cancelled waiter's place not lost, 429
    past the queue, newcomers unknown until a query of theirs has run, long ones heavy."""
    from service.errors import ServiceError
    from service.fairness import ClientLimits

    async def scenario() -> list:
        limits, order = ClientLimits(running=1, queue=2, heavy_seconds=1.0), []

        async def query(tag: str, hold: asyncio.Event, seconds: float = 0.01) -> None:
            async with limits.slot("a") as charge:
                order.append(tag)
                await hold.wait()
                charge(seconds)

        go = asyncio.Event()
        first = asyncio.create_task(query("first", go))
        await asyncio.sleep(0)
        assert not limits.known("a")
        second = asyncio.create_task(query("second", go))
        third = asyncio.create_task(query("third", go, seconds=2.0))
        await asyncio.sleep(0)
        with pytest.raises(ServiceError) as refused:
            async with limits.slot("a"):
                pass
        assert refused.value.kind == "too-many"
        second.cancel()
        go.set()
        await asyncio.gather(first, third, return_exceptions=True)
        assert limits.known("a") and limits.heavy("a") and not limits.heavy("b")
        async with limits.slot("a"):  # every place was given back
            pass
        return order

    assert asyncio.run(scenario()) == ["first", "third"]


# -- slow connections ----------------------------------------------------------------------------

def _connect(server: ThreadServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def _read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    start, data = time.monotonic(), b""
    while chunk := sock.recv(65536):
        data += chunk
    return data, time.monotonic() - start


def _read_response(sock: socket.socket) -> bytes:
    """One whole response with a Content-Length, the connection left open."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_a_half_sent_request_head_is_closed_within_the_header_timeout(server):
    with _connect(server) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never-Ends: ")
        data, elapsed = _read_until_closed(sock)
    assert data == b"" and elapsed < 3.0


def test_a_connection_that_sends_nothing_is_closed(server):
    with _connect(server) as sock:
        data, elapsed = _read_until_closed(sock)
    assert data == b"" and elapsed < 3.0


def test_the_header_timeout_applies_to_each_request_on_a_kept_alive_connection(server):
    with _connect(server) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)  # slow, but within the second the head may take
        sock.sendall(b"\r\n")
        assert _read_response(sock).startswith(b"HTTP/1.1 200")
        time.sleep(0.8)  # idle between requests: uvicorn's keep-alive timeout (5 s) governs this
        sock.sendall(b"GET /health HTTP/1.1\r\n")
        data, elapsed = _read_until_closed(sock)
    # The deadline of the second head runs from its first byte.
    assert data == b"" and 0.8 < elapsed < 3.0


def test_a_stalled_body_is_answered_408_and_the_connection_closed(server):
    with _connect(server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK {")
        data, elapsed = _read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    assert b"connection: close" in data.lower()
    assert b"did not arrive within 1 s" in data
    assert 0.8 < elapsed < 3.0


def test_a_flood_of_connections_gets_503_not_an_exhausted_process(built_dir):
    async def hello(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    settings = Settings(data_dir=built_dir, max_connections=16, header_timeout=5.0)
    assert connection_limit(settings) == 16
    s = ThreadServer(hello, settings, lifespan="off")
    try:
        idle = [_connect(s) for _ in range(20)]
        try:
            with _connect(s) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert sock.recv(65536).startswith(b"HTTP/1.1 503")
        finally:
            for sock in idle:
                sock.close()
        _wait_until(lambda: len(s.server.server_state.connections) == 0, 5)
        assert httpx.get(s.url + "/", timeout=5).status_code == 200
    finally:
        s.stop()


def test_x_forwarded_for_does_not_change_the_client_address(built_dir):
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 by default; serve's options turn that off."""
    async def whoami(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["client"][0].encode()})

    s = ThreadServer(whoami, Settings(data_dir=built_dir), lifespan="off")
    try:
        r = httpx.get(s.url + "/", headers={"X-Forwarded-For": "10.9.9.9"}, timeout=5)
        assert r.text == "127.0.0.1"
    finally:
        s.stop()


# -- memory --------------------------------------------------------------------------------------

def test_a_query_past_the_memory_cap_is_503_and_the_worker_replaced(built_dir, queries_dir):
    # Sorting a cross product of the corpus allocates about 1 GB a second; the cap stops it.
    settings = Settings(data_dir=built_dir, queries_dir=queries_dir, workers=1, page_workers=1,
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
