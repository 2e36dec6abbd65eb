"""Fair service under load: well-behaved clients beside hostile ones, each from its own address.

    python benchmarks/bench_fairness.py [--data DIR] [--duration 60] [--good 64] [--hostile 4]

Starts `hmic-kg serve` (this checkout's, in a child process, default settings) on 127.0.0.1 over
DIR (default: the corpus built into a temporary directory first). Then, for --duration seconds:

* --good well-behaved clients, each sending one cheap request at a time with a short pause between
  them: a linked-data page, a small /sparql query (a varied OFFSET, so most are evaluated rather
  than cached) or a catalogue query with varied parameters;
* --hostile clients, each with --streams requests in flight at once, sending the most expensive
  query they can (a COUNT over a triple cross join of the whole store, which runs into the
  timeout; a comment makes every one distinct so none is cached), back to back.

Every client binds its sockets to its own loopback address (127.0.0.2, 127.0.0.3, ...: Linux
routes all of 127.0.0.0/8 to lo), which is how the service tells clients apart. Prints latency
p50/p99 and status counts per class of request; all traffic goes to 127.0.0.1 only, every loop
ends by count and by time, and the server is stopped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/hmic-kg"
HOSTILE = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} # {tag}"
GLOSSARY = ["BCU", "ACPO", "HMIC", "PPAF", "NIM", "CDRP", "PCSO", "ASB", "IAG", "HR"]
MAX_REQUESTS = 100_000  # per client: a bound on every loop besides the clock
CLIENT_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def address(n: int) -> str:
    """The n-th client's source address: 127.0.0.2, 127.0.0.3, ... then 127.0.1.0, ..."""
    n += 2
    return f"127.0.{n // 256}.{n % 256}"


def pick_targets(url: str) -> dict[str, list[str]]:
    """What the well-behaved clients ask about: forces, and things with a page of their own (a
    report, a finding, a judgement: not the force hubs, which link to thousands of things)."""
    def select(query: str) -> list[str]:
        r = httpx.get(url + "/sparql", params={"query": query}, timeout=60)
        r.raise_for_status()
        return [b["x"]["value"] for b in r.json()["results"]["bindings"]]
    insp = f"{BASE}/def/inspection/"
    things = select(f"SELECT DISTINCT ?x WHERE {{ ?x <{insp}force> ?f }} LIMIT 5000")
    return {"forces": sorted(select(f"SELECT DISTINCT ?x WHERE {{ ?s <{insp}force> ?x }}")),
            "pages": sorted(random.Random(0).sample(things, min(300, len(things))))}


def cheap_request(rng: random.Random, targets: dict) -> tuple[str, str, dict, dict]:
    """(class, path, params, headers) of one well-behaved request."""
    force = rng.choice(targets["forces"])
    kind = rng.randrange(3)
    if kind == 0:
        accept = rng.choice(["text/html", "text/turtle"])
        return "page", rng.choice(targets["pages"])[len(BASE):], {}, {"accept": accept}
    if kind == 1:
        iri = f"<{force}>"
        offset = rng.randrange(200)
        query = rng.choice([f"ASK {{ ?s ?p {iri} }}",
                            f"SELECT ?p ?o WHERE {{ {iri} ?p ?o }} LIMIT 10 OFFSET {offset}",
                            f"SELECT ?s WHERE {{ ?s ?p {iri} }} LIMIT 10 OFFSET {offset}"])
        return "sparql", "/sparql", {"query": query}, {}
    if rng.random() < 0.5:
        return "catalogue", "/queries/force-judgements", {"force": force}, {}
    return "catalogue", "/queries/glossary", {"abbreviation": rng.choice(GLOSSARY)}, {}


def client_for(url: str, n: int) -> httpx.AsyncClient:
    """The n-th client's connection pool, every socket bound to its own source address. Made before
    the clock starts: each one builds an SSL context (tens of ms), which would stall the loop."""
    transport = httpx.AsyncHTTPTransport(local_address=address(n))
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=CLIENT_TIMEOUT)


async def good_client(c: httpx.AsyncClient, n: int, end: float, think: float, targets: dict,
                      out: list) -> None:
    rng = random.Random(n)
    await asyncio.sleep(rng.random() * think)  # do not all start in the same millisecond
    for _ in range(MAX_REQUESTS):
        if time.monotonic() >= end:
            return
        cls, path, params, headers = cheap_request(rng, targets)
        start = time.monotonic()
        try:
            status = (await c.get(path, params=params, headers=headers)).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        out.append((cls, status, start, time.monotonic() - start))
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def hostile_stream(c: httpx.AsyncClient, tag: str, end: float, pause: float,
                         out: list) -> None:
    for i in range(MAX_REQUESTS):
        if time.monotonic() >= end:
            return
        start = time.monotonic()
        try:
            r = await c.get("/sparql", params={"query": HOSTILE.format(tag=f"{tag}-{i}")})
            status = r.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        out.append(("hostile", status, start, time.monotonic() - start))
        if status == 429:  # refused at once: a bounded retry rate, not a CPU-burning spin
            await asyncio.sleep(pause)


def run_clients(role: str, url: str, first: int, count: int, start_wall: float, opts: dict,
                targets: dict, queue) -> None:
    """One process per role, so the hostile clients' event loop cannot delay the timing of the
    well-behaved ones."""
    out: list = []
    began = time.monotonic() + (start_wall - time.time())
    end = began + opts["duration"]

    async def main() -> None:
        if role == "good":
            clients = [client_for(url, first + i) for i in range(count)]
            tasks = [good_client(c, first + i, end, opts["think"], targets, out)
                     for i, c in enumerate(clients)]
        else:
            pairs = [(client_for(url, first + i), f"{first + i}-{s}")
                     for i in range(count) for s in range(opts["streams"])]
            clients = [c for c, _ in pairs]
            tasks = [hostile_stream(c, tag, end, opts["pause"], out) for c, tag in pairs]
        try:
            await asyncio.sleep(max(began - time.monotonic(), 0))
            await asyncio.wait_for(asyncio.gather(*tasks),
                                   end - time.monotonic() + CLIENT_TIMEOUT + 5)
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

    asyncio.run(main())
    queue.put([(cls, status, start - began, seconds) for cls, status, start, seconds in out])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(samples: list, duration: float, settle: float) -> str:
    by_class: dict[str, list] = defaultdict(list)
    for cls, status, start, seconds in samples:
        by_class[cls].append((status, seconds))
        if cls != "hostile" and start >= settle:
            by_class["settled"].append((status, seconds))
    cheap = [s for cls in ("page", "sparql", "catalogue") for s in by_class[cls]]
    lines = ["| class | requests | req/s | p50 ms | p99 ms | statuses |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for cls, rows in [*((c, by_class[c]) for c in ("page", "sparql", "catalogue")),
                      ("all cheap", cheap), (f"cheap, from {settle:g} s", by_class["settled"]),
                      ("hostile", by_class["hostile"])]:
        times = [s for _, s in rows]
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(Counter(str(st) for st, _ in rows).items()))
        span = duration - settle if cls.startswith("cheap, from") else duration
        lines.append(f"| {cls} | {len(rows)} | {len(rows) / span:.1f} | "
                     f"{percentile(times, 0.5) * 1000:.1f} | {percentile(times, 0.99) * 1000:.1f} | "
                     f"{statuses} |")
    return "\n".join(lines)


def start_server(data: Path, port: int, extra: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph_builder.cli", "serve", "--data", str(data), "--port", str(port),
         *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            health = httpx.get(url + "/health", timeout=2).json()
            if health["status"] == "ok" and len(health["cache"]["warmed"]) >= 3:
                return proc
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not become healthy in 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="build directory (default: build the corpus first)")
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--good", type=int, default=64, help="well-behaved clients")
    ap.add_argument("--hostile", type=int, default=4, help="hostile clients")
    ap.add_argument("--streams", type=int, default=4, help="requests each hostile client keeps in flight")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean seconds a well-behaved client waits between requests")
    ap.add_argument("--pause", type=float, default=0.1, help="hostile wait after a 429")
    ap.add_argument("--settle", type=float, default=25.0,
                    help="also report cheap requests sent after this many seconds (past the first "
                         "hostile queries, which nothing can tell from cheap ones before they run)")
    ap.add_argument("--serve-args", default="", help="extra arguments for hmic-kg serve")
    ap.add_argument("--samples", type=Path, help="also write every (class, status, start s, "
                                                 "seconds) here as JSON")
    a = ap.parse_args()
    if not 1 <= a.duration <= 600 or not 0 <= a.good <= 250 or not 0 <= a.hostile <= 4000:
        raise SystemExit("--duration 1-600, --good 0-250, --hostile 0-4000")
    with tempfile.TemporaryDirectory(prefix="bench-fairness-") as tmp:
        data = a.data
        if data is None:
            data = Path(tmp) / "build"
            subprocess.run([sys.executable, "-m", "graph_builder.cli", "build", "corpus", "--out",
                            str(data), "--quiet"], cwd=ROOT, check=True, timeout=600)
        port = free_port()
        proc = start_server(data, port, a.serve_args.split())
        try:
            url = f"http://127.0.0.1:{port}"
            opts = {"think": a.think, "streams": a.streams, "pause": a.pause,
                    "duration": a.duration}
            wanted = pick_targets(url)
            ctx = multiprocessing.get_context("fork")
            queue = ctx.Queue()
            start_wall = time.time() + 3  # both processes begin together, clients made
            roles = [("good", 0, a.good), ("hostile", a.good, a.hostile)]
            procs = [ctx.Process(target=run_clients,
                                 args=(role, url, first, count, start_wall, opts, wanted, queue))
                     for role, first, count in roles if count]
            for p in procs:
                p.start()
            samples = []
            for _ in procs:
                samples += queue.get(timeout=a.duration + CLIENT_TIMEOUT + 60)
            for p in procs:
                p.join(10)
            health = httpx.get(url + "/health", timeout=10).json()
        finally:
            stop_server(proc)
    print(f"{a.good} well-behaved clients, {a.hostile} hostile clients x {a.streams} streams, "
          f"{a.duration:g} s, data {data}")
    print(report(samples, a.duration, a.settle))
    if a.samples:
        a.samples.write_text(json.dumps(samples), encoding="utf-8")
    print("query lane:", json.dumps({k: health["workers"].get(k) for k in
                                     ("killed_for_timeout", "out_of_memory", "fairness")}))
    print("cache:", json.dumps({k: health["cache"].get(k) for k in ("hits", "misses")}))


if __name__ == "__main__":
    main()
