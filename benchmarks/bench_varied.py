"""Every catalogue query with parameters drawn from the served data, and the researcher-style
queries of benchmarks/researcher/, through `hmic-kg serve` with its cache on (on demand):

    python benchmarks/bench_varied.py --data BUILD [--per-query 60] [--repeats 3] [--seed 9]
        [--only catalogue|researcher] [--bare]

For each catalogue query, --per-query parameter sets are drawn from the build (forces with
reports, the programme / area / grade combinations judged, themes of the thesaurus, statements with
similarity links, glossary abbreviations, words of statement texts, min_forces 2-43; an optional
parameter is left out one time in four). Each set is asked once: that first request is the one the
service evaluates (unless start-up warming answered it: the parameterless listings), and is
reported apart from --repeats repeats of it, which the result cache answers. Latency is the time to
the last byte read by a plain keep-alive socket (bench_catalogue.RawClient), as curl reads it.

Each researcher query (benchmarks/researcher/*.rq, written the way people write them) is sent once
to /sparql uncached, then repeated; its row count is checked against the `# rows:` header when the
build is the shipped corpus's. --bare also times each in bare pyoxigraph on the same store, in a
child process stopped after 20 s.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_catalogue import RawClient  # noqa: E402
from benchmarks.bench_service import free_port  # noqa: E402

RESEARCHER = ROOT / "benchmarks" / "researcher"
B = "https://w3id.org/hmic-kg"
INSP = f"{B}/def/inspection/"
_WORD = re.compile(r"[A-Za-z]{5,}")


def _column(store: ox.Store, query: str) -> list[list[str]]:
    return [[t.value for t in row] for row in store.query(
        f"PREFIX insp: <{INSP}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " + query,
        use_default_graph_as_union=True)]


def pools(store: ox.Store) -> dict[str, list]:
    """The values parameters are drawn from, read from the build."""
    texts = [r[0] for r in _column(store, "SELECT ?t WHERE { ?s a insp:Recommendation ; insp:text ?t } LIMIT 400")]
    words = sorted({w.lower() for t in texts for w in _WORD.findall(t)})
    return {
        "force": [r[0] for r in _column(store, "SELECT DISTINCT ?f WHERE { ?r a insp:InspectionReport ; insp:force ?f } ORDER BY ?f")],
        "programme": [r[0] for r in _column(store, "SELECT DISTINCT ?p WHERE { ?r a insp:InspectionReport ; insp:programme ?p } ORDER BY ?p")],
        "judged": _column(store, """SELECT DISTINCT ?p ?a ?g WHERE { ?j a insp:GradedJudgement ; insp:programme ?p ;
            insp:assessmentArea ?a ; insp:grade ?g } ORDER BY ?p ?a ?g"""),
        "theme": [r[0] for r in _column(store, "SELECT DISTINCT ?t WHERE { ?t a insp:Theme } ORDER BY ?t")],
        "statement": [r[0] for r in _column(store, "SELECT DISTINCT ?s WHERE { ?s insp:similarTo ?o } ORDER BY ?s LIMIT 2000")],
        "abbreviation": [r[0] for r in _column(store, "SELECT DISTINCT ?a WHERE { ?t a insp:GlossaryTerm ; skos:altLabel ?a } ORDER BY ?a")],
        "text": words,
    }


def draw(name: str, params, pool: dict[str, list], rng: random.Random) -> dict[str, str]:
    """One parameter set for catalogue query `name` (params: its declared Param list)."""
    out: dict[str, str] = {}
    judged = rng.choice(pool["judged"])
    for p in params:
        if p.optional and rng.random() < 0.25:
            continue
        if p.name == "programme":
            out[p.name] = judged[0] if "area" in {q.name for q in params} else rng.choice(pool["programme"])
        elif p.name == "area":
            out[p.name] = judged[1]
        elif p.name == "grade":
            out[p.name] = judged[2]
        elif p.name == "min_forces":
            out[p.name] = str(rng.randint(2, 43))
        elif p.name in pool:
            out[p.name] = rng.choice(pool[p.name])
        else:
            raise SystemExit(f"{name}: no pool to draw parameter {p.name} from")
    return out


def researcher_queries() -> list[tuple[str, str, int | None]]:
    """(name, text, expected rows on the corpus build) of each benchmarks/researcher/*.rq."""
    out = []
    for path in sorted(RESEARCHER.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        m = re.search(r"^#\s*rows:\s*(\d+)", text, re.M)
        out.append((path.stem, text, int(m.group(1)) if m else None))
    return out


def pct(lat: list[float], q: float) -> float:
    lat = sorted(lat)
    return lat[min(len(lat) - 1, int(q * len(lat)))]


def start_service(data: Path) -> tuple[subprocess.Popen, str, int]:
    port = free_port()
    cmd = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
           "from graph_builder.cli import main; sys.exit(main())", str(ROOT),
           "serve", "--data", str(data), "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    from service.catalogue import load_catalogue
    from service.warmup import warmable
    expected = len(warmable(load_catalogue(ROOT / "queries")))
    deadline = time.monotonic() + 300
    while True:
        try:
            health = httpx.get(f"{base}/health", timeout=5).json()
            # A listing that ran out of time while warming is reported by the first request.
            failed = health["page_workers"]["killed_for_timeout"]
            if len(health["cache"]["warmed"]) + failed >= expected:
                if failed:
                    print(f"{failed} of {expected} start-up answers ran out of time", flush=True)
                break
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("the service did not start (or did not finish warming)")
        time.sleep(0.3)
    return proc, base, port


def timed_get(raw: RawClient, target: str) -> tuple[float, int]:
    t = time.perf_counter()
    status, size = raw.get(target)
    return (time.perf_counter() - t) * 1000, status


def bench_catalogue(data: Path, port: int, per_query: int, repeats: int, seed: int) -> None:
    from service.catalogue import load_catalogue
    store = ox.Store.read_only(str(data / "store"))
    pool = pools(store)
    del store
    rng = random.Random(seed)
    print("| query | parameter sets | first p50 ms | first p99 ms | first max ms | repeat p50 ms | repeat p99 ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |", flush=True)
    for name, q in sorted(load_catalogue(ROOT / "queries").items()):
        sets, seen = [], set()
        for _ in range(per_query * 20):
            ps = draw(name, q.params, pool, rng)
            key = tuple(sorted(ps.items()))
            if key not in seen:
                seen.add(key)
                sets.append(ps)
            if len(sets) == per_query:
                break
        raw = RawClient("127.0.0.1", port)
        first, again, errors = [], [], []
        for ps in sets:
            target = f"/queries/{name}?" + urlencode(ps) if ps else f"/queries/{name}"
            ms, status = timed_get(raw, target)
            if status != 200:
                errors.append(f"{status} {ps}")
                continue
            first.append(ms)
            for _ in range(repeats):
                again.append(timed_get(raw, target)[0])
        raw.close()
        if not first:
            print(f"| {name} | {len(sets)} | | | | | | {'; '.join(errors[:3])} |", flush=True)
            continue
        print(f"| {name} | {len(sets)} | {statistics.median(first):.1f} | {pct(first, .99):.1f} | {max(first):.1f} | "
              f"{statistics.median(again):.1f} | {pct(again, .99):.1f} | {len(errors) or ''}"
              f"{(' ' + errors[0][:60]) if errors else ''} |", flush=True)


def bare_ms(data: Path, text: str, limit: float = 20.0) -> str:
    code = ("import sys, time, pyoxigraph as ox; s = ox.Store.read_only(sys.argv[1]); t = time.perf_counter(); "
            "n = sum(1 for _ in s.query(sys.stdin.read(), use_default_graph_as_union=True)); "
            "print(round((time.perf_counter() - t) * 1000), n)")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(data / "store")], input=text, text=True,
                             capture_output=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return f"> {limit * 1000:.0f}"
    return out.stdout.split()[0] if out.returncode == 0 else "error"


def bench_researcher(data: Path, port: int, repeats: int, bare: bool) -> None:
    corpus = (data / "texts").is_dir() and len(list((data / "texts").iterdir())) == 4
    print("| researcher query | rows | expected on corpus | first ms | repeat p50 ms | bare pyoxigraph ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |", flush=True)
    with httpx.Client(timeout=60) as client:
        for name, text, expected in researcher_queries():
            raw = RawClient("127.0.0.1", port)
            target = "/sparql?query=" + quote(text, safe="")
            ms, status = timed_get(raw, target)
            again = [timed_get(raw, target)[0] for _ in range(repeats)] if status == 200 else []
            raw.close()
            rows = "-"
            if status == 200:
                r = client.get(f"http://127.0.0.1:{port}/sparql", params={"query": text},
                               headers={"Accept": "application/sparql-results+json"})
                rows = str(len(r.json()["results"]["bindings"]))
            else:
                rows = f"HTTP {status}"
            mark = "" if not corpus or expected is None or rows == str(expected) else " (MISMATCH)"
            print(f"| {name} | {rows}{mark} | {expected if expected is not None else ''} | {ms:.0f} | "
                  f"{statistics.median(again) if again else float('nan'):.1f} | "
                  f"{bare_ms(data, text) if bare else ''} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--per-query", type=int, default=60)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--only", choices=("catalogue", "researcher"))
    ap.add_argument("--bare", action="store_true")
    a = ap.parse_args()
    started = time.monotonic()
    proc, base, port = start_service(a.data)
    print(f"service answering and warmed {time.monotonic() - started:.1f} s after start", flush=True)
    try:
        if a.only != "researcher":
            bench_catalogue(a.data, port, a.per_query, a.repeats, a.seed)
        if a.only != "catalogue":
            bench_researcher(a.data, port, a.repeats, a.bare)
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
