"""p50/p99 latency of every catalogue query through the service (on demand):

    .venv/bin/python benchmarks/bench_catalogue.py --data BUILD [--requests 200] [--no-cache]

Starts `hmic-kg serve` on the build, then for each query in queries/ sends --requests requests one
after another with the parameters its documentation gives as an example (the statement of
similar-findings is one that has links in this build), after one first request whose latency is
reported apart (with the cache on, the first request is the one that evaluates, unless the service
answered the query at start-up: it is measured once that warming is over). Beside it, the same
query's evaluation time in bare pyoxigraph on the same store, for scale.

Latency is the time to the last byte of the body, read by a plain keep-alive socket asking for
identity encoding, as curl or wrk would read it: httpx itself spends 60-100 ms taking in a 35 MB
body, which is the client's time, not the service's. The p99 through httpx (which asks for gzip)
is given beside it.
"""
from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_service import free_port


def example_params(data: Path) -> dict[str, dict[str, str]]:
    from service.catalogue import load_catalogue
    store = ox.Store.read_only(str(data / "store"))
    linked = next(iter(store.query(
        "SELECT ?s WHERE { ?s <https://w3id.org/hmic-kg/def/inspection/similarTo> ?o } ORDER BY ?s LIMIT 1",
        use_default_graph_as_union=True)))["s"].value
    out = {}
    for q in load_catalogue(ROOT / "queries").values():
        params = {}
        for p in q.params:
            example = re.search(r"e\.g\. (\S+)", p.description)
            if p.name == "statement":
                params[p.name] = linked
            elif example and not p.optional:
                params[p.name] = example.group(1)
        out[q.name] = params
    return out


class RawClient:
    """HTTP/1.1 GET over one keep-alive connection, body read into a buffer and not parsed."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def get(self, target: str) -> tuple[int, int]:
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n"
                          "Accept: application/sparql-results+json\r\nAccept-Encoding: identity\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the service closed the connection")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        length = int(headers["content-length"])
        body = bytearray(length)
        view = memoryview(body)
        got = len(rest)
        view[:got] = rest
        while got < length:
            n = self.sock.recv_into(view[got:], length - got)
            if not n:
                raise ConnectionError("the service closed the connection")
            got += n
        return int(lines[0].split()[1]), length

    def close(self) -> None:
        self.sock.close()


def bare_ms(data: Path, name: str, params: dict[str, str], runs: int = 5) -> float:
    from service.catalogue import bind, load_catalogue
    q = load_catalogue(ROOT / "queries")[name]
    text = bind(q, params, "https://w3id.org/hmic-kg")
    store = ox.Store.read_only(str(data / "store"))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        list(store.query(text, use_default_graph_as_union=True))
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def timed(request, requests: int, budget: float) -> list[float]:
    """Milliseconds of each request, one after another. A result too large for the cache is
    evaluated every time: the loop stops after `budget` seconds (and at least 5 requests)."""
    lat = []
    began = time.perf_counter()
    while len(lat) < requests and (time.perf_counter() - began < budget or len(lat) < 5):
        t = time.perf_counter()
        request()
        lat.append((time.perf_counter() - t) * 1000)
    return sorted(lat)


def p99(lat: list[float]) -> float:
    return lat[min(len(lat) - 1, int(0.99 * len(lat)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--budget", type=float, default=30.0, help="seconds of repeated requests per query at most")
    a = ap.parse_args()
    params = example_params(a.data)
    port = free_port()
    cmd = [str(ROOT / ".venv" / "bin" / "hmic-kg"), "serve", "--data", str(a.data), "--port", str(port)]
    if a.no_cache:
        cmd.append("--no-cache")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        deadline = started + 300
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the service did not start")
            time.sleep(0.3)
        ready = time.monotonic()
        if not a.no_cache:
            from service.catalogue import load_catalogue
            from service.warmup import warmable
            expected = len(warmable(load_catalogue(ROOT / "queries")))
            while len(httpx.get(f"{base}/health", timeout=5).json()["cache"]["warmed"]) < expected:
                if time.monotonic() > deadline:
                    raise SystemExit("the service did not finish warming")
                time.sleep(0.2)
            print(f"service answering {ready - started:.1f} s after start; {expected} catalogue queries "
                  f"answered at start-up by {time.monotonic() - started:.1f} s")
        print("| query | rows | first request ms | requests | p50 ms | p99 ms | p99 via httpx ms | bare pyoxigraph ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
        with httpx.Client(timeout=120) as client:
            for name, ps in sorted(params.items()):
                url = f"{base}/queries/{name}"
                t = time.perf_counter()
                r = client.get(url, params=ps)
                first = (time.perf_counter() - t) * 1000
                if r.status_code != 200:
                    print(f"| {name} | HTTP {r.status_code}: {r.text[:80]} | | | | |")
                    continue
                rows = len(r.json()["results"]["bindings"])
                target = str(httpx.URL(url, params=ps).raw_path, "ascii")
                # A connection of its own per query: the service closes one idle for 5 s.
                raw = RawClient("127.0.0.1", port)

                def raw_get(raw=raw, target=target, name=name):
                    status, _ = raw.get(target)
                    if status != 200:
                        raise SystemExit(f"{name}: HTTP {status}")
                lat = timed(raw_get, a.requests, a.budget)
                via_httpx = timed(lambda url=url, ps=ps: client.get(url, params=ps).raise_for_status(),
                                  a.requests, a.budget)
                raw.close()
                print(f"| {name} | {rows} | {first:.0f} | {len(lat)} | {statistics.median(lat):.1f} | {p99(lat):.1f} | "
                      f"{p99(via_httpx):.1f} | {bare_ms(a.data, name, ps):.0f} |", flush=True)
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
