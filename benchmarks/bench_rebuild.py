"""One build of a corpus after one of its reports changed: the command farm-bench times.

    python benchmarks/bench_rebuild.py CORPUS OUT            # incremental (from the build in OUT)
    python benchmarks/bench_rebuild.py CORPUS OUT --fresh    # full, from nothing (OUT removed first)

Each run first rewords one report of CORPUS (the first file, " the force " <-> " the constabulary "
in turn), so consecutive incremental runs each see exactly one changed report. Give the two
commands corpora of their own (copies), or each would undo the other's change. Side by side:

    farm-bench -n 2 --warmup 1 --timeout 3600 \\
      -- python benchmarks/bench_rebuild.py C1 OUT1 --vs "python benchmarks/bench_rebuild.py C2 OUT2 --fresh"

The warm-up of the incremental command is its first, full, build. Each run appends its build
record's timings to OUT.log (beside OUT).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph_builder.pipeline.build import build_dataset
from graph_builder.pipeline.corpus import discover

A, B = " the force ", " the constabulary "


def reword(corpus: Path) -> str:
    report = discover(corpus)[0]
    text = report.read_text(encoding="utf-8")
    if B in text:
        report.write_text(text.replace(B, A, 1), encoding="utf-8")
    elif A in text:
        report.write_text(text.replace(A, B, 1), encoding="utf-8")
    else:
        raise SystemExit(f"{report}: neither {A!r} nor {B!r} to reword")
    return report.name


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--fresh", action="store_true", help="remove OUT first: a full build from nothing")
    args = ap.parse_args()
    if args.fresh:
        shutil.rmtree(args.out, ignore_errors=True)
        shutil.rmtree(args.out.with_name(f".{args.out.name}.versions"), ignore_errors=True)
    changed = reword(args.corpus)
    record = build_dataset(args.corpus, args.out, full=args.fresh)
    line = {"changed": changed, "incremental": record["incremental"], "from_cache": record["reports_from_cache"],
            "quads": record["counts"]["quads"], "timings_s": record["timings_s"]}
    with args.out.with_name(args.out.name + ".log").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
