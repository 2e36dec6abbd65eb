"""An incremental build: the process timeline of timeline.py when the previous build can be reused
(incremental.previous), with what depends on every quad replaced by what depends on the changes.

Steps 1 to 5 are timeline.fill_store's, unchanged: every graph of the new dataset in memory (the
per-report cache spares the parsing). Then, instead of loading the on-disk store from scratch and
checking every node:

 6. M waits for the staged sorts, forks the export child (every format but the canonical N-Quads,
    and the full-text index: timeline.export_formats), then dumps the graphs not yet staged, sorts them and merges the
    sorted parts into `exports/dataset.nq`, as the full build's export child does.
 7. **The difference**: `comm` of the previous build's dataset.nq and the new one (both sorted, in
    byte order) splits the quads only one of them holds into `removed.nq` and `added.nq`.
 8. **Store patch** (a fresh interpreter, store_patch.py): the previous store hard-linked into
    `store/`, minus the removed quads, plus the added ones, then counted.
 9. M validates meanwhile: the Core shapes only at the nodes the changed quads touch, with the
    previous build's results for the others (validate/reuse.py), the whole-graph shapes whole.
10. M frees the store, waits for the export child, then for the patch's count.

Nothing of the previous build is written to: its store is read through hard links to files
RocksDB never changes, its dataset.nq is only read. A failure anywhere leaves it the current build
(build.py publishes only a finished, conforming, counted build).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from graph_builder.errors import HmicKgError, InternalError
from graph_builder.iris import Minter
from graph_builder.lifetime import give_back_freed_memory
from graph_builder.pipeline.corpus import Manifest
from graph_builder.pipeline.forked import Forked, timed
from graph_builder.pipeline.incremental import Previous
from graph_builder.pipeline.staging import Staging, dump_graphs, start_sort, wait_sort
from graph_builder.pipeline.timeline import (
    VALIDATION_NICE,
    Clock,
    InvalidDataset,
    Outcome,
    Progress,
    export_formats,
    fill_store,
    finish,
)
from graph_builder.validate.validation import validate_store_contents


def run(files: list[Path], work: Path, cache: Path, base: str, manifest: Manifest,
        old_cache: Path | None, previous: Previous, progress: Progress | None = None) -> Outcome:
    """The steps above into `work`, as timeline.run. Raises InvalidDataset, with every process
    stopped, when the dataset does not conform."""
    clock = Clock(progress)
    staging = Staging(work / "staging", None)
    patching = None
    try:
        filled = fill_store(files, work, cache, base, manifest, old_cache, staging, clock)
        store, reports = filled.store, filled.reports
        t = clock.last
        staging.sorted()
        exports = work / "exports"
        exports.mkdir()
        exporting = Forked("writing the exports", _formats, store, exports, base)
        try:
            merge_dataset(store, staging, exports / "dataset.nq")
            merged = time.perf_counter() - t
            removed, added = difference(previous.dataset, exports / "dataset.nq", staging.dir)
            patching = subprocess.Popen(
                [sys.executable, "-m", "graph_builder.pipeline.store_patch", str(previous.store),
                 str(work / "store"), str(removed), str(added)],
                cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            v0 = time.perf_counter()
            sources = {str(Minter(base).report(r.force_id, r.programme)): str(r.path) for r in reports}
            result = validate_store_contents(store, base, sources, threads=os.cpu_count() or 1,
                                             nice=VALIDATION_NICE, previous=previous.results,
                                             changed=[str(removed), str(added)])
            validated = time.perf_counter() - v0
            if not result.conforms:
                raise InvalidDataset(result)
            del store, filled.store
            give_back_freed_memory()
            counts, written = exporting.result()
            stored = _patched(patching)
        finally:
            exporting.stop()
    except BaseException:
        if patching is not None and patching.poll() is None:
            patching.kill()
            patching.wait()
        staging.stop()
        raise
    staging.remove()
    return finish(clock, filled, counts, stored, result,
                  {"merge": merged, "validate": validated, "write (in parallel)": written})


def _formats(store: ox.Store, exports: Path, base: str) -> tuple[dict, float]:
    return timed(lambda: {"quads": len(store), **export_formats(store, exports, base)})


def merge_dataset(store: ox.Store, staging: Staging, target: Path) -> None:
    """The canonical N-Quads: the graphs not yet staged dumped and sorted, merged with the staged
    parts (the full build's export child does the same: timeline._write_exports)."""
    rest = staging.dir / "rest.nq"
    with rest.open("wb") as fh:
        store.dump(fh, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        dump_graphs(store, [g for g in store.named_graphs() if g.value not in staging.graphs], fh)
    sorted_rest = rest.with_suffix(".sorted.nq")
    wait_sort(start_sort([rest], sorted_rest))
    rest.unlink()
    wait_sort(start_sort([*staging.parts, sorted_rest], target, merge=True))


def difference(old: Path, new: Path, into: Path) -> tuple[Path, Path]:
    """The lines only `old` holds and those only `new` holds, each in a file of its own: comm(1)
    of two files sorted in byte order (it refuses unsorted input, which would give a wrong
    difference)."""
    removed, added = into / "removed.nq", into / "added.nq"
    with removed.open("wb") as r, added.open("wb") as a:
        proc = subprocess.Popen(["comm", "-3", "--check-order", str(old), str(new)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env={**os.environ, "LC_ALL": "C"})
        # A line of the second column comes with a tab before it; an N-Quads line never starts
        # with one (it starts with the subject), so the first byte tells the columns apart.
        for line in proc.stdout:
            if line.startswith(b"\t"):
                a.write(line[1:])
            else:
                r.write(line)
        _, err = proc.communicate()
    if proc.returncode != 0:
        raise HmicKgError(f"comparing {new} with the previous build's {old} failed: "
                          f"{err.decode(errors='replace').strip()[-300:]}")
    return removed, added


def _patched(proc: subprocess.Popen) -> int:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise InternalError(f"patching the previous build's store failed (exit code {proc.returncode}): "
                            f"{err.decode(errors='replace').strip()[-500:]}")
    if not out.strip().isdigit():
        raise InternalError(f"patching the store: no size reported ({out[-200:]!r})")
    return int(out)
