"""Requests per second and p50/p99 latency of the hmic-kg service beside rdflib-endpoint and a bare
FastAPI app that only calls pyoxigraph, on the same data and query, in one run (on demand):

    python benchmarks/bench_service.py [--data build] [--duration 8] [--concurrency 1 16]

Each server runs in its own process on 127.0.0.1; a bounded httpx async loop drives it. The hmic-kg
service is measured with its result cache off (every request evaluated) and on.
rdflib-endpoint comes from the `bench` extra: pip install -e '.[bench]'.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# A selective lookup (index-bound, cheap in any engine) and an aggregate over every statement (where
# the engine matters): what researchers mostly send.
QUERIES = {
    "lookup": """PREFIX insp: <https://w3id.org/hmic-kg/def/inspection/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?programme ?area ?grade ?gradeLabel WHERE {
  ?j a insp:GradedJudgement ; insp:force <https://w3id.org/hmic-kg/id/force/west-mercia> ;
     insp:programme ?programme ; insp:assessmentArea ?area ; insp:grade ?grade .
  OPTIONAL { ?grade skos:prefLabel ?gradeLabel }
} ORDER BY ?programme ?area""",
    "aggregate": """PREFIX insp: <https://w3id.org/hmic-kg/def/inspection/>
SELECT ?force ?type (COUNT(?f) AS ?n) (AVG(STRLEN(?text)) AS ?avgLength) WHERE {
  ?f insp:force ?force ; insp:text ?text ; a ?type .
} GROUP BY ?force ?type ORDER BY ?force DESC(?n)""",
}
QUERY = QUERIES["lookup"]


# --- the two comparison servers, run by this same file in a child process -----------------------

def serve_bare(data: Path, port: int) -> None:
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import Response
    from pyoxigraph import QueryResultsFormat, Store

    store = Store.read_only(str(data / "store"))
    app = FastAPI()

    @app.get("/sparql")
    def sparql(query: str) -> Response:
        result = store.query(query, use_default_graph_as_union=True)
        return Response(result.serialize(format=QueryResultsFormat.JSON),
                        media_type="application/sparql-results+json")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def serve_rdflib_endpoint(data: Path, port: int) -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    ds = Dataset(default_union=True)
    ds.parse(data / "exports" / "dataset.nq", format="nquads")
    app = SparqlEndpoint(graph=ds, path="/sparql", public_url=f"http://127.0.0.1:{port}/sparql")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# --- driving them --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, data: Path, port: int, workers: int) -> subprocess.Popen:
    if kind.startswith("hmic-kg"):
        cmd = [sys.executable, "-m", "graph_builder.cli", "serve", "--data", str(data),
               "--port", str(port), "--workers", str(workers)]
        if kind == "hmic-kg (cache off)":
            cmd.append("--no-cache")
    else:
        cmd = [sys.executable, __file__, "--serve", kind, "--data", str(data), "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 1200  # rdflib-endpoint parses the whole N-Quads export first
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{kind} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            r = httpx.get(url, params={"query": QUERY},
                          headers={"accept": "application/sparql-results+json"}, timeout=30)
            if r.status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"{kind} did not start")


async def load(url: str, query: str, concurrency: int, duration: float) -> dict:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def one_client() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t = time.perf_counter()
                try:
                    r = await client.get(url, params={"query": query},
                                         headers={"accept": "application/sparql-results+json"})
                except httpx.HTTPError:  # e.g. no answer within the client's 60 s: an error, not a crash
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors += 1
        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    if not latencies:
        return {"rps": 0.0, "p50": float("nan"), "p99": float("nan"), "n": 0, "errors": errors}
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    return {"rps": len(latencies) / elapsed, "p50": pct(0.50), "p99": pct(0.99),
            "n": len(latencies), "errors": errors}


def load_wrk(url: str, query: str, concurrency: int, duration: float) -> dict:
    """The same measurement with wrk (C, so the load generator does not eat the CPU it measures)."""
    from urllib.parse import urlencode
    target = f"{url}?{urlencode({'query': query})}"
    out = subprocess.run(["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}",
                          f"-d{max(int(duration), 1)}s", "--latency", "--timeout", "60s",
                          "-H", "Accept: application/sparql-results+json", target],
                         capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        return float(m[1]) * unit[m[2]] if m else float("nan")
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    n = re.search(r"(\d+) requests in", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), "p50": ms("50%"),
            "p99": ms("99%"), "n": int(n[1]) if n else 0,
            "errors": (int(non_ok[1]) if non_ok else 0) + (1 if errors else 0)}


def ensure_build(data: Path) -> None:
    if (data / "build.json").is_file():
        return
    from graph_builder.pipeline.build import build_dataset
    print(f"building {data} from corpus/ ...", file=sys.stderr)
    build_dataset(ROOT / "corpus", data)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT / "build")
    p.add_argument("--duration", type=float, default=8.0, help="seconds per measurement")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    p.add_argument("--workers", type=int, default=None, help="hmic-kg query workers")
    p.add_argument("--only", nargs="+", default=None, help="subset of servers to measure")
    p.add_argument("--queries", nargs="+", default=list(QUERIES), choices=list(QUERIES))
    p.add_argument("--httpx", action="store_true", help="drive with httpx even if wrk is installed")
    p.add_argument("--serve", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.serve == "bare":
        return serve_bare(args.data, args.port)
    if args.serve == "rdflib-endpoint":
        return serve_rdflib_endpoint(args.data, args.port)

    from service.config import Settings
    workers = args.workers or Settings().workers
    ensure_build(args.data)
    kinds = args.only or ["hmic-kg (cache off)", "hmic-kg (cache on)", "bare", "rdflib-endpoint"]
    use_wrk = shutil.which("wrk") is not None and not args.httpx
    rows = []
    for kind in kinds:
        port = free_port()
        proc = start(kind, args.data, port, workers)
        try:
            url = f"http://127.0.0.1:{port}/sparql"
            for qname in args.queries:
                query = QUERIES[qname]
                asyncio.run(load(url, query, 1, 1.0))  # warm-up
                for c in args.concurrency:
                    r = load_wrk(url, query, c, args.duration) if use_wrk \
                        else asyncio.run(load(url, query, c, args.duration))
                    rows.append((kind, qname, c, r))
                    print(f"{kind:20} {qname:9} c={c:<3} {r['rps']:8.1f} req/s  p50 {r['p50']:8.1f} ms"
                          f"  p99 {r['p99']:8.1f} ms  n={r['n']} errors={r['errors']}", file=sys.stderr)
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"\nload: {'wrk' if use_wrk else 'httpx'}; {args.duration:g} s per cell; hmic-kg workers: "
          f"{workers}; machine: {os.cpu_count()} CPUs\n")
    print("| server | query | concurrency | req/s | p50 ms | p99 ms | errors |")
    # 0.0 req/s: not one request completed within the measurement (wrk's timeout is 60 s).
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, qname, c, r in rows:
        print(f"| {kind} | {qname} | {c} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['errors']} |")
    by = {(k, q, c): r["rps"] for k, q, c, r in rows}
    print()
    for qname in args.queries:
        for c in args.concurrency:
            for ours in ("hmic-kg (cache off)", "hmic-kg (cache on)"):
                parts = []
                for other in ("rdflib-endpoint", "bare"):
                    if (ours, qname, c) in by and (other, qname, c) in by:
                        if by[(other, qname, c)] == 0:
                            # The other server finished no request within the whole measurement.
                            parts.append(f"> {by[(ours, qname, c)] * args.duration:.0f}x {other} (none answered)")
                        else:
                            parts.append(f"{by[(ours, qname, c)] / by[(other, qname, c)]:.2f}x {other}")
                if parts:
                    print(f"{qname} c={c}: {ours} = " + ", ".join(parts))

if __name__ == "__main__":
    main()
