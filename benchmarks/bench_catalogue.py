"""p50/p99 latency of every catalogue query through the service (on demand):

    .venv/bin/python benchmarks/bench_catalogue.py --data BUILD [--requests 200] [--no-cache]

Starts `hmic-kg serve` on the build, then for each query in queries/ sends --requests requests one
after another with the parameters its documentation gives as an example (the statement of
similar-findings is one that has links in this build), after one first request whose latency is
reported apart (with the cache on, the first request is the one that evaluates). Beside it, the same
query's evaluation time in bare pyoxigraph on the same store, for scale.
"""
from __future__ import annotations

import argparse
import re
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
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the service did not start")
            time.sleep(0.3)
        print("| query | rows | first request ms | requests | p50 ms | p99 ms | bare pyoxigraph ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
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
                lat = []
                began = time.perf_counter()
                # A result too large for the cache is evaluated every time: stop its loop after
                # --budget seconds and say how many requests were made.
                while len(lat) < a.requests and (time.perf_counter() - began < a.budget or len(lat) < 5):
                    t = time.perf_counter()
                    client.get(url, params=ps).raise_for_status()
                    lat.append((time.perf_counter() - t) * 1000)
                lat.sort()
                p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
                print(f"| {name} | {rows} | {first:.0f} | {len(lat)} | {statistics.median(lat):.1f} | {p99:.1f} | "
                      f"{bare_ms(a.data, name, ps):.0f} |", flush=True)
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
