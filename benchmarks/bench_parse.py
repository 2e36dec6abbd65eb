"""Time to parse every report in a corpus directory (run on demand: python benchmarks/bench_parse.py [DIR]).

Reports the median of several rounds per report, and the ratio against a baseline that only reads
and normalises the text (the floor of any extractor), measured side by side in the same run."""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from graph_builder.extract import parse_file
from graph_builder.extract.source import read_source
from graph_builder.extract.units import units


def bench(fn, path: Path, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    rounds = 15
    total = floor = 0.0
    print(f"{'report':48} {'parse ms':>9} {'units ms':>9}")
    for p in sorted(corpus.glob("*.txt")):
        t = bench(parse_file, p, rounds)
        f = bench(lambda q: units(read_source(q)), p, rounds)
        total += t
        floor += f
        print(f"{p.name:48} {t * 1000:9.1f} {f * 1000:9.1f}")
    n = len(list(corpus.glob('*.txt')))
    print(f"whole corpus: {total * 1000:.1f} ms for {n} reports ({total * 1000 / n:.1f} ms per report); "
          f"normalisation floor {floor * 1000:.1f} ms; parse/floor = {total / floor:.2f}x")


if __name__ == "__main__":
    main()
