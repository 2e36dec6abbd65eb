"""Paragraphs in, statements out, at national scale (run on demand).

    .venv/bin/python benchmarks/check_coverage.py [--corpus DIR] [-n 650] [--seed 13]

Parses every report of a corpus (default: N synthetic reports, a seed the tests do not use) and
counts, per report, the prose paragraphs inside its areas and those no statement covers
(graph_builder.extract.coverage). Exits 1 and lists them if any paragraph is lost.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_builder.extract import parse_bytes  # noqa: E402
from graph_builder.extract.coverage import uncovered_paragraphs  # noqa: E402
from graph_builder.extract.source import decode_source  # noqa: E402
from graph_builder.extract.units import units  # noqa: E402
from graph_builder.pipeline.corpus import REPORT_SUFFIXES  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("-n", type=int, default=650)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if corpus is None:
            from graph_builder.synth.generate import synthesise
            corpus = Path(tmp)
            synthesise(args.n, corpus, seed=args.seed)
        t0 = time.perf_counter()
        reports = paragraphs = statements = 0
        lost: list[str] = []
        for path in sorted(p for p in corpus.iterdir() if p.suffix.lower() in REPORT_SUFFIXES
                           and p.name.lower() != "readme.md"):
            data = path.read_bytes()
            src = decode_source(str(path), data)
            model = parse_bytes(str(path), data)
            reports += 1
            paragraphs += sum(1 for u in units(src) if not u.table)
            statements += sum(len(model.get(k, [])) for k in ("findings", "narrative", "recommendations",
                                                                "good_practice", "facts"))
            lost += [f"{path}:{line}: {text[:80]}" for line, text in uncovered_paragraphs(model, src)]
        print(f"{reports} reports, {paragraphs} units, {statements} statements, "
              f"{len(lost)} paragraphs lost, {time.perf_counter() - t0:.1f} s")
        for x in lost[:50]:
            print("  lost", x)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
