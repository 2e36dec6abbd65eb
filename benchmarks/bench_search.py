"""Latency of the `search` catalogue query through the service, with search text drawn from the data:

    python benchmarks/bench_search.py --data BUILD [--queries 200] [--seed 3] [--baseline 10]

Starts `hmic-kg serve --no-warm` (this checkout's code, otherwise default settings, cache on) on
the build, then asks `/queries/search?text=...` (the first page, 50 rows) one request after
another for three sets of search text cut from the statement texts of the build's store:

* vocabulary: distinct words of three letters or more, each equally likely (most are rare);
* running text: words picked by occurrence, so the most common ("the", "force") dominate;
* phrases: 2-4 consecutive words, quoted.

Every text of a set is different, so each request is a first request that the service evaluates
(checked: `X-Cache: miss`); the same requests are then repeated and reported apart (cache hits).
Side by side, `--baseline` texts of the vocabulary set are answered the way a build without an index
answers (the SPARQL in queries/search.rq: a CONTAINS scan of every statement text) in bare
pyoxigraph on the same store, for the ratio. Latency is the time to the last byte, read as bench_catalogue.py reads it.
The load average is printed with the figures: on a shared machine it moves them.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_catalogue import RawClient, p99
from benchmarks.bench_service import free_port

TEXTS = ("SELECT ?t WHERE { ?s <https://w3id.org/hmic-kg/def/inspection/text> ?t } ORDER BY ?t")
_WORD = re.compile(r"[^\W\d_]{3,}")


def search_texts(data: Path, n: int, seed: int) -> dict[str, list[str]]:
    store = ox.Store.read_only(str(data / "store"))
    texts = [s["t"].value for s in store.query(TEXTS, use_default_graph_as_union=True)]
    del store
    rng = random.Random(seed)
    running = [w for t in texts for w in _WORD.findall(t)]
    vocabulary = sorted({w.lower() for w in running})
    sets: dict[str, list[str]] = {"vocabulary": [], "running text": [], "phrases": []}
    seen: set[str] = set()

    def add(name: str, text: str) -> None:
        if text.lower() not in seen:
            seen.add(text.lower())
            sets[name].append(text)

    while len(sets["vocabulary"]) < n:
        add("vocabulary", rng.choice(vocabulary))
    while len(sets["running text"]) < n:
        add("running text", rng.choice(running))
    while len(sets["phrases"]) < n:
        words = rng.choice(texts).split()
        if len(words) < 4:
            continue
        i = rng.randrange(len(words) - 3)
        phrase = " ".join(words[i:i + rng.randint(2, 4)])
        if '"' not in phrase:
            add("phrases", f'"{phrase}"')
    return sets


def start(data: Path, port: int) -> subprocess.Popen:
    cli = ("import sys; sys.path.insert(0, sys.argv.pop(1)); from graph_builder.cli import main; "
           "sys.exit(main())")
    # --no-warm: search needs no warming, and the national listings it computes would compete for
    # the CPU with the requests measured (on a loaded machine they may also run past the timeout).
    cmd = [sys.executable, "-c", cli, str(ROOT), "serve", "--data", str(data), "--port", str(port),
           "--no-warm"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the service did not start and warm up")


def cpu_ms(pid: int) -> float:
    """CPU time the service's main process (where search runs) has used, user and system."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def row(name: str, lat: list[float], totals: list[int]) -> str:
    lat = sorted(lat)
    return (f"| {name} | {len(lat)} | {statistics.median(totals):.0f} / {max(totals)} | "
            f"{statistics.median(lat):.1f} | {p99(lat):.1f} | {lat[-1]:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=200, help="search texts per set")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--baseline", type=int, default=10, help="texts answered by the SPARQL scan")
    a = ap.parse_args()
    sets = search_texts(a.data, a.queries, a.seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(a.data, port)
    try:
        wait_ready(base, proc)
        print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print("| search texts | requests | matches (median / max) | p50 ms | p99 ms | max ms | "
              "service CPU ms per request |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
        first, again, cpu = {}, {}, {}
        for name, texts in sets.items():
            for label, out in (("first", first), ("again", again)):
                # A fresh connection per pass: the service closes one idle for 5 s.
                raw = RawClient("127.0.0.1", port)
                lat = []
                used = cpu_ms(proc.pid)
                for text in texts:
                    target = "/queries/search?" + urlencode({"text": text})
                    t = time.perf_counter()
                    status, _ = raw.get(target)
                    lat.append((time.perf_counter() - t) * 1000)
                    if status != 200:
                        raise SystemExit(f"{text!r}: HTTP {status}")
                cpu[name, label] = (cpu_ms(proc.pid) - used) / len(texts)
                raw.close()
                out[name] = lat
            # Totals and the cache check, outside the timed loop.
            with httpx.Client(timeout=60) as client:
                for text in texts[:20]:
                    r = client.get(f"{base}/queries/search", params={"text": text})
                    assert r.headers["x-cache"] == "hit", "a repeated request was not cached"
                totals = [client.get(f"{base}/queries/search", params={"text": t}).json()["total"]
                          for t in texts]
            print(row(f"{name}, first request", first[name], totals) + f" {cpu[name, 'first']:.1f} |",
                  flush=True)
            print(row(f"{name}, repeated (cached)", again[name], totals) + f" {cpu[name, 'again']:.1f} |",
                  flush=True)
        everything = sorted(x for v in first.values() for x in v)
        print(f"all first requests: {len(everything)}, p50 {statistics.median(everything):.1f} ms, "
              f"p99 {p99(everything):.1f} ms")
        if a.baseline:
            from service.catalogue import bind, load_catalogue
            query = load_catalogue(ROOT / "queries")["search"]
            store = ox.Store.read_only(str(a.data / "store"))
            scan, index = [], []
            with httpx.Client(timeout=120) as client:
                for text in sets["vocabulary"][:a.baseline]:
                    # In bare pyoxigraph: through the service it runs past the 10 s timeout.
                    t = time.perf_counter()
                    list(store.query(bind(query, {"text": text}, "https://w3id.org/hmic-kg"),
                                     use_default_graph_as_union=True))
                    scan.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    client.get(f"{base}/queries/search", params={"text": text, "limit": 50, "offset": 0,
                                                                  "format": "json"}).raise_for_status()
                    index.append((time.perf_counter() - t) * 1000)
            del store
            print(f"side by side, {a.baseline} vocabulary words, first requests: the SPARQL substring "
                  f"scan (queries/search.rq, bare pyoxigraph) p50 {statistics.median(scan):.0f} ms, "
                  f"the index through the service p50 {statistics.median(index):.1f} ms "
                  f"({statistics.median(scan) / statistics.median(index):.0f}x)")
        print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
