"""What a page with its total costs, against the naive alternative, in bare pyoxigraph:

    python benchmarks/bench_paging.py --data BUILD [--runs 3] [--queries recommendation-follow-ups ...]

For each parameterless catalogue query (or those named), the median of --runs of:

* paged: the worker's `page` op (service/worker.py run_page): one evaluation, the first 50
  solutions converted, the rest counted;
* naive: the query with LIMIT 50, then a second query counting the solutions (SELECT COUNT(*)
  over the query as a subquery);
* whole: the unpaged answer written as SPARQL JSON, as the service answered before pages.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    from service.catalogue import bind, load_catalogue
    from service.warmup import warmable
    from service.worker import run_page

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queries", nargs="*")
    a = ap.parse_args()
    catalogue = load_catalogue(ROOT / "queries")
    store = ox.Store.read_only(str(a.data / "store"))
    print("| query | rows | paged ms (one evaluation) | naive ms (LIMIT + COUNT) | whole answer ms |")
    print("| --- | ---: | ---: | ---: | ---: |", flush=True)
    for name in a.queries or warmable(catalogue):
        text = bind(catalogue[name], {}, "https://w3id.org/hmic-kg")
        request = {"query": text, "limit": 50, "offset": 0, "default_graphs": None, "named_graphs": None}
        total = run_page(store, request)["total"]
        prologue, _, body = text.partition("SELECT")
        counting = f"{prologue} SELECT (COUNT(*) AS ?n) WHERE {{ SELECT {body} }}"

        def naive(text=text, counting=counting):
            list(store.query(text + " LIMIT 50", use_default_graph_as_union=True))
            next(iter(store.query(counting, use_default_graph_as_union=True)))

        def whole(text=text):
            store.query(text, use_default_graph_as_union=True).serialize(
                io.BytesIO(), ox.QueryResultsFormat.JSON)

        def paged(request=request):
            run_page(store, request)

        print(f"| {name} | {total} | {median_ms(paged, a.runs):.0f} | "
              f"{median_ms(naive, a.runs):.0f} | {median_ms(whole, a.runs):.0f} |", flush=True)


if __name__ == "__main__":
    main()
